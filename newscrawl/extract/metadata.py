"""Fields from structured metadata: Open Graph / article: meta and JSON-LD.

Metadata is read defensively: JSON-LD of any shape (an object where a string
belongs, numbers, nesting deeper than the parser allows, lone surrogates) never
raises. A value of the wrong type is left out and counted (the
``metadata_ignored`` field of ``metadata_fields``); the page keeps its other
sources. Every value is plain text: tags (``<svg onload=…>``) and the content
of script, style, template and CDATA are removed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import weakref
from collections.abc import Iterator

from newscrawl.extract import xpaths
from newscrawl.extract.html import plain_paragraphs, plain_text

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "Report",
}
# Objects nested deeper than this in @graph lists are not looked at.
MAX_GRAPH_DEPTH = 32
# A JSON-LD script longer than this is not parsed (an article's is a few KB;
# parsed, JSON takes about six times its size in memory).
MAX_SCRIPT_CHARS = 5_000_000


def meta(response, name: str) -> str | None:
    """The first ``content`` of ``<meta property=name>`` or ``<meta name=name>``,
    as plain text (entities decoded, markup removed, even escaped markup)."""
    values = meta_contents(response).get(name)
    return plain_text(values[0], unescape=True) if values else None


def meta_all(response, name: str) -> list[str]:
    values = meta_contents(response).get(name, ())
    return [v for v in (plain_text(value, unescape=True) for value in values) if v]


# A page's metas by name, read in one pass however many names are asked for
# (``//meta[@property=$name or @name=$name]/@content`` for each), and let go
# with the response.
_METAS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def meta_contents(response) -> dict[str, list[str]]:
    """The ``content`` of every ``<meta>`` by its ``property`` and by its
    ``name``, in document order."""
    try:
        return _METAS[response]
    except (KeyError, TypeError):
        pass
    contents: dict[str, list[str]] = {}
    for element in xpaths.METAS(response.selector.root):
        content = element.get("content")
        for key in dict.fromkeys((element.get("property"), element.get("name"))):
            if key is not None:
                contents.setdefault(key, []).append(content)
    with contextlib.suppress(TypeError):  # not weak-referenceable: read again next time
        _METAS[response] = contents
    return contents


def _walk(root) -> Iterator[dict]:
    """Every object of a JSON-LD document: the top level (or its list) and
    what ``@graph`` holds, without recursion."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_GRAPH_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((child, depth + 1) for child in reversed(node))
        elif isinstance(node, dict):
            yield node
            graph = node.get("@graph")
            if isinstance(graph, (list, dict)):
                stack.append((graph, depth + 1))


def _types(node: dict) -> set[str]:
    kind = node.get("@type", [])
    return {k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}


class JsonLd:
    """The JSON-LD objects of one page, and what was unusable in them."""

    def __init__(self, scripts: list[str]):
        self.nodes: list[dict] = []
        self.unparsable = 0
        self.oversized = 0
        for script in scripts:
            if len(script) > MAX_SCRIPT_CHARS:
                self.oversized += 1
                continue
            try:
                self.nodes.extend(_walk(json.loads(script)))
            except (ValueError, RecursionError):
                # RecursionError: nested deeper than the JSON parser goes.
                self.unparsable += 1

    def article(self) -> dict:
        return next((n for n in self.nodes if _types(n) & ARTICLE_TYPES), {})

    def types(self) -> set[str]:
        return set().union(*map(_types, self.nodes))


# Parsed once per page however many callers ask (classification, then
# extraction), and let go with the response: a multi-megabyte JSON-LD is
# held for as long as the page is being handled, not after.
_PARSED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def jsonld(response) -> JsonLd:
    try:
        return _PARSED[response]
    except (KeyError, TypeError):
        pass
    parsed = JsonLd([str(s) for s in xpaths.JSONLD_SCRIPTS(response.selector.root)])
    with contextlib.suppress(TypeError):  # not weak-referenceable: parsed again next time
        _PARSED[response] = parsed
    return parsed


def jsonld_types(response) -> set[str]:
    return jsonld(response).types()


class _Reader:
    """Typed reads of JSON-LD values; counts what had the wrong type."""

    def __init__(self) -> None:
        self.ignored: list[str] = []

    def _wrong(self, name: str, value) -> None:
        self.ignored.append(f"{name} ({type(value).__name__})")

    def text(self, value, name: str) -> str | None:
        """A string, or the first string of a list."""
        if value is None:
            return None
        if isinstance(value, list):
            strings = [v for v in value if isinstance(v, str) and v.strip()]
            if not strings:
                if any(v is not None for v in value):
                    self._wrong(name, value)
                return None
            value = strings[0]
        if isinstance(value, str):
            return plain_text(value, unescape=True) or None
        self._wrong(name, value)
        return None

    def texts(self, value, name: str, split: bool = False) -> list[str]:
        """Strings: one, a list of them, or a comma-separated one (*split*)."""
        if value is None:
            return []
        if isinstance(value, str):
            values = value.split(",") if split else [value]
        elif isinstance(value, list):
            values = [v for v in value if isinstance(v, str)]
            if len(values) < len(value):
                self._wrong(name, next(v for v in value if not isinstance(v, str)))
        else:
            self._wrong(name, value)
            return []
        return [t for t in (plain_text(v, unescape=True) for v in values) if t]

    def names(self, value, name: str) -> list[str]:
        """Names from a person/organisation, a string, or a list of them."""
        if not value:
            return []
        names = []
        for entry in value if isinstance(value, list) else [value]:
            found = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(found, list):
                found = next((v for v in found if isinstance(v, str)), None)
            if not isinstance(found, str):
                self._wrong(name, found)
                continue
            found = plain_text(found, unescape=True)
            # article:author is often a profile URL, which is no name.
            if found and "://" not in found:
                names.append(found)
        return names

    def urls(self, value, name: str) -> list[str]:
        """URLs from a string, an ImageObject (``url``/``contentUrl``), or a list."""
        if not value:
            return []
        urls = []
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict):
                entry = entry.get("url") or entry.get("contentUrl")
                if isinstance(entry, list):
                    entry = next((v for v in entry if isinstance(v, str)), None)
            if isinstance(entry, str) and entry.strip() and "<" not in entry:
                urls.append(entry.strip())
            elif entry:
                self._wrong(name, entry)
        return urls

    def body(self, value, name: str = "articleBody") -> list[str]:
        """Paragraphs from a string or a list of strings; a list that holds
        anything else is no body at all."""
        if value is None:
            return []
        parts = value if isinstance(value, list) else [value]
        wrong = [part for part in parts if part is not None and not isinstance(part, str)]
        if wrong:
            self._wrong(name, value)
            return []
        return [p for part in parts if part for p in plain_paragraphs(part, unescape=True)]


def metadata_fields(response) -> dict:
    """Whatever the page's structured metadata says; missing fields are absent.

    ``metadata_ignored`` counts the JSON-LD values left out for their type
    (and unparsable JSON-LD scripts); it is absent when there were none."""
    parsed = jsonld(response)
    ld = parsed.article()
    read = _Reader()
    fields = {
        "title": read.text(ld.get("headline"), "headline") or meta(response, "og:title"),
        "summary": read.text(ld.get("description"), "description")
        or meta(response, "og:description")
        or meta(response, "description"),
        "section": read.text(ld.get("articleSection"), "articleSection")
        or meta(response, "article:section"),
        "tags": read.texts(ld.get("keywords"), "keywords", split=True)
        or meta_all(response, "article:tag"),
        "authors": read.names(ld.get("author"), "author")
        or read.names(meta_all(response, "article:author"), "article:author"),
        "published_raw": read.text(ld.get("datePublished"), "datePublished")
        or meta(response, "article:published_time"),
        "image_urls": read.urls(ld.get("image"), "image") or meta_all(response, "og:image"),
        "body": read.body(ld.get("articleBody")),
    }
    found = {k: v for k, v in fields.items() if v}
    ignored = len(read.ignored) + parsed.unparsable + parsed.oversized
    if ignored:
        found["metadata_ignored"] = ignored
        said = read.ignored[:5]
        if parsed.unparsable:
            said.append(f"{parsed.unparsable} unparsable or too deeply nested script(s)")
        if parsed.oversized:
            said.append(f"{parsed.oversized} script(s) over {MAX_SCRIPT_CHARS:,} characters")
        logger.info(
            "%s: %d JSON-LD value(s) of the wrong type ignored (%s)",
            response.url,
            ignored,
            ", ".join(said),
        )
    return found
