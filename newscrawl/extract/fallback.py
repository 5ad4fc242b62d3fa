"""Fields from a generic main-text extractor, for pages of unknown markup.

trafilatura finds the main text of a page without knowing its theme. It is
asked for the text only (its own metadata extraction would cost about a third
of its time, for fields the metadata step already took), keeps the tables
that are part of the article (one line of text per row), and is asked a
second time with relaxed options (no ``favor_precision``) when the strict
pass finds nothing or suspiciously little.
"""

from __future__ import annotations

import logging
import re

import htmldate
import trafilatura

from newscrawl.extract.html import element_text

logger = logging.getLogger(__name__)
# trafilatura warns "discarding data: URL" for every page whose text it finds
# too short: an expected outcome here (the markup's body or a retry decides),
# said once per page in an operator's log it is noise. Its errors still show.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

STRICT = {"favor_precision": True}
RELAXED = {"favor_precision": False}
COMMON = {
    "include_comments": False,
    "include_tables": True,
    "with_metadata": False,
    # trafilatura keeps <template> content; it is never text.
    "prune_xpath": "//template",
}
# A strict result shorter than this is suspiciously little: try the relaxed pass.
RETRY_BELOW_CHARS = 300
# ... and the relaxed result is taken when it holds this much more text.
RETRY_GAIN = 1.3

_TABLE_RULE = re.compile(r"^\|?(\s*:?-{3,}:?\s*\|)+\s*$")  # "|---|---|"
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _lines(text: str) -> list[str]:
    """trafilatura's text, one paragraph per line; table rows (``| a | b |``)
    become ``a | b``, their rules dropped."""
    lines = []
    for line in text.split("\n"):
        if _TABLE_RULE.match(line):
            continue
        row = _TABLE_ROW.match(line)
        if row:
            line = " | ".join(c.strip() for c in row.group(1).split("|") if c.strip())
        if line.strip():
            lines.append(line.strip())
    return lines


_SENTENCE_END = re.compile(r"[.!?:;…؟۔\"'”»)\]]$")
_NO_SPACE_BEFORE = re.compile(r"^[,.;:!?)\]،؛؟»”]")


def _fragmented(lines: list[str]) -> bool:
    """trafilatura's last resort reads every text node as a line: a link in
    mid-sentence then cuts it in three."""
    short = sum(1 for line in lines if len(line) < 30 and not _SENTENCE_END.search(line))
    return len(lines) >= 4 and short > len(lines) / 2


def _mend(lines: list[str]) -> list[str]:
    """Fragments joined back into sentences, up to the end of each sentence."""
    mended: list[str] = []
    open_line = False
    for line in lines:
        if open_line:
            glue = "" if _NO_SPACE_BEFORE.match(line) else " "
            mended[-1] += glue + line
        else:
            mended.append(line)
        open_line = not _SENTENCE_END.search(line)
    return mended


def _extract(tree, url: str, options: dict) -> str:
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **COMMON, **options)
    except Exception as error:  # trafilatura can raise on pathological markup
        logger.warning(
            "Generic extraction failed on %s: %s: %s", url, type(error).__name__, str(error)[:200]
        )
        return ""
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def fallback_body(response, fast: bool = False) -> list[str]:
    """The page's main text by trafilatura, as paragraphs (``[]`` if none).
    *fast*: one strict pass without trafilatura's own second opinions
    (readability, jusText), enough to check another extractor's body."""
    tree = trafilatura.load_html(response.text)  # parsed once for every pass
    if tree is None:
        return []
    if fast:
        return _lines(_extract(tree, response.url, {**STRICT, "fast": True}))
    text = _extract(tree, response.url, STRICT)
    if len(text) < RETRY_BELOW_CHARS:
        relaxed = _extract(tree, response.url, RELAXED)
        if len(relaxed) >= RETRY_GAIN * len(text):
            lines = _lines(relaxed)
            if lines and lines[0] == page_title(response):
                lines = lines[1:]  # the headline, which must not start the first sentence
            return _mend(lines) if _fragmented(lines) else lines
    return _lines(text)


def page_title(response) -> str | None:
    """The page's one ``<h1>``, else its ``<title>``."""
    headings = response.xpath("//h1")
    if len(headings) == 1:
        title = element_text(headings[0])
        if title:
            return title
    return element_text(response.xpath("//title")[0]) if response.xpath("//title") else None


def fallback_fields(response, body_only: bool = False) -> dict:
    """Fields found without knowing the page's markup; missing fields are absent."""
    if body_only:
        return {"body": fallback_body(response, fast=True)}
    fields = {
        "title": page_title(response),
        "body": fallback_body(response),
        "published_raw": response.xpath("//time/@datetime").get(),
    }
    return {k: v for k, v in fields.items() if v}


def fallback_date(response) -> str | None:
    """A publication date found by htmldate, for pages that show none where
    the other sources look (asked only then: it parses the page again)."""
    try:
        return htmldate.find_date(response.text, extensive_search=False, original_date=True)
    except Exception as error:  # htmldate can raise on pathological markup
        logger.warning("Date search failed on %s: %s", response.url, type(error).__name__)
        return None
