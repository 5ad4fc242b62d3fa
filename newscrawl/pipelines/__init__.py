"""Item pipelines, one module per stage: clean, dates, validate, mongo."""


class StatsPipeline:
    """A pipeline that counts what it does in the crawl's stats."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)
