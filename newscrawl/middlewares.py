"""Downloader and spider middlewares: the crawl stays on the site and out of traps."""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from itemadapter import is_item
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from newscrawl import wayback
from newscrawl.urls import clean_url, origin

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
    a URL of the same chain as ``oldsite/redirects/loop``. The site is an
    origin (scheme, host and port): a redirect to the same host on another
    port or scheme leaves it.

    A ``<meta http-equiv="refresh">`` that Scrapy's MetaRefreshMiddleware
    would follow is a redirect too: off the site it is recorded the same way;
    back to the page itself (or to a page of its redirect chain) it is no
    redirect at all, and the page is parsed as it is
    (``oldsite/meta_refresh/self``).

    A page rendered in the browser whose script navigated it away from the
    requested URL is discarded (``render/navigated_away``): what it shows is
    another page.

    Runs before Scrapy's RedirectMiddleware and MetaRefreshMiddleware (a
    higher order number)."""

    def __init__(self, crawler):
        self.crawler, self.stats = crawler, crawler.stats
        settings = crawler.settings
        self.refresh = settings.getbool("METAREFRESH_ENABLED")
        self.refresh_ignore_tags = settings.getlist("METAREFRESH_IGNORE_TAGS")
        self.refresh_max_delay = settings.getfloat("METAREFRESH_MAXDELAY")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if "playwright" in response.flags and self.navigated_away(request, response):
            self.stats.inc_value("render/navigated_away")
            logger.warning(
                "The rendered page %s navigated away to %s: render discarded",
                request.url,
                response.url,
            )
            raise LeftSite(f"the rendered page {request.url} navigated to {response.url}")
        if response.status in REDIRECTS and b"Location" in response.headers:
            location = response.headers["Location"].decode("latin-1")
            self.check(request, safe_url_string(urljoin(request.url, location)), "redirects")
            return response
        target = self.refresh_target(request, response)
        if target is None:
            return response
        chain = {request.url, *request.meta.get("redirect_urls", ())}
        if {target, clean_url(target)} & (chain | {clean_url(url) for url in chain}):
            self.stats.inc_value("oldsite/meta_refresh/self")
            logger.debug("%s refreshes to itself: parsed as it is", request.url)
            request.meta["dont_redirect"] = True  # for MetaRefreshMiddleware, just after
            return response
        self.check(request, target, "refreshes")
        return response

    def refresh_target(self, request, response):
        """The URL a meta refresh that MetaRefreshMiddleware would follow
        leads to, or None."""
        if (
            not self.refresh
            or request.meta.get("dont_redirect")
            or not isinstance(response, HtmlResponse)
            or request.method == "HEAD"
        ):
            return None
        interval, url = get_meta_refresh(response, ignore_tags=self.refresh_ignore_tags)
        if not url or interval >= self.refresh_max_delay:
            return None
        url = safe_url_string(url)
        return url if urlsplit(url).scheme in ("http", "https") else None

    def check(self, request, location, verb):
        """Raise LeftSite when *request* redirecting to *location* leaves the
        site (the request's origin) or loops."""
        if location in request.meta.get("redirect_urls", ()) or location == request.url:
            self.stats.inc_value("oldsite/redirects/loop")
            logger.warning("Redirect loop at %s (back to %s): skipped", request.url, location)
            raise LeftSite(f"redirect loop at {request.url}")
        here, there = origin(request.url), origin(location)
        if there == here:
            return
        where = "new_site" if there[1] in NEW_SITE_HOSTS else "offsite"
        self.stats.inc_value(f"oldsite/redirects/{where}")
        if where == "offsite" and there[1] == here[1]:
            hint = f" (another {'port' if there[0] == here[0] else 'scheme'} of the same host)"
        else:
            hint = ""
        logger.info(
            "%s %s %s: %s%s (recorded, not followed)",
            request.url,
            verb,
            "to the new site" if where == "new_site" else "off the site",
            location,
            hint,
        )
        raise LeftSite(f"{request.url} {verb} to {location}")

    @staticmethod
    def navigated_away(request, response):
        """Whether a rendered page shows another URL than the one requested
        (redirects the browser followed are the site's, not the page's)."""
        if request.meta.get("redirect_urls"):
            return origin(response.url) != origin(request.url)
        return clean_url(response.url) != clean_url(request.url)


@dataclass(frozen=True)
class TrapConfig:
    """``TRAP_*`` settings (defaults in ``newscrawl/settings.py``)."""

    max_barren_hops: int
    max_links_per_page: int
    max_barren_links: int

    @classmethod
    def from_settings(cls, settings):
        return cls(
            max_barren_hops=settings.getint("TRAP_MAX_BARREN_HOPS"),
            max_links_per_page=settings.getint("TRAP_MAX_LINKS_PER_PAGE"),
            max_barren_links=settings.getint("TRAP_MAX_BARREN_LINKS"),
        )


class TrapMiddleware:
    """Keep the crawl out of crawler traps (a spider middleware, like
    Scrapy's DepthMiddleware).

    * A chain of pages that brings no new article or brief (a calendar whose
      every day links to the next, session ids in every link) is cut after
      ``TRAP_MAX_BARREN_HOPS`` pages: the links of a page are held back when
      it and the pages before it on its chain, that many in a row, yielded no
      item and led to none. A page leads to an item when one of the pages it
      links to yields one; that is often known only later (a listing's next
      page is fetched before its articles), so held-back links are followed
      after all as soon as their chain turns out to lead somewhere. What is
      still held back at the end is ``oldsite/traps/chains_cut``.
    * Pages that, with the page before them, brought nothing so far may
      together request at most ``TRAP_MAX_BARREN_LINKS`` links below the
      last page on their chain that did: a tree of such pages (each linking
      many new ones) stops there too. Held back, released and counted the
      same way. (A page whose parent led somewhere always follows its links:
      so a page that leads somewhere is always found to.)
    * A page's links beyond the first ``TRAP_MAX_LINKS_PER_PAGE`` are not
      followed (``oldsite/traps/links_capped``, per link, and
      ``oldsite/traps/pages_capped``, per page).

    Both are said once, at the end of the crawl, with an example. The
    Wayback Machine's requests (a list of captures, no links) pass as they are.
    """

    PARENT = "trap_parent"

    def __init__(self, crawler, config: TrapConfig):
        self.crawler, self.stats, self.config = crawler, crawler.stats, config
        self.parents: dict[str, str | None] = {}  # page -> the page that linked to it
        self.fruitful: set[str] = set()  # pages that brought (or led to) a new item
        self.waiting: dict[str, list[Request]] = {}  # page -> its links held back
        self.watch: dict[str, set[str]] = defaultdict(set)  # page -> waiting pages after it
        self.spent: dict[str | None, int] = defaultdict(
            int
        )  # chain root -> links from barren pages
        self.capped_example: str | None = None
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, TrapConfig.from_settings(crawler.settings))

    # Universal spider middleware: the same steps for a sync and an async
    # callback output. Items go on at once; requests wait for the page's end.
    def process_spider_output(self, response, result):
        requests = self.opened(response)
        for entry in result:
            if self.passes(response, entry, requests):
                yield entry
        yield from self.follow(response, requests)

    async def process_spider_output_async(self, response, result):
        requests = self.opened(response)
        async for entry in result:
            if self.passes(response, entry, requests):
                yield entry
        for request in self.follow(response, requests):
            yield request

    def opened(self, response) -> list[Request]:
        """Start reading a page's output: its place on its chain; the list
        its requests are held in."""
        self.parents.setdefault(response.url, response.meta.get(self.PARENT))
        return []

    def passes(self, response, entry, requests: list[Request]) -> bool:
        """Whether *entry* goes on now: a request is held in *requests*; an
        item credits the page's chain."""
        if isinstance(entry, Request):
            requests.append(entry)
            return False
        if is_item(entry):
            self.credit(response)
        return True

    def barren_run(self, url: str | None) -> tuple[int, str | None]:
        """How many pages in a row, up to *url*'s page along its chain, brought
        no new item so far (0 when that page did; counted up to the limit),
        and the page before them (the chain's root: the last that did)."""
        run = 0
        while url is not None and url not in self.fruitful and run < self.config.max_barren_hops:
            run += 1
            url = self.parents.get(url)
        return run, url

    def allowed(self, url: str) -> int:
        """How many more links the page at *url* may request now."""
        run, root = self.barren_run(url)
        if run >= self.config.max_barren_hops:
            return 0
        if run <= 1:  # its parent led somewhere: its own links decide about it
            return self.config.max_links_per_page
        return max(0, self.config.max_barren_links - self.spent[root])

    def spend(self, url: str) -> None:
        run, root = self.barren_run(url)
        if run > 1:
            self.spent[root] += 1

    def follow(self, response, requests):
        """The requests from *response* to send now."""
        parent = response.meta.get(self.PARENT)
        allowed = self.allowed(response.url)
        here = clean_url(response.url)
        links = 0
        for request in requests:
            if request.meta.get("download_slot") in (wayback.CDX_SLOT, wayback.REPLAY_SLOT):
                yield request
                continue
            if clean_url(request.url) == here:  # the same page again (e.g. rendered)
                if parent is not None:
                    request.meta.setdefault(self.PARENT, parent)
                yield request
                continue
            links += 1
            if links > self.config.max_links_per_page:
                self.stats.inc_value("oldsite/traps/links_capped")
                if links == self.config.max_links_per_page + 1:
                    self.stats.inc_value("oldsite/traps/pages_capped")
                    self.capped_example = self.capped_example or response.url
                continue
            request.meta[self.PARENT] = response.url
            if allowed <= 0:
                self.hold(response.url, request)
                continue
            allowed -= 1
            self.spend(response.url)
            yield request

    def hold(self, url: str, request: Request) -> None:
        """Hold *request*, a link of the page at *url*, until that page's
        chain leads somewhere."""
        if url not in self.waiting:
            self.waiting[url] = []
            page: str | None = url
            for _ in range(self.config.max_barren_hops):
                if page is None:
                    break
                self.watch[page].add(url)
                page = self.parents.get(page)
        self.waiting[url].append(request)
        self.stats.inc_value("oldsite/traps/chains_cut")

    def credit(self, response):
        """*response* brought a new item: it, and the page that linked to it,
        lead somewhere; links held back on chains through them may go."""
        for url in (response.url, response.meta.get(self.PARENT)):
            if url is None or url in self.fruitful:
                continue
            self.fruitful.add(url)
            for page in self.watch.pop(url, ()):
                self.release(page)

    def release(self, page: str) -> None:
        """Send the links held back on *page* that its chain now allows."""
        held = self.waiting.get(page)
        allowed = self.allowed(page)
        while held and allowed > 0:
            request = held.pop(0)
            allowed -= 1
            self.spend(page)
            self.stats.inc_value("oldsite/traps/chains_cut", -1)
            self.crawler.engine.crawl(request)
        if held is not None and not held:
            del self.waiting[page]

    def closed(self, spider):
        cut = sum(len(requests) for requests in self.waiting.values())
        if cut:
            page, requests = next(iter(self.waiting.items()))
            logger.warning(
                "Crawler trap: %d links not followed, on %d pages at the end of chains of %d "
                "pages that brought no new article or brief (e.g. %s on %s); raise "
                "TRAP_MAX_BARREN_HOPS to follow them",
                cut,
                len(self.waiting),
                self.config.max_barren_hops,
                requests[0].url,
                page,
            )
        capped = self.stats.get_value("oldsite/traps/links_capped", 0)
        if capped:
            logger.warning(
                "Crawler trap: %d links not followed on %d pages with more than %d new links "
                "each (e.g. %s); raise TRAP_MAX_LINKS_PER_PAGE to follow them",
                capped,
                self.stats.get_value("oldsite/traps/pages_capped", 0),
                self.config.max_links_per_page,
                self.capped_example,
            )


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
        # Defaults in settings.py (WaybackConfig checks the archive URLs too,
        # which a live crawl does not need).
        self.backoff = settings.getfloat("WAYBACK_BACKOFF")
        self.backoff_max = settings.getfloat("WAYBACK_BACKOFF_MAX")
        self.retry_times = settings.getint("WAYBACK_RETRY_TIMES")
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
            logger.error(
                "The Wayback Machine still answers 429 (too many requests) to %s after "
                "%d retries: given up",
                request.url,
                self.retry_times,
            )
            request.meta["dont_retry"] = True  # nor by RetryMiddleware
            return response
        logger.warning(
            "The Wayback Machine answered 429 (too many requests, Retry-After: %s) to "
            "%s: nothing more to %s for %.1f s",
            header or "none",
            request.url,
            key,
            wait,
        )
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
