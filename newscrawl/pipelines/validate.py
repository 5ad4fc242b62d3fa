"""Drop what is not an article, saying why."""

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.pipelines import StatsPipeline

logger = logging.getLogger(__name__)

REQUIRED = ("url", "language", "kind", "title", "body")


class ValidatePipeline(StatsPipeline):
    """An item without a title or body is dropped with a ``dropped/<reason>``
    stat and the reason in the log."""

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for name in REQUIRED:
            if not adapter.get(name):
                reason = f"empty_{name}"
                self.stats.inc_value(f"dropped/{reason}")
                raise DropItem(f"{reason}: {adapter.get('url')} has no {name}")
        self.stats.inc_value(f"items/{adapter['language']}/{adapter['kind']}")
        return item
