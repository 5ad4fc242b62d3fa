"""The WARC middlewares.

``WarcMiddleware`` (downloader, order 950: next to the download handler, so
``process_request`` sees the request as sent and ``process_response`` sees
the response as it came off the wire, before HttpCompressionMiddleware (590)
decodes the body, RedirectMiddleware (600) follows a redirect or
RetryMiddleware (550) retries an error) writes every exchange to the WARC
files. With ``WARC_REPLAY`` set (``-a source=warc``) it answers every request
from the files instead and nothing reaches the network.

``WarcProvenanceMiddleware`` (spider) gives each item the location of the
record its page came from, in its ``warc`` field.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import scrapy
from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

from newscrawl import __version__, wayback
from newscrawl.arguments import public_arguments
from newscrawl.warc import index, records
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.reader import ArchiveIndex
from newscrawl.warc.writer import WarcFiles

logger = logging.getLogger(__name__)

META_KEY = "warc_record"  # request meta: the location of the page's record
# Plain responses remembered for the rendered DOM to refer to (the browser
# fetches a page soon after its plain fetch).
PLAIN_KEPT = 50_000


class NotInArchive(IgnoreRequest):
    """A request the WARC files hold no record for (``source=warc``)."""


def now() -> datetime:
    return datetime.now(UTC)


def spider_arguments(spider) -> dict[str, Any]:
    """The arguments the spider was given (``OldsiteSpider.arguments``, every
    ``-a`` as given), without credentials; none for a spider that keeps no
    such dict."""
    return public_arguments(getattr(spider, "arguments", None) or {})


class WarcMiddleware:
    def __init__(self, crawler, config: WarcConfig, replay: str):
        self.crawler, self.stats, self.config = crawler, crawler.stats, config
        self.replay_spec = replay
        self.archive: ArchiveIndex | None = None
        self.files: WarcFiles | None = None
        self.plain: dict[str, str] = {}  # URL -> record id of its last plain response
        self.failed = False
        self.executor: ThreadPoolExecutor | None = None  # the writer thread (asyncio)
        self.pool: ThreadPool | None = None  # the writer thread (another reactor)
        self.run_id = uuid.uuid4().hex
        self._reactor = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        config = WarcConfig.from_settings(crawler.settings)
        replay = crawler.settings.get("WARC_REPLAY") or ""
        if not config.enabled and not replay:
            raise NotConfigured("WARC_ENABLED is off")
        return cls(crawler, config, replay)

    # -- lifecycle -------------------------------------------------------------
    def spider_opened(self, spider):
        if self.replay_spec:
            self.archive = ArchiveIndex.open(self.replay_spec)
            self.stats.set_value("warc/replay/files", len(self.archive.paths))
            if self.archive.torn:
                self.stats.set_value("warc/replay/torn", self.archive.torn)
            return
        revisits = {}
        if self.config.revisits:
            if self.config.directory.is_dir():
                index.index_unindexed(self.config.directory)
            revisits = index.read_digests(self.config.directory)
        self.files = WarcFiles(self.config, lambda: self.warcinfo(spider), revisits)
        logger.info(
            "WARC: every exchange goes to %s (%d payloads known for revisits)",
            self.config.directory,
            len(revisits),
        )

    def warcinfo(self, spider) -> dict[str, Any]:
        settings = self.crawler.settings
        # The crawl id MongoPipeline gives the run (its ``crawls`` document),
        # else one of our own, so that the files of a run stay together.
        crawl_id = self.stats.get_value("crawl_id") or self.run_id
        return {
            "software": f"newscrawl/{__version__} (Scrapy {scrapy.__version__}, "
            f"warcio {version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "isPartOf": str(crawl_id),
            "spider": spider.name,
            "arguments": json.dumps(
                spider_arguments(spider), ensure_ascii=False, sort_keys=True, default=str
            ),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "description": "Every exchange of a newscrawl crawl with the site",
        }

    async def spider_closed(self, spider, reason):
        if self.files is None:
            return
        try:
            await self._in_thread(self._finish)
        finally:
            if self.pool is not None:
                self.pool.stop()
                self.pool = None
            if self.executor is not None:
                self.executor.shutdown(wait=False)
                self.executor = None

    def _finish(self) -> None:
        """Close (and index) the last file, in the writer thread."""
        if self.files is None:
            return
        self.files.close()
        paths = self.files.paths
        if not paths:
            return
        size = sum(p.stat().st_size for p in paths if p.exists())
        self.stats.set_value("warc/files", len(paths))
        self.stats.set_value("warc/bytes", size)
        logger.info(
            "WARC: %d records in %d files (%.1f MB) in %s, last %s",
            self.stats.get_value("warc/records", 0),
            len(paths),
            size / 1e6,
            self.config.directory,
            paths[-1].name,
        )

    async def _in_thread(self, func, *args):
        """Run *func* in the writer thread (one thread: records stay in order),
        through asyncio where it runs (Scrapy's default reactor), else Twisted."""
        if is_asyncio_available():
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-writer")
            return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)
        if self.pool is None:
            from twisted.internet import reactor

            self.pool = ThreadPool(minthreads=1, maxthreads=1, name="warc-writer")
            self.pool.start()
            self._reactor = reactor
        return await maybe_deferred_to_future(
            threads.deferToThreadPool(self._reactor, self.pool, func, *args)
        )

    # -- replay (source=warc) ----------------------------------------------------
    def process_request(self, request):
        if self.archive is None:
            return None
        entry = self.archive.entry_for(request)
        response = self.archive.response_for(request, entry) if entry is not None else None
        if response is None:
            self.stats.inc_value("warc/replay/missing")
            raise NotInArchive(f"no record of {request.url} in the WARC files")
        self.stats.inc_value("warc/replay/responses")
        request.meta[META_KEY] = entry.location.as_dict()
        return response

    # -- recording ---------------------------------------------------------------
    # Compressing and writing a record costs about 1 ms of CPU for a 60 KB page
    # (gzip dominates): that work runs in one writer thread (zlib and hashlib
    # release the GIL), and the response goes on once its records are written,
    # so that its location is known to the spider (``item["warc"]``).

    async def process_response(self, request, response):
        if not self.wanted(request, response):
            return response
        try:
            group = self.prepare(request, response)
            assert self.files is not None  # wanted() says so
            locations = await self._in_thread(self.files.write, group)
            self.written(request, response, group, locations)
        except Exception as exc:
            self.trouble(response, exc)
        return response

    def wanted(self, request, response) -> bool:
        if self.files is None or {"cached", "warc"} & set(response.flags or ()):
            return False
        # The archive's capture list is not a page of the site.
        return request.meta.get("download_slot") != wayback.CDX_SLOT

    def prepare(self, request, response) -> list:
        """The records of an exchange; a payload seen before makes a revisit,
        and the next copy of a new payload refers to this one."""
        when = now()
        assert self.files is not None
        if request.meta.get("playwright"):
            return records.rendered(request, response, when, self.plain.get(response.url))
        digest = records.payload_digest(response.body)
        worth = response.status == 200 and bool(response.body)
        refers = self.files.revisits.get(digest) if worth and self.config.revisits else None
        group = records.exchange(request, response, when, refers, digest=digest)
        main = group[0]
        if worth and refers is None:
            self.files.revisits.setdefault(
                digest,
                (
                    main.rec_headers.get_header("WARC-Target-URI"),
                    main.rec_headers.get_header("WARC-Date"),
                ),
            )
        return group

    def written(self, request, response, group, locations) -> None:
        kind = group[0].rec_type
        if kind in ("response", "revisit"):
            self.plain[response.url] = locations[0].record_id
            if len(self.plain) > PLAIN_KEPT:
                del self.plain[next(iter(self.plain))]
        request.meta[META_KEY] = locations[0].as_dict()
        self.stats.inc_value("warc/records", len(group))
        self.stats.inc_value(f"warc/records/{kind}")

    def trouble(self, response, exc) -> None:
        self.stats.inc_value("warc/errors")
        if not self.failed:
            self.failed = True
            logger.error(
                "Could not write %s to the WARC files in %s (%s: %s); the crawl "
                "goes on, `warc/errors` counts the exchanges not recorded",
                response.url,
                self.config.directory,
                type(exc).__name__,
                exc,
            )


class WarcProvenanceMiddleware:
    """Spider middleware: ``item["warc"]`` = the location (``file``,
    ``offset``, ``length``, ``record_id``) of the record the item's page came
    from, for items with a ``warc`` field."""

    def process_spider_output(self, response, result):
        location = self._location(response)
        for obj in result:
            yield self._mark(obj, location)

    async def process_spider_output_async(self, response, result):
        location = self._location(response)
        async for obj in result:
            yield self._mark(obj, location)

    @staticmethod
    def _location(response):
        try:
            return response.meta.get(META_KEY)
        except AttributeError:  # a response without a request
            return None

    @staticmethod
    def _mark(obj, location):
        if location and is_item(obj):
            adapter = ItemAdapter(obj)
            if "warc" in adapter.field_names():
                adapter["warc"] = dict(location)
        return obj
