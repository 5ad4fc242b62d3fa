"""A site that is gone: the crawl stops at once, says so once, and says how
to recover the site from the Internet Archive."""

import logging
import socket
import time

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.test import get_crawler

from newscrawl.outcome import failure
from newscrawl.sitegone import RECOVER, SiteGoneMiddleware, SiteUnreachable
from newscrawl.spiders.oldsite import OldsiteSpider
from tests.replica.server import Reply, start

BASE = "http://oldsite.invalid"


def middleware(base_url=BASE, **spider_args):
    crawler = get_crawler(OldsiteSpider, {"SITEGONE_ENABLED": True, "RETRY_TIMES": 3})
    crawler.spider = OldsiteSpider(base_url=base_url, **spider_args)
    mw = SiteGoneMiddleware.from_crawler(crawler)
    mw.spider_opened(crawler.spider)
    return mw, crawler


@pytest.mark.parametrize(
    "exc, kind, says",
    [
        (CannotResolveHostError("DNS lookup failed"), "dns", "does not resolve"),
        (DownloadConnectionRefusedError("refused"), "refused", "refused the connection"),
    ],
)
def test_a_start_page_that_cannot_be_reached_ends_the_crawl(exc, kind, says, caplog):
    mw, crawler = middleware()
    with caplog.at_level(logging.ERROR), pytest.raises(SiteUnreachable):
        mw.process_exception(Request(f"{BASE}/en"), exc)
    assert crawler.stats.get_value("sitegone/reason") == kind
    [record] = [r for r in caplog.records if r.name == "newscrawl.sitegone"]
    assert says in record.getMessage() and RECOVER in record.getMessage()
    # The next start page is not even tried, and nothing more is said.
    with pytest.raises(SiteUnreachable):
        mw.process_request(Request(f"{BASE}/ar"))
    with pytest.raises(SiteUnreachable):
        mw.process_exception(Request(f"{BASE}/"), exc)
    assert len([r for r in caplog.records if r.name == "newscrawl.sitegone"]) == 1


def test_a_start_page_redirected_to_the_new_site_ends_the_crawl(caplog):
    mw, crawler = middleware()
    redirect = Response(
        f"{BASE}/en", status=301, headers={"Location": "https://www.iranintl.com/en"}
    )
    with caplog.at_level(logging.ERROR):
        assert mw.process_response(Request(f"{BASE}/en"), redirect) is redirect
    assert crawler.stats.get_value("sitegone/reason") == "new_site"
    assert "redirects to the new site" in caplog.text


def test_once_the_site_answered_failures_are_ordinary():
    mw, crawler = middleware()
    page = HtmlResponse(f"{BASE}/en", body=b"<html></html>")
    assert mw.process_response(Request(f"{BASE}/en"), page) is page
    assert mw.process_exception(Request(f"{BASE}/en/x"), CannotResolveHostError("x")) is None
    assert crawler.stats.get_value("sitegone/reason") is None


@pytest.mark.parametrize(
    "exc, kind",
    [
        (DownloadTimeoutError("slow"), "timeout"),
        (DownloadFailedError("Connection was closed cleanly."), "dropped"),
    ],
)
def test_a_timeout_or_a_dropped_connection_is_retried_before_it_counts(exc, kind):
    mw, crawler = middleware()
    assert mw.process_exception(Request(f"{BASE}/en"), exc) is None
    last = Request(f"{BASE}/en", meta={"retry_times": 3})
    with pytest.raises(SiteUnreachable):
        mw.process_exception(last, exc)
    assert crawler.stats.get_value("sitegone/reason") == kind


def test_other_hosts_and_wayback_crawls_are_left_alone():
    mw, _ = middleware()
    assert (
        mw.process_exception(Request("http://elsewhere.invalid/"), CannotResolveHostError("x"))
        is None
    )
    mw, _ = middleware(source="wayback")
    assert mw.process_exception(Request(f"{BASE}/en"), CannotResolveHostError("x")) is None


def test_exit_status_and_sentence():
    stats = {"finish_reason": "site_unreachable", "sitegone/reason": "dns"}
    assert RECOVER in failure(stats)


def assert_gone(result, says):
    assert result.returncode == 1, result
    assert result.stats["finish_reason"] == "site_unreachable", result
    assert "Traceback" not in result.log, result
    [line] = [line for line in result.log.splitlines() if "[newscrawl.sitegone] ERROR" in line]
    assert says in line and RECOVER in line
    assert "retry/count" not in result.stats, result  # no retries
    assert result.stats.get("log_count/ERROR") == 1, result  # that line, and nothing else


def test_unresolvable_host(mongo_db, crawl):
    result = crawl("http://oldsite.invalid", mongo_db.name, "-a", "render=never")
    assert_gone(result, "does not resolve")
    record = mongo_db.crawls.find_one()
    assert record["finish_reason"] == "site_unreachable"


def test_refused_loopback_port(mongo_db, crawl):
    from tests.conftest import free_port

    result = crawl(f"http://127.0.0.1:{free_port()}", mongo_db.name, "-a", "render=never")
    assert_gone(result, "refused the connection")


def test_start_pages_redirected_to_the_new_site(mongo_db, crawl):
    with start() as server:
        for path in ("/", "/en", "/ar", "/robots.txt"):
            server.set_route(
                path,
                lambda query, path=path: Reply(
                    301, (("Location", f"https://www.iranintl.com{path}"),)
                ),
            )
        result = crawl(server.base_url, mongo_db.name, "-a", "render=never")
    assert_gone(result, "redirects to the new site")


class HangingResolver(CachingThreadedResolver):
    """Scrapy's resolver on a machine whose DNS hangs instead of failing
    (no network): every lookup takes HANG seconds. For
    ``-s DNS_RESOLVER=tests.test_site_gone.HangingResolver``."""

    HANG = 6.0

    @classmethod
    def from_crawler(cls, crawler, reactor):
        socket.gethostbyname = lambda name: time.sleep(cls.HANG)
        return super().from_crawler(crawler, reactor)


def test_start_pages_that_drop_the_connection(mongo_db, crawl):
    with start() as server:
        for path in ("/", "/en", "/ar", "/robots.txt"):
            server.set_route(path, lambda query: Reply(reset=True))
        result = crawl(
            server.base_url, mongo_db.name, "-a", "render=never", settings={"RETRY_TIMES": "1"}
        )
    assert result.returncode == 1, result
    assert result.stats["finish_reason"] == "site_unreachable", result
    assert "Traceback" not in result.log, result
    assert "dropped the connection without an answer" in result.log


def test_dns_that_hangs(mongo_db, crawl):
    # DNS_TIMEOUT bounds the lookup; without it the crawl would wait 60 s per try.
    result = crawl(
        "http://oldsite.invalid",
        mongo_db.name,
        "-a",
        "render=never",
        settings={"DNS_RESOLVER": "tests.test_site_gone.HangingResolver", "DNS_TIMEOUT": "2"},
    )
    assert_gone(result, "oldsite.invalid does not resolve")
