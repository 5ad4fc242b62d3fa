"""``scrapy crawl``, exiting with status 1 when the crawl did not do its job.

Scrapy's own command exits 0 whenever the spider ran. Here the final stats
decide, through ``newscrawl.outcome.failure``: among others a crawl that
closed because MongoDB was unavailable (``mongo_unavailable``) or left items
in a spill file (``mongo/spilled``) fails, for whoever runs it from cron or CI.

A bad spider argument or setting (a ``ValueError`` while the spider is built,
e.g. ``-a languages=xx``) is one error line and exit status 2, as Scrapy's own
usage errors are, instead of a traceback.
"""

from __future__ import annotations

import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from twisted.internet.defer import Deferred

from newscrawl.outcome import failure

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    crawler = None
    bad_arguments = False

    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts):
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage error
            return
        assert self.crawler_process
        started = self.crawler_process.crawl(self._create_crawler(args[0]), **opts.spargs)
        if isinstance(started, Deferred):
            started.addErrback(lambda f: self.not_started(f.value))
        else:
            started.add_done_callback(
                lambda task: task.cancelled() or self.not_started(task.exception())
            )
        self.crawler_process.start()
        if self.bad_arguments:
            self.exitcode = 2
        elif self.crawler_process.bootstrap_failed or (
            self.crawler is not None and failure(self.crawler.stats.get_stats())
        ):
            self.exitcode = 1

    def not_started(self, exc: BaseException | None) -> None:
        """Say why the crawl did not start: a bad argument in one line, anything
        else with its traceback."""
        if exc is None:
            return
        if isinstance(exc, ValueError) and getattr(self.crawler, "spider", None) is None:
            self.bad_arguments = True
            logger.error("%s", exc)
        else:
            logger.error("The crawl failed: %s", exc, exc_info=exc)
