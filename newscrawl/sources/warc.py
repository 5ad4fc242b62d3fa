"""WARC files as the source of the pages (``-a source=warc -a warc=PATH``).

Re-extraction without the network: every page of the files (its last
``response`` or ``revisit`` record) is requested once, in the order the crawl
fetched them, and ``newscrawl.warc.middleware.WarcMiddleware`` answers each
request from its record, the way Scrapy's HttpCacheMiddleware answers from
its cache; the responses then go through the same middlewares, parsing,
classification and pipelines as a live crawl's. No request leaves the
process: robots.txt is not fetched, links are not followed, and a request
the files cannot answer (a redirect to a page never fetched) is counted in
``warc/replay/missing``.

``PATH`` is a file, a directory (its ``*.warc.gz`` and ``*.warc``) or a glob.
The pages are stored under the origin of the crawl that wrote the files
(its warcinfo's ``base_url``) unless ``-a base_url`` says otherwise; a
Wayback capture under its old-site URL with its ``capture_timestamp``; a
page the crawl stored from the browser's rendered DOM from that DOM again.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from newscrawl import wayback
from newscrawl.sources.base import Source
from newscrawl.urls import article_key
from newscrawl.warc.middleware import META_KEY
from newscrawl.warc.reader import ArchiveIndex, Entry, NoWarcFiles

# Why the crawl used the browser's DOM for a page's item: that DOM again.
ITEM_FROM_DOM = ("empty_body", "always")


class WarcSource(Source):
    name = "warc"
    follow_links = False  # every page comes from the records
    no_render = "pages come from WARC records, not from the network"
    options = ("warc",)

    def __init__(self, spider, options: dict[str, Any]):
        super().__init__(spider, options)
        spec = str(options.get("warc") or "").strip()
        if not spec:
            raise ValueError(
                "source=warc needs -a warc=PATH: a WARC file, a directory of "
                "them or a glob (e.g. -a warc=data/warc)"
            )
        try:
            self.archive = ArchiveIndex.open(spec)
        except NoWarcFiles as exc:
            raise ValueError(str(exc)) from None
        self.spec = spec
        if "base_url" not in getattr(spider, "arguments", {}):
            self._use_crawl_origin(spider)
        self.hosts: frozenset[str] | None = None

    def _use_crawl_origin(self, spider) -> None:
        """The origin the files were crawled from (their warcinfo)."""
        try:
            base = json.loads(self.archive.info.get("arguments") or "{}").get("base_url")
        except ValueError:
            base = None
        parts = urlsplit(base or "")
        if parts.scheme in ("http", "https") and parts.hostname:
            spider.base_url = base.rstrip("/")
            spider.host = parts.hostname
            spider.allowed_domains = [spider.host]

    def bind(self, crawler) -> None:
        settings = crawler.settings
        for name, value in (
            ("WARC_REPLAY", self.spec),
            ("ROBOTSTXT_OBEY", False),
            ("DOWNLOAD_DELAY", 0),
            ("AUTOTHROTTLE_ENABLED", False),
            ("CONCURRENT_REQUESTS_PER_DOMAIN", 16),
        ):
            settings.set(name, value, priority="spider")
        if any(entry.source_uri for entry in self.archive.by_url.values()):
            config = wayback.WaybackConfig.from_settings(settings)
            self.hosts = wayback.site_hosts(config.hosts, self.spider.host)

    def site_hosts(self) -> frozenset[str] | None:
        return self.hosts

    async def start(self):
        spider, stats = self.spider, self.spider.crawler.stats
        stats.set_value("warc/replay/files", len(self.archive.paths))
        for entry in self.archive.pages():
            url, meta = self.page_of(entry)
            if url is None:
                stats.inc_value("warc/replay/other_site")
                continue
            if spider.known and article_key(url) in spider.known:
                stats.inc_value("oldsite/skipped_known")
                continue
            stats.inc_value("warc/replay/pages")
            yield spider.page_request(
                url, warc_replay=ArchiveIndex.pointer(entry, url), dont_obey_robotstxt=True, **meta
            )

    def page_of(self, entry: Entry) -> tuple[str | None, dict[str, Any]]:
        """The URL to request for a page record, and the meta the crawl
        parsed it with; None for a page of another site."""
        meta = self.archive.meta_of(entry)
        meta.pop("wayback_url", None)
        meta.pop("render_reason", None)
        url: str | None = entry.uri
        if entry.source_uri:  # a Wayback capture
            url = wayback.on_site(entry.uri, self.spider.base_url, self.hosts or ())
            meta["capture_timestamp"] = entry.timestamp
        if url is None or urlsplit(url).hostname != self.spider.host:
            return None, meta
        return url, meta

    def page(self, response: Response) -> Response:
        """The page as the crawl parsed it: the browser's DOM where the item
        came from it."""
        entry = self.archive.rendered.get(response.url)
        if entry is None or self.archive.meta_of(entry).get("render_reason") not in ITEM_FROM_DOM:
            return response
        if (response.meta.get(META_KEY) or {}).get("record_id") == entry.location.record_id:
            return response  # answered from the DOM already (render=always)
        rendered = self.archive.response_for(response.request, entry)
        response.meta[META_KEY] = entry.location.as_dict()
        self.spider.crawler.stats.inc_value("warc/replay/rendered")
        return rendered
