"""extract() and the text rules on every replica page, in-process (no server):
the body and title each page stores are exactly the replica's expectations."""

import pytest
from scrapy.http import HtmlResponse, Request

from newscrawl.extract import extract
from newscrawl.text.furniture import strip_trailing_more
from newscrawl.text.normalize import normalize_body, normalize_text
from tests.replica import site
from tests.replica.site import EXPECTED_DOCS

ORIGIN = "http://127.0.0.1:8000"


def _response(path):
    reply = site.render(path, "", ORIGIN)
    url = ORIGIN + site.enc(path)
    return HtmlResponse(url, body=reply.body, encoding="utf-8", request=Request(url))


def _paragraphs(body):
    return body.split("\n\n") if isinstance(body, str) else list(body or [])


@pytest.mark.parametrize("expected", EXPECTED_DOCS, ids=lambda e: e["path"])
def test_replica_page_body_and_title(expected):
    fields = extract(_response(expected["path"]), check_every=1)
    language = expected["language"]
    paragraphs = _paragraphs(fields.get("body"))
    if expected["kind"] == "brief" and paragraphs:
        paragraphs[-1] = strip_trailing_more(paragraphs[-1])
    captions = fields.get("captions") or []
    assert normalize_body(paragraphs, language, captions=captions) == expected["body"]
    assert normalize_text(fields["title"], language) == expected["title"]
    assert not fields.get("disagreement")
