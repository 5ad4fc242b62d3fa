"""The objects alive when the spider opens are out of the collector's way."""

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.gcfreeze import GcFreeze
from newscrawl.spiders.oldsite import OldsiteSpider


def test_what_lives_at_open_is_frozen_for_the_crawl_and_thawed_at_its_end():
    crawler = get_crawler(OldsiteSpider, {"GC_FREEZE": True})
    ext = GcFreeze.from_crawler(crawler)
    spider = OldsiteSpider(base_url="http://old.example")
    try:
        ext.spider_opened(spider)
        frozen = gc.get_freeze_count()
        assert frozen > 1000 and crawler.stats.get_value("gc/frozen") == frozen
    finally:
        ext.spider_closed(spider)
    assert gc.get_freeze_count() == 0
    assert crawler.stats.get_value("gc/collections/2") >= 1


def test_off_by_setting():
    with pytest.raises(NotConfigured):
        GcFreeze.from_crawler(get_crawler(OldsiteSpider, {"GC_FREEZE": False}))
