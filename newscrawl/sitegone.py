"""A site that is gone: stop at once, say so, and say how to recover it.

Before the first page of the live site has arrived, the requests to the
site's host (robots.txt and the start pages) are probes. The first of them
that fails because the name does not resolve, the connection is refused or
cannot be made, or that redirects to the new site, ends the crawl:

* no retries (a host that does not resolve will not resolve three more times);
* one error line, naming the reason and the command that recovers the site
  from the Internet Archive (``scrapy crawl oldsite -a source=wayback``);
* finish reason ``site_unreachable``, and ``scrapy crawl`` exits 1
  (``newscrawl.outcome``);
* no traceback: the failed request ends as ``SiteUnreachable``, an
  ``IgnoreRequest`` that the robots.txt middleware and the spider's errback
  take quietly.

A timeout or a connection dropped without an answer is not taken for a
gone site (a slow or flaky server is still there) unless the probe's
retries ran out. Once any page of the site arrived, the
middleware steps aside. ``DNS_TIMEOUT`` (settings) bounds a lookup that
hangs, as it may on a machine without network.

Runs after Scrapy's RetryMiddleware and the project's SiteRedirectMiddleware
in the chain (a higher order number), so it sees exceptions and responses
before they do.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    NotConfigured,
)
from scrapy.http import Response
from twisted.internet.error import ConnectError, ConnectionLost, DNSLookupError, TimeoutError
from twisted.web.client import ResponseFailed

from newscrawl.middlewares import NEW_SITE_HOSTS, REDIRECTS, LeftSite
from newscrawl.outcome import SITE_UNREACHABLE

logger = logging.getLogger(__name__)

REASON = SITE_UNREACHABLE  # the finish reason
RECOVER = "scrapy crawl oldsite -a source=wayback"
# What each kind of failure tells about the site, for the message.
EXPLAINED = {
    "dns": "the name {host} does not resolve (the DNS lookup failed or timed out)",
    "refused": "{netloc} refused the connection",
    "connect": "no connection to {netloc} could be made",
    "timeout": "{netloc} did not answer in time, retries included",
    "dropped": "{netloc} dropped the connection without an answer, retries included",
    "new_site": "{url} redirects to the new site ({location})",
}


class SiteUnreachable(LeftSite):
    """A request to a site that is gone: recorded once, not retried, not logged."""


# Kinds a single failure does not prove: only the last retry counts.
AFTER_RETRIES = ("timeout", "dropped")


def failure_kind(exc: BaseException) -> str | None:
    """``dns``, ``refused``, ``connect``, ``timeout`` or ``dropped`` for a
    failure that says the host cannot be reached, else None."""
    if isinstance(exc, (CannotResolveHostError, DNSLookupError)):
        return "dns"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectError):  # refused, no route, connect timed out
        return "connect"
    if isinstance(exc, (DownloadTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, (DownloadFailedError, ResponseFailed, ConnectionLost)):
        return "dropped"
    return None


def message(kind: str, base_url: str, **details: str) -> str:
    """The one line that says the site is gone, and what to do."""
    parts = urlsplit(base_url)
    why = EXPLAINED[kind].format(host=parts.hostname or base_url, netloc=parts.netloc, **details)
    return (
        f"The site at {base_url} is unreachable, no page could be fetched: {why}. "
        f"The old site may be gone; recover it from the Internet Archive's captures "
        f'with `{RECOVER}` (or `make crawl ARGS="-a source=wayback"`), '
        f'see README "Recovering from the Wayback Machine".'
    )


class SiteGoneMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Any):
        if not crawler.settings.getbool("SITEGONE_ENABLED"):
            raise NotConfigured
        self.crawler, self.stats = crawler, crawler.stats
        self.max_retries = crawler.settings.getint("RETRY_TIMES")
        self.reached = False  # a page of the site has arrived: nothing more to do
        self.gone: str | None = None  # the kind of failure that ended the crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteGoneMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        # Only a crawl of the live site: the Wayback Machine is not the site.
        if str(getattr(spider, "source", "live")) != "live" or not getattr(spider, "host", None):
            self.reached = True

    def _probe(self, request: Request) -> bool:
        spider = self.crawler.spider
        return (
            not self.reached
            and spider is not None
            and urlsplit(request.url).hostname == getattr(spider, "host", None)
        )

    def process_request(self, request: Request) -> None:
        if self.gone and self._probe(request):
            raise SiteUnreachable(f"{request.url}: the site is unreachable")

    def process_response(self, request: Request, response: Response) -> Response:
        if not self._probe(request) or self.gone:
            return response
        location = response.headers.get("Location")
        if response.status in REDIRECTS and location:
            target = urljoin(request.url, location.decode("latin-1"))
            if urlsplit(target).hostname in NEW_SITE_HOSTS:
                # SiteRedirectMiddleware records it and drops the request quietly.
                self._give_up("new_site", url=request.url, location=target)
                return response
            return response  # a redirect within the site: not an answer yet
        self.reached = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not self._probe(request):
            return
        if isinstance(exception, SiteUnreachable):
            return
        kind = failure_kind(exception)
        if kind is None:
            return
        if kind in AFTER_RETRIES and request.meta.get("retry_times", 0) < self.max_retries:
            return  # RetryMiddleware tries again
        if not self.gone:
            self._give_up(kind)
        raise SiteUnreachable(f"{request.url}: {exception}") from None

    def _give_up(self, kind: str, **details: str) -> None:
        spider = self.crawler.spider
        self.gone = kind
        self.stats.set_value("sitegone/reason", kind)
        logger.error(message(kind, spider.base_url, **details))
        if self.crawler.crawling:
            task = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=REASON))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
