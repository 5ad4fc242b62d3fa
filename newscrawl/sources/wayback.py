"""The Wayback Machine as the source of the pages (``-a source=wayback``).

The CDX API lists the site's captures (one request at a time, with resume
keys), the best capture of each page is kept (the newest, or the closest to
``at``), and its replay is parsed exactly like the live page at its old-site
URL. The rules themselves (configuration, queries, capture choice, URLs) are
in ``newscrawl.wayback``, which needs no crawler.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from scrapy.http import Response

from newscrawl import wayback
from newscrawl.sources.base import Source
from newscrawl.urls import article_key, clean_url, should_follow


class WaybackSource(Source):
    name = "wayback"
    follow_links = False  # archived pages come from the capture list
    no_render = "an archived page's scripts would load from the live site"
    options = ("from", "to", "at")

    def __init__(self, spider, options: dict[str, Any]):
        super().__init__(spider, options)
        self.start_ts = wayback.timestamp(options.get("from"), "from")
        self.end_ts = wayback.timestamp(options.get("to"), "to")
        self.at = wayback.timestamp(options.get("at"), "at")
        if self.start_ts and self.end_ts and wayback.low(self.start_ts) > wayback.high(self.end_ts):
            raise ValueError(f"from ({self.start_ts}) is after to ({self.end_ts})")
        # Set by bind() and start():
        self.config: wayback.WaybackConfig
        self.queries: list[tuple[str, str | None, str | None]] = []
        self.hosts: frozenset[str] = frozenset()
        self.captures = wayback.Captures()

    def bind(self, crawler) -> None:
        settings, spider = crawler.settings, self.spider
        self.config = config = wayback.WaybackConfig.from_settings(settings)
        self.queries = wayback.queries(config.hosts, spider.languages, self.start_ts, self.end_ts)
        self.hosts = wayback.site_hosts(config.hosts, spider.host)
        slots = {**settings.getdict("DOWNLOAD_SLOTS"), **config.download_slots()}
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        spider.allowed_domains = [spider.host, *sorted(config.archive_hosts - {spider.host})]

    def site_hosts(self) -> frozenset[str]:
        return self.hosts

    def close_reason(self) -> str | None:
        if self.spider.crawler.stats.get_value("wayback/cdx_failed"):
            return "wayback_incomplete"
        return None

    async def start(self):
        best = self.spider.state.setdefault("wayback_captures", {})
        self.captures = wayback.Captures(best, self.at)
        for request in self.listing(0):
            yield request

    # ------------------------------------------------------------ the CDX listing
    def listing(self, index: int, resume_key: str | None = None, page: int = 1):
        """The CDX request for *page* of query *index*, one at a time; after
        the last query, the replays of the chosen captures."""
        if index >= len(self.queries):
            yield from self.replays()
            return
        prefix, start, end = self.queries[index]
        url = wayback.cdx_url(
            self.config.cdx_url, prefix, start, end, self.config.cdx_limit, resume_key
        )
        meta = wayback.meta(
            wayback.CDX_SLOT, wayback_query=index, wayback_page=page, wayback_resume=resume_key
        )
        yield self.request(url, "parse_listing", "listing_failed", meta=meta)

    def parse_listing(self, response: Response):
        """One page of captures: keep the best of each page, then the next."""
        index, page = response.meta["wayback_query"], response.meta["wayback_page"]
        prefix, start, end = self.queries[index]
        stats = self.spider.crawler.stats
        try:
            rows, resume_key = wayback.parse_cdx(response.text)
        except (ValueError, AttributeError) as exc:
            self.listing_incomplete(f"page {page} of {prefix} is no CDX answer in JSON ({exc})")
            yield from self.listing(index + 1)
            return
        stats.inc_value("wayback/captures_listed", len(rows))
        for row in rows:
            self.offer(row, start, end)
        if resume_key and resume_key == response.meta.get("wayback_resume"):
            self.listing_incomplete(f"the CDX server gave the same resume key twice for {prefix}")
            resume_key = None
        self.spider.logger.info(
            "Wayback CDX %s page %d: %d captures (%d listed, %d pages to replay); %s",
            prefix,
            page,
            len(rows),
            stats.get_value("wayback/captures_listed", 0),
            len(self.captures.best),
            f"resuming at {unquote_plus(resume_key)!r}" if resume_key else "done",
        )
        if resume_key:
            yield from self.listing(index, resume_key, page + 1)
        else:
            yield from self.listing(index + 1)

    def listing_failed(self, failure):
        request = failure.request
        index, page = request.meta["wayback_query"], request.meta["wayback_page"]
        self.listing_incomplete(
            f"page {page} of {self.queries[index][0]} could not be fetched "
            f"({failure.getErrorMessage()})"
        )
        yield from self.listing(index + 1)

    def listing_incomplete(self, reason: str) -> None:
        self.spider.crawler.stats.inc_value("wayback/cdx_failed")
        self.spider.logger.error(
            "The Wayback Machine capture list is incomplete: %s; the crawl goes on with what "
            "was listed and ends as wayback_incomplete",
            reason,
        )

    def offer(self, row: dict, start: str | None, end: str | None) -> None:
        """Consider one CDX row: a page of this crawl, in the period?"""
        if not wayback.usable(row) or not wayback.within(row["timestamp"], start, end):
            return
        spider = self.spider
        url = wayback.on_site(str(row["original"]), spider.base_url, self.hosts)
        if url is None or not should_follow(url, spider.host, spider.languages):
            return
        self.captures.offer(article_key(url), row["timestamp"], str(row["original"]))

    # ------------------------------------------------------------ the replays
    def replays(self):
        spider = self.spider
        best = self.captures.best
        stats = spider.crawler.stats
        stats.set_value("wayback/urls", len(best))
        spider.logger.info(
            "Wayback Machine: %d captures listed in %d CDX requests; %d pages to replay",
            stats.get_value("wayback/captures_listed", 0),
            stats.get_value("wayback/cdx_requests", 0),
            len(best),
        )
        for key, (ts, original) in sorted(best.items()):
            if spider.known and key in spider.known:
                stats.inc_value("oldsite/skipped_known")
                continue
            url = clean_url(wayback.on_site(original, spider.base_url, self.hosts))
            meta = wayback.meta(wayback.REPLAY_SLOT, wayback_url=url, capture_timestamp=ts)
            yield spider.page_request(
                wayback.replay_url(self.config.replay_url, ts, original), **meta
            )

    def page(self, response: Response) -> Response:
        """A replayed capture, as the live page at its old-site URL."""
        url = response.meta.get("wayback_url")
        if url is None:
            return response
        self.spider.crawler.stats.inc_value("wayback/replays")
        response.meta["capture_timestamp"] = (
            wayback.replayed_timestamp(response.url) or response.meta["capture_timestamp"]
        )
        return response.replace(url=url)
