"""The progress line during a crawl, and the summary line at its end."""

import logging
from datetime import timedelta

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


class Clock:
    """The clock behind the ETA's rate, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def extension(**spider_args):
    crawler = get_crawler(OldsiteSpider, {"PROGRESS_INTERVAL": 60.0})
    spider = OldsiteSpider(**spider_args)
    ext = Progress.from_crawler(crawler)
    ext.clock = Clock()
    ext.bind(spider)  # spider_opened, without its looping call
    return ext, crawler.stats, spider


@pytest.fixture
def progress():
    return extension(base_url=BASE)


def logged(ext, spider, caplog):
    """The progress line ``ext.log`` writes."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newscrawl.extensions"):
        ext.log(spider)
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Progress:")]
    return line


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
    line = logged(ext, spider, caplog)  # the work is known from here on, its rate not yet
    assert "listing pages of the pagers seen: 1 of 10 (10%), ETA not yet known" in line
    for n in range(1, 5):
        ext.response_received(page(f"/en/world?page={n}", PAGER.format(last=9)), None, spider)
    ext.clock.now += 60  # 4 pages a minute later
    line = logged(ext, spider, caplog)
    assert stats.get_value("progress/work_total") == 10
    assert stats.get_value("progress/work_done") == 5
    assert stats.get_value("progress/eta_seconds") == 75  # 5 left at 4/min
    eta_at = stats.get_value("progress/eta_at") - stats.get_value("progress/updated_at")
    assert eta_at == timedelta(seconds=75)
    assert "listing pages of the pagers seen: 5 of 10 (50%), ETA 1m15s (" in line


def test_a_tags_pages_are_no_work_to_count(progress):
    """#12: a tag is read only as far as it shows something new."""
    ext, stats, spider = progress
    spider.source.tags.add(BASE + "/oil")
    oil = PAGER.replace("/en/world", "/oil")
    ext.response_received(page("/oil", oil.format(last=9)), None, spider)
    ext.response_received(page("/en/world", PAGER.format(last=9)), None, spider)
    assert work_left({}, ext.pagers, ext.fetched) == ("listing pages of the pagers seen", 10, 1)


def test_wayback_phases(caplog):
    ext, stats, spider = extension(base_url="https://old.iranintl.com", source="wayback")
    # Listing the captures: how many so far, no total yet.
    stats.set_value("wayback/captures_listed", 1200)
    line = logged(ext, spider, caplog)
    assert "listing Wayback captures: 1200 so far, ETA once the list is complete" in line
    assert stats.get_value("progress/eta_seconds") is None
    # The list is complete: the pages chosen are the work; the rate comes next.
    stats.set_value("wayback/urls", 100)
    stats.set_value("wayback/replays", 10)
    line = logged(ext, spider, caplog)
    assert "wayback captures replayed: 10 of 100 (10%), ETA not yet known" in line
    # 20 a minute (replays, errors and skips alike): 70 left take 3.5 minutes.
    ext.clock.now += 60
    stats.set_value("wayback/replays", 25)
    stats.set_value("oldsite/http_status/404", 3)
    stats.set_value("oldsite/skipped_known", 2)
    line = logged(ext, spider, caplog)
    assert "wayback captures replayed: 30 of 100 (30%), ETA 3m30s (" in line
    assert stats.get_value("progress/eta_seconds") == 210
    assert stats.get_value("progress/wayback/urls") == 100
    assert stats.get_value("progress/wayback/captures_listed") == 1200


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


def progress_lines(log):
    return [line for line in log.splitlines() if "[newscrawl.extensions] INFO: Progress:" in line]


def test_progress_line_in_a_crawl(replica, mongo_db, crawl):
    result = crawl(
        replica.base_url,
        mongo_db.name,
        "-a",
        "render=never",
        settings={"PROGRESS_INTERVAL": "0.2"},
    )
    assert result.returncode == 0, result
    # The first line comes as the spider opens; what each phase says is
    # tested above, in-process.
    assert progress_lines(result.log), result
    # The figures are final when the spider closes.
    stats = result.stats
    assert stats["progress/pages_fetched"] == stats["response_received_count"]
    assert stats["progress/articles"] == len(EXPECTED_DOCS)
    assert stats["progress/work"] == "listing pages of the pagers seen"
    assert stats["progress/work_done"] == stats["progress/work_total"] > 0


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
    assert progress_lines(result.log), result
    stats = result.stats
    assert stats["progress/work"] == "wayback captures replayed"
    assert stats["progress/work_total"] == stats["wayback/urls"] == stats["progress/wayback/urls"]
    assert stats["progress/work_done"] == stats["progress/work_total"]
    assert stats["progress/wayback/replays"] == stats["wayback/replays"]
    assert stats["progress/wayback/captures_listed"] == stats["wayback/captures_listed"]
