"""What a page is: its kind and the URL it is stored under.

Pure functions of a response (and, for briefs, of how it was reached); the
spider only decides what to request. Expressions are in ``xpaths``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from scrapy.http import HtmlResponse

from newscrawl.extract import xpaths
from newscrawl.extract.metadata import ARTICLE_TYPES, jsonld_types
from newscrawl.urls import article_key, on_site

KINDS = ("article", "brief", "video", "listing", "other")
# The kinds stored as documents.
DOCUMENT_KINDS = ("article", "brief", "video")
# Drupal node types (``node-type-<type>`` on <body>), by the kind they make.
ARTICLE_NODE_TYPES = ("article", "news", "story", "news-article")
BRIEF_NODE_TYPES = ("brief", "iran-in-brief", "short-news", "news-brief")
VIDEO_NODE_TYPES = ("video", "vod")
NODE_KINDS = (
    (BRIEF_NODE_TYPES, "brief"),
    (VIDEO_NODE_TYPES, "video"),
    (ARTICLE_NODE_TYPES, "article"),
)
# Sections whose pages are of one kind (decoded path prefixes; a page of the
# section has a slug after the prefix): English briefs, Persian videos ("VOD"
# in Arabic letters), writer pages.
SECTION_KINDS = (
    ("/en/iran-in-brief/", "brief"),
    ("/\u0641\u064a-\u0623\u0648\u0647-\u062f\u064a/", "video"),  # /في-أوه-دي/
    ("/\u0646\u0648\u06cc\u0633\u0646\u062f\u0647/", "listing"),  # /نویسنده/
)
# What HTML strips from attribute values (never NBSP: slugs may end with one).
HTML_SPACE = " \t\n\r\f"
_NODE_TYPE = re.compile(r"\bnode-type-([\w-]+)")


@dataclass(frozen=True)
class Page:
    """A page's classification: its ``kind`` and, for a Drupal node, its
    node type (``None`` elsewhere)."""

    kind: str
    node_type: str | None = None

    @property
    def is_document(self) -> bool:
        """Whether the page is stored (an article, a brief or a video)."""
        return self.kind in DOCUMENT_KINDS


def node_types(response: HtmlResponse) -> tuple[str, ...]:
    """The Drupal node types named on ``<body>``, in order."""
    return tuple(_NODE_TYPE.findall(xpaths.BODY_CLASS(response.selector.root)))


def section_kind(url: str) -> str | None:
    """The kind every page of the URL's section is (``SECTION_KINDS``), or None."""
    path = unquote(urlsplit(url).path)
    for prefix, kind in SECTION_KINDS:
        if path.startswith(prefix) and path[len(prefix) :].strip("/"):
            return kind
    return None


def classify(response: HtmlResponse, via_more: bool = False) -> Page:
    """The page's kind: ``article``, ``brief``, ``video``, ``listing`` or ``other``.

    Markers, strongest first: the Drupal node type on ``<body>``, the
    section the URL is in, the ``og:type``/JSON-LD type, then the shape of
    the page (a main node with text, or a list of teasers). An article
    reached through a "More" link of the "Iran in Brief" block (*via_more*)
    or in the briefs' section is a brief.
    """
    root = response.selector.root
    types = node_types(response)
    section = section_kind(response.url)
    document = "brief" if via_more or section == "brief" else section or "article"
    for vocabulary, kind in NODE_KINDS:
        found = next((t for t in types if t in vocabulary), None)
        if found:
            return Page(document if kind == "article" and document == "brief" else kind, found)
    if types:
        return Page("other", types[0])  # a Drupal page, webform, gallery…
    if section == "listing":
        return Page("listing")
    og_type = xpaths.OG_TYPE(root).strip().lower()
    if og_type == "article" or jsonld_types(response) & ARTICLE_TYPES:
        return Page(document)
    teasers = len(xpaths.TEASERS(root))
    if teasers >= 2 and main_node(response) is None:
        return Page("listing")
    if og_type.startswith("video") and section == "video":
        return Page("video")
    if og_type:
        return Page("other")
    if looks_like_article(response):
        return Page(document)
    return Page("listing" if teasers >= 2 else "other")


def page_kind(response: HtmlResponse, via_more: bool = False) -> str:
    """``classify(...).kind``."""
    return classify(response, via_more).kind


def main_node(response: HtmlResponse):
    """The page's own node (an lxml element), or None."""
    root = response.selector.root
    for expression in xpaths.MAIN_NODE:
        found = expression(root)
        if found:
            return found[0]
    return None


def looks_like_article(response: HtmlResponse) -> bool:
    """A page of unknown markup with one headline and some prose."""
    root = response.selector.root
    return xpaths.HEADLINES(root) == 1 and xpaths.PROSE(root) >= 2


def canonical_url(response: HtmlResponse, site: str, aliases: Collection[str] | None = None) -> str:
    """The page's ``rel=canonical`` when it points to this *site* (an origin
    URL, or a host name: see ``urls.on_site``), else its URL, in
    ``article_key`` form.

    With *aliases* (every host name the site had, for archived pages), a
    canonical URL on any of them counts, moved onto the page URL's scheme
    and host."""
    canonical = xpaths.CANONICAL(response.selector.root).strip(HTML_SPACE)
    if canonical:
        canonical = response.urljoin(canonical)
        parts = urlsplit(canonical)
        if aliases is None and on_site(canonical, site):
            return article_key(canonical)
        if aliases is not None and parts.hostname in aliases:
            here = urlsplit(response.url)
            return article_key(urlunsplit((here.scheme, here.netloc, parts.path, parts.query, "")))
    return article_key(response.url)
