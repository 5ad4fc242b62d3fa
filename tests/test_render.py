"""JavaScript rendering with the real Chromium, only where a page needs it."""

import pytest

from tests.replica import jscorner
from tests.replica.server import start
from tests.replica.site import EXPECTED_DOCS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def js_replica():
    """A replica of its own, with pages that need JavaScript."""
    with start() as server:
        server.js_docs = jscorner.install(server)
        yield server


def stored(db, server, docs):
    return {d["path"]: db.articles.find_one({"url": server.url(d["path"])}) for d in docs}


def test_auto_renders_only_the_pages_that_need_it(js_replica, mongo_db, crawl):
    result = crawl(js_replica.base_url, mongo_db.name, "-a", "render=auto")
    assert result.returncode == 0, result
    assert result.stats["finish_reason"] == "finished"
    found = stored(mongo_db, js_replica, js_replica.js_docs)
    for expected in js_replica.js_docs:
        doc = found[expected["path"]]
        assert doc is not None, expected["path"]
        assert (doc["kind"], doc["title"], doc["body"]) == (
            expected["kind"],
            expected["title"],
            expected["body"],
        )
    assert mongo_db.articles.count_documents({}) == len(EXPECTED_DOCS) + len(js_replica.js_docs)
    # One page for its empty body, one for its scripted block; nothing else.
    assert result.stats["render/needed/empty_body"] == 1
    assert result.stats["render/needed/placeholder"] == 1
    assert result.stats["render/pages"] == 2
    assert result.stats["render/recovered"] == 2
    assert result.stats["playwright/request_count/navigation"] == 2
    assert "render/failed" not in result.stats


def test_never_drops_the_empty_page_with_a_reason(js_replica, mongo_db, crawl):
    result = crawl(js_replica.base_url, mongo_db.name, "-a", "render=never")
    assert result.returncode == 0, result
    assert result.stats["dropped/empty_body"] == 1
    assert "empty_body:" in result.log and jscorner.BODY_ARTICLE["path"] in result.log
    found = stored(mongo_db, js_replica, js_replica.js_docs)
    assert found[jscorner.BODY_ARTICLE["path"]] is None
    assert found[jscorner.BLOCK_ARTICLE["path"]] is not None
    assert all(found[b["path"]] is None for b in jscorner.HIDDEN_BRIEFS)
    assert not any(k.startswith(("playwright/", "render/")) for k in result.stats)


def test_missing_browser_is_one_clear_error(js_replica, mongo_db, crawl):
    result = crawl(
        js_replica.base_url, mongo_db.name, settings={"CHROMIUM_PATH": "/nonexistent/chromium"}
    )
    assert result.stats["finish_reason"] == "render_failed"
    assert result.stats["render/failed"] == 2
    assert result.log.count("The browser could not start") == 1
    assert "apt-get install chromium" in result.log
    # Plain pages are still archived.
    assert mongo_db.articles.count_documents({}) == len(EXPECTED_DOCS) + 1
