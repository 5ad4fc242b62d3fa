"""Plain text out of HTML: the paragraphs of a subtree, and markup-free values."""

from __future__ import annotations

import copy
import html as htmllib
import re

import lxml.html
from lxml import etree

from newscrawl.extract import xpaths

# Elements that start and end a paragraph; text between them (loose text
# standing beside blocks, the attribution line of an embedded tweet) is a
# paragraph of its own, in document order.
BLOCKS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "ul",
    )
)
ROWS = frozenset(("tr",))  # a table row is one paragraph, its cells joined by " | "
CELLS = frozenset(("td", "th"))

_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")
_SPACES = re.compile(r"\s+")
# A lone surrogate (from a JSON "\ud800" escape) cannot be encoded: never text.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Something that is markup, not prose: a tag with a known shape, a comment or
# CDATA section ("a < b" and "x<y" stay as they are).
# A tag cut off at the end of the value counts too ("<svg onload=alert(1)").
_MARKUP = re.compile(
    r"<(?:/?[A-Za-z][\w:-]*(?:[\s/][^<>]*)?>|[A-Za-z][\w:-]*[\s/][^<>]*$|!--|!\[CDATA\[)"
)
_CDATA = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|$)", re.S)


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _paragraphs(root) -> list[str]:
    """The text of *root* cut at block boundaries, in document order; walked
    without recursion, so the deepest tree the parser builds is fine."""
    texts: list[str] = []
    line: list[str] = []
    row: list[list[str]] | None = None  # the cells of the table row being read

    def flush() -> None:
        if line:
            texts.extend(_BLANK_LINES.split("".join(line)))
            line.clear()

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = _tag(element)
        if event == "start":
            if tag in ROWS:
                flush()
                row = []
            elif tag in CELLS and row is not None:
                row.append([])
            elif tag in BLOCKS:
                flush()
            elif tag == "br":
                (row[-1] if row else line).append("\n")
            if element.text and tag:
                (row[-1] if row else line).append(element.text)
            continue
        if tag in ROWS and row is not None:
            cells = [" ".join("".join(cell).split()) for cell in row]
            if any(cells):
                texts.append(" | ".join(cells))
            row = None
        elif tag in BLOCKS:
            flush()
        if element is not root and element.tail:
            (row[-1] if row else line).append(element.tail)
    flush()
    return [t.strip() for t in texts if t.strip()]


def paragraphs(node) -> list[str]:
    """The paragraphs under *node* (a parsel Selector or an lxml element),
    furniture removed.

    Blocks (``p``, headings, list items, quotes, ``div``…) give one paragraph
    each, and so does text standing between them; a table row gives one line
    of its cells. Blank lines and double ``<br>`` split paragraphs too.
    Whitespace inside a paragraph is left to the text rules, except that a
    paragraph never contains a blank line (the body's separator).
    """
    root = copy.deepcopy(getattr(node, "root", node))
    if not isinstance(root.tag, str):
        return []
    for junk in xpaths.FURNITURE(root) + xpaths.PLACEHOLDER_BELOW(root):
        if junk.getparent() is not None:
            junk.drop_tree()
    return _paragraphs(root)


def element_text(element) -> str:
    """The text of one element without script, style, template, comments or
    markup written as text, whitespace collapsed."""
    root = getattr(element, "root", element)
    if isinstance(root, str):
        return plain_text(root)
    if not isinstance(root.tag, str):
        return ""
    if not len(root):
        # No child (element, comment or processing instruction): nothing to
        # remove, and the text is all there is (most fields: a link, a date).
        text = root.text or ""
    else:
        if xpaths.NOT_TEXT(root):
            root = copy.deepcopy(root)
            for junk in xpaths.NOT_TEXT(root):
                junk.drop_tree()
        text = "".join(root.itertext())
    # <title> is raw text: "<svg onload=…>" in it is a string, not an element.
    return plain_text(_SPACES.sub(" ", text))


def _fragment(value: str):
    value = _CDATA.sub(" ", value)
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    for junk in xpaths.NOT_TEXT(root):
        junk.drop_tree()
    return root


def plain_text(value: str, unescape: bool = False) -> str:
    """*value* as plain text: tags removed (and the content of script,
    style, noscript, template, comments and CDATA), lone surrogates dropped;
    with *unescape*, HTML entities first (JSON-LD strings often carry them)."""
    value = _SURROGATES.sub("", value)
    if unescape and "&" in value:
        value = htmllib.unescape(value)
    for _ in range(3):  # parsing decodes entities: "&lt;svg&gt;" is a tag then
        if "<" not in value or not _MARKUP.search(value):
            break
        root = _fragment(value)
        value = "" if root is None else "".join(root.itertext())
    return _SPACES.sub(" ", value).strip()


def plain_paragraphs(value: str, unescape: bool = False) -> list[str]:
    """Like ``plain_text`` for a body: paragraphs kept (blank lines, newlines
    and block elements split them)."""
    value = _SURROGATES.sub("", value)
    if unescape and "&" in value:
        value = htmllib.unescape(value)
    if "<" not in value or not _MARKUP.search(value):
        return [p.strip() for p in re.split(r"\n\s*\n?", value) if p.strip()]
    root = _fragment(value)
    return [] if root is None else _paragraphs(root)
