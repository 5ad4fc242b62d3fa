"""A spider made in-process as ``scrapy crawl`` makes it, for component tests."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.utils.test import get_reactor_settings

import newscrawl.settings as project
from newscrawl.spiders.oldsite import OldsiteSpider

PROJECT = {name: getattr(project, name) for name in dir(project) if name.isupper()}


def make_spider(base_url: str, settings: dict | None = None, **arguments) -> OldsiteSpider:
    """The project's settings, then *settings*; the crawler's own (stats)
    once the spider exists. No engine, no network."""
    crawler = Crawler(
        OldsiteSpider,
        {**PROJECT, **get_reactor_settings(), "TELNETCONSOLE_ENABLED": False, **(settings or {})},
    )
    spider = OldsiteSpider.from_crawler(crawler, **{"base_url": base_url, **arguments})
    crawler.spider = spider
    crawler._apply_settings()
    return spider
