"""A page stores only under its own URL (issue 14, class 4), in-process: a
page whose canonical link names another page of the site stores nothing and
makes the crawl fetch that page, once. Real requests and responses, no server."""

import logging

from scrapy.http import Request

from newscrawl.items import ArticleItem
from tests.test_spider import BASE, drupal, make_spider, page


def parsed(spider, response):
    out = list(spider.parse(response))
    return [o for o in out if isinstance(o, ArticleItem)], [
        o.url for o in out if isinstance(o, Request)
    ]


def claiming(path, canonical):
    head, body_class, node = drupal("article", path=path)
    return page(path, (head.replace(BASE + path, canonical), body_class, node))


def test_a_page_naming_another_page_stores_nothing_and_fetches_that_page_once(caplog):
    caplog.set_level(logging.INFO)
    spider = make_spider(render="never")
    items, requests = parsed(spider, claiming("/en/world/attacker", BASE + "/en/world/b"))
    assert items == [] and requests == [BASE + "/en/world/b"]
    items, requests = parsed(spider, claiming("/en/world/second", BASE + "/en/world/b"))
    assert items == [] and requests == []  # requested once
    stats = spider.crawler.stats
    assert stats.get_value("oldsite/canonical/elsewhere") == 2
    assert f"{BASE}/en/world/attacker names {BASE}/en/world/b as its canonical URL" in caplog.text
    items, _ = parsed(spider, page("/en/world/b", drupal("article", path="/en/world/b")))
    assert [item["url"] for item in items] == [BASE + "/en/world/b"]


def test_a_canonical_on_another_origin_is_not_the_site():
    spider = make_spider(render="never")
    for other in ("http://old.example:8080/en/world/b", "https://old.example/en/world/b"):
        items, requests = parsed(spider, claiming("/en/world/x", other))
        assert [item["url"] for item in items] == [BASE + "/en/world/x"]
        assert requests == []
        spider.stored.clear()
    assert not spider.crawler.stats.get_value("oldsite/canonical/elsewhere")


def test_links_to_another_origin_are_not_followed():
    spider = make_spider(render="never")
    links = (
        "<a href='http://old.example:8080/en/world/y'>port</a>"
        "<a href='https://old.example/en/world/z'>scheme</a>"
        "<a href='/en/world/w'>here</a>"
    )
    _, requests = parsed(spider, page("/en/world/x", drupal("article", extra=links)))
    assert requests == [BASE + "/en/world/w"]
