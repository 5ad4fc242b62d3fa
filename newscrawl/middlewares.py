"""Downloader middlewares."""

import logging
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

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
