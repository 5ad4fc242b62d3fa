"""Crawl-level extensions."""

import json
import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.logstats import LogStats
from scrapy.http import HtmlResponse, TextResponse

from newscrawl.extract.page import DOCUMENT_KINDS as KINDS
from newscrawl.extract.xpaths import has_class
from newscrawl.outcome import explained_already, failure
from newscrawl.responses import parsed
from newscrawl.sources.live import where
from newscrawl.urls import LANGUAGES as EDITIONS
from newscrawl.urls import article_key

logger = logging.getLogger(__name__)


class StatsFile:
    """Write the final stats as JSON to ``STATS_FILE`` (for cron jobs, CI and
    tests that want the numbers without parsing the log).

    Written when the spider closes, and again when the engine has stopped:
    ``spider_closed`` handlers that take time (the WARC writer's close) set
    their stats after the quick ones run, and a crawl that fails to open
    stops without ``engine_stopped``."""

    def __init__(self, path, stats):
        self.path, self.stats = path, stats
        self.reason = None
        self.written = False

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured
        ext = cls(path, crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_closed(self, spider, reason):
        self.reason = reason
        self.write()

    def engine_stopped(self):
        if self.reason is not None:
            self.write()

    def write(self):
        stats = dict(self.stats.get_stats(), finish_reason=self.reason)
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=2, sort_keys=True, default=_jsonable)
        logger.log(
            logging.DEBUG if self.written else logging.INFO, "Stats written to %s", self.path
        )
        self.written = True


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else str(value)


def by_edition(stats, languages=EDITIONS):
    """``{language: {kind: n}}`` from the ``items/<language>/<kind>`` stats (items
    that passed validation on their way to MongoDB), every edition and kind present."""
    counts = {lang: dict.fromkeys(KINDS, 0) for lang in languages}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[0] == "items" and isinstance(value, int):
            counts.setdefault(parts[1], dict.fromkeys(KINDS, 0))
            counts[parts[1]][parts[2]] = counts[parts[1]].get(parts[2], 0) + value
    return counts


def describe_editions(counts):
    """``en 5: article 3, brief 2, video 0; fa 0: …``"""
    return "; ".join(
        f"{lang} {sum(kinds.values())}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.items())
        for lang, kinds in counts.items()
    )


class CrawlSummary:
    """One summary line at the end of every crawl: pages fetched, articles by
    language and kind (every edition crawled, every kind, zeros included),
    what MongoDB made of them, drops by reason, errors by kind, and the
    finish reason."""

    GROUPS = (
        ("mongo", "mongo/"),
        ("dropped", "dropped/"),
        ("http", "oldsite/http_status/"),
        ("errors", "oldsite/errors/"),
        ("malformed", "oldsite/malformed/"),
        ("redirects", "oldsite/redirects/"),
    )

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def summary(self, reason, languages=EDITIONS):
        stats = self.stats.get_stats()
        parts = [f"{stats.get('response_received_count', 0)} pages fetched"]
        editions = by_edition(stats, languages)
        total = sum(sum(kinds.values()) for kinds in editions.values())
        parts.append(f"articles {total} ({describe_editions(editions)})")
        for label, prefix in self.GROUPS:
            found = {
                k[len(prefix) :]: v
                for k, v in sorted(stats.items())
                if k.startswith(prefix) and isinstance(v, int)
            }
            if found:
                total = sum(found.values())
                detail = ", ".join(f"{k} {v}" for k, v in found.items())
                parts.append(f"{label} {total} ({detail})")
        return "; ".join(parts) + f"; finish reason: {reason}"

    def spider_closed(self, spider, reason):
        languages = tuple(getattr(spider, "languages", None) or EDITIONS)
        logger.info("Crawl summary: %s", self.summary(reason, languages))
        stats = {**self.stats.get_stats(), "finish_reason": reason}
        problem = failure(stats)
        if problem and not explained_already(stats):
            logger.error("The crawl did not do its job: %s", problem)


# Stats mirrored under ``progress/`` (what a running crawl saw so far): the
# prefix, and its name there. No name is a prefix of another, so the figures
# nest cleanly into a document.
MIRRORED = (
    ("items/", "items/"),
    ("oldsite/pages/other/", "unplaced/"),
    ("oldsite/pages/", "pages/"),
    ("oldsite/http_status/", "http/"),
    ("oldsite/errors/", "errors/"),
    ("oldsite/redirects/", "redirects/"),
    ("oldsite/malformed/", "malformed/"),
    ("dropped/", "dropped/"),
    ("render/", "render/"),
    ("wayback/", "wayback/"),
)
# Drupal's pager: the "last »" link names the last page (0-based ?page=N).
PAGER_LAST = etree.XPath(f"//li[{has_class('pager-last')}]/a[@href]")


def listing_pager_hrefs(root):
    """The pager-last links of the page's own listing: a pager inside a
    site-wide block (the "Iran in Brief" block on every article) is fetched
    once per edition, not once per page, so it says nothing of the work left."""
    cache = {}
    return [a.get("href") for a in PAGER_LAST(root) if where(a, cache).block is None]


def listing_pages(pager_hrefs, base):
    """``(path, pages)`` of a listing from its pager-last links, or None."""
    for href in pager_hrefs:
        url = urljoin(base, href.strip())
        page = dict(parse_qsl(urlsplit(url).query)).get("page", "")
        if page.isdigit():
            return urlsplit(url).path, int(page) + 1
    return None


def work_left(stats, pagers=None, fetched=None):
    """``(what, total, done)`` of the work whose amount is known, or None.

    Wayback: the pages chosen to replay (``wayback/urls``, known once the
    capture list is complete) against the replays done, failed or skipped.
    Live: the pages of the listing pagers seen so far (their pager-last
    link) against those fetched: a lower bound, since pagers are found as
    the crawl goes."""
    if "wayback/urls" in stats:
        total = stats["wayback/urls"]
        done = (
            stats.get("wayback/replays", 0)
            + stats.get("oldsite/skipped_known", 0)
            + sum(
                v
                for k, v in stats.items()
                if k.startswith(("oldsite/errors/", "oldsite/http_status/")) and isinstance(v, int)
            )
        )
        return "wayback captures replayed", total, min(done, total)
    if pagers:
        done = sum(min(fetched.get(path, 0), pages) for path, pages in pagers.items())
        return "listing pages of the pagers seen", sum(pagers.values()), done
    return None


def duration(seconds):
    seconds = int(seconds)
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress(LogStats):
    """One progress line every ``PROGRESS_INTERVAL`` seconds (Scrapy's
    LogStats, which it replaces, with more to say): pages fetched and their
    rate, articles by edition and their rate, requests waiting, and an ETA
    where the amount of work is known (see ``work_left``). The figures are
    also stats under ``progress/`` (the MongoDB pipeline copies them into the
    run's ``crawls`` document), updated once more when the spider closes."""

    clock = staticmethod(time.monotonic)  # seconds, for the rate behind the ETA

    def __init__(self, crawler, interval):
        super().__init__(crawler.stats, interval)
        self.crawler = crawler
        self.pagers = {}  # listing path -> its number of pages
        self.fetched = Counter()  # listing path -> pages of it fetched
        self.work_start = None  # (clock time, work done) when the work became known
        self.live, self.spider, self.host = False, None, None
        self.pagesprev = self.itemsprev = 0

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def spider_opened(self, spider):
        self.bind(spider)
        super().spider_opened(spider)

    def bind(self, spider):
        """Follow *spider*: pagers are read on a live crawl of its host."""
        self.spider = spider
        self.live = str(getattr(spider, "source", "live")) == "live"
        self.host = getattr(spider, "host", None)

    def response_received(self, response, request, spider):
        if not self.live or not isinstance(response, TextResponse):
            return
        if urlsplit(response.url).hostname != self.host:
            return
        found = None
        if b"pager-last" in response.body:  # most pages have no pager: no XPath to run
            try:
                # An HTML page's selector as the spider builds it (it is kept for the spider).
                page = parsed(response) if isinstance(response, HtmlResponse) else response
                root = page.selector.root
                found = listing_pages(listing_pager_hrefs(root), response.url)
            except (ValueError, AttributeError):  # not HTML after all
                return
        if found and article_key(response.url) not in self.tags():
            path, pages = found
            self.pagers[path] = max(self.pagers.get(path, 0), pages)
        path = urlsplit(response.url).path
        if path in self.pagers:
            self.fetched[path] += 1

    def tags(self):
        """The tags the source has seen: read last, and only as far as they
        show something new (``TAG_PAGERS``), so their pagers are no work to
        count."""
        return getattr(getattr(self.spider, "source", None), "tags", ())

    def waiting(self):
        """Requests in the scheduler and in the downloader."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (yet)
            return 0
        scheduler = getattr(engine, "scheduler", None)
        try:
            queued = len(scheduler) if scheduler is not None else 0
        except TypeError:  # a scheduler without a length
            queued = 0
        return queued + len(getattr(engine.downloader, "active", ()))

    def figures(self):
        """Set the ``progress/*`` stats; return them (without the prefix)."""
        self.calculate_stats()
        stats = self.stats.get_stats()
        editions = by_edition(stats, getattr(self.spider, "languages", None) or EDITIONS)
        now = self.clock()
        fig = {
            "updated_at": datetime.now(UTC),
            "pages_fetched": self.pages,
            "pages_per_min": round(self.prate, 1),
            "articles": self.items,
            "articles_per_min": round(self.irate, 1),
            "waiting": self.waiting(),
        }
        for lang, kinds in editions.items():
            fig[f"edition/{lang}"] = sum(kinds.values())
        work = work_left(stats, self.pagers, self.fetched)
        fig["eta_seconds"] = fig["eta_at"] = None
        if work:
            what, total, done = work
            fig.update(work=what, work_total=total, work_done=done)
            if self.work_start is None:
                self.work_start = (now, done)
            since, done_then = self.work_start
            rate = (done - done_then) / (now - since) if now > since else 0
            if rate > 0:
                fig["eta_seconds"] = round((total - done) / rate)
                fig["eta_at"] = fig["updated_at"] + timedelta(seconds=fig["eta_seconds"])
        for key, value in stats.items():
            for prefix, name in MIRRORED:
                if key.startswith(prefix) and isinstance(value, int):
                    fig[name + key[len(prefix) :].replace(".", "_")] = value
                    break
        for name, value in fig.items():
            self.stats.set_value(f"progress/{name}", value)
        return fig

    def log(self, spider):
        fig = self.figures()
        editions = ", ".join(
            f"{k.split('/')[1]} {v}" for k, v in fig.items() if k.startswith("edition/")
        )
        line = (
            f"Progress: {fig['pages_fetched']} pages ({fig['pages_per_min']:g}/min); "
            f"{fig['articles']} articles ({editions}; {fig['articles_per_min']:g}/min); "
            f"{fig['waiting']} requests waiting"
        )
        if "work" in fig:
            share = fig["work_done"] / fig["work_total"] if fig["work_total"] else 1
            line += f"; {fig['work']}: {fig['work_done']} of {fig['work_total']} ({share:.0%})"
            if fig["eta_seconds"] is not None:
                line += f", ETA {duration(fig['eta_seconds'])} ({fig['eta_at']:%Y-%m-%d %H:%M} UTC)"
            else:
                line += ", ETA not yet known"
        elif "wayback/captures_listed" in self.stats.get_stats():
            line += (
                f"; listing Wayback captures: {fig.get('wayback/captures_listed', 0)} "
                "so far, ETA once the list is complete"
            )
        else:
            line += "; ETA unknown (no listing pager seen yet)"
        logger.info(line)

    def spider_closed(self, spider, reason):
        super().spider_closed(spider, reason)
        self.figures()
