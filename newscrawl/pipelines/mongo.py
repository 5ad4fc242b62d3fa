"""Upsert articles into MongoDB in batches, without blocking the crawl and
without losing an item when MongoDB goes away."""

import asyncio
import inspect
import logging
import time
from collections import Counter
from datetime import datetime, timezone

from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri
from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured

from newscrawl import __version__, spill, storage

logger = logging.getLogger(__name__)

UNAVAILABLE = "mongo_unavailable"  # the finish reason when MongoDB went away
COUNTS = ("inserted", "updated", "unchanged", "errors", "spilled")


def describe_uri(uri):
    """Hosts of a MongoDB URI, never its credentials."""
    try:
        parsed = parse_uri(uri)
    except Exception:
        return "an unparsable MONGO_URI"
    hosts = ",".join(f"{host}:{port}" for host, port in parsed["nodelist"])
    return f"mongodb://{hosts}"


def now():
    return datetime.now(timezone.utc)


def connection_problem(exc, where, timeout):
    """What to tell people when MongoDB cannot be used at all (no credentials)."""
    kind = type(exc).__name__
    if isinstance(exc, ConnectionFailure):
        return (f"MongoDB is unreachable at {where} ({kind} after {timeout:g} s). "
                "Start a server (`make mongo`, or `docker compose up -d mongo`) "
                "or point MONGO_URI at one.")
    if isinstance(exc, OperationFailure) and exc.code == 18:
        return f"MongoDB at {where} refused the credentials in MONGO_URI ({kind})."
    if isinstance(exc, OperationFailure):
        return f"MongoDB at {where} refused to prepare the database: {storage.brief(exc)}"
    return f"MONGO_URI is not usable ({kind}); expected mongodb://[user:password@]host[:port]/"


class MongoPipeline:
    """The final pipeline: one document per canonical URL in ``articles``.

    Items are buffered and written with one ``bulk_write`` per batch, flushed
    when ``MONGO_BATCH_SIZE`` items are pending, when the oldest has waited
    ``MONGO_FLUSH_INTERVAL`` seconds, and when the spider closes. Writes use
    pymongo's asyncio client, so the reactor keeps crawling meanwhile; a
    flush holds back further items until it is done (backpressure).

    Transient errors are retried (``MONGO_RETRY_TIMES``, ``MONGO_RETRY_DELAY``).
    When they persist, the pending items go to a spill file in
    ``MONGO_SPILL_DIR`` and the spider closes with reason ``mongo_unavailable``;
    so do documents the server refuses, counted in ``mongo/errors``. Each run
    writes a summary to the ``crawls`` collection.
    """

    def __init__(self, crawler):
        s = crawler.settings
        self.uri = s.get("MONGO_URI")
        if not self.uri:
            raise NotConfigured("MONGO_URI is empty")
        self.crawler, self.stats = crawler, crawler.stats
        self.database = s.get("MONGO_DATABASE", "oldsite")
        self.collection = s.get("MONGO_COLLECTION", "articles")
        self.batch_size = max(1, s.getint("MONGO_BATCH_SIZE", 100))
        self.flush_interval = s.getfloat("MONGO_FLUSH_INTERVAL", 5.0)
        self.connect_timeout = s.getfloat("MONGO_CONNECT_TIMEOUT", 10.0)
        self.write_timeout = s.getfloat("MONGO_WRITE_TIMEOUT", 120.0)
        self.retry_times = s.getint("MONGO_RETRY_TIMES", 5)
        self.retry_delay = s.getfloat("MONGO_RETRY_DELAY", 1.0)
        self.where = describe_uri(self.uri)
        self.crawl_id = ObjectId()
        self.started_at = now()
        stamp = self.started_at.strftime("%Y%m%dT%H%M%SZ")
        self.spill = spill.SpillFile(s.get("MONGO_SPILL_DIR", "data/spill"),
                                     f"{self.database}-{stamp}-{self.crawl_id}.jsonl")
        self.client = self.writer = None
        self.pending, self.oldest = [], None
        self.counts = Counter()
        self.lock = asyncio.Lock()
        self.unavailable = self.closing = False
        self._ticker = self._close_task = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self):
        timeout_ms = int(self.connect_timeout * 1000)
        try:
            self.client = AsyncMongoClient(
                self.uri, tz_aware=True, appname="newscrawl", serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms, socketTimeoutMS=int(self.write_timeout * 1000))
            db = self.client[self.database]
            self.articles, self.revisions = db[self.collection], db["revisions"]
            self.crawls = db["crawls"]
            await self.client.admin.command("ping")
            await storage.ensure_indexes(self.articles, storage.ARTICLE_INDEXES)
            await storage.ensure_indexes(self.revisions, storage.REVISION_INDEXES)
        except PyMongoError as exc:
            if self.client is not None:
                await self.client.close()
                self.client = None
            logger.error(connection_problem(exc, self.where, self.connect_timeout))
            raise CloseSpider(UNAVAILABLE) from None
        self.writer = storage.Writer(self.articles, self.revisions, self.retry_times,
                                     self.retry_delay, on_retry=self._retried)
        logger.info("Storing articles in %s, database %r, collection %r (crawl %s)",
                    self.where, self.database, self.collection, self.crawl_id)
        self._ticker = asyncio.create_task(self._flush_periodically())

    async def process_item(self, item):
        try:
            doc = storage.document(item)
        except storage.Unstorable as exc:
            self.stats.inc_value(f"dropped/{exc.reason}")
            raise DropItem(f"{exc.reason}: {exc}") from None
        self.pending.append(storage.Entry(doc, now()))
        if self.oldest is None:
            self.oldest = time.monotonic()
        if len(self.pending) >= self.batch_size:
            await self.flush()
        return item

    async def _flush_periodically(self):
        while True:
            await asyncio.sleep(self.flush_interval / 2)
            if self.oldest is not None and time.monotonic() - self.oldest >= self.flush_interval:
                try:
                    await self.flush()
                except Exception:  # the spill file could not be written: say so, keep ticking
                    logger.exception("Periodic flush to MongoDB failed")

    async def flush(self):
        """Write what is pending; spill it when MongoDB is unavailable."""
        # Shielded: cancelling a caller (the ticker at close) must not drop a
        # batch halfway through its write.
        await asyncio.shield(self._flush())

    async def _flush(self):
        async with self.lock:
            batch, self.pending, self.oldest = self.pending, [], None
            if not batch:
                return
            if self.unavailable:
                self._spill(batch)
                return
            try:
                results = await self.writer.write(batch)
            except storage.MongoUnavailable as exc:
                self.unavailable = True
                logger.error("MongoDB at %s is unavailable after %d retries (%s): "
                             "spilling what is pending to %s and closing the spider",
                             self.where, self.retry_times, exc, self.spill.target)
                self._spill(batch)
                self._close_spider()
                return
            except Exception as exc:
                logger.exception("Could not write a batch of %d items to MongoDB; spilled to %s",
                                 len(batch), self.spill.target)
                self._count("errors", len(batch))
                self._spill(batch, storage.brief(exc))
                return
            refused = []
            for entry, (step, error) in zip(batch, results):
                if error is None:
                    self._count(step.outcome)
                else:
                    self._count("errors")
                    logger.error("Could not store %s: %s", step.url, storage.brief(error))
                    refused.append((entry, storage.brief(error)))
            for entry, error in refused:
                self._spill([entry], error)

    def _spill(self, entries, error=None):
        self.spill.write([spill.article_record(self.database, self.collection, self.crawl_id,
                                               entry, error) for entry in entries])
        self._count("spilled", len(entries))
        self.stats.set_value("mongo/spill_file", str(self.spill.path))

    def _count(self, outcome, n=1):
        self.counts[outcome] += n
        self.stats.inc_value(f"mongo/{outcome}", n)

    def _retried(self):
        self.stats.inc_value("mongo/retries")

    def _close_spider(self):
        if self.closing or not self.crawler.crawling:
            return  # already closing, or not run by a crawl (a test, a script)
        engine = self.crawler.engine
        self._close_task = asyncio.ensure_future(engine.close_spider_async(reason=UNAVAILABLE))
        self._close_task.add_done_callback(lambda task: task.cancelled() or task.exception())

    async def close_spider(self):
        self.closing = True
        if self._ticker is not None:
            self._ticker.cancel()
        if self.writer is not None:
            await self.flush()

    async def spider_closed(self, spider, reason):
        """Record the run in ``crawls`` (or the spill file), log its summary
        line and close the client. A spider_closed handler, because pipelines
        close before the engine reports the finish reason."""
        if self.client is None:
            return
        summary = self.summary(spider, reason)
        logger.info("MongoDB: %d inserted, %d updated, %d unchanged, %d dropped, %d errors, "
                    "%d spilled (crawl %s, %s)", *(summary["counts"][k] for k in COUNTS[:3]),
                    sum(summary["counts"]["dropped"].values()),
                    *(summary["counts"][k] for k in COUNTS[3:]), self.crawl_id, reason)
        if not self.unavailable:
            try:
                await self.writer.save(self.crawls, summary)
            except (storage.MongoUnavailable, PyMongoError) as exc:
                logger.error("Could not record the crawl in %s.crawls: %s",
                             self.database, storage.brief(exc))
                self.unavailable = True
        if self.unavailable:
            self.spill.write([spill.crawl_record(self.database, summary)])
        if self.counts["spilled"]:
            logger.error("%d items are not in MongoDB but in %s; once MongoDB is back, "
                         "load them with: scrapy loadspill %s",
                         self.counts["spilled"], self.spill.path, self.spill.path)
        await self.client.close()

    def summary(self, spider, reason):
        """The ``crawls`` document of this run."""
        stats = self.stats.get_stats()
        dropped = {key.split("/", 1)[1].replace(".", "_").replace("$", "_"): value
                   for key, value in stats.items() if key.startswith("dropped/")}
        return {
            "_id": self.crawl_id,
            "spider": spider.name,
            "arguments": spider_arguments(spider),
            "database": self.database,
            "collection": self.collection,
            "started_at": self.started_at,
            "finished_at": now(),
            "finish_reason": reason,
            "counts": {"scraped": stats.get("item_scraped_count", 0),
                       **{k: self.counts[k] for k in COUNTS}, "dropped": dropped},
            "spill_file": str(self.spill.path) if self.spill.path else None,
            "newscrawl_version": __version__,
        }


def spider_arguments(spider):
    """The spider's arguments as it understood them: the parameters of its
    ``__init__``, read back from the attributes of the same name."""
    arguments = {}
    for name, param in inspect.signature(type(spider).__init__).parameters.items():
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        value = getattr(spider, name, None)
        if isinstance(value, (tuple, set, frozenset)):
            value = list(value)
        if not isinstance(value, (str, int, float, bool, list, type(None))):
            value = str(value)
        arguments[name] = value
    return arguments
