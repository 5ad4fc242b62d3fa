"""The live site: the editions' home pages, then every link of the crawl.

Each URL is requested once (``seen``), in its ``clean_url`` form; a listing
whose page repeats the page before it ends its pagination (a pager that runs
on forever, or a ``?page=`` beyond the last page)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import HtmlResponse

from newscrawl.extract import xpaths
from newscrawl.extract.page import Page
from newscrawl.sources.base import Source
from newscrawl.urls import (
    HOME_PATHS,
    article_key,
    clean_url,
    is_page_href,
    is_pager,
    should_follow,
)

# The link that ends each "Iran in Brief" item.
MORE_LABELS = ("More", "more", "Read more", "بیشتر", "بيشتر", "ادامه")


class Link:
    """One URL of a page: its request URL, and how the page linked to it."""

    __slots__ = ("pager", "url", "via_more")

    def __init__(self, url: str, via_more: bool, pager: bool):
        self.url, self.via_more, self.pager = url, via_more, pager


def page_links(response: HtmlResponse, site: str, languages: tuple[str, ...]) -> list[Link]:
    """The page's links to pages of this crawl, each URL once, in the order
    of their first appearance; a URL is ``via_more`` when any of its links is
    a "More" link."""
    found: dict[str, Link] = {}
    for anchor in xpaths.LINKS(response.selector.root):
        href = anchor.get("href", "").strip()
        if not is_page_href(href):
            continue
        url = response.urljoin(href)
        if not should_follow(url, site, languages):
            continue
        url = clean_url(url)
        more = " ".join("".join(anchor.itertext()).split()) in MORE_LABELS
        link = found.get(url)
        if link is None:
            found[url] = Link(url, more, is_pager(url, response.url))
        elif more:
            link.via_more = True
    return list(found.values())


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
            raise ValueError("from, to and at choose Wayback Machine captures: "
                             "use them with -a source=wayback")
        self.seen: set[str] = set()  # URLs requested so far

    async def start(self):
        for language in self.spider.languages:
            url = self.spider.base_url + HOME_PATHS[language]
            self.seen.add(clean_url(url))
            yield self.spider.page_request(url)

    def links(self, response: HtmlResponse, page: Page) -> Iterator[scrapy.Request]:
        """Requests for the page's links not requested before; its pagers
        last, and none of them when the page is a listing that repeats the
        page that linked to it."""
        spider = self.spider
        stats = spider.crawler.stats
        links = page_links(response, spider.base_url, spider.languages)
        digest = links_digest(links)
        new: list[Link] = []
        pagers: list[Link] = []
        for link in links:
            if link.url in self.seen:
                continue
            if spider.known and article_key(link.url) in spider.known:
                stats.inc_value("oldsite/skipped_known")
                continue
            (pagers if link.pager else new).append(link)
        if page.kind == "listing" and not new and response.meta.get("listing_digest") == digest:
            stats.inc_value("oldsite/pagination/stopped")
            spider.logger.info("%s repeats the page before it: pagination stopped", response.url)
            pagers = []
        for link in new + pagers:
            self.seen.add(link.url)
            yield spider.page_request(link.url, via_more=link.via_more, listing_digest=digest)

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

