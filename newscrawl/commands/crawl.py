"""``scrapy crawl``, exiting with status 1 when the crawl did not do its job.

Scrapy's own command exits 0 whenever the spider ran. Here the final stats
decide, through ``newscrawl.outcome.failure``: among others a crawl that
closed because MongoDB was unavailable (``mongo_unavailable``) or left items
in a spill file (``mongo/spilled``) fails, for whoever runs it from cron or CI.
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newscrawl.outcome import failure


class Command(ScrapyCrawlCommand):
    crawler = None

    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts):
        super().run(args, opts)
        if (
            self.exitcode == 0
            and self.crawler is not None
            and failure(self.crawler.stats.get_stats())
        ):
            self.exitcode = 1
