"""The live site: the editions' home pages, then every link of the crawl.

Each URL is requested once (``seen``), in its ``clean_url`` form. A page's
links are read in one pass, each with where it stands: in the "Iran in
Brief" block (its "More" links make briefs), in a site-wide block (a
Drupal block outside the page's main content, whose pager is fetched once
per edition and block page, ``BLOCK_PAGERS``), or elsewhere. A listing
whose page repeats the page before it ends its pagination (a pager that
runs on forever, or a ``?page=`` beyond the last page).

A tag (a term linked from a node's ``field-name-field-tags``) is a second
index of articles the sections already list: its pages are read after
everything else (``TAG_PRIORITY``), and its pagination ends at the first
page that brings no page the crawl has not seen (``TAG_PAGERS``)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_base_url

from newscrawl.extract import xpaths
from newscrawl.extract.page import HTML_SPACE, Page
from newscrawl.sources.base import Source
from newscrawl.urls import (
    HOME_PATHS,
    URL_CACHE_SIZE,
    article_key,
    clean_url,
    elsewhere,
    is_page_href,
    is_pager,
    language_of,
    should_follow,
)

# The label of the link that ends each item of the "Iran in Brief" block.
MORE_LABELS = ("More", "more", "Read more", "بیشتر", "بيشتر", "ادامه", "المزيد", "للمزيد")
# The "Iran in Brief" block: a View of this class, or an element with this in its id.
BRIEF_BLOCK_CLASSES = ("view-iran-in-brief",)
BRIEF_BLOCK_ID = "iran-in-brief"
# Drupal blocks: an element with an id ``block-<module>-<delta>``, except the
# page's main content; a View shown as a block (``view-display-id-block…``);
# a Panels pane.
BLOCK_ID_PREFIX = "block-"
MAIN_CONTENT_IDS = ("block-system-main",)
BLOCK_DISPLAY_PREFIX = "view-display-id-block"
PANE_CLASS = "panel-pane"
BLOCK_PAGER_MODES = ("once", "every")
# The taxonomy field of a node (article page or teaser) whose links are tags.
TAGS_FIELD_CLASSES = ("field-name-field-tags", "field--name-field-tags")  # Drupal 7, 8+
TAG_PAGER_MODES = ("productive", "every")
# A tag's pages wait behind every other request (Scrapy runs higher first):
# by the time they are read, the sections have shown what they list.
TAG_PRIORITY = -10


@dataclass(frozen=True)
class LiveConfig:
    """The live source's settings, read once (defaults in ``settings.py``)."""

    block_pagers: str  # "once" per edition and block page, or "every" page's
    tag_pagers: str  # "productive": a tag's next page only after a page with news

    @classmethod
    def from_settings(cls, settings) -> LiveConfig:
        return cls(
            block_pagers=_mode(settings, "BLOCK_PAGERS", BLOCK_PAGER_MODES),
            tag_pagers=_mode(settings, "TAG_PAGERS", TAG_PAGER_MODES),
        )


def _mode(settings, name: str, modes: tuple[str, ...]) -> str:
    mode = str(settings.get(name) or "").strip().lower()
    if mode not in modes:
        raise ValueError(f"{name} must be one of {', '.join(modes)}, got {mode!r}")
    return mode


class Where(NamedTuple):
    """Where an element stands on its page."""

    brief_block: bool  # inside the "Iran in Brief" block
    block: str | None  # the site-wide block it is in (its id), if any
    tags: bool = False  # inside a node's tags field


NOWHERE = Where(False, None)


def _block_of(ident: str, classes: str) -> str | None:
    """The block an element with this id and class attribute opens: its
    identity, ``""`` for the page's main content, None if it opens none."""
    if ident in MAIN_CONTENT_IDS:
        return ""
    if ident.startswith(BLOCK_ID_PREFIX):
        return ident
    if BLOCK_DISPLAY_PREFIX in classes:
        names = classes.split()
        display = next((c for c in names if c.startswith(BLOCK_DISPLAY_PREFIX)), None)
        if display:
            view = next((c for c in names if c.startswith("view-id-")), "view")
            return f"{view}/{display}"
    if PANE_CLASS in classes and PANE_CLASS in classes.split():
        return " ".join(c for c in classes.split() if c.startswith("pane-")) or PANE_CLASS
    return None


def _is_tags_field(classes: str) -> bool:
    return any(name in classes and name in classes.split() for name in TAGS_FIELD_CLASSES)


def _is_brief_block(ident: str, classes: str) -> bool:
    return BRIEF_BLOCK_ID in ident or any(
        name in classes and name in classes.split() for name in BRIEF_BLOCK_CLASSES
    )


@lru_cache(maxsize=16384)  # the same class names stand on every page
def _opens(ident: str, classes: str) -> tuple[str | None, bool, bool]:
    """What an element with this id and class attribute opens: a block (see
    ``_block_of``), the "Iran in Brief" block, a tags field."""
    return (
        _block_of(ident, classes),
        _is_brief_block(ident, classes),
        bool(classes) and _is_tags_field(classes),
    )


def where(element, cache: dict) -> Where:
    """Where *element* stands, from its ancestors (each looked at once per
    page thanks to *cache*)."""
    chain = []
    node = element
    while node is not None and node not in cache:
        chain.append(node)
        node = node.getparent()
    found = cache[node] if node is not None else NOWHERE
    for node in reversed(chain):
        ident, classes = node.get("id") or "", node.get("class") or ""
        if ident or classes:  # most elements open nothing: no attribute to read
            block, brief, tags = _opens(ident, classes)
            brief, tags = found.brief_block or brief, found.tags or tags
            if block is not None or brief != found.brief_block or tags != found.tags:
                found = Where(brief, found.block if block is None else (block or None), tags)
        cache[node] = found
    return found


class Link:
    """One URL of a page: its request URL, and how the page linked to it."""

    __slots__ = ("block", "page", "pager", "tag", "url", "via_more")

    def __init__(
        self,
        url: str,
        via_more: bool,
        pager: bool,
        block: str | None = None,
        page: str | None = None,
        tag: bool = False,
    ):
        self.url, self.via_more, self.pager = url, via_more, pager
        self.block, self.page = block, page  # for a pager of a site-wide block
        self.tag = tag  # linked from a node's tags field


def page_links(response: HtmlResponse, site: str, languages: tuple[str, ...]) -> list[Link]:
    """The page's links to pages of this crawl, each URL once, in the order
    of their first appearance, in one pass over its ``<a>`` elements. A URL
    is ``via_more`` when one of its links is a "More" link of the "Iran in
    Brief" block; a ``?page=N`` of the page itself inside a site-wide block
    carries that block's identity and N. A URL is a ``tag`` when one of its
    links stands in a node's tags field."""
    found: dict[str, Link] = {}
    cache: dict = {}
    root = response.selector.root
    canonical = xpaths.CANONICAL(root).strip(HTML_SPACE)
    here = (response.url, response.urljoin(canonical) if canonical else "")
    base = get_base_url(response)
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}/"
    for anchor in xpaths.LINKS(root):
        href = anchor.get("href", "").strip(HTML_SPACE)
        # A root-relative or absolute link (most of the site's) means the same
        # on every page of the origin: read once for the whole crawl.
        anywhere = href.startswith(ABSOLUTE) or (href[:1] == "/" and href[1:2] != "/")
        url = _target(origin if anywhere else base, href, site, languages)
        if url is None:
            continue
        link = found.get(url)
        place = where(anchor, cache)
        more = place.brief_block and " ".join("".join(anchor.itertext()).split()) in MORE_LABELS
        if link is None:
            pager = is_pager(url, *here)
            block = place.block if pager else None
            page = dict(parse_qsl(urlsplit(url).query)).get("page") if block else None
            found[url] = Link(url, more, pager, block, page, place.tags)
        else:
            link.via_more = link.via_more or more
            link.tag = link.tag or place.tags
    return list(found.values())


ABSOLUTE = ("http://", "https://")


@lru_cache(maxsize=URL_CACHE_SIZE)
def _target(base: str, href: str, site: str, languages: tuple[str, ...]) -> str | None:
    """The URL to request for a link *href* on a page at *base*, or None
    when it leads to no page of this crawl."""
    if not is_page_href(href) or elsewhere(href, site):
        return None
    if _PLAIN_PATH.fullmatch(href) and _bare_origin(base):
        url = base[:-1] + href  # what urljoin gives: no dot segment, no "//", no params
    else:
        url = urljoin(base, href)
    return clean_url(url) if should_follow(url, site, languages) else None


# A root-relative href that urljoin puts after the origin as it is.
_SEGMENT = "[A-Za-z0-9_~%-]+"
_PLAIN_PATH = re.compile(rf"/(?:{_SEGMENT}(?:/{_SEGMENT})*/?)?(?:\?page=[0-9]+)?")


@lru_cache(maxsize=256)
def _bare_origin(base: str) -> bool:
    """Whether *base* is an http(s) origin and ``/`` (``page_links``' origin),
    which urljoin reads back as the same scheme and host."""
    parts = urlsplit(base)
    return (
        parts.scheme in ("http", "https")
        and parts[2:] == ("/", "", "")
        and base == f"{parts.scheme}://{parts.netloc}/"
    )


def _news(new: list[Link]) -> bool:
    """Whether a listing page's unseen links include one to a page the crawl
    has not seen: not only other tags (every teaser links its tags)."""
    return any(not link.tag for link in new)


def links_digest(links: Iterable[Link]) -> str:
    """What a page links to, apart from its own pagers: two pages of a
    listing with the same digest show the same thing."""
    urls = sorted(link.url for link in links if not link.pager)
    return hashlib.sha1("\n".join(urls).encode()).hexdigest()


class LiveSource(Source):
    name = "live"
    follow_links = True

    def __init__(self, spider, options: dict[str, Any]):
        super().__init__(spider, options)
        wayback_only = [name for name in ("from", "to", "at") if options.get(name)]
        if wayback_only:
            raise ValueError(
                "from, to and at choose Wayback Machine captures: use them with -a source=wayback"
            )
        self.config: LiveConfig  # read in ``bind``
        self.seen: set[str] = set()  # URLs requested so far

    def bind(self, crawler) -> None:
        self.config = LiveConfig.from_settings(crawler.settings)

    @property
    def briefs(self) -> set[str]:
        """``article_key`` of every page a "More" link of the "Iran in Brief"
        block led to (kept across a resume, like all of ``spider.state``)."""
        return self.spider.state.setdefault("briefs", set())

    @property
    def tags(self) -> set[str]:
        """``article_key`` of every tag seen in a node's tags field."""
        return self.spider.state.setdefault("tags", set())

    @property
    def block_pages(self) -> set[tuple[str, str, str]]:
        """``(edition, block, page)`` of the site-wide block pages requested."""
        return self.spider.state.setdefault("block_pages", set())

    def read_links(self, response: HtmlResponse) -> list[Link]:
        """The page's links; the pages its "Iran in Brief" block's "More"
        links lead to are briefs from now on (``briefs``)."""
        links = page_links(response, self.spider.base_url, self.spider.languages)
        self.briefs.update(article_key(link.url) for link in links if link.via_more)
        self.tags.update(article_key(link.url) for link in links if link.tag)
        return links

    def reached_as_brief(self, response, links=None) -> bool:
        """Reached through a "More" link of the block, or linked by one on a
        page read before (this one included: the block is on every page)."""
        return bool(response.meta.get("via_more")) or article_key(response.url) in self.briefs

    async def start(self):
        for language in self.spider.languages:
            url = self.spider.base_url + HOME_PATHS[language]
            self.seen.add(clean_url(url))
            yield self.spider.page_request(url)

    def links(
        self, response: HtmlResponse, page: Page, links: list[Link] | None = None
    ) -> Iterator[scrapy.Request]:
        """Requests for the page's links not requested before; its pagers
        last, and none of them when the page is a listing that repeats the
        page that linked to it. A site-wide block's page is requested once
        per edition (with ``BLOCK_PAGERS = "once"``), from the first page
        that shows a pager to it. A tag's pages come last, and its
        pagination ends at a page that shows nothing new (with
        ``TAG_PAGERS = "productive"``)."""
        spider = self.spider
        stats = spider.crawler.stats
        links = self.read_links(response) if links is None else links
        edition = language_of(response.url)
        new: list[Link] = []
        pagers: list[Link] = []
        for link in links:
            if link.url in self.seen:
                continue
            if spider.known and article_key(link.url) in spider.known:
                stats.inc_value("oldsite/skipped_known")
                continue
            (pagers if link.pager else new).append(link)
        tags = self.tags
        tag = page.kind == "listing" and article_key(response.url) in tags
        # The digest tells a listing that repeats the page before it, and goes
        # with every request made here: most pages make none (their pagers are
        # other pages' block pagers), and need none.
        digest = links_digest(links) if page.kind == "listing" and not new else None
        if digest is not None and response.meta.get("listing_digest") == digest:
            stats.inc_value("oldsite/pagination/stopped")
            spider.logger.info("%s repeats the page before it: pagination stopped", response.url)
            pagers = []
        elif tag and pagers and self.config.tag_pagers == "productive" and not _news(new):
            stats.inc_value("oldsite/pagination/tag_done")
            spider.logger.debug(
                "%s shows nothing new: the tag's later pages are not fetched", response.url
            )
            pagers = [link for link in pagers if link.block is not None]
        if self.config.block_pagers == "once":
            pagers = [link for link in pagers if self.first_block_page(edition, link)]
        if digest is None and (new or pagers):
            digest = links_digest(links)
        for link in new:
            self.seen.add(link.url)
            yield spider.page_request(
                link.url,
                priority=TAG_PRIORITY if link.tag or article_key(link.url) in tags else 0,
                via_more=link.via_more,
                listing_digest=digest,
            )
        for link in pagers:
            self.seen.add(link.url)
            yield spider.page_request(
                link.url,
                priority=TAG_PRIORITY if tag and link.block is None else 0,
                via_more=link.via_more,
                listing_digest=digest,
            )

    def claimed(self, url: str, response: HtmlResponse) -> Iterator[scrapy.Request]:
        """The page at *url* (a page's canonical URL), unless requested before."""
        url = clean_url(url)
        if url in self.seen:
            return
        if self.spider.known and article_key(url) in self.spider.known:
            self.spider.crawler.stats.inc_value("oldsite/skipped_known")
            return
        self.seen.add(url)
        yield self.spider.page_request(url, via_more=response.meta.get("via_more", False))

    def first_block_page(self, edition: str, link: Link) -> bool:
        """Whether *link* is to be followed: not a site-wide block's page
        already requested for this edition (from another page)."""
        if link.block is None:
            return True
        key = (edition, link.block, link.page or "")
        if key in self.block_pages:
            self.spider.crawler.stats.inc_value("oldsite/pagers/sitewide_skipped")
            return False
        self.block_pages.add(key)
        return True
