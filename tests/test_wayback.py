"""Recovering the old site from the Wayback Machine: the real ``scrapy crawl
oldsite -a source=wayback`` against a fake archive on loopback (CDX API and
``id_`` replay over the replica), into a real MongoDB-wire server."""

import time
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from scrapy.http import Request, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import wayback
from newscrawl.middlewares import WaybackThrottleMiddleware
from newscrawl.spiders.oldsite import OldsiteSpider
from newscrawl.urls import article_key
from tests.replica import wayback as archive_data
from tests.replica.site import EXPECTED_DOCS, EXPECTED_FIELDS
from tests.replica.wayback import ALIAS, NEW_SITE_URL, doc_captures, expected_body, start

BASE = "https://old.iranintl.com"
CDX_RATE = 300  # a minute: 0.2 s apart, so that the test takes seconds
FAST = {
    "WAYBACK_CDX_RATE": str(CDX_RATE),
    "WAYBACK_REPLAY_RATE": "6000",
    "WAYBACK_REPLAY_CONCURRENCY": "3",
    "WAYBACK_CDX_LIMIT": "20",
}
HOST_END = {"old.iranintl.com": None, "iranintl.com": "202109"}  # settings.WAYBACK_HOSTS
# Distinct pages the fake archive holds for both languages: the documents, the
# Arabic-yeh alias, and the listings /en, /, /en/world (and ?page=1), /سیاست, /en/contact.
LISTED_PAGES = len(EXPECTED_DOCS) + 1 + 5


def old_url(path):
    return BASE + quote(path, safe="/")


def from_wayback(crawl, archive, database, *args, settings=None):
    return crawl(
        BASE,
        database,
        "-a",
        "source=wayback",
        *args,
        settings={**archive.settings(), **FAST, **(settings or {})},
    )


def eligible(capture, start=None, end=None):
    """Whether a capture may be chosen: what the CDX query lets through."""
    host = urlsplit(capture.original).hostname.removeprefix("www.")
    return (
        capture.statuscode == "200"
        and capture.mimetype == "text/html"
        and wayback.within(capture.timestamp, start, wayback.earliest(end, HOST_END[host]))
    )


def newest(path, start=None, end=None):
    found = [c for c in doc_captures(path) if eligible(c, start, end)]
    return max(found, key=lambda c: c.timestamp) if found else None


# ---------------------------------------------------------------- the newest
@pytest.fixture(scope="module")
def archived(module_db, crawl):
    """One crawl of a fake archive whose first CDX answer is a 429, with
    AutoThrottle on (it must leave the archive's pace alone)."""
    with start(throttle=1, retry_after="1") as archive:
        result = from_wayback(
            crawl, archive, module_db.name, settings={"AUTOTHROTTLE_ENABLED": "True"}
        )
    assert result.returncode == 0, result
    return SimpleNamespace(
        result=result,
        db=module_db,
        stats=result.stats,
        archive=archive,
        cdx=list(archive.cdx_log),
        replays=list(archive.replay_log),
    )


def test_every_document_recovered_once_under_its_old_site_url(archived):
    docs = list(archived.db.articles.find())
    assert sorted(d["url"] for d in docs) == sorted(old_url(e["path"]) for e in EXPECTED_DOCS)
    assert archived.stats["mongo/inserted"] == len(EXPECTED_DOCS)
    assert archived.stats["finish_reason"] == "finished"
    assert "Traceback" not in archived.result.log


@pytest.mark.parametrize("expected", EXPECTED_DOCS, ids=lambda e: e["path"])
def test_the_newest_capture_is_stored(archived, expected):
    doc = archived.db.articles.find_one({"url": old_url(expected["path"])})
    chosen = newest(expected["path"])
    assert chosen.version == "newest"  # the fake's own promise
    assert (doc["source"], doc["capture_timestamp"]) == ("wayback", chosen.timestamp)
    for field in EXPECTED_FIELDS:
        assert doc[field] == expected[field], field
    assert len(doc["image_urls"]) == expected["image_count"]


def test_captures_of_every_host_and_spelling_make_one_document(archived):
    hosts = {urlsplit(e["original"]).netloc for e in archived.replays}
    assert hosts == {"old.iranintl.com", "old.iranintl.com:80", "iranintl.com"}
    from_iranintl = [e for e in EXPECTED_DOCS if "//iranintl.com/" in newest(e["path"]).original]
    assert from_iranintl and all(
        archived.db.articles.find_one({"url": old_url(e["path"])}) for e in from_iranintl
    )
    # The alias and its canonical spelling are two pages of the capture list but one article.
    assert archived.db.articles.count_documents({"url": old_url(ALIAS[1])}) == 1
    assert archived.stats["oldsite/duplicate_pages"] == 1
    # One replay per page, whatever the scheme, www, port, percent-encoding or query.
    assert archived.stats["wayback/urls"] == LISTED_PAGES
    assert len(archived.replays) == LISTED_PAGES
    assert all(e["status"] == 200 for e in archived.replays)


def test_filtered_captures_and_the_new_site_are_never_replayed(archived):
    replayed = {(e["timestamp"], e["original"]) for e in archived.replays}
    assert not any(NEW_SITE_URL in original for _, original in replayed)
    assert archived.db.articles.count_documents({"url": {"$regex": "202201051234"}}) == 0
    fetched = {c for c in archive_data.CAPTURES if (c.timestamp, c.original) in replayed}
    assert all(c.statuscode == "200" and c.mimetype == "text/html" for c in fetched)
    # Only the archive was asked: no live site, no robots.txt.
    assert archived.stats["downloader/request_count"] == len(archived.cdx) + len(archived.replays)


def test_cdx_queries_ask_for_every_capture_page_by_page(archived):
    queries = {}
    for entry in archived.cdx:
        params = {k: v for k, v in entry["params"].items() if k != "resumeKey"}
        assert params["output"] == ["json"] and params["matchType"] == ["prefix"]
        assert params["filter"] == ["statuscode:200", "mimetype:text/html"]
        assert params["showResumeKey"] == ["true"] and params["limit"] == ["20"]
        assert "page" not in params and "collapse" not in params
        queries.setdefault(params["url"][0], []).append(entry)
    assert set(queries) == {"old.iranintl.com/", "iranintl.com/"}
    assert "to" not in queries["old.iranintl.com/"][0]["params"]
    assert queries["iranintl.com/"][0]["params"]["to"] == ["202109"]
    for pages in queries.values():
        answered = [e for e in pages if e["status"] == 200]
        assert len(answered) > 1  # more than one page was needed
        assert "resumeKey" not in answered[0]["params"]
        assert all("resumeKey" in e["params"] for e in answered[1:])
        # The other parameters stay the same from page to page.
        first = dict(answered[0]["params"].items())
        for entry in answered[1:]:
            assert {k: v for k, v in entry["params"].items() if k != "resumeKey"} == first


def test_cdx_requests_one_at_a_time_at_the_rate_and_after_retry_after(archived):
    calls = sorted(archived.cdx, key=lambda e: e["start"])
    assert archived.archive.max_in_flight["cdx"] == 1
    for before, after in zip(calls, calls[1:], strict=False):
        assert after["start"] >= before["end"]  # never two at once
        # The slot's pace, 60 / CDX_RATE s from one request to the next: the
        # server sees arrivals, each some milliseconds after its send.
        assert after["start"] - before["start"] >= 0.5 * 60 / CDX_RATE
    paced = calls[1:]  # after the pause
    assert (paced[-1]["start"] - paced[0]["start"]) / (len(paced) - 1) >= 0.95 * 60 / CDX_RATE
    throttled = [i for i, e in enumerate(calls) if e["status"] == 429]
    assert throttled == [0]
    assert calls[1]["start"] - calls[0]["end"] >= 1.0  # Retry-After: 1
    assert calls[1]["params"] == calls[0]["params"]  # the same request, retried
    assert archived.archive.max_in_flight["replay"] <= 3  # WAYBACK_REPLAY_CONCURRENCY


def test_stats_and_a_log_line_per_cdx_page(archived):
    stats, answered = archived.stats, [e for e in archived.cdx if e["status"] == 200]
    assert stats["wayback/cdx_requests"] == len(archived.cdx)
    assert stats["wayback/throttled"] == 1
    assert stats["wayback/captures_listed"] == sum(e["rows"] for e in answered)
    assert stats["wayback/replays"] == len(archived.replays)
    assert "wayback/cdx_failed" not in stats
    lines = [line for line in archived.result.log.splitlines() if "Wayback CDX " in line]
    assert len(lines) == len(answered)
    assert sum("resuming at" in line for line in lines) == len(answered) - 2
    assert "429 (too many requests, Retry-After: 1)" in archived.result.log


# ---------------------------------------------------------------- choices
def test_at_takes_the_closest_capture(mongo_db, crawl):
    with start() as archive:
        result = from_wayback(crawl, archive, mongo_db.name, "-a", "at=20200815")
    assert result.returncode == 0, result
    assert mongo_db.articles.count_documents({}) == len(EXPECTED_DOCS)
    for expected in EXPECTED_DOCS:
        doc = mongo_db.articles.find_one({"url": old_url(expected["path"])})
        assert doc["capture_timestamp"].startswith("202008"), expected["path"]
        assert doc["body"] == expected_body(expected, "earlier"), expected["path"]
        assert doc["title"] == expected["title"]
    # A top-up replays only what is not stored yet: the listings and the alias.
    with start() as archive:
        top_up = from_wayback(
            crawl, archive, mongo_db.name, "-a", "at=20200815", "-a", "skip_known=1"
        )
    assert top_up.returncode == 0, top_up
    assert top_up.stats["oldsite/skipped_known"] == len(EXPECTED_DOCS)
    assert len(archive.replay_log) == LISTED_PAGES - len(EXPECTED_DOCS)
    assert top_up.stats["mongo/unchanged"] == 1  # the alias, stored under its canonical URL


def test_from_and_to_bound_the_captures(mongo_db, crawl):
    start_ts, end_ts = "2021", "20211231"
    with start() as archive:
        result = from_wayback(
            crawl,
            archive,
            mongo_db.name,
            "-a",
            f"from={start_ts}",
            "-a",
            f"to={end_ts}",
            "-a",
            "languages=en",
        )
    assert result.returncode == 0, result
    sent = {e["params"]["url"][0]: e["params"] for e in archive.cdx_log}
    assert sent["old.iranintl.com/en/"]["from"] == ["2021"]
    assert sent["old.iranintl.com/en/"]["to"] == ["20211231"]
    assert sent["iranintl.com/en/"]["to"] == ["202109"]  # the tighter of the two
    wanted = {
        e["path"]: (e, newest(e["path"], start_ts, end_ts))
        for e in EXPECTED_DOCS
        if e["language"] == "en"
    }
    wanted = {path: pair for path, pair in wanted.items() if pair[1] is not None}
    assert 0 < len(wanted) < len(EXPECTED_DOCS) // 2
    docs = {d["url"]: d for d in mongo_db.articles.find()}
    assert set(docs) == {old_url(path) for path in wanted}
    for path, (expected, chosen) in wanted.items():
        doc = docs[old_url(path)]
        assert doc["capture_timestamp"] == chosen.timestamp
        assert "2021" <= doc["capture_timestamp"] <= "20211231235959"
        assert doc["body"] == expected_body(expected, chosen.version)


def test_a_mirror_that_ignores_the_filters_changes_nothing(mongo_db, crawl):
    with start(honour_filters=False) as archive:
        result = from_wayback(crawl, archive, mongo_db.name, "-a", "languages=fa")
    assert result.returncode == 0, result
    fa = [e for e in EXPECTED_DOCS if e["language"] == "fa"]
    assert mongo_db.articles.count_documents({}) == len(fa)
    for expected in fa:
        doc = mongo_db.articles.find_one({"url": old_url(expected["path"])})
        assert doc["capture_timestamp"] == newest(expected["path"]).timestamp
    assert all(e["status"] == 200 for e in archive.replay_log)


def test_an_incomplete_capture_list_is_said_and_fails_the_crawl(mongo_db, crawl):
    with start(down=("iranintl.com/",)) as archive:
        result = from_wayback(crawl, archive, mongo_db.name)
    assert result.returncode == 1 and result.stats["finish_reason"] == "wayback_incomplete"
    assert "The Wayback Machine capture list is incomplete" in result.log
    assert result.stats["wayback/cdx_failed"] == 1
    # What old.iranintl.com holds is still stored.
    on_old_host = [
        e
        for e in EXPECTED_DOCS
        if any(eligible(c) and "old.iranintl.com" in c.original for c in doc_captures(e["path"]))
    ]
    assert mongo_db.articles.count_documents({}) == len(on_old_host) > 0


# ---------------------------------------------------------------- pieces
def test_cdx_answers_and_resume_keys():
    assert wayback.parse_cdx("") == ([], None)
    assert wayback.parse_cdx("[]") == ([], None)
    text = (
        '[["timestamp","original"],["20200101000000","http://old.iranintl.com/en/x"],'
        '[],["com%2Ciranintl%2Cold%29%2Fen%2Fx+20200101000000%21"]]'
    )
    rows, key = wayback.parse_cdx(text)
    assert rows == [{"timestamp": "20200101000000", "original": "http://old.iranintl.com/en/x"}]
    url = wayback.cdx_url("http://a/cdx", "old.iranintl.com/", None, "2021", 5, key)
    # Sent back as the CDX documentation shows it, not encoded twice.
    assert url.endswith("&resumeKey=com%2Ciranintl%2Cold%29%2Fen%2Fx+20200101000000%21")
    assert "&to=2021&" in url and "from=" not in url
    with pytest.raises(ValueError):
        wayback.parse_cdx('{"error": "busy"}')


def test_archived_urls_map_to_one_old_site_url():
    hosts = wayback.site_hosts({"old.iranintl.com": "", "iranintl.com": "2021"}, "old.iranintl.com")
    path = "/ایران/کم‌آبی-در-خوزستان"
    upper = quote(path, safe="/")
    variants = [
        f"https://old.iranintl.com{upper}",
        f"http://old.iranintl.com:80{upper}",
        f"https://www.iranintl.com{upper.lower()}",
        f"http://iranintl.com{upper}?utm_source=x",
        f"https://iranintl.com{path}",
        f"old.iranintl.com{upper}/",
    ]
    keys = {article_key(wayback.on_site(v, BASE, hosts)) for v in variants}
    assert keys == {old_url(path)}
    assert wayback.on_site("https://twitter.com/IranIntl", BASE, hosts) is None


def test_the_newest_or_the_closest_capture_is_kept():
    newest_kept = wayback.Captures()
    for ts in ("20200101000000", "20220101000000", "20210101000000"):
        newest_kept.offer("k", ts, ts)
    assert newest_kept.best["k"][0] == "20220101000000"
    closest = wayback.Captures(at="2021")
    for ts in ("20200101000000", "20220101000000", "20210301000000"):
        closest.offer("k", ts, ts)
    assert closest.best["k"][0] == "20210301000000"
    tie = wayback.Captures(at="20210101")
    for ts in ("20201231000000", "20210102000000"):
        tie.offer("k", ts, ts)
    assert tie.best["k"][0] == "20210102000000"  # as close: the newer
    assert wayback.moment("20200200") == datetime(2020, 2, 1, tzinfo=UTC)


def test_queries_follow_languages_and_host_ends():
    hosts = {"old.iranintl.com": "", "iranintl.com": "202109"}
    assert wayback.queries(hosts, ("en",)) == [
        ("old.iranintl.com/en/", None, None),
        ("iranintl.com/en/", None, "202109"),
    ]
    assert wayback.queries(hosts, ("en", "fa"), "2022", "2023") == [
        ("old.iranintl.com/", "2022", "2023")
    ]
    assert wayback.queries(hosts, ("fa",), None, "2019")[1] == ("iranintl.com/", None, "2019")


def test_spider_arguments_are_checked():
    with pytest.raises(ValueError, match="source=wayback"):
        OldsiteSpider(**{"from": "2020"})
    with pytest.raises(ValueError, match="1 to 14 digits"):
        OldsiteSpider(source="wayback", at="2020-01-01")
    with pytest.raises(ValueError, match="after"):
        OldsiteSpider(source="wayback", **{"from": "2022", "to": "2021"})
    with pytest.raises(ValueError, match="source must be"):
        OldsiteSpider(source="archive")
    crawler = get_crawler(OldsiteSpider)
    with pytest.raises(ValueError, match="render cannot be used"):
        OldsiteSpider.from_crawler(crawler, source="wayback", render="auto")


def test_retry_after_values():
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert wayback.retry_after("7") == 7.0
    assert wayback.retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert wayback.retry_after("soon") is None and wayback.retry_after("") is None


class _Stats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def test_429s_pause_the_slot_and_back_off():
    slot = SimpleNamespace(delay=0.5, lastseen=0.0)
    settings = Settings(
        {"WAYBACK_BACKOFF": 10, "WAYBACK_BACKOFF_MAX": 100, "WAYBACK_RETRY_TIMES": 3}
    )
    engine = SimpleNamespace(downloader=SimpleNamespace(slots={wayback.REPLAY_SLOT: slot}))
    crawler = SimpleNamespace(settings=settings, stats=_Stats(), engine=engine)
    mw = WaybackThrottleMiddleware.from_crawler(crawler)
    result = Request(
        "http://archive/web/20200101000000id_/http://old.iranintl.com/en",
        meta={"download_slot": wayback.REPLAY_SLOT},
    )
    waits = []
    for retry_after in ("2", None, None, None):
        request = result
        slot.lastseen = sent = time.monotonic()
        headers = {"Retry-After": retry_after} if retry_after else {}
        result = mw.process_response(request, Response(request.url, status=429, headers=headers))
        waits.append(round(slot.lastseen + slot.delay - sent))  # the slot's next send
    # Retry-After, then WAYBACK_BACKOFF doubled for each 429 in a row.
    assert waits == [2, 20, 40, 80]
    # Retried WAYBACK_RETRY_TIMES times, then given up (and not retried by RetryMiddleware).
    assert isinstance(result, Response) and result.status == 429
    assert request.meta["wayback_throttled"] == 3 and request.meta["dont_retry"] is True
    assert crawler.stats.values["wayback/throttled"] == 4
    # A good answer after the pause ends the run of 429s.
    mw.paused_until[wayback.REPLAY_SLOT] = time.monotonic() - 1
    mw.process_response(request, Response(request.url, status=200))
    assert wayback.REPLAY_SLOT not in mw.strikes
