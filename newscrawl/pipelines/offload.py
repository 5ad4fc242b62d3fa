"""``CleanTextPipeline`` in a worker process of its own (``CLEAN_TEXT_WORKER``).

Cleaning is pure CPU work on each item, about a tenth of a crawl's CPU, and
Scrapy runs on one core: in a worker (``newscrawl.worker``) it runs on
another, beside the WARC writer, while the crawl's process reads the next
pages. The item goes to the worker and comes back cleaned, exactly as
``CleanTextPipeline.process_item`` leaves it in-process.

No item is lost to the worker: one that cannot start, or that ends, is
reported once, and the items are cleaned in the crawl's process from then on
(``clean/in_process``).
"""

from __future__ import annotations

import logging
from typing import Any

from newscrawl.pipelines.clean import CleanTextPipeline
from newscrawl.worker import WorkerGone, WorkerProcess

logger = logging.getLogger(__name__)

CLEANER, CLEANER_NAME = "newscrawl.pipelines.clean:CleanTextPipeline", "text cleaning worker"


class CleanTextWorkerPipeline:
    def __init__(self, stats, enabled: bool):
        self.stats, self.enabled = stats, enabled
        self.local = CleanTextPipeline()
        self.worker: WorkerProcess | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getbool("CLEAN_TEXT_WORKER"))

    async def open_spider(self) -> None:
        if not self.enabled:
            return
        try:
            self.worker = await WorkerProcess.start(CLEANER_NAME, CLEANER)
        except Exception as exc:
            self._lost(exc)

    async def process_item(self, item: Any) -> Any:
        worker = self.worker
        if worker is not None:
            try:
                return await worker.call("process_item", item)
            except WorkerGone as exc:
                self._lost(exc)
                await worker.close()
        self.stats.inc_value("clean/in_process")
        return self.local.process_item(item)

    def _lost(self, exc: Exception) -> None:
        """Once: clean in the crawl's process from now on."""
        if not self.enabled:
            return
        logger.error(
            "The %s is not running (%s); items are cleaned in the crawl's process from now on",
            CLEANER_NAME,
            exc,
        )
        self.enabled = False
        self.worker = None

    async def close_spider(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            await worker.close()
