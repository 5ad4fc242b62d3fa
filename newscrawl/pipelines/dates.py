"""Turn ``published_raw`` into ``published_at``: a UTC datetime, or None."""

import logging

from itemadapter import ItemAdapter

from newscrawl.pipelines import StatsPipeline
from newscrawl.text.dates import is_relative, missing_year, parse_date

logger = logging.getLogger(__name__)


class DatesPipeline(StatsPipeline):
    """Gregorian and Jalali dates to UTC. A relative time ("2 hours ago"), a
    date without a year (``الخميس 9 يوليو (تموز)``) or an unparsable date
    leaves ``published_at`` null, never the crawl time; each is counted
    (``dates/relative``, ``dates/no_year``, ``dates/unparsed``)."""

    def process_item(self, item):
        adapter = ItemAdapter(item)
        raw = adapter.get("published_raw")
        adapter["published_at"] = adapter["published_precision"] = None
        if not raw:
            self.stats.inc_value("dates/missing")
            return item
        raw = " ".join(str(raw).split())  # a number from JSON-LD is text here
        adapter["published_raw"] = raw
        parsed = parse_date(raw, adapter["language"])
        if parsed is not None:
            adapter["published_at"], adapter["published_precision"] = parsed.value, parsed.precision
            self.stats.inc_value("dates/parsed")
        elif is_relative(raw):
            self.stats.inc_value("dates/relative")
        elif missing_year(raw):
            self.stats.inc_value("dates/no_year")
            logger.info("Date without a year %r on %s: published_at left null", raw, adapter["url"])
        else:
            self.stats.inc_value("dates/unparsed")
            logger.info("Unparsed date %r on %s", raw, adapter["url"])
        return item
