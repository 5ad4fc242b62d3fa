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

import json
import logging
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import scrapy
from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available

from newscrawl import __version__, wayback
from newscrawl.arguments import public_arguments
from newscrawl.warc import records
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.reader import ArchiveIndex
from newscrawl.worker import WorkerGone, WorkerProcess

logger = logging.getLogger(__name__)

META_KEY = "warc_record"  # request meta: the location of the page's record
# Times a writer process that ended is replaced by a new one (which starts a
# new file) before the crawl goes on without WARC, counting `warc/errors`.
WRITER_RESTARTS = 3
WRITER, WRITER_NAME = "newscrawl.warc.recorder:Recorder", "WARC writer"


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
        self.writer: WorkerProcess | None = None
        self.recording = False  # between spider_opened and spider_closed
        self.informed = False  # the writer has the warcinfo fields
        self.restarts = 0
        self.failed = False
        self.run_id = uuid.uuid4().hex
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
    async def spider_opened(self, spider):
        self.spider = spider
        if self.replay_spec:
            self.archive = ArchiveIndex.open(self.replay_spec)
            self.stats.set_value("warc/replay/files", len(self.archive.paths))
            if self.archive.torn:
                self.stats.set_value("warc/replay/torn", self.archive.torn)
            return
        self.recording = True
        try:
            await self._start()
        except Exception as exc:
            self.trouble(None, exc)

    async def _start(self) -> None:
        """Start the writer process (which reads the payload digests of
        ``WARC_DIR``'s indexes before it answers)."""
        if not is_asyncio_available():
            raise RuntimeError(
                "WARC writing needs Twisted's asyncio reactor: set TWISTED_REACTOR to "
                "twisted.internet.asyncioreactor.AsyncioSelectorReactor (the project's "
                "default), or WARC_ENABLED = False"
            )
        self.writer = await WorkerProcess.start(WRITER_NAME, WRITER, self.config)
        self.informed = False

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
        if not self.recording:
            return
        self.recording = False
        try:
            await self._finish()
        except Exception as exc:
            self.trouble(None, exc)

    async def _finish(self) -> None:
        """Close (and index) the last file, and stop the writer."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
        try:
            closed = await writer.call("close")
        finally:
            await writer.close()
        self.stats.set_value("warc/writer_cpu_s", round(closed.cpu_s, 2))
        if not closed.files:
            return
        self.stats.set_value("warc/files", closed.files)
        self.stats.set_value("warc/bytes", closed.size)
        logger.info(
            "WARC: %d records in %d files (%.1f MB) in %s, last %s; the writer process "
            "took %.1f s of CPU",
            self.stats.get_value("warc/records", 0),
            closed.files,
            closed.size / 1e6,
            self.config.directory,
            closed.last,
            closed.cpu_s,
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
    # Building, compressing and writing the records of an exchange run in the
    # writer process (``newscrawl.worker``): the crawl's thread copies the
    # exchange (``records.sent``/``received``) and hands it over. The
    # response goes on once its records are written, so that its location is
    # known to the spider (``item["warc"]``).

    async def process_response(self, request, response):
        if not self.wanted(request, response):
            return response
        try:
            rendered = bool(request.meta.get("playwright"))
            exchange = records.sent(request), records.received(response, rendered), now()
            self.written(request, await self._record(*exchange))
        except Exception as exc:
            self.trouble(response, exc)
        return response

    async def _record(self, request, response, when):
        """Write one exchange; a writer that ended is replaced, up to
        ``WRITER_RESTARTS`` times."""
        if self.writer is None or self.writer.gone is not None:
            if self.writer is not None:
                writer, self.writer = self.writer, None
                await writer.close()
            if self.restarts >= WRITER_RESTARTS:
                raise WorkerGone("the WARC writer process ended too often: not restarted")
            self.restarts += 1
            self.stats.inc_value("warc/writer_restarts")
            await self._start()
        writer = self.writer
        assert writer is not None
        if not self.informed:
            # Sent before any later exchange (a call sends before it waits):
            # the first file's warcinfo has the crawl id set by then.
            self.informed = True
            await writer.call("set_info", self.warcinfo(self.spider))
        return await writer.call("record", request, response, when)

    def wanted(self, request, response) -> bool:
        if not self.recording or {"cached", "warc"} & set(response.flags or ()):
            return False
        # The archive's capture list is not a page of the site.
        return request.meta.get("download_slot") != wayback.CDX_SLOT

    def written(self, request, written) -> None:
        request.meta[META_KEY] = written.location
        self.stats.inc_value("warc/records", written.count)
        self.stats.inc_value(f"warc/records/{written.kind}")

    def trouble(self, response, exc) -> None:
        """One error line for the first exchange not recorded (or a writer
        that would not start or stop); ``warc/errors`` counts them all."""
        self.stats.inc_value("warc/errors")
        if not self.failed:
            self.failed = True
            what = response.url if response is not None else "anything"
            kind = getattr(exc, "kind", None) or type(exc).__name__
            logger.error(
                "Could not write %s to the WARC files in %s (%s: %s); the crawl "
                "goes on, `warc/errors` counts the exchanges not recorded",
                what,
                self.config.directory,
                kind,
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
