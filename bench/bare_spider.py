"""Bare Scrapy: the reference the full crawl is measured against.

The same start pages (``/en`` and ``/``), the same links and the same
dedup as the ``oldsite`` spider (every ``<a href>`` on the site's host,
each absolute URL requested once: the spider keeps a set of what it
requested, as ``oldsite`` does, so duplicates never become Request objects;
robots.txt and Scrapy's dupefilter behind it) and the same settings, but no
page classification, no URL normalization, no extraction, no items, none of
the project's middlewares and no pipelines.

    scrapy runspider bench/bare_spider.py -a base_url=http://127.0.0.1:18501 [-a docs=SITE/docs.txt]

With ``docs`` (the generator's list of document paths) it counts, in the
``bench/documents`` stat, the distinct documents it fetched: a set lookup
per page, so that the bare crawl's articles/s can be compared too.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import HtmlResponse

SKIP = ("#", "mailto:", "javascript:", "tel:")


class BareSpider(scrapy.Spider):
    name = "bench_bare"
    custom_settings = {
        # Scrapy's own components only: none of the project's middlewares
        # (WARC among them) or pipelines; its extensions stay (STATS_FILE).
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": {},
        "SPIDER_MIDDLEWARES": {},
        # Plain HTTP, as the full crawl with -a render=never.
        "DOWNLOAD_HANDLERS": {},
    }

    def __init__(self, base_url, docs=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = base_url.rstrip("/")
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        self.docs = set(Path(docs).read_text(encoding="utf-8").splitlines()) if docs else set()
        self.fetched = set()
        self.seen = set()
        self.prefix = self.base_url + "/"

    async def start(self):
        for path in ("/en", "/"):
            self.seen.add(self.base_url + path)
            yield scrapy.Request(self.base_url + path)

    def parse(self, response):
        if not isinstance(response, HtmlResponse):
            return
        if self.docs:
            path = unquote(urlsplit(response.url).path)
            if path in self.docs and path not in self.fetched:
                self.fetched.add(path)
                self.crawler.stats.inc_value("bench/documents")
        for href in response.xpath("//a/@href").getall():
            href = href.strip()
            if not href or href.startswith(SKIP):
                continue
            url = response.urljoin(href).split("#", 1)[0]
            if url.startswith(self.prefix) and url not in self.seen:
                self.seen.add(url)
                yield scrapy.Request(url, callback=self.parse)
