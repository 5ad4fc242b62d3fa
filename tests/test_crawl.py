"""End to end: the real ``scrapy crawl oldsite`` against the replica, into a
real MongoDB-wire server."""

import subprocess
import sys
from collections import Counter

import pytest

from tests.replica import content
from tests.replica.site import (
    BRIEF_BLOCK_PER_PAGE,
    EXPECTED_DOCS,
    EXPECTED_FIELDS,
    NOT_STORED_PATHS,
    resolve,
    writer_path,
)

BANNER_MARKERS = (
    "old site of Iran International",
    "no longer updated",
    "سایت قدیمی ایران اینترنشنال",
)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["-a", "languages=xx"], "languages must be a comma-separated subset of en,fa,ar"),
        (["-a", "render=sometimes"], "render must be one of never, auto, always"),
        (["-s", "BLOCK_PAGERS=twice"], "BLOCK_PAGERS must be one of once, every"),
    ],
)
def test_a_bad_argument_is_one_error_line_and_exit_status_2(arguments, message):
    """#19: no traceback, nothing crawled, the status of a usage error."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "oldsite", *arguments, "-s", "LOG_LEVEL=INFO"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert result.returncode == 2, result.stderr
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr and "Spider opened" not in result.stderr


@pytest.fixture(scope="module")
def crawled(replica, module_db, crawl):
    """One crawl of the replica, shared by the tests of this module (with
    the requests it made: ``result.hits``)."""
    before = Counter(replica.hits)
    result = crawl(replica.base_url, module_db.name)
    assert result.returncode == 0, result
    result.hits = Counter(replica.hits) - before
    return result, module_db


def test_every_article_and_brief_stored_once(crawled, replica):
    result, db = crawled
    docs = list(db.articles.find())
    urls = [d["url"] for d in docs]
    assert len(urls) == len(set(urls))
    expected = {replica.url(e["path"]) for e in EXPECTED_DOCS}
    assert set(urls) == expected
    assert result.stats["mongo/inserted"] == len(EXPECTED_DOCS)


@pytest.mark.parametrize("expected", EXPECTED_DOCS, ids=lambda e: e["path"])
def test_stored_fields(crawled, replica, expected):
    _, db = crawled
    doc = db.articles.find_one({"url": replica.url(expected["path"])})
    assert doc is not None
    for field in EXPECTED_FIELDS:
        assert doc[field] == expected[field], field
    assert len(doc["image_urls"]) == expected["image_count"]
    assert all(u.startswith(replica.base_url + "/sites/") for u in doc["image_urls"])
    assert len(doc["content_hash"]) == 64
    assert doc["first_seen_at"] == doc["last_seen_at"]
    assert (doc["source"], doc["capture_timestamp"]) == ("live", None)


def test_nothing_but_articles_and_briefs(crawled, replica):
    result, db = crawled
    assert not any(k.startswith("wayback/") for k in result.stats)
    for path in NOT_STORED_PATHS:
        assert db.articles.count_documents({"url": replica.url(path)}) == 0, path
    for doc in db.articles.find():
        assert doc["url"].startswith(replica.base_url + "/")
        assert doc["kind"] in ("article", "brief", "video")
        assert "?" not in doc["url"] and "#" not in doc["url"]
        text = " ".join(str(doc.get(f) or "") for f in ("title", "body", "summary"))
        for marker in BANNER_MARKERS:
            assert marker not in text, (doc["url"], marker)
        assert not doc["body"].rstrip().endswith(("More", "بیشتر"))
        assert "\n\n\n" not in doc["body"] and "&nbsp;" not in doc["body"]


def test_read_more_links_in_a_body_lead_to_articles(crawled, replica):
    """Issue 19: only the "More" links of the Iran in Brief block make briefs."""
    _, db = crawled
    for path in (
        content.READ_MORE_TARGET_EN,
        content.READ_MORE_TARGET_FA,
        "/en/world/european-powers-urge-iran-cooperate-iaea",
    ):
        assert db.articles.find_one({"url": replica.url(path)})["kind"] == "article", path
    kinds = Counter(d["kind"] for d in db.articles.find())
    assert kinds == Counter(e["kind"] for e in EXPECTED_DOCS)


def test_each_page_once(crawled, replica):
    """Issue 12: the Iran in Brief block's pages once per edition, no page twice,
    and every brief stored, also those only on the block's later pages."""
    result, db = crawled
    doc_paths = {e["path"] for e in EXPECTED_DOCS}
    assert not {p: n for p, n in result.hits.items() if n > 1 and p != "/robots.txt"}
    block_pages = sum(
        -(
            -sum(e["kind"] == "brief" and e["language"] == lang for e in EXPECTED_DOCS)
            // BRIEF_BLOCK_PER_PAGE
        )
        - 1
        for lang in ("en", "fa")
    )
    paged = [p for p in result.hits if "?page=" in p and p.split("?")[0] in doc_paths]
    assert len(paged) == block_pages == 3
    fetched = sum(n for p, n in result.hits.items() if p.split("?")[0] in doc_paths)
    assert fetched == len(EXPECTED_DOCS) + block_pages
    later = [e for e in EXPECTED_DOCS if e["kind"] == "brief"][BRIEF_BLOCK_PER_PAGE:]
    assert all(db.articles.find_one({"url": replica.url(e["path"])}) for e in later)
    assert result.stats["oldsite/pagers/sitewide_skipped"] > 0


def test_real_url_and_page_shapes(crawled, replica):
    """Issue 13: links encoded twice or with NBSP give one document; briefs
    under /en/iran-in-brief/, videos, writer pages, the ticker, other nodes."""
    result, db = crawled
    nbsp = db.articles.find({"url": replica.url(content.NBSP_PATH)})
    assert [d["url"].endswith("%C2%A0") for d in nbsp] == [True]
    assert db.articles.find_one({"url": replica.url(content.DOUBLE_ENCODED_PATH)}) is not None
    # Never a request with a spelling the site does not know.
    assert not any("%" in p for p in result.hits)
    # Only /en/world/removed-article is missing (and /ar, while the replica has no Arabic edition).
    assert result.stats["oldsite/http_status/404"] == 1 + (resolve("/ar") is None)
    brief = db.articles.find_one({"url": replica.url(content.IRAN_IN_BRIEF_PATH)})
    assert brief["kind"] == "brief"
    video = db.articles.find_one({"url": replica.url(content.VIDEO_PATH)})
    assert (video["kind"], video["language"]) == ("video", "fa")
    expected = next(e for e in EXPECTED_DOCS if e["path"] == content.VIDEO_PATH)
    assert video["video_urls"] == expected["video_urls"]
    assert video["poster_url"] == replica.base_url + expected["poster_path"]
    assert result.stats["items/fa/video"] == 1
    # Writer pages and /breaking-news are listings: fetched, followed, not stored.
    for name in ("سارا احمدی", "مریم رضایی"):
        assert result.hits[writer_path(name)] == 1
    assert result.hits[content.BREAKING_PATH] == 1
    for headline in content.BREAKING_NEWS:
        assert db.articles.count_documents({"search_text": {"$regex": headline}}) == 0
    assert result.stats["oldsite/pages/other/page"] == 1  # the TV schedule
    assert db.articles.count_documents({"url": replica.url(content.SCHEDULE["path"])}) == 0


def test_polite_and_on_site(crawled, replica):
    result, _ = crawled
    assert result.stats.get("robotstxt/forbidden", 0) >= 1  # /en/contact, linked on every page
    assert "/en/contact" not in replica.hits
    assert result.stats.get("downloader/response_status_count/404", 0) >= 1
    assert not any(p.startswith("/en/user") for p in replica.hits)


def test_dates_precision_and_search_keys(crawled, replica):
    _, db = crawled
    date_only = db.articles.find_one({"published_raw": "۲۹ تیر ۱۳۹۹"})
    assert date_only["published_precision"] == "date"
    assert date_only["published_at"].isoformat() == "2020-07-18T19:30:00+00:00"
    timed = db.articles.find_one({"published_raw": "دوشنبه ۳۰ تیر ۱۳۹۹ - ۰۹:۱۵"})
    assert timed["published_precision"] == "datetime"
    relative = db.articles.find_one({"published_raw": "۲ ساعت ۴۴ دقیقه پیش"})
    assert relative["published_at"] is None and relative["published_precision"] is None
    impossible = db.articles.find_one({"published_raw": "۳۱ اسفند ۱۳۹۹"})
    assert impossible["published_at"] is None
    result, _ = crawled
    assert result.stats["dates/unparsed"] == 1 and result.stats["dates/relative"] == 1
    # Search keys fold digits and letter variants; the stored text stays faithful.
    doc = db.articles.find_one({"search_text": {"$regex": "مرگ 229 بیمار"}})
    assert doc is not None and "مرگ ۲۲۹ بیمار" in doc["body"]


def test_recrawl_changes_nothing_but_last_seen(crawled, replica, crawl):
    """Last in the module: the second crawl of the module's database."""
    _, db = crawled
    before = {d["url"]: d for d in db.articles.find()}
    second = crawl(replica.base_url, db.name)
    assert second.returncode == 0, second
    after = {d["url"]: d for d in db.articles.find()}
    assert after.keys() == before.keys()
    assert second.stats["mongo/unchanged"] == len(before)
    assert "mongo/inserted" not in second.stats and "mongo/updated" not in second.stats
    for url, doc in after.items():
        assert doc["_id"] == before[url]["_id"]
        assert doc["first_seen_at"] == before[url]["first_seen_at"]
        assert doc["last_seen_at"] > before[url]["last_seen_at"]
        assert doc["content_hash"] == before[url]["content_hash"]
