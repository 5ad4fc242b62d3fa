"""The ``oldsite`` spider: the old site of Iran International.

It decides what to follow and what kind each page is; turning a page into
fields is ``newscrawl.extract``'s job, cleaning them the pipelines'.

Arguments (``-a NAME=VALUE``):

* ``base_url``: origin to crawl (default ``https://old.iranintl.com``), e.g. a
  mirror or the bundled replica at ``http://127.0.0.1:8000``.
* ``languages``: a comma-separated subset of ``en``, ``fa``, ``ar`` (default: all three).
* ``render``: ``never``, ``auto`` (default: the ``RENDER`` setting) or
  ``always``; see ``newscrawl.render``.
* ``skip_known``: ``1`` to skip articles already in MongoDB (a cheap daily
  top-up: only listings and new articles are fetched).
* ``source``: ``live`` (default) or ``wayback``: take the pages from the
  Internet Archive's captures instead (see ``newscrawl.wayback``), stored
  under their old-site URLs with their ``capture_timestamp``.
* ``from``, ``to``: with ``source=wayback``, only captures made in that
  period (1 to 14 digits, ``yyyyMMddhhmmss``).
* ``at``: with ``source=wayback``, the capture closest to that time instead
  of the newest.

Run with ``-s JOBDIR=DIR`` to make a crawl resumable: stop it with Ctrl-C
(once) and run the same command again.
"""

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl import wayback
from newscrawl.extract import extract
from newscrawl.extract.drupal import main_node
from newscrawl.extract.metadata import ARTICLE_TYPES, jsonld_types, meta
from newscrawl.items import ArticleItem
from newscrawl.middlewares import LeftSite
from newscrawl.responses import fix_encoding, problem
from newscrawl.render import (CHROMIUM_ARGS, MODES, find_chromium, is_launch_failure,
                              needs_render, render_meta)
from newscrawl.spiders.wayback import WaybackMixin
from newscrawl.urls import article_key, clean_url, language_of, should_follow

LANGUAGES = ("en", "fa", "ar")
SOURCES = ("live", "wayback")
HOME_PATHS = {"en": "/en", "fa": "/", "ar": "/ar"}
# The link that ends each "Iran in Brief" item.
MORE_LABELS = ("More", "more", "Read more", "بیشتر", "بيشتر", "ادامه")
_NODE_TYPE = re.compile(r"\bnode-type-([\w-]+)")
ARTICLE_NODE_TYPES = {"article", "news", "story", "news-article"}
BRIEF_NODE_TYPES = {"brief", "iran-in-brief", "short-news", "news-brief"}


class OldsiteSpider(WaybackMixin, scrapy.Spider):
    name = "oldsite"
    default_base_url = "https://old.iranintl.com"

    def __init__(self, base_url=None, languages="en,fa,ar", render=None, skip_known="0",
                 source="live", at=None, *args, **kwargs):
        # ``from`` is a Python keyword: the capture period comes in kwargs.
        start, end = kwargs.pop("from", None), kwargs.pop("to", None)
        super().__init__(*args, **kwargs)
        self.render = render
        self.skip_known = str(skip_known).lower() in ("1", "true", "yes")
        self.known = frozenset()
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) origin such as "
                             f"{self.default_base_url}, got {base_url!r}")
        self.host = parts.hostname
        self.allowed_domains = [self.host]
        self.languages = tuple(lang.strip() for lang in str(languages).split(",") if lang.strip())
        unknown = set(self.languages) - set(LANGUAGES)
        if unknown or not self.languages:
            raise ValueError(f"languages must be a comma-separated subset of {','.join(LANGUAGES)}, "
                             f"got {languages!r}")
        self.state = {}  # replaced by the JOBDIR state when there is one
        self.seen = set()  # URLs requested so far
        self.rendered = set()  # pages sent to the browser (each at most once)
        self.browser_broken = False
        self.source = str(source or "live").strip().lower()
        if self.source not in SOURCES:
            raise ValueError(f"source must be live or wayback, got {source!r}")
        self.start_ts = wayback.timestamp(start, "from")
        self.end_ts = wayback.timestamp(end, "to")
        self.at = wayback.timestamp(at, "at")
        if self.source == "live" and (self.start_ts or self.end_ts or self.at):
            raise ValueError("from, to and at choose Wayback Machine captures: "
                             "use them with -a source=wayback")
        if self.start_ts and self.end_ts and wayback.low(self.start_ts) > wayback.high(self.end_ts):
            raise ValueError(f"from ({self.start_ts}) is after to ({self.end_ts})")
        self.site_hosts = None  # wayback: every host name the site had
        self.captures = None

    @property
    def stored(self):
        """Canonical URLs of the items yielded so far (kept across a resume)."""
        return self.state.setdefault("stored", set())

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.source == "wayback":
            spider.use_wayback(settings)
        spider.render = (spider.render or settings.get("RENDER", "auto")).strip().lower()
        if spider.render not in MODES:
            raise ValueError(f"render must be one of {', '.join(MODES)}, got {spider.render!r}")
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

    async def start(self):
        if self.skip_known:
            self.known = await known_urls(self.settings)
            self.logger.info("skip_known: %d articles already stored will not be fetched",
                             len(self.known))
        if self.source == "wayback":
            self.captures = wayback.Captures(self.state.setdefault("wayback_captures", {}), self.at)
            for request in self.listing(0):
                yield request
            return
        meta = render_meta("always") if self.render == "always" else {}
        for language in self.languages:
            yield scrapy.Request(self.base_url + HOME_PATHS[language], callback=self.parse,
                                 errback=self.failed, meta=meta)

    def parse(self, response):
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("oldsite/pages/not_html")
            self.logger.warning("Not an HTML page, skipped: %s (%s)", response.url,
                                response.headers.get("Content-Type", b"?").decode("latin-1"))
            return
        stats = self.crawler.stats
        trouble = problem(response)
        if trouble:
            stats.inc_value(f"oldsite/malformed/{trouble}")
            if trouble != "truncated":
                self.logger.warning("Skipped %s: the page is %s", response.url, trouble)
                return
            self.logger.warning("%s is truncated (no </html>): parsing what it holds", response.url)
        response = fix_encoding(response)
        kind = page_kind(response)
        stats.inc_value(f"oldsite/pages/{kind}")
        url = None
        if kind in ("article", "brief"):
            url = canonical_url(response, self.host, self.site_hosts)
        fields = None
        if url is not None and url not in self.stored:
            fields = extract(response)
        empty_body = fields is not None and not fields.get("body")
        reason = response.meta.get("render_reason")
        if reason:
            stats.inc_value("render/pages")
            if reason != "always" and not needs_render(response, empty_body):
                stats.inc_value("render/recovered")
        elif self.render == "auto":
            reason = needs_render(response, empty_body)
            key = url or response.url
            if reason and key not in self.rendered:
                self.rendered.add(key)
                stats.inc_value(f"render/needed/{reason}")
                meta = {"via_more": response.meta.get("via_more", False), **render_meta(reason)}
                yield response.request.replace(meta=meta, dont_filter=True)
                if empty_body:
                    return  # the rendered page gives the item and the links
        if fields is not None:
            yield self.article(response, url, kind, fields)
        elif url is not None:
            stats.inc_value("oldsite/duplicate_pages")
        if self.source == "live":  # archived pages come from the capture list
            yield from self.follow_links(response, kind)

    def article(self, response, url, kind, fields):
        self.stored.add(url)
        self.crawler.stats.inc_value(f"oldsite/extracted_by/{fields.pop('source', 'none')}")
        item = ArticleItem(url=url, language=language_of(url), kind=kind, source=self.source,
                           capture_timestamp=response.meta.get("capture_timestamp"))
        for name in ("title", "summary", "section", "published_raw"):
            item[name] = fields.get(name)
        for name in ("tags", "authors", "image_urls", "captions"):
            item[name] = list(dict.fromkeys(fields.get(name) or []))
        item["body"] = "\n\n".join(fields.get("body") or [])
        return item

    def failed(self, failure):
        """Errback: count and explain failed fetches; a browser that cannot
        start is said once, plainly, and ends the crawl as ``render_failed``."""
        request = failure.request
        stats = self.crawler.stats
        if failure.check(LeftSite):
            return  # recorded by SiteRedirectMiddleware
        if failure.check(HttpError):
            status = failure.value.response.status
            stats.inc_value(f"oldsite/http_status/{status}")
            self.logger.info("HTTP %d, skipped: %s", status, request.url)
            return
        if not request.meta.get("playwright"):
            kind = error_kind(failure)
            stats.inc_value(f"oldsite/errors/{kind}")
            self.logger.warning("Fetching %s failed (%s): %s", request.url, kind,
                                failure.getErrorMessage())
            return
        stats.inc_value("render/failed")
        message = failure.getErrorMessage().strip().splitlines()[0][:300]
        if is_launch_failure(failure):
            if not self.browser_broken:
                self.browser_broken = True
                path = self.settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS").get("executable_path")
                self.logger.error(
                    "The browser could not start (executable_path=%s): %s. Install Chromium "
                    "(`apt-get install chromium` on Debian, or `playwright install chromium`), "
                    "set CHROMIUM_PATH, or crawl with -a render=never.", path or "Playwright's own", message)
        else:
            self.logger.warning("Rendering %s failed: %s", request.url, message)

    def idle(self):
        if self.crawler.stats.get_value("render/failed"):
            raise CloseSpider("render_failed")
        if self.crawler.stats.get_value("wayback/cdx_failed"):
            raise CloseSpider("wayback_incomplete")

    def follow_links(self, response, kind):
        """Requests for the site's links on this page, each URL once.

        A listing page that repeats the page that linked to it and brings
        nothing new ends its pagination: a pager that runs on forever (or a
        ``?page=`` beyond the last page) stops there."""
        more = set(_more_links(response))
        here = urlsplit(response.url).path
        new, pages, links = [], [], set()
        for href in response.xpath("//a/@href").getall():
            href = href.strip()
            if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
                continue
            url = response.urljoin(href)
            if not should_follow(url, self.host, self.languages):
                continue
            url = clean_url(url)
            is_pager = urlsplit(url).path == here and "page" in dict(parse_qsl(urlsplit(url).query))
            if not is_pager:
                links.add(url)
            if url in self.seen:
                continue
            if self.known and article_key(url) in self.known:
                self.crawler.stats.inc_value("oldsite/skipped_known")
                continue
            (pages if is_pager else new).append((url, href in more))
        digest = hashlib.sha1("\n".join(sorted(links)).encode()).hexdigest()
        if kind == "listing" and not new and response.meta.get("listing_digest") == digest:
            self.crawler.stats.inc_value("oldsite/pagination/stopped")
            self.logger.info("%s repeats the page before it: pagination stopped", response.url)
            pages = []
        for url, via_more in new + pages:
            self.seen.add(url)
            meta = {"via_more": via_more, "listing_digest": digest}
            if self.render == "always":
                meta.update(render_meta("always"))
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta)


def error_kind(failure):
    """``timeout``, ``connection`` or the exception's name."""
    name = failure.type.__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if any(word in name for word in ("DownloadFailed", "Connection", "ResponseNeverReceived",
                                     "ResponseFailed", "DNS")):
        return "connection"
    return name


async def known_urls(settings):
    """The URLs of the articles already stored, for ``skip_known``."""
    from pymongo import AsyncMongoClient

    client = AsyncMongoClient(settings.get("MONGO_URI"), serverSelectionTimeoutMS=10000)
    try:
        collection = client[settings.get("MONGO_DATABASE")][settings.get("MONGO_COLLECTION", "articles")]
        return frozenset([doc["url"] async for doc in collection.find({}, {"url": True, "_id": False})])
    finally:
        await client.close()


MORE_XPATH = "//a[{}]/@href".format(" or ".join(f"normalize-space(.) = '{label}'"
                                                for label in MORE_LABELS))


def _more_links(response):
    return [href.strip() for href in response.xpath(MORE_XPATH).getall()]


def page_kind(response):
    """``article``, ``brief``, ``listing`` or ``other``.

    Markers, strongest first: the Drupal node type on ``<body>``, the
    ``og:type``/JSON-LD type, then the shape of the page (a main node with
    text, or a list of teasers). A page reached through a "More" link of the
    "Iran in Brief" block is a brief.
    """
    body_class = response.xpath("//body/@class").get("")
    node_types = set(_NODE_TYPE.findall(body_class))
    via_more = response.meta.get("via_more", False)
    if node_types & BRIEF_NODE_TYPES:
        return "brief"
    if node_types & ARTICLE_NODE_TYPES:
        return "brief" if via_more else "article"
    if node_types:
        return "other"  # a Drupal page, webform, video…
    og_type = (meta(response, "og:type") or "").lower()
    if og_type == "article" or jsonld_types(response) & ARTICLE_TYPES:
        return "brief" if via_more else "article"
    teasers = response.css(".views-row, .node-teaser, [class*='view-mode-'][class*='teaser']")
    if len(teasers) >= 2 and main_node(response) is None:
        return "listing"
    if og_type and og_type != "article":
        return "other"
    if _looks_like_article(response):
        return "brief" if via_more else "article"
    return "listing" if len(teasers) >= 2 else "other"


def _looks_like_article(response):
    """A page of unknown markup with one headline and some prose."""
    if len(response.xpath("//h1")) != 1:
        return False
    prose = response.xpath("//p[string-length(normalize-space()) > 80]")
    return len(prose) >= 2


def canonical_url(response, host, aliases=None):
    """The page's ``rel=canonical`` when it points to this site, else its URL.

    With *aliases* (every host name the site had, for archived pages), a
    canonical URL on any of them counts, moved onto the page URL's scheme
    and host."""
    canonical = response.xpath("//link[@rel='canonical']/@href").get()
    if canonical:
        canonical = response.urljoin(canonical.strip())
        parts = urlsplit(canonical)
        if aliases is None and parts.hostname == host:
            return article_key(canonical)
        if aliases is not None and parts.hostname in aliases:
            here = urlsplit(response.url)
            return article_key(urlunsplit((here.scheme, here.netloc, parts.path, parts.query, "")))
    return article_key(response.url)
