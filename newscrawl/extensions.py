"""Crawl-level extensions."""

import json
import logging
from datetime import datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.outcome import failure

logger = logging.getLogger(__name__)


class StatsFile:
    """Write the final stats as JSON to ``STATS_FILE`` (for cron jobs, CI and
    tests that want the numbers without parsing the log)."""

    def __init__(self, path, stats):
        self.path, self.stats = path, stats

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured
        ext = cls(path, crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        stats = dict(self.stats.get_stats(), finish_reason=reason)
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=2, sort_keys=True, default=_jsonable)
        logger.info("Stats written to %s", self.path)


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else str(value)


class CrawlSummary:
    """One summary line at the end of every crawl: pages fetched, articles by
    language and kind, what MongoDB made of them, drops by reason, errors by
    kind, and the finish reason."""

    GROUPS = (
        ("articles", "items/"),
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

    def summary(self, reason):
        stats = self.stats.get_stats()
        parts = [f"{stats.get('response_received_count', 0)} pages fetched"]
        for label, prefix in self.GROUPS:
            found = {k[len(prefix):]: v for k, v in sorted(stats.items())
                     if k.startswith(prefix) and isinstance(v, int)}
            if found or label == "articles":
                total = sum(found.values())
                detail = ", ".join(f"{k} {v}" for k, v in found.items())
                parts.append(f"{label} {total}" + (f" ({detail})" if detail else ""))
        return "; ".join(parts) + f"; finish reason: {reason}"

    def spider_closed(self, spider, reason):
        logger.info("Crawl summary: %s", self.summary(reason))
        problem = failure({**self.stats.get_stats(), "finish_reason": reason})
        if problem:
            logger.error("The crawl did not do its job: %s", problem)
