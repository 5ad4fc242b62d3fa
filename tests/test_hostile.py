"""A crawl of the broken corner: bad pages are said, counted and survived."""

import re

import pytest

from newscrawl import settings as newscrawl_settings
from tests.replica import broken, jscorner
from tests.replica.server import start
from tests.replica.site import EXPECTED_DOCS

LINK_CAP = 200  # the home page of the broken corner has 61 links


@pytest.fixture(scope="module")
def broken_replica():
    with start() as server, start() as other:  # other: the same host on another port
        server.broken_docs = broken.install(server)
        server.hostile_docs = broken.install_hostile(server, other)
        server.other = other
        yield server


@pytest.fixture(scope="module")
def broken_crawl(broken_replica, module_db, crawl):
    result = crawl(
        broken_replica.base_url,
        module_db.name,
        "-a",
        "render=never",
        # A lower link cap than the default (500): fewer requests for the same check.
        settings={"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "2", "TRAP_MAX_LINKS_PER_PAGE": LINK_CAP},
    )
    return result, module_db


def test_the_crawl_survives_and_finishes(broken_crawl):
    result, _db = broken_crawl
    assert result.returncode == 0, result
    assert result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log


def test_good_pages_behind_bad_transport_are_stored(broken_crawl, broken_replica):
    _, db = broken_crawl
    docs = broken_replica.broken_docs + broken_replica.hostile_docs
    for expected in docs:
        doc = db.articles.find_one({"url": broken_replica.url(expected["path"])})
        assert doc is not None, expected["path"]
        assert doc["title"] == expected["title"], expected["path"]
        body = doc["body"].replace("\ufffd", "") if expected.get("stray_byte") else doc["body"]
        assert body == expected["body"], expected["path"]
        if "published_at" in expected:
            assert doc["published_at"].isoformat() == expected["published_at"], expected["path"]
    assert db.articles.count_documents({}) == len(EXPECTED_DOCS) + len(docs)


ALL_CASES = {**broken.CASES, **broken.HOSTILE_CASES}


@pytest.mark.parametrize("path", [p for p, (_, stat) in ALL_CASES.items() if stat])
def test_each_bad_case_leaves_its_stat(broken_crawl, path):
    result, _ = broken_crawl
    _, stat = ALL_CASES[path]
    assert result.stats.get(stat, 0) >= 1, (
        path,
        stat,
        {k: v for k, v in result.stats.items() if k.startswith("oldsite/")},
    )


def test_one_stray_byte_does_not_change_the_encoding(broken_crawl, broken_replica):
    result, db = broken_crawl
    for path in broken.STRAY_BYTE_PAGES:
        doc = db.articles.find_one({"url": broken_replica.url(path)})
        first, second = doc["body"].split("\n\n")
        assert second == broken.FA_PARAS[1]  # not Windows-1256 mojibake
        assert first.replace("\ufffd", "") == broken.FA_PARAS[0]
    assert result.stats["oldsite/malformed/invalid_bytes"] == len(broken.STRAY_BYTE_PAGES)


def test_a_short_transfer_of_a_complete_page_is_kept_once(broken_crawl, broken_replica):
    result, _ = broken_crawl
    assert broken_replica.hits["/en/world/short-of-its-content-length"] == 1  # not retried
    assert "ResponseDataLossError" not in result.log
    url = broken_replica.url("/en/world/short-of-its-content-length")
    assert re.search(re.escape(url) + r" is truncated \(\d+ of \d+ bytes arrived\)", result.log)


def test_meta_refreshes(broken_crawl, broken_replica):
    result, db = broken_crawl
    assert broken_replica.hits["/en/world/refreshes-to-itself"] == 1
    assert result.stats["oldsite/meta_refresh/self"] == 1
    for path in ("/en/world/refreshes-off-site", "/en/world/refreshes-to-another-port"):
        assert db.articles.find_one({"url": broken_replica.url(path)}) is None
        assert f"{broken_replica.url(path)} refreshes off the site" in result.log, path


def test_another_port_is_another_site(broken_crawl, broken_replica):
    result, db = broken_crawl
    other = broken_replica.other
    assert dict(other.hits) == {}
    assert db.articles.count_documents({"url": {"$regex": "^" + other.base_url}}) == 0
    assert "(another port of the same host)" in result.log


def test_a_page_stores_only_under_its_own_url(broken_crawl, broken_replica):
    result, db = broken_crawl
    url = broken_replica.url
    doc = db.articles.find_one({"url": url(broken.CLAIMED)})
    assert (doc["title"], doc["body"]) == ("The real story B", "B's own text, from B's own page.")
    for path, _title, text in broken.CLAIMS:
        assert db.articles.count_documents({"body": text}) == 0
        assert db.articles.find_one({"url": url(path)}) is None
        assert f"{url(path)} names {url(broken.CLAIMED)} as its canonical URL" in result.log
    assert broken_replica.hits[broken.CLAIMED] == 1
    assert broken_replica.hits[broken.UNLINKED] == 1  # fetched because a canonical named it
    assert db.articles.find_one({"url": url(broken.UNLINKED)})["title"] == "Linked from nowhere"
    # The three pages, and the replica's alias spelling of a Persian article.
    assert result.stats["oldsite/canonical/elsewhere"] == 4


def test_crawler_traps_are_cut_and_said(broken_crawl, broken_replica):
    result, _ = broken_crawl
    hits = broken_replica.hits
    # Distinct pages (a request retried after a timeout under load is one page).
    calendar = len([p for p in hits if p.startswith("/en/calendar/")])
    assert 1 <= calendar <= newscrawl_settings.TRAP_MAX_BARREN_HOPS  # of 5,000 days
    flood = len([p for p in hits if p.startswith("/en/everywhere/")])
    assert flood == LINK_CAP  # of 50,000 links
    assert result.stats["oldsite/traps/links_capped"] == broken.FLOOD_LINKS - LINK_CAP
    assert result.log.count("Crawler trap:") == 2
    # A real listing many pages deep is no trap: every article of it is stored.
    deep = [p for p in hits if p.startswith(broken.DEEP + "/article-")]
    assert len(deep) == broken.DEEP_PAGES * broken.DEEP_PER_PAGE


def test_retries_only_what_may_recover(broken_crawl, broken_replica):
    hits = broken_replica.hits
    assert hits["/en/world/gone-404"] == 1 and hits["/en/world/gone-410"] == 1
    assert hits["/en/world/error-500"] == 3  # first try + RETRY_TIMES=2
    assert hits["/en/world/flaky-article"] == 2
    assert sum(n for p, n in hits.items() if p.startswith("/en/endless")) <= 3
    assert not any(p.startswith("/en/loop/") and n > 1 for p, n in hits.items())


def test_each_problem_is_said_in_the_log(broken_crawl):
    result, _ = broken_crawl
    for needle in (
        "is truncated",
        "the page is empty",
        "the page is binary",
        "redirects to the new site",
        "redirects off the site",
        "Redirect loop",
        "pagination stopped",
        "HTTP 404",
        "HTTP 410",
    ):
        assert needle in result.log, needle


# ------------------------------------------------------- the browser's corner


@pytest.fixture(scope="module")
def foreign_crawl(module_db, crawl):
    """A render=auto crawl of a replica whose scripts reach for another origin
    (a second server, on another port of the same loopback host)."""
    with start() as server, start() as other:
        docs = jscorner.install_foreign(server, other)
        result = crawl(
            server.base_url,
            module_db.name,
            "-a",
            "render=auto",
            settings={"DOWNLOAD_TIMEOUT": "20"},
        )
        yield result, module_db, server, other, docs


@pytest.mark.browser
def test_the_browser_stays_on_the_site(foreign_crawl):
    result, db, server, other, docs = foreign_crawl
    assert "Traceback" not in result.log
    assert dict(other.hits) == {}  # no script, beacon, fetch, image, frame or navigation
    assert result.stats["render/offsite_aborted"] >= 6
    assert "The browser was kept from" in result.log
    assert db.articles.count_documents({"body": {"$regex": "FOREIGN"}}) == 0
    for expected in docs:
        doc = db.articles.find_one({"url": server.url(expected["path"])})
        assert doc is not None, expected["path"]
        assert (doc["title"], doc["body"]) == (expected["title"], expected["body"])
    assert db.articles.find_one({"url": server.url(jscorner.FOREIGN_NAVIGATION["path"])}) is None


@pytest.mark.browser
def test_a_page_that_times_out_in_a_working_browser_fails_alone(foreign_crawl):
    result, _, server, _, _ = foreign_crawl
    assert result.returncode == 0, result
    assert result.stats["finish_reason"] == "finished"
    assert "render/failed" not in result.stats  # only for a browser that cannot start
    assert result.stats["render/page_failed/timeout"] == 1
    url = server.url(jscorner.FOREIGN_NAVIGATION["path"])
    assert f"Rendering {url} failed (timeout), the page is skipped" in result.log
    assert "could not start" not in result.log and "did not start" not in result.log


@pytest.mark.browser
def test_a_render_that_navigated_away_is_discarded(foreign_crawl):
    result, db, server, _, _ = foreign_crawl
    path = jscorner.NAVIGATES_AWAY["path"]
    assert db.articles.find_one({"url": server.url(path)}) is None
    assert result.stats["render/navigated_away"] == 1
    assert f"The rendered page {server.url(path)} navigated away" in result.log
