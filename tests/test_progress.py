"""The progress line during a crawl, and the summary line at its end."""

import logging

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.extensions import CrawlSummary, Progress, listing_pages, work_left
from newscrawl.spiders.oldsite import OldsiteSpider
from tests.replica.site import EXPECTED_DOCS

BASE = "http://oldsite.test"
PAGER = """<html><body><div class="item-list"><ul class="pager">
<li class="pager-current">1</li><li class="pager-item"><a href="/en/world?page=1">2</a></li>
<li class="pager-last last"><a href="/en/world?page={last}">last »</a></li></ul></div>
</body></html>"""


@pytest.fixture
def progress():
    crawler = get_crawler(OldsiteSpider, {"PROGRESS_INTERVAL": 60.0})
    spider = OldsiteSpider(base_url=BASE)
    ext = Progress.from_crawler(crawler)
    ext.bind(spider)  # spider_opened, without its looping call
    return ext, crawler.stats, spider


def page(path, body):
    return HtmlResponse(BASE + path, body=body.encode(), request=Request(BASE + path))


def test_line_and_stats_by_edition(progress, caplog):
    ext, stats, spider = progress
    stats.set_value("response_received_count", 40)
    stats.set_value("item_scraped_count", 7)
    for key, n in {
        "items/en/article": 3,
        "items/en/brief": 1,
        "items/ar/video": 3,
        "oldsite/http_status/404": 2,
        "oldsite/pages/other/webform": 1,
    }.items():
        stats.set_value(key, n)
    with caplog.at_level(logging.INFO):
        ext.log(spider)
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("Progress:"))
    assert "40 pages" in line and "7 articles (en 4, fa 0, ar 3" in line
    assert "requests waiting" in line and "ETA unknown" in line
    assert stats.get_value("progress/pages_fetched") == 40
    assert stats.get_value("progress/edition/ar") == 3
    # What a running crawl saw so far, for db.crawls.find() and the report.
    assert stats.get_value("progress/http/404") == 2
    assert stats.get_value("progress/unplaced/webform") == 1


def test_live_eta_from_the_listing_pagers(progress, caplog):
    ext, stats, spider = progress
    ext.response_received(page("/en/world", PAGER.format(last=9)), None, spider)
    ext.log(spider)  # the work is known from here on
    for n in range(1, 5):
        ext.response_received(page(f"/en/world?page={n}", PAGER.format(last=9)), None, spider)
    ext.work_start = (ext.work_start[0] - 60, ext.work_start[1])  # a minute ago
    with caplog.at_level(logging.INFO):
        ext.log(spider)
    assert stats.get_value("progress/work_total") == 10
    assert stats.get_value("progress/work_done") == 5
    assert stats.get_value("progress/eta_seconds") == pytest.approx(75, abs=2)  # 5 left at 4/min
    assert "5 of 10 (50%), ETA 1m1" in caplog.records[-1].getMessage()


def test_wayback_eta_counts_captures_left():
    stats = {"wayback/urls": 100, "wayback/replays": 30, "oldsite/http_status/404": 5}
    assert work_left(stats) == ("wayback captures replayed", 100, 35)
    assert work_left({"wayback/captures_listed": 5000}) is None  # still listing


def test_pager_last_link():
    assert listing_pages(["?page=41"], BASE + "/سیاست") == ("/سیاست", 42)
    assert listing_pages(["/en/iran"], BASE + "/en/iran") is None


def test_summary_counts_every_edition_and_kind():
    crawler = get_crawler(OldsiteSpider)
    for key, n in {
        "items/en/article": 2,
        "items/fa/video": 1,
        "items/ar/brief": 4,
        "response_received_count": 9,
    }.items():
        crawler.stats.set_value(key, n)
    line = CrawlSummary.from_crawler(crawler).summary("finished")
    assert (
        "articles 7 (en 2: article 2, brief 0, video 0; fa 1: article 0, brief 0, video 1; "
        "ar 4: article 0, brief 4, video 0)"
    ) in line


def test_progress_line_in_a_crawl(replica, mongo_db, crawl):
    result = crawl(
        replica.base_url,
        mongo_db.name,
        "-a",
        "render=never",
        settings={"PROGRESS_INTERVAL": "0.2", "DOWNLOAD_DELAY": "0.02"},
    )
    assert result.returncode == 0, result
    lines = [
        line for line in result.log.splitlines() if "[newscrawl.extensions] INFO: Progress:" in line
    ]
    assert len(lines) >= 2, result
    assert "listing pages of the pagers seen" in lines[-1]
    # The figures are final when the spider closes.
    assert result.stats["progress/pages_fetched"] == result.stats["response_received_count"]
    assert result.stats["progress/articles"] == len(EXPECTED_DOCS)
    assert result.stats["progress/work_done"] == result.stats["progress/work_total"]


def test_progress_of_a_wayback_crawl(mongo_db, crawl):
    from tests.replica.wayback import start

    with start() as archive:
        result = crawl(
            "https://old.iranintl.com",
            mongo_db.name,
            "-a",
            "source=wayback",
            settings={
                **archive.settings(),
                "PROGRESS_INTERVAL": "0.2",
                "WAYBACK_CDX_RATE": "600",
                "WAYBACK_REPLAY_RATE": "600",
                "WAYBACK_CDX_LIMIT": "20",
            },
        )
    assert result.returncode == 0, result
    lines = [line for line in result.log.splitlines() if "INFO: Progress:" in line]
    assert any("listing Wayback captures" in line for line in lines), lines
    assert any("wayback captures replayed" in line and "ETA" in line for line in lines), lines
    stats = result.stats
    assert stats["progress/work_total"] == stats["wayback/urls"] == stats["progress/wayback/urls"]
    assert stats["progress/work_done"] == stats["progress/work_total"]
    assert stats["progress/wayback/replays"] == stats["wayback/replays"]
