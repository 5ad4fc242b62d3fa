"""Store articles in MongoDB in batches, without blocking the crawl and
without losing an item when MongoDB goes away."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import PyMongoError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured

from newscrawl import __version__, spill, storage
from newscrawl.arguments import public_arguments
from newscrawl.extract.page import DOCUMENT_KINDS as KINDS
from newscrawl.mongo import MongoConfig, connection_problem, describe_uri, scans_by_id
from newscrawl.urls import LANGUAGES

__all__ = ["MongoPipeline", "connection_problem", "describe_uri", "spider_arguments"]

logger = logging.getLogger(__name__)

UNAVAILABLE = "mongo_unavailable"  # the finish reason when MongoDB went away
COUNTS = ("inserted", "updated", "unchanged", "errors", "spilled")
PROGRESS_PREFIX = "progress/"


def now() -> datetime:
    return datetime.now(UTC)


class MongoPipeline:
    """The final pipeline: one document per canonical URL in ``articles``.

    What is stored is read once when the spider opens (``storage.Writer``).
    Items are buffered and written per batch, flushed when
    ``MONGO_BATCH_SIZE`` items are pending, when the oldest has waited
    ``MONGO_FLUSH_INTERVAL`` seconds, and when the spider closes. Writes use
    pymongo's asyncio client, so the reactor keeps crawling meanwhile; a
    flush holds back further items until it is done (backpressure).

    Transient errors are retried (``MONGO_RETRY_TIMES``, ``MONGO_RETRY_DELAY``).
    When they persist, the pending items go to a spill file in
    ``MONGO_SPILL_DIR`` and the spider closes with reason ``mongo_unavailable``;
    so do documents the server refuses, counted in ``mongo/errors``. Each run
    has a document in ``crawls``, written when it opens, updated every
    ``MONGO_PROGRESS_INTERVAL`` seconds while it runs and completed at close.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.config = config = MongoConfig.from_settings(crawler.settings)
        if not config.uri:
            raise NotConfigured("MONGO_URI is empty")
        self.crawler, self.stats = crawler, crawler.stats
        self.database, self.collection = config.database, config.collection
        self.retry_times = config.retry_times
        self.where = config.where
        self.crawl_id = ObjectId()
        self.started_at = now()
        stamp = self.started_at.strftime("%Y%m%dT%H%M%SZ")
        self.spill = spill.SpillFile(
            config.spill_dir, f"{self.database}-{stamp}-{self.crawl_id}.jsonl"
        )
        self.client: Any = None
        self.writer: storage.Writer = None  # type: ignore[assignment]  # set by open_spider
        self.spider: Spider | None = None
        self.pending: list[storage.Entry] = []
        self.oldest: float | None = None
        self.counts: Counter[str] = Counter()
        self.stored: Counter[tuple[Any, Any]] = Counter()
        self.lock = asyncio.Lock()
        self.unavailable = self.closing = False
        self._tasks: list[asyncio.Task[None]] = []
        self._close_task: Any = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        self.spider = getattr(self.crawler, "spider", None)
        self.stats.set_value("crawl_id", str(self.crawl_id))
        config = self.config
        try:
            self.client = config.client()
            db = self.client[self.database]
            self.articles, self.revisions = db[self.collection], db["revisions"]
            self.crawls = db["crawls"]
            await self.client.admin.command("ping")
            await storage.recover(self.articles, exclude=self.crawl_id)
            await storage.ensure_indexes(self.articles, storage.ARTICLE_INDEXES)
            await storage.ensure_indexes(self.revisions, storage.REVISION_INDEXES)
            await storage.ensure_text_index(self.articles)
            scans = await scans_by_id(self.client)
            self.writer = storage.Writer.from_config(
                self.articles, self.revisions, config, on_retry=self._retried, scans=scans
            )
            started = time.perf_counter()
            known = await self.writer.load()
        except (PyMongoError, storage.MongoUnavailable) as exc:
            if self.client is not None:
                await self.client.close()
                self.client = None
            self.writer = None  # type: ignore[assignment]
            cause = exc.__cause__ if isinstance(exc, storage.MongoUnavailable) else exc
            logger.error(connection_problem(cause or exc, self.where, config.connect_timeout))
            raise CloseSpider(UNAVAILABLE) from None
        logger.info(
            "Storing articles in %s, database %r, collection %r (crawl %s); "
            "%d stored articles read in %.1f s",
            self.where,
            self.database,
            self.collection,
            self.crawl_id,
            known,
            time.perf_counter() - started,
        )
        await self._record_progress()
        self._tasks = [
            asyncio.create_task(self._flush_periodically()),
            asyncio.create_task(self._progress_periodically()),
        ]

    async def process_item(self, item: Any) -> Any:
        try:
            doc = storage.document(item)
        except storage.Unstorable as exc:
            self.stats.inc_value(f"dropped/{exc.reason}")
            raise DropItem(f"{exc.reason}: {exc}") from None
        self.pending.append(storage.Entry(doc, now()))
        if self.oldest is None:
            self.oldest = time.monotonic()
        if len(self.pending) >= self.config.batch_size:
            await self.flush()
        return item

    async def _flush_periodically(self) -> None:
        interval = self.config.flush_interval
        while True:
            await asyncio.sleep(interval / 2)
            due = self.oldest is not None and time.monotonic() - self.oldest >= interval
            if due or (self.writer and self.writer.seen_due(self.config.seen_interval)):
                try:
                    await self.flush()
                except Exception:  # the spill file could not be written: say so, keep ticking
                    logger.exception("Periodic flush to MongoDB failed")

    async def _progress_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.config.progress_interval)
            await self._record_progress()

    async def _record_progress(self) -> None:
        """Write the running crawl's document: one attempt, never in the way."""
        if self.unavailable or self.closing:
            return
        try:
            await self.crawls.replace_one({"_id": self.crawl_id}, self.summary(None), upsert=True)
        except PyMongoError as exc:
            logger.warning(
                "Could not record the crawl's progress in %s.crawls: %s",
                self.database,
                storage.brief(exc),
            )

    async def flush(self, final: bool = False) -> None:
        """Write what is pending; spill it when MongoDB is unavailable."""
        # Shielded: cancelling a caller (the ticker at close) must not drop a
        # batch halfway through its write.
        await asyncio.shield(self._flush(final))

    async def _flush(self, final: bool = False) -> None:
        async with self.lock:
            batch, self.pending, self.oldest = self.pending, [], None
            if batch:
                await self._write(batch)
            writer = self.writer
            if writer is None or not writer.seen:
                return
            if self.unavailable:
                self._spill_seen()
            elif final or writer.seen_due(self.config.seen_interval):
                await self._write_seen(final)

    async def _write(self, batch: list[storage.Entry]) -> None:
        if self.unavailable:
            self._spill(batch)
            return
        try:
            results = await self.writer.write(batch)
        except storage.MongoUnavailable as exc:
            self._gone(exc)
            self._spill(batch)
            return
        except Exception as exc:
            logger.exception(
                "Could not write a batch of %d items to MongoDB; spilled to %s",
                len(batch),
                self.spill.target,
            )
            self._count("errors", len(batch))
            self._spill(batch, storage.brief(exc))
            return
        refused = []
        for entry, (step, error) in zip(batch, results, strict=True):
            if error is None:
                self._count(step.outcome)
                self.stored[entry.doc.get("language"), entry.doc.get("kind")] += 1
            else:
                self._count("errors")
                logger.error("Could not store %s: %s", step.url, storage.brief(error))
                refused.append((entry, storage.brief(error)))
        for entry, reason in refused:
            self._spill([entry], reason)

    async def _write_seen(self, final: bool) -> None:
        """Move last_seen_at of the unchanged articles (storage.Writer.flush_seen)."""
        try:
            rewrite = final and not await self.writer.retrying(
                storage.crawl_running, self.crawls, self.collection, self.crawl_id
            )
            await self.writer.flush_seen(final, rewrite=rewrite)
        except storage.MongoUnavailable as exc:
            self._gone(exc)
            self._spill_seen()
        except PyMongoError as exc:
            logger.error(
                "Could not move last_seen_at of %d unchanged articles: %s; spilled to %s",
                len(self.writer.seen),
                storage.brief(exc),
                self.spill.target,
            )
            self._spill_seen()

    def _gone(self, exc: Exception) -> None:
        self.unavailable = True
        logger.error(
            "MongoDB at %s is unavailable after %d retries (%s): "
            "spilling what is pending to %s and closing the spider",
            self.where,
            self.retry_times,
            exc,
            self.spill.target,
        )
        self._close_spider()

    def _spill(self, entries: list[storage.Entry], error: str | None = None) -> None:
        self.spill.write(
            [
                spill.article_record(self.database, self.collection, self.crawl_id, entry, error)
                for entry in entries
            ]
        )
        self._count("spilled", len(entries))
        self.stats.set_value("mongo/spill_file", str(self.spill.path))

    def _spill_seen(self) -> None:
        """The unchanged articles whose last_seen_at is not written: to the
        spill file (they are stored; ``loadspill`` moves their dates)."""
        seen = self.writer.seen
        self.spill.write(
            [
                spill.seen_record(self.database, self.collection, self.crawl_id, url, when)
                for url, when in seen.items()
            ]
        )
        self.stats.set_value("mongo/spill_file", str(self.spill.path))
        self.stats.inc_value("mongo/seen_spilled", len(seen))
        seen.clear()

    def _count(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n
        self.stats.inc_value(f"mongo/{outcome}", n)

    def _retried(self) -> None:
        self.stats.inc_value("mongo/retries")

    def _close_spider(self) -> None:
        if self.closing or not self.crawler.crawling:
            return  # already closing, or not run by a crawl (a test, a script)
        engine = self.crawler.engine
        self._close_task = asyncio.ensure_future(engine.close_spider_async(reason=UNAVAILABLE))
        self._close_task.add_done_callback(lambda task: task.cancelled() or task.exception())

    async def close_spider(self) -> None:
        self.closing = True
        for task in self._tasks:
            task.cancel()
        if self.writer is not None:
            await self.flush(final=True)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run's ``crawls`` document (or write it to the spill
        file), log its summary line and close the client. A spider_closed
        handler, because pipelines close before the engine reports the
        finish reason."""
        if self.client is None:
            return
        self.spider = spider
        summary = self.summary(reason)
        logger.info(
            "MongoDB: %d inserted, %d updated, %d unchanged, %d dropped, %d errors, "
            "%d spilled (crawl %s, %s)",
            *(summary["counts"][k] for k in COUNTS[:3]),
            sum(summary["counts"]["dropped"].values()),
            *(summary["counts"][k] for k in COUNTS[3:]),
            self.crawl_id,
            reason,
        )
        if not self.unavailable:
            try:
                await self.writer.save(self.crawls, summary)
            except (storage.MongoUnavailable, PyMongoError) as exc:
                logger.error(
                    "Could not record the crawl in %s.crawls: %s", self.database, storage.brief(exc)
                )
                self.unavailable = True
        if self.unavailable:
            self.spill.write([spill.crawl_record(self.database, summary)])
        if self.counts["spilled"] or self.stats.get_value("mongo/seen_spilled"):
            logger.error(
                "%d items are not in MongoDB but in %s; once MongoDB is back, "
                "load them with: scrapy loadspill %s",
                self.counts["spilled"],
                self.spill.path,
                self.spill.path,
            )
        await self.client.close()

    def summary(self, reason: str | None) -> dict[str, Any]:
        """The ``crawls`` document of this run; *reason* None while it runs."""
        stats = self.stats.get_stats()
        dropped = {
            _key(key.split("/", 1)[1]): value
            for key, value in stats.items()
            if key.startswith("dropped/")
        }
        progress = {
            _key(key[len(PROGRESS_PREFIX) :]): _plain(value)
            for key, value in stats.items()
            if key.startswith(PROGRESS_PREFIX)
        }
        by_language = {
            lang: {kind: self.stored[lang, kind] for kind in KINDS} for lang in LANGUAGES
        }
        for (lang, kind), n in self.stored.items():  # anything else the crawl stored
            by_language.setdefault(_key(str(lang)), {})[_key(str(kind))] = n
        spider = self.spider
        return {
            "_id": self.crawl_id,
            "spider": spider.name if spider is not None else None,
            "arguments": spider_arguments(spider) if spider is not None else {},
            "database": self.database,
            "collection": self.collection,
            "started_at": self.started_at,
            "updated_at": now(),
            "finished_at": now() if reason is not None else None,
            "status": "running" if reason is None else "finished",
            "finish_reason": reason,
            "counts": {
                "scraped": stats.get("item_scraped_count", 0),
                **{k: self.counts[k] for k in COUNTS},
                "dropped": dropped,
                "by_language": by_language,
            },
            "progress": progress,
            "spill_file": str(self.spill.path) if self.spill.path else None,
            "newscrawl_version": __version__,
        }


def _key(name: str) -> str:
    """A stats key as a MongoDB field name (no dots, no leading $)."""
    return name.replace(".", "_").replace("$", "_")


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, datetime, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_key(str(k)): _plain(v) for k, v in value.items()}
    return str(value)


def spider_arguments(spider: Spider) -> dict[str, Any]:
    """The spider's arguments as it understood them, without credentials
    (:func:`newscrawl.arguments.public_arguments`): its ``arguments`` dict
    when it builds one, else the parameters of its ``__init__`` read back
    from the attributes of the same name."""
    recorded = getattr(spider, "arguments", None)
    if not isinstance(recorded, dict):
        recorded = {}
        for name, param in inspect.signature(type(spider).__init__).parameters.items():
            if name != "self" and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                recorded[name] = getattr(spider, name, None)
    return {_key(str(k)): _plain(v) for k, v in public_arguments(recorded).items()}
