"""The ``oldsite`` spider: the old site of Iran International.

It decides what to request; what a page is comes from
``newscrawl.extract.page``, its fields from ``newscrawl.extract``, their
cleaning from the pipelines, and where the pages come from from the source
(``newscrawl.sources``).

Arguments (``-a NAME=VALUE``):

* ``base_url``: origin to crawl (default ``https://old.iranintl.com``), e.g. a
  mirror or the bundled replica at ``http://127.0.0.1:8000``.
* ``languages``: a comma-separated subset of ``en``, ``fa``, ``ar`` (default: all three).
* ``render``: ``never``, ``auto`` (default: the ``RENDER`` setting) or
  ``always``; see ``newscrawl.render``.
* ``skip_known``: ``1`` to skip articles already in MongoDB (a cheap daily
  top-up: only listings and new articles are fetched).
* ``source``: ``live`` (default), ``wayback`` (the Internet Archive's
  captures, see ``newscrawl.sources.wayback``, stored under their old-site
  URLs with their ``capture_timestamp``) or ``warc`` (WARC files).
* ``from``, ``to``: with ``source=wayback``, only captures made in that
  period (1 to 14 digits, ``yyyyMMddhhmmss``).
* ``at``: with ``source=wayback``, the capture closest to that time instead
  of the newest.

Every argument given is kept, as given, in ``spider.arguments`` (for the
``crawls`` document). Run with ``-s JOBDIR=DIR`` to make a crawl resumable:
stop it with Ctrl-C (once) and run the same command again.
"""

from __future__ import annotations

import keyword
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.extract import extract
from newscrawl.extract.page import Page, canonical_url, classify
from newscrawl.items import ArticleItem
from newscrawl.mongo import known_urls
from newscrawl.render import (
    CHROMIUM_ARGS,
    MODES,
    find_chromium,
    is_launch_failure,
    is_rerender,
    render_meta,
    render_step,
)
from newscrawl.responses import fix_encoding, invalid_bytes, parsed, problem, truncation
from newscrawl.sources import source_class
from newscrawl.urls import LANGUAGES, article_key, language_of

# The item fields copied from the extracted fields as they are.
TEXT_FIELDS = ("title", "summary", "section", "published_raw")
LIST_FIELDS = ("body", "tags", "authors", "image_urls", "captions")


def check_every(settings) -> int:
    """``EXTRACT_CHECK_EVERY``: check one Drupal page in so many (1: each)."""
    raw = settings.get("EXTRACT_CHECK_EVERY")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise ValueError(f"EXTRACT_CHECK_EVERY must be a whole number of pages >= 1, got {raw!r}")
    return value


class OldsiteSpider(scrapy.Spider):
    name = "oldsite"
    default_base_url = "https://old.iranintl.com"

    def __init__(
        self,
        base_url=None,
        languages=None,
        render=None,
        skip_known=None,
        source=None,
        *args,
        **kwargs,
    ):
        given = {
            "base_url": base_url,
            "languages": languages,
            "render": render,
            "skip_known": skip_known,
            "source": source,
        }
        # ``from`` is a Python keyword: the capture period comes in kwargs.
        self.arguments = {
            name: value for name, value in {**given, **kwargs}.items() if value is not None
        }
        source_type = source_class(source or "live")
        super().__init__(
            *args,
            **{
                name: value
                for name, value in kwargs.items()
                if not keyword.iskeyword(name) and name not in source_type.options
            },
        )
        self.render = render
        self.skip_known = str(skip_known or "0").lower() in ("1", "true", "yes")
        self.known = frozenset()
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"base_url must be an http(s) origin such as "
                f"{self.default_base_url}, got {base_url!r}"
            )
        self.host = parts.hostname
        self.allowed_domains = [self.host]
        languages = ",".join(LANGUAGES) if languages is None else str(languages)
        self.languages = tuple(lang.strip() for lang in languages.split(",") if lang.strip())
        unknown = set(self.languages) - set(LANGUAGES)
        if unknown or not self.languages:
            raise ValueError(
                f"languages must be a comma-separated subset of {','.join(LANGUAGES)}, "
                f"got {languages!r}"
            )
        self.state = {}  # replaced by the JOBDIR state when there is one
        self.rendered = set()  # pages sent to the browser (each at most once)
        self.browser_broken = False
        self.source = source_type(self, dict(kwargs))

    @property
    def stored(self):
        """Canonical URLs of the items yielded so far (kept across a resume)."""
        return self.state.setdefault("stored", set())

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.render = spider.render_mode(settings)
        spider.check_every = check_every(settings)
        spider.source.bind(crawler)
        if spider.render == "never":
            settings.set("DOWNLOAD_HANDLERS", {}, priority="spider")
        else:
            options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
            if "executable_path" not in options:
                path = find_chromium(settings.get("CHROMIUM_PATH"))
                if path:
                    options["executable_path"] = path
            options.setdefault("args", CHROMIUM_ARGS)
            settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    check_every = 1  # EXTRACT_CHECK_EVERY, read in from_crawler

    def render_mode(self, settings):
        """``never``, ``auto`` or ``always``: the argument, else ``RENDER``;
        always ``never`` for a source that cannot use the browser."""
        if self.source.no_render:
            if self.render is not None and str(self.render).strip().lower() != "never":
                raise ValueError(
                    f"render cannot be used with source={self.source.name}: {self.source.no_render}"
                )
            return "never"
        mode = str(self.render or settings.get("RENDER") or "").strip().lower()
        if mode not in MODES:
            raise ValueError(f"render must be one of {', '.join(MODES)}, got {mode!r}")
        return mode

    async def start(self):
        if self.skip_known:
            self.known = await known_urls(self.settings)
            self.logger.info(
                "skip_known: %d articles already stored will not be fetched", len(self.known)
            )
        async for request in self.source.start():
            yield request

    def page_request(self, url, priority=0, **meta):
        """A request for a page of the site, parsed by ``parse``."""
        if self.render == "always":
            meta = {**render_meta("always"), **meta}
        return scrapy.Request(
            url,
            callback=self.bound("parse"),
            errback=self.bound("failed"),
            meta=meta,
            priority=priority,
        )

    def bound(self, name: str):
        """The spider's method *name* as one object for the whole crawl.

        Scrapy checks every response's callback for a generator that returns
        a value, and caches the answer under a weak reference to the callback
        object: with a new bound method on each request, the answer went with
        the request it was cached for, and ``parse``'s source was read and
        parsed again (0.86 ms each time; about 3 % of the crawl's CPU in the
        profile)."""
        methods = self.__dict__.setdefault("_bound_methods", {})
        method = methods.get(name)
        if method is None:
            method = methods[name] = getattr(self, name)
        return method

    # ---------------------------------------------------------------- a page
    def parse(self, response):
        """A page: classified, stored if it is a new article or brief, sent to
        the browser if it needs it, and its links followed (also when the
        item waits for the browser: a failed render loses no link)."""
        response = self.readable(self.source.page(response))
        if response is None:
            return
        links = self.source.read_links(response) if self.source.follow_links else None
        page = classify(response, self.source.reached_as_brief(response, links))
        self.count(page)
        # The live site is an origin; archived pages were captured under any
        # scheme and port of the site's host names.
        site = self.base_url if self.source.follow_links else self.host
        url = canonical_url(response, site, self.source.site_hosts()) if page.is_document else None
        # A page of the live site stores only under its own URL; an archived
        # page (no other capture can be asked for here) under its canonical one.
        claims = self.source.follow_links and url is not None and url != article_key(response.url)
        if claims and not is_rerender(response):  # another page's URL: not this page's to fill
            yield from self.claimed(response, url)
        fields = (
            extract(response, self.crawler.stats, self.check_every)
            if url is not None and not claims and url not in self.stored
            else None
        )
        empty_body = fields is not None and not fields.get("body")
        again = render_step(
            response,
            self.render,
            empty_body,
            url or response.url,
            self.rendered,
            self.crawler.stats,
        )
        if again is not None:
            yield again
        if fields is not None:
            if not (empty_body and again is not None):  # else the rendered page gives it
                yield self.item(response, url, page, fields)
        elif url is not None and not is_rerender(response):
            self.crawler.stats.inc_value("oldsite/duplicate_pages")
        if self.source.follow_links:
            yield from self.source.links(response, page, links)

    def count(self, page: Page) -> None:
        """``oldsite/pages/<kind>``; a page the crawl cannot place also by its
        Drupal node type (``oldsite/pages/other/<type>``)."""
        stats = self.crawler.stats
        stats.inc_value(f"oldsite/pages/{page.kind}")
        if page.kind == "other" and page.node_type:
            stats.inc_value(f"oldsite/pages/other/{page.node_type}")

    def claimed(self, response, url):
        """*response* names another page of the site, *url*, as its canonical
        URL: nothing of it is stored there (a page stores only under its own
        URL, or one the site redirects it to); the page at *url* is fetched
        instead, once, and stores what it serves itself."""
        self.crawler.stats.inc_value("oldsite/canonical/elsewhere")
        self.logger.info(
            "%s names %s as its canonical URL: stored from that page, not this one",
            response.url,
            url,
        )
        yield from self.source.claimed(url, response)

    def readable(self, response):
        """*response* ready to parse, or None (said and counted) when it is
        no HTML page or too damaged to be one."""
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse):
            stats.inc_value("oldsite/pages/not_html")
            self.logger.warning(
                "Not an HTML page, skipped: %s (%s)",
                response.url,
                response.headers.get("Content-Type", b"?").decode("latin-1"),
            )
            return None
        trouble = problem(response)
        if trouble:
            stats.inc_value(f"oldsite/malformed/{trouble}")
            if trouble != "truncated":
                self.logger.warning("Skipped %s: the page is %s", response.url, trouble)
                return None
            self.logger.warning(
                "%s is truncated (%s): parsing what it holds", response.url, truncation(response)
            )
        response = fix_encoding(response)
        stray = invalid_bytes(response)
        if stray:
            stats.inc_value("oldsite/malformed/invalid_bytes")
            self.logger.info(
                "%s has %d invalid UTF-8 sequence(s), each replaced (U+FFFD) where it stands",
                response.url,
                stray,
            )
        return parsed(response)

    def item(self, response, url, page: Page, fields):
        """The item of a new document. Lists stay lists (the body one
        paragraph each): the pipelines clean and de-duplicate them."""
        self.stored.add(url)
        self.crawler.stats.inc_value(f"oldsite/extracted_by/{fields.pop('source', 'none')}")
        item = ArticleItem(
            url=url,
            language=language_of(url),
            kind=page.kind,
            source=self.source.name,
            capture_timestamp=response.meta.get("capture_timestamp"),
        )
        for name in TEXT_FIELDS:
            item[name] = fields.get(name)
        for name in LIST_FIELDS:
            item[name] = list(fields.get(name) or [])
        if page.kind == "video" or "video_urls" in fields:
            item["video_urls"] = list(fields.get("video_urls") or [])
            item["poster_url"] = fields.get("poster_url")
        return item

    # ---------------------------------------------------------------- the source's own
    def parse_source(self, response):
        """A response the source parses itself (``Source.request``)."""
        yield from getattr(self.source, response.meta["source_callback"])(response) or ()

    def source_failed(self, failure):
        name = failure.request.meta.get("source_errback")
        if name:
            yield from getattr(self.source, name)(failure) or ()
        else:
            yield from self.failed(failure) or ()

    # ---------------------------------------------------------------- failures
    def failed(self, failure):
        """Errback: count and explain failed fetches. A page that times out or
        fails in a working browser is that page's outcome
        (``render/page_failed/<kind>``); only a browser that cannot start is
        said once, plainly, and ends the crawl as ``render_failed``."""
        request = failure.request
        stats = self.crawler.stats
        if failure.check(HttpError):  # an IgnoreRequest too: first
            status = failure.value.response.status
            stats.inc_value(f"oldsite/http_status/{status}")
            self.logger.info("HTTP %d, skipped: %s", status, request.url)
            return
        if failure.check(IgnoreRequest):
            return  # counted where it was decided: robots.txt, a redirect off the site, a gone site
        if not request.meta.get("playwright"):
            kind = error_kind(failure)
            stats.inc_value(f"oldsite/errors/{kind}")
            self.logger.warning(
                "Fetching %s failed (%s): %s", request.url, kind, failure.getErrorMessage()
            )
            return
        message = (failure.getErrorMessage().strip().splitlines() or ["?"])[0][:300]
        if not is_launch_failure(failure):
            # The browser works: this one page timed out or failed in it.
            kind = error_kind(failure)
            stats.inc_value(f"render/page_failed/{kind}")
            self.logger.warning(
                "Rendering %s failed (%s), the page is skipped: %s", request.url, kind, message
            )
            return
        stats.inc_value("render/failed")
        if not self.browser_broken:
            self.browser_broken = True
            path = self.settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS").get("executable_path")
            self.logger.error(
                "The browser could not start (executable_path=%s): %s. Install Chromium "
                "(`apt-get install chromium` on Debian, or `playwright install chromium`), "
                "set CHROMIUM_PATH, or crawl with -a render=never.",
                path or "Playwright's own",
                message,
            )

    def idle(self):
        if self.crawler.stats.get_value("render/failed"):
            raise CloseSpider("render_failed")
        reason = self.source.close_reason()
        if reason:
            raise CloseSpider(reason)


def error_kind(failure):
    """``timeout``, ``dns``, ``connection`` or the exception's name."""
    name = failure.type.__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "DNS" in name or "Resolve" in name:
        return "dns"
    if any(
        word in name
        for word in ("DownloadFailed", "Connection", "ResponseNeverReceived", "ResponseFailed")
    ):
        return "connection"
    return name
