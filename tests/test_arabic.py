"""The Arabic edition: its pages through the spider and the pipelines
(in-process, from the replica's HTML), then one real crawl of ``/ar`` into
MongoDB. Every stored Arabic title and body is checked exactly."""

import pytest
from scrapy.http import HtmlResponse, Request

from newscrawl.items import ArticleItem
from newscrawl.pipelines.clean import CleanTextPipeline
from newscrawl.pipelines.dates import DatesPipeline
from newscrawl.text.chars import TASHKEEL_RE, fold
from tests.replica import arabic, site
from tests.spiders import make_spider

ORIGIN = "http://127.0.0.1:8765"
EXPECTED_AR = [e for e in site.EXPECTED_DOCS if e["language"] == "ar"]
FIELDS = site.EXPECTED_FIELDS
# Letters the Persian rules would write instead of the Arabic ones.
PERSIAN_ONLY = "\u06cc\u06a9۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def test_the_edition_is_complete():
    assert len(EXPECTED_AR) == len(arabic.ALL_DOCS) >= 8
    for section in arabic.SECTIONS:  # two pages each: the pager is crawled
        assert sum(e["path"].startswith(section.path + "/") for e in EXPECTED_AR) > site.PER_PAGE
    assert site.render("/ar").status == 200
    assert site.render("/ar/إيران", "page=1").status == site.render("/ar/اقتصاد").status == 200
    assert "pager-next" in site.render("/ar/اقتصاد").body.decode()


def crawl_in_process(path):
    """The items the spider and the text pipelines make of one replica page."""
    spider = make_spider(ORIGIN, render="never")
    crawler = spider.crawler
    url = ORIGIN + site.enc(path)
    page = site.render(path, origin=ORIGIN)
    response = HtmlResponse(url, body=page.body, encoding="utf-8", request=Request(url))
    items = [r for r in spider.parse(response) if isinstance(r, ArticleItem)]
    clean, dates = CleanTextPipeline(), DatesPipeline(crawler.stats)
    return [dates.process_item(clean.process_item(i)) for i in items], crawler.stats


@pytest.mark.parametrize("expected", EXPECTED_AR, ids=lambda e: e["path"])
def test_page_to_item(expected):
    items, _ = crawl_in_process(expected["path"])
    assert len(items) == 1
    check_fields(items[0], expected)
    assert items[0]["search_text"] == fold_expected(expected)


def check_fields(stored, expected):
    """Every stored field as written in ``arabic.py`` (the press review's date
    is its kicker line, read by extraction)."""
    for name in FIELDS:
        assert stored[name] == expected[name], name


def fold_expected(expected):
    """search_text written out: title line, then one line per paragraph."""
    lines = [expected["title"]] + expected["body"].split("\n\n")
    return "\n".join(" ".join(fold(line).split()) for line in lines)


def test_yearless_date_is_null_and_counted():
    doc = next(d for d in arabic.ALL_DOCS if d.published_at is None)
    items, stats = crawl_in_process(doc.path)
    assert items[0]["published_at"] is None and items[0]["published_raw"] == doc.date_text
    assert stats.get_value("dates/no_year") == 1


# ---------------------------------------------------------------- end to end
@pytest.fixture(scope="module")
def crawled_ar(replica, module_db, crawl):
    result = crawl(replica.base_url, module_db.name, "-a", "languages=ar")
    assert result.returncode == 0, result
    return result, module_db


def test_arabic_crawl_stores_every_article_once(crawled_ar, replica):
    result, db = crawled_ar
    urls = [d["url"] for d in db.articles.find()]
    assert sorted(urls) == sorted(replica.url(e["path"]) for e in EXPECTED_AR)
    assert result.stats["items/ar/article"] == len(EXPECTED_AR)
    assert result.stats["dates/no_year"] == 1


@pytest.mark.parametrize("expected", EXPECTED_AR, ids=lambda e: e["path"])
def test_arabic_stored_fields(crawled_ar, replica, expected):
    _, db = crawled_ar
    doc = db.articles.find_one({"url": replica.url(expected["path"])})
    check_fields(doc, expected)
    assert len(doc["image_urls"]) == expected["image_count"]
    # Arabic letters, tashkeel and digits stay as written; search_text folds them.
    text = doc["title"] + doc["body"]
    assert not any(c in text for c in PERSIAN_ONLY)
    assert doc["search_text"] == fold_expected(expected)
    assert not TASHKEEL_RE.search(doc["search_text"])
    assert not any(c in doc["search_text"] for c in ARABIC_DIGITS)


def test_arabic_search_keys(crawled_ar):
    _, db = crawled_ar
    shortage = db.articles.find_one({"search_text": {"$regex": "قرارا جدیدا لمواجهه شح"}})
    assert shortage is not None and "قرارًا جديدًا لمواجهة شُحّ" in shortage["title"]
    deaths = db.articles.find_one({"search_text": {"$regex": "وفاه 229 مریضا"}})
    assert deaths is not None and "٢٢٩" in deaths["title"]
    assert "2,500" in deaths["search_text"] and "85%" in deaths["search_text"]
    for doc in db.articles.find():
        for marker in ("الموقع القديم", "فيسبوك", "اقرأ المزيد"):
            assert marker not in doc["body"], (doc["url"], marker)
