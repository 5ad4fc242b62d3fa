"""Crawl-level extensions."""

import json
import logging
from datetime import datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured

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
