"""The interface every source of pages implements (see ``newscrawl.sources``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import HtmlResponse, Response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.extract.page import Page
    from newscrawl.spiders.oldsite import OldsiteSpider


class Source:
    """Where a crawl's pages come from.

    Life cycle: ``__init__(spider, options)`` in the spider's ``__init__``
    (check the source's own ``-a`` arguments, raise ValueError), ``bind(crawler)``
    in ``from_crawler`` (read settings, adjust ``allowed_domains`` or download
    slots), then ``start()`` yields the first requests.

    Page requests are made with ``spider.page_request()`` (callback
    ``spider.parse``); every response of such a request first goes through
    ``page(response)``, which returns the response as the old-site page it is
    (its URL the page's URL on the site; ``meta["capture_timestamp"]`` set
    when it is a capture). Requests a source parses itself (listings of
    captures, indexes) are made with ``request()``: the spider calls the named
    method of the source back, so that requests stay serializable for
    ``JOBDIR``.
    """

    name = ""
    #: Whether the spider follows the links of the pages (else every page
    #: comes from the source's own listing).
    follow_links = False
    #: Why the browser cannot be used with this source, or None if it can.
    no_render: str | None = None
    #: The argument names this source takes (recorded, passed in *options*).
    options: tuple[str, ...] = ()

    def __init__(self, spider: OldsiteSpider, options: dict[str, Any]):
        self.spider = spider

    def __str__(self) -> str:
        return self.name

    def bind(self, crawler: Crawler) -> None:
        """Read the settings the source needs (``from_crawler``)."""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The crawl's first requests."""
        return
        yield  # an async generator

    def page(self, response: Response) -> Response:
        """The response as the old-site page it is."""
        return response

    def read_links(self, response: HtmlResponse) -> Any:
        """The page's links as the source reads them (only if
        ``follow_links``), handed back to ``reached_as_brief`` and ``links``:
        a page is read once."""
        return None

    def reached_as_brief(self, response: Response, links: Any = None) -> bool:
        """Whether the page was reached through a "More" link of the "Iran in
        Brief" block (which makes an article page a brief)."""
        return bool(response.meta.get("via_more"))

    def links(
        self, response: HtmlResponse, page: Page, links: Any = None
    ) -> Iterable[scrapy.Request]:
        """Requests for the links of a parsed page (only if ``follow_links``)."""
        return ()

    def claimed(self, url: str, response: Response) -> Iterable[scrapy.Request]:
        """Requests for the page at *url*, which the page *response* named as
        its canonical URL (none by default: the source's own listing holds
        the pages there are)."""
        return ()

    def site_hosts(self) -> frozenset[str] | None:
        """Every host name the site had, when pages may carry any of them in
        their canonical link (archived pages); None for this host only."""
        return None

    def close_reason(self) -> str | None:
        """A finish reason when the spider goes idle, if the crawl must end
        as incomplete (e.g. ``wayback_incomplete``)."""
        return None

    def request(
        self, url: str, callback: str, errback: str | None = None, **kwargs: Any
    ) -> scrapy.Request:
        """A request whose response (or failure) goes to this source's method
        named *callback* (*errback*)."""
        meta = {**kwargs.pop("meta", {}), "source_callback": callback}
        if errback:
            meta["source_errback"] = errback
        return scrapy.Request(
            url,
            callback=self.spider.bound("parse_source"),
            errback=self.spider.bound("source_failed"),
            meta=meta,
            **kwargs,
        )
