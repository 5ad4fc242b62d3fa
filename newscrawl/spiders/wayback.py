"""The Wayback Machine as the source of the ``oldsite`` spider's pages.

With ``-a source=wayback`` the pages come from the Internet Archive's
captures instead of the live site: the CDX API lists them (one request at a
time, with resume keys), the best capture of each page is kept, and its
replay is parsed exactly like the live page at its old-site URL. The rules
themselves (queries, capture choice, URLs) are in ``newscrawl.wayback``.
"""

from urllib.parse import unquote_plus, urlsplit

import scrapy

from newscrawl import wayback
from newscrawl.urls import article_key, clean_url, should_follow


class WaybackMixin:
    """The ``oldsite`` spider's Wayback Machine methods."""

    def use_wayback(self, settings):
        """Configure a crawl of the Wayback Machine's captures (from_crawler)."""
        if self.render is not None and str(self.render).strip().lower() != "never":
            raise ValueError("render cannot be used with source=wayback: an archived page's "
                             "scripts would load from the live site")
        self.render = "never"
        self.cdx_endpoint = settings.get("WAYBACK_CDX_URL") or ""
        self.replay_base = settings.get("WAYBACK_REPLAY_URL") or ""
        archive = [urlsplit(url) for url in (self.cdx_endpoint, self.replay_base)]
        if not all(parts.scheme in ("http", "https") and parts.hostname for parts in archive):
            raise ValueError("WAYBACK_CDX_URL and WAYBACK_REPLAY_URL must be http(s) URLs")
        hosts = settings.getdict("WAYBACK_HOSTS") or {self.host: ""}
        self.queries = wayback.queries(hosts, self.languages, self.start_ts, self.end_ts)
        self.site_hosts = wayback.site_hosts(hosts, self.host)
        self.cdx_limit = settings.getint("WAYBACK_CDX_LIMIT", 5000)
        slots = {**settings.getdict("DOWNLOAD_SLOTS"), **wayback.download_slots(settings)}
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        self.allowed_domains = [self.host, *sorted({p.hostname for p in archive} - {self.host})]

    def listing(self, index, resume_key=None, page=1):
        """The CDX request for *page* of query *index*, one at a time; after
        the last query, the replays of the chosen captures."""
        if index >= len(self.queries):
            yield from self.replays()
            return
        prefix, start, end = self.queries[index]
        url = wayback.cdx_url(self.cdx_endpoint, prefix, start, end, self.cdx_limit, resume_key)
        meta = wayback.meta(wayback.CDX_SLOT, wayback_query=index, wayback_page=page,
                            wayback_resume=resume_key)
        yield scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                             meta=meta)

    def parse_listing(self, response):
        """One page of captures: keep the best of each page, then the next."""
        index, page = response.meta["wayback_query"], response.meta["wayback_page"]
        prefix, start, end = self.queries[index]
        stats = self.crawler.stats
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
        self.logger.info("Wayback CDX %s page %d: %d captures (%d listed, %d pages to replay); %s",
                         prefix, page, len(rows), stats.get_value("wayback/captures_listed", 0),
                         len(self.captures.best),
                         f"resuming at {unquote_plus(resume_key)!r}" if resume_key else "done")
        if resume_key:
            yield from self.listing(index, resume_key, page + 1)
        else:
            yield from self.listing(index + 1)

    def listing_failed(self, failure):
        request = failure.request
        index, page = request.meta["wayback_query"], request.meta["wayback_page"]
        self.listing_incomplete(f"page {page} of {self.queries[index][0]} could not be fetched "
                                f"({failure.getErrorMessage()})")
        yield from self.listing(index + 1)

    def listing_incomplete(self, reason):
        self.crawler.stats.inc_value("wayback/cdx_failed")
        self.logger.error("The Wayback Machine capture list is incomplete: %s; the crawl goes on "
                          "with what was listed and ends as wayback_incomplete", reason)

    def offer(self, row, start, end):
        """Consider one CDX row: a page of this crawl, in the period?"""
        if not wayback.usable(row) or not wayback.within(row["timestamp"], start, end):
            return
        url = wayback.on_site(str(row["original"]), self.base_url, self.site_hosts)
        if url is None or not should_follow(url, self.host, self.languages):
            return
        self.captures.offer(article_key(url), row["timestamp"], str(row["original"]))

    def replays(self):
        best = self.captures.best
        stats = self.crawler.stats
        stats.set_value("wayback/urls", len(best))
        self.logger.info("Wayback Machine: %d captures listed in %d CDX requests; %d pages to replay",
                         stats.get_value("wayback/captures_listed", 0),
                         stats.get_value("wayback/cdx_requests", 0), len(best))
        for key, (ts, original) in sorted(best.items()):
            if self.known and key in self.known:
                stats.inc_value("oldsite/skipped_known")
                continue
            url = clean_url(wayback.on_site(original, self.base_url, self.site_hosts))
            meta = wayback.meta(wayback.REPLAY_SLOT, wayback_url=url, capture_timestamp=ts)
            yield scrapy.Request(wayback.replay_url(self.replay_base, ts, original),
                                 callback=self.parse_capture, errback=self.failed, meta=meta)

    def parse_capture(self, response):
        """A replayed capture, parsed like the live page at its old-site URL."""
        self.crawler.stats.inc_value("wayback/replays")
        response.meta["capture_timestamp"] = (wayback.replayed_timestamp(response.url)
                                              or response.meta["capture_timestamp"])
        yield from self.parse(response.replace(url=response.meta["wayback_url"]))
