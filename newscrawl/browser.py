"""The browser stays on the site.

``SiteOnlyHandler`` is scrapy-playwright's download handler with two more
rules (set it in ``DOWNLOAD_HANDLERS``; the spider's ``render=never`` turns
the browser off altogether):

* every request a rendered page makes (scripts, XHR/fetch, beacons, frames,
  navigations) goes only to the site's origin (scheme, host and port of the
  spider's ``base_url``) or to a host listed in ``RENDER_ALLOWED_HOSTS``;
  anything else is aborted and counted (``render/offsite_aborted``), then
  said once at the end of the crawl. ``PLAYWRIGHT_ABORT_REQUEST``
  (``newscrawl.render.abort_request``: images, fonts, media) still applies;
* Chromium resolves no host name but the site's and the allowed ones
  (``--host-resolver-rules``), so that its own background requests
  (component updates, safe browsing, …) have nowhere to go, on top of the
  flags in ``newscrawl.render.CHROMIUM_ARGS``.

A page that a script navigated to another page of the site is discarded by
``newscrawl.middlewares.SiteRedirectMiddleware`` (``render/navigated_away``).
"""

import logging
import weakref
from collections.abc import Callable, Iterable

from scrapy import signals
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from newscrawl.urls import origin

logger = logging.getLogger(__name__)


def on_site(url: str, site: tuple | None, hosts: Iterable[str]) -> bool:
    """Whether the browser may request *url*: the *site*'s origin, a host of
    *hosts* (any scheme and port), or a URL that leaves the machine for no
    host at all (``data:``, ``blob:``, ``about:``)."""
    scheme, host, _ = here = origin(url)
    if scheme in ("data", "blob", "about"):
        return True
    return site is None or here == site or host in hosts


def resolver_rule(site_host: str, hosts: Iterable[str]) -> str:
    """A ``--host-resolver-rules`` flag that resolves only *site_host* and
    *hosts* (an IP address needs no resolving and is not concerned)."""
    keep = ", ".join(f"EXCLUDE {host}" for host in dict.fromkeys([site_host, *hosts]) if host)
    return "--host-resolver-rules=MAP * ~NOTFOUND" + (f", {keep}" if keep else "")


class SiteGuard:
    """``PLAYWRIGHT_ABORT_REQUEST`` for one crawl: abort what *then* aborts,
    and every request off the site."""

    def __init__(self, crawler, then: Callable | None, hosts: Iterable[str]):
        self.crawler, self.stats, self.then = crawler, crawler.stats, then
        self.hosts = frozenset(host.lower() for host in hosts)
        self.example: str | None = None
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @property
    def site(self) -> tuple | None:
        base_url = getattr(self.crawler.spider, "base_url", None)
        return origin(base_url) if base_url else None

    def __call__(self, request) -> bool:
        if not on_site(request.url, self.site, self.hosts):
            self.stats.inc_value("render/offsite_aborted")
            self.example = self.example or request.url
            logger.debug(
                "The browser was kept from %s (%s, off the site)",
                request.url,
                request.resource_type,
            )
            return True
        return bool(self.then and self.then(request))

    def closed(self, spider):
        count = self.stats.get_value("render/offsite_aborted", 0)
        if count:
            logger.info(
                "The browser was kept from %d requests off the site (e.g. %s); list hosts "
                "it may load from in RENDER_ALLOWED_HOSTS",
                count,
                self.example,
            )


class _TimeoutsWithoutTraceback(logging.Filter):
    """scrapy-playwright logs a page that timed out with its traceback; the
    spider says it in one line (with the URL), so the traceback goes."""

    def filter(self, record):
        if record.exc_info and record.exc_info[0] and "Timeout" in record.exc_info[0].__name__:
            record.exc_info, record.exc_text = None, None
        return True


_QUIET_TIMEOUTS = _TimeoutsWithoutTraceback()
_GUARDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # crawler -> SiteGuard


class SiteOnlyHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, kept on the site (see the module)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        hosts = crawler.settings.getlist("RENDER_ALLOWED_HOSTS")
        if crawler not in _GUARDS:  # one for the http and https handlers
            _GUARDS[crawler] = SiteGuard(crawler, self.abort_request, hosts)
        self.abort_request = _GUARDS[crawler]
        logging.getLogger("scrapy-playwright").addFilter(_QUIET_TIMEOUTS)  # once: same object
        options = self.config.launch_options
        base_url = getattr(crawler.spider, "base_url", None)
        if base_url and "proxy" not in options:
            args = [arg for arg in options.get("args", ()) if "--host-resolver-rules" not in arg]
            options["args"] = [*args, resolver_rule(origin(base_url)[1], hosts)]
