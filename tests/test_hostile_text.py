"""A crawl of hostile text (issue 14, classes 2 and 10): no stored string, in
any field or language, holds a control, surrogate or invisible format
character, and a title escaped 250,000 times is cleaned like any other."""

import re
import unicodedata

import pytest

from tests.replica import hostile_text
from tests.replica.server import start
from tests.replica.site import EXPECTED_DOCS

KEPT = "\n\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd"
WRITTEN_OUT = re.compile(
    r"&#0*(?:[0-9]|[12][0-9]|3[01]|127);|\\u00[01][0-9a-fA-F]|\\ud[89ab]", re.I
)


def forbidden(value):
    """(character or escape) pairs no stored value may hold."""
    if isinstance(value, str):
        found = [
            hex(ord(c))
            for c in value
            if unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in KEPT
        ]
        return found + WRITTEN_OUT.findall(value)
    if isinstance(value, list):
        return [f for v in value for f in forbidden(v)]
    if isinstance(value, dict):
        return [f for v in value.values() for f in forbidden(v)]
    return []


@pytest.fixture(scope="module")
def hostile_crawl(module_db, crawl):
    with start() as server:
        expected = hostile_text.install(server)
        result = crawl(server.base_url, module_db.name, "-a", "render=never")
        yield result, module_db, server, expected


def test_the_crawl_finishes(hostile_crawl):
    result, db, _, expected = hostile_crawl
    assert result.returncode == 0, result
    assert "Traceback" not in result.log
    assert db.articles.count_documents({}) == len(EXPECTED_DOCS) + len(expected)


def test_no_stored_string_holds_a_control_or_invisible_character(hostile_crawl):
    _, db, _, _ = hostile_crawl
    for doc in db.articles.find():
        assert forbidden(doc) == [], doc["url"]


@pytest.mark.parametrize("index", range(len(hostile_text.SPECS) + 1))
def test_hostile_pages_keep_their_text(hostile_crawl, index):
    _, db, server, expected = hostile_crawl
    want = expected[index]
    doc = db.articles.find_one({"url": server.url(want["path"])})
    assert doc is not None, want["path"]
    for name in ("title", "body", "tags", "authors"):
        assert doc[name] == want[name], (want["path"], name)
