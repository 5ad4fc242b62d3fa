"""End to end: the real ``scrapy crawl oldsite`` against the replica, into a
real MongoDB-wire server."""


import pytest

from tests.replica.site import EXPECTED_DOCS, NOT_STORED_PATHS

BANNER_MARKERS = ("old site of Iran International", "no longer updated",
                  "سایت قدیمی ایران اینترنشنال")


@pytest.fixture(scope="module")
def crawled(replica, module_db, crawl):
    """One crawl of the replica, shared by the tests of this module."""
    result = crawl(replica.base_url, module_db.name)
    assert result.returncode == 0, result
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
    for field in ("language", "kind", "title", "body", "section", "tags", "authors",
                  "published_at", "published_raw"):
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
        assert doc["kind"] in ("article", "brief")
        assert "?" not in doc["url"] and "#" not in doc["url"]
        text = " ".join(str(doc.get(f) or "") for f in ("title", "body", "summary"))
        for marker in BANNER_MARKERS:
            assert marker not in text, (doc["url"], marker)
        assert not doc["body"].rstrip().endswith(("More", "بیشتر"))
        assert "\n\n\n" not in doc["body"] and "&nbsp;" not in doc["body"]


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
