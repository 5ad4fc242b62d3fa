"""Downloader middlewares."""

import logging
import time
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

from newscrawl import wayback

logger = logging.getLogger(__name__)

# Where the old site's pages moved to: a redirect there means "gone from here".
NEW_SITE_HOSTS = {"www.iranintl.com", "iranintl.com"}
REDIRECTS = {301, 302, 303, 307, 308}


class LeftSite(IgnoreRequest):
    """A redirect out of the site (or in a loop), recorded and not followed."""


class SiteRedirectMiddleware:
    """Record redirects that leave the site instead of following them: to the
    new site as ``oldsite/redirects/new_site`` (the page is gone from the old
    site), anywhere else as ``oldsite/redirects/offsite``; a redirect back to
    a URL of the same chain as ``oldsite/redirects/loop``.

    Runs before Scrapy's RedirectMiddleware (a higher order number)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler.stats)
        mw.crawler = crawler
        return mw

    def process_response(self, request, response):
        if response.status not in REDIRECTS or b"Location" not in response.headers:
            return response
        location = safe_url_string(urljoin(request.url, response.headers["Location"].decode("latin-1")))
        if location in request.meta.get("redirect_urls", ()) or location == request.url:
            self.stats.inc_value("oldsite/redirects/loop")
            logger.warning("Redirect loop at %s (back to %s): skipped", request.url, location)
            raise LeftSite(f"redirect loop at {request.url}")
        host = urlsplit(location).hostname
        if host in getattr(self.crawler.spider, "allowed_domains", [host]):
            return response
        where = "new_site" if host in NEW_SITE_HOSTS else "offsite"
        self.stats.inc_value(f"oldsite/redirects/{where}")
        logger.info("%s redirects %s: %s (recorded, not followed)",
                    request.url, "to the new site" if where == "new_site" else "off the site",
                    location)
        raise LeftSite(f"{request.url} redirects to {location}")


class WaybackThrottleMiddleware:
    """Keep to the Wayback Machine's rate limits on its download slots
    (``newscrawl.wayback``: ``wayback-cdx`` and ``wayback-replay``).

    A 429 pauses that slot for ``Retry-After`` seconds (``WAYBACK_BACKOFF``
    without the header), twice as long for each further 429 in a row (at most
    ``WAYBACK_BACKOFF_MAX``, never less than ``Retry-After``), then retries
    the request, at most ``WAYBACK_RETRY_TIMES`` times. Counts
    ``wayback/throttled`` and ``wayback/cdx_requests``.

    Runs before Scrapy's RetryMiddleware (a higher order number), which would
    retry a 429 at once."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler, self.stats = crawler, crawler.stats
        self.backoff = settings.getfloat("WAYBACK_BACKOFF", 60.0)
        self.backoff_max = settings.getfloat("WAYBACK_BACKOFF_MAX", 900.0)
        self.retry_times = settings.getint("WAYBACK_RETRY_TIMES", 5)
        self.strikes = {}  # slot -> 429s in a row
        self.paused_until = {}  # slot -> monotonic time its pause ends

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if request.meta.get("download_slot") == wayback.CDX_SLOT:
            self.stats.inc_value("wayback/cdx_requests")

    def process_response(self, request, response):
        key = request.meta.get("download_slot")
        if key not in (wayback.CDX_SLOT, wayback.REPLAY_SLOT):
            return response
        if response.status != 429:
            if time.monotonic() >= self.paused_until.get(key, 0.0):
                self.strikes.pop(key, None)  # an answer sent after the pause
            return response
        self.stats.inc_value("wayback/throttled")
        self.strikes[key] = self.strikes.get(key, 0) + 1
        header = response.headers.get("Retry-After", b"").decode("latin-1")
        asked = wayback.retry_after(header)
        wait = min((asked or self.backoff) * 2 ** (self.strikes[key] - 1), self.backoff_max)
        wait = max(wait, asked or 0.0)
        self.pause(key, wait)
        tries = request.meta.get("wayback_throttled", 0) + 1
        if tries > self.retry_times:
            logger.error("The Wayback Machine still answers 429 (too many requests) to %s after "
                         "%d retries: given up", request.url, self.retry_times)
            request.meta["dont_retry"] = True  # nor by RetryMiddleware
            return response
        logger.warning("The Wayback Machine answered 429 (too many requests, Retry-After: %s) to "
                       "%s: nothing more to %s for %.1f s", header or "none", request.url, key, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["wayback_throttled"] = tries
        return retry

    def pause(self, key, wait):
        """Nothing more through slot *key* for *wait* seconds from now."""
        until = max(self.paused_until.get(key, 0.0), time.monotonic() + wait)
        self.paused_until[key] = until
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None:
            # A slot sends its next request ``delay`` seconds after the last one.
            slot.lastseen = max(slot.lastseen, until - slot.delay)
