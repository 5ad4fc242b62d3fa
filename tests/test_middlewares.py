"""The site's middlewares in-process, the way Scrapy tests its own: a real
crawler from ``get_crawler()``, real Request and Response objects, no server."""

import logging
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawl import settings as project
from newscrawl.items import ArticleItem
from newscrawl.middlewares import LeftSite, SiteRedirectMiddleware, TrapMiddleware
from newscrawl.spiders.oldsite import OldsiteSpider
from newscrawl.urls import origin

SITE = "http://127.0.0.1:8000"


def project_crawler(**overrides):
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return get_crawler(OldsiteSpider, {**values, **overrides})


@pytest.fixture
def redirects(caplog):
    caplog.set_level(logging.INFO)
    crawler = project_crawler()
    return SiteRedirectMiddleware.from_crawler(crawler), crawler.stats


def redirect(location, status=302, url=SITE + "/en/world/a", meta=None):
    request = Request(url, meta=meta or {})
    return request, Response(url, status=status, headers={"Location": location}, request=request)


def html(url, body, flags=None, meta=None):
    request = Request(url, meta=meta or {})
    return request, HtmlResponse(
        url, body=body.encode(), encoding="utf-8", request=request, flags=flags
    )


def test_origin_spells_out_the_port():
    assert origin("http://Example.org/a") == ("http", "example.org", 80)
    assert origin("https://example.org:443/") == ("https", "example.org", 443)
    assert origin("http://127.0.0.1:8001/") != origin("http://127.0.0.1:8000/")


def test_a_redirect_within_the_origin_is_followed(redirects):
    mw, stats = redirects
    request, response = redirect("/en/world/b")
    assert mw.process_response(request, response) is response
    assert not stats.get_stats().get("oldsite/redirects/offsite")


@pytest.mark.parametrize(
    "location, hint",
    [
        ("http://127.0.0.1:8001/en/world/b", "another port of the same host"),
        ("https://127.0.0.1:8000/en/world/b", "another scheme of the same host"),
        ("https://example.org/x", None),
    ],
)
def test_a_redirect_to_another_origin_is_offsite(redirects, caplog, location, hint):
    mw, stats = redirects
    with pytest.raises(LeftSite):
        mw.process_response(*redirect(location))
    assert stats.get_value("oldsite/redirects/offsite") == 1
    assert "redirects off the site" in caplog.text
    assert (hint or "same host") in caplog.text if hint else "same host" not in caplog.text


def test_redirects_to_the_new_site_and_loops(redirects):
    mw, stats = redirects
    with pytest.raises(LeftSite):
        mw.process_response(*redirect("https://www.iranintl.com/en/202007201234", 301))
    with pytest.raises(LeftSite):
        mw.process_response(*redirect("/en/world/a", meta={"redirect_urls": [SITE + "/en/x"]}))
    assert stats.get_value("oldsite/redirects/new_site") == 1
    assert stats.get_value("oldsite/redirects/loop") == 1


REFRESH = '<html><head><meta http-equiv="refresh" content="{}"></head><body><p>x</p></body></html>'


@pytest.mark.parametrize(
    "content",
    [
        f"60; url={SITE}/en/world/a",
        "0;URL='/en/world/a'",
        f"1; url={SITE}/en/world/a?utm_source=x#top",
    ],
)
def test_a_meta_refresh_to_the_page_itself_is_no_redirect(redirects, content):
    mw, stats = redirects
    request, response = html(SITE + "/en/world/a", REFRESH.format(content))
    assert mw.process_response(request, response) is response
    assert stats.get_value("oldsite/meta_refresh/self") == 1
    assert response.meta["dont_redirect"]  # Scrapy's MetaRefreshMiddleware leaves it


def test_a_meta_refresh_off_the_site_is_an_offsite_redirect(redirects, caplog):
    mw, stats = redirects
    with pytest.raises(LeftSite):
        mw.process_response(
            *html(SITE + "/en/world/a", REFRESH.format("5; url=http://127.0.0.1:8001/en/world/a"))
        )
    with pytest.raises(LeftSite):
        mw.process_response(
            *html(SITE + "/en/world/b", REFRESH.format("0; url=https://example.org/"))
        )
    assert stats.get_value("oldsite/redirects/offsite") == 2
    assert "refreshes off the site" in caplog.text


def test_a_meta_refresh_elsewhere_on_the_site_or_too_slow_is_left_to_scrapy(redirects):
    mw, stats = redirects
    for content in ("0; url=/en/world/b", "600; url=https://example.org/", "60"):
        request, response = html(SITE + "/en/world/a", REFRESH.format(content))
        assert mw.process_response(request, response) is response
        assert "dont_redirect" not in request.meta
    assert not stats.get_stats().get("oldsite/redirects/offsite")


def test_a_render_that_navigated_away_is_discarded(redirects, caplog):
    mw, stats = redirects
    request = Request(SITE + "/en/world/a", meta={"playwright": True})
    moved = HtmlResponse(SITE + "/en", body=b"<html></html>", request=request, flags=["playwright"])
    with pytest.raises(LeftSite):
        mw.process_response(request, moved)
    assert stats.get_value("render/navigated_away") == 1
    assert "navigated away" in caplog.text
    same = HtmlResponse(
        SITE + "/en/world/a#top", body=b"<html></html>", request=request, flags=["playwright"]
    )
    assert mw.process_response(request, same) is same


# ---------------------------------------------------------------- traps


def trap_middleware(**settings):
    crawler = project_crawler(**settings)
    released = []
    crawler.engine = SimpleNamespace(crawl=released.append)
    return TrapMiddleware.from_crawler(crawler), crawler.stats, released


def page_output(mw, url, links, meta=None, items=0):
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta or {}))
    out = [ArticleItem(url=url) for _ in range(items)] + [Request(link) for link in links]
    return response, list(mw.process_spider_output(response, out))


def walk_calendar(mw, days):
    """Follow a calendar whose every day links to the next; the days fetched."""
    meta, fetched = {}, 0
    for day in range(days):
        fetched += 1
        _, out = page_output(
            mw, f"{SITE}/en/calendar/{day}", [f"{SITE}/en/calendar/{day + 1}"], meta
        )
        if not out:
            return fetched
        meta = out[0].meta
    return fetched


def test_a_chain_that_brings_nothing_new_is_cut(caplog):
    mw, stats, _ = trap_middleware(TRAP_MAX_BARREN_HOPS=5)
    assert walk_calendar(mw, 5000) == 5  # five days in a row with nothing new
    assert stats.get_value("oldsite/traps/chains_cut") == 1
    mw.closed(None)
    assert caplog.text.count("Crawler trap") == 1 and "/en/calendar/5 on" in caplog.text


def test_an_item_resets_the_chain():
    mw, stats, _ = trap_middleware(TRAP_MAX_BARREN_HOPS=2)
    meta = {}
    for n in range(20):  # each page yields a new article: never a trap
        _, out = page_output(mw, f"{SITE}/en/a/{n}", [f"{SITE}/en/a/{n + 1}"], meta, items=1)
        assert len(out) == 2
        meta = out[-1].meta
    assert not stats.get_value("oldsite/traps/chains_cut")


def test_a_listing_whose_articles_come_late_goes_on():
    """LIFO order: a listing's next pages are processed before its articles.
    Links held back on the pager's chain go as soon as an article of a page
    on that chain arrives; a page whose articles were all seen before adds
    to the chain."""
    mw, stats, released = trap_middleware(TRAP_MAX_BARREN_HOPS=2)
    world = SITE + "/en/world"
    _, out = page_output(mw, world, [world + "?page=1", world + "/x"])
    page1, x = out
    _, out = page_output(mw, page1.url, [world + "?page=2", world + "/y"], page1.meta)
    assert out == []  # held back: two listing pages in a row with nothing new so far
    assert stats.get_value("oldsite/traps/chains_cut") == 2
    page_output(mw, x.url, [], x.meta, items=1)  # an article of the first page arrives
    assert [r.url for r in released] == [world + "?page=2", world + "/y"]
    assert stats.get_value("oldsite/traps/chains_cut") == 0
    page2, y = released
    _, out = page_output(mw, page2.url, [world + "?page=3"], page2.meta)
    assert out == []  # page 1 and page 2: nothing new so far
    page_output(mw, y.url, [], y.meta, items=1)  # an article of page 1 arrives
    page3 = released[-1]
    assert page3.url == world + "?page=3"
    _, out = page_output(mw, page3.url, [world + "?page=4"], page3.meta)
    assert out == []  # page 2 (nothing new) and page 3: a run of two
    assert stats.get_value("oldsite/traps/chains_cut") == 1


def test_a_page_links_are_capped(caplog):
    mw, stats, _ = trap_middleware(TRAP_MAX_LINKS_PER_PAGE=100)
    links = [f"{SITE}/en/many/{n}" for n in range(50_000)]
    _, out = page_output(mw, SITE + "/en/many", links)
    assert [r.url for r in out] == links[:100]
    assert stats.get_value("oldsite/traps/links_capped") == 49_900
    assert stats.get_value("oldsite/traps/pages_capped") == 1
    mw.closed(None)
    assert caplog.text.count("Crawler trap") == 1 and "more than 100 new links" in caplog.text


def test_a_tree_of_pages_that_bring_nothing_is_bounded():
    """Every page links ten new ones, none brings an article."""
    mw, stats, _ = trap_middleware(TRAP_MAX_BARREN_HOPS=5, TRAP_MAX_BARREN_LINKS=50)
    _, out = page_output(mw, SITE + "/en/root", [SITE + "/en/t"], items=1)  # an article
    todo = [entry for entry in out if isinstance(entry, Request)]
    fetched = 0
    while todo:
        request = todo.pop(0)
        fetched += 1
        links = [f"{request.url}-{n}" for n in range(10)]
        todo += page_output(mw, request.url, links, request.meta)[1]
    # The root's link, its ten links, and then 50 links in all.
    assert fetched == 1 + 10 + 50
    assert stats.get_value("oldsite/traps/chains_cut") > 0


def test_the_same_page_again_is_no_hop():
    mw, _, _ = trap_middleware(TRAP_MAX_BARREN_HOPS=1)
    url = SITE + "/en/world/a"
    _, out = page_output(mw, url, [url], {TrapMiddleware.PARENT: SITE + "/en"})  # to render it
    assert [r.meta[TrapMiddleware.PARENT] for r in out] == [SITE + "/en"]
