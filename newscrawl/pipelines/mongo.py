"""Upsert articles into MongoDB in batches, without blocking the crawl."""

import asyncio
import logging
import time
from collections import Counter
from datetime import datetime, timezone

from pymongo import AsyncMongoClient
from pymongo.errors import BulkWriteError, PyMongoError
from pymongo.uri_parser import parse_uri
from scrapy.exceptions import NotConfigured

from newscrawl import storage

logger = logging.getLogger(__name__)


def describe_uri(uri):
    """Hosts and database of a MongoDB URI, never its credentials."""
    try:
        parsed = parse_uri(uri)
    except Exception:
        return "an unparsable MONGO_URI"
    hosts = ",".join(f"{host}:{port}" for host, port in parsed["nodelist"])
    return f"mongodb://{hosts}"


class MongoPipeline:
    """The final pipeline: one document per canonical URL in ``articles``.

    Items are buffered and written with one ``bulk_write`` per batch, flushed
    when ``MONGO_BATCH_SIZE`` items are pending, when the oldest has waited
    ``MONGO_FLUSH_INTERVAL`` seconds, and when the spider closes. Writes use
    pymongo's asyncio client, so the reactor keeps crawling meanwhile.
    """

    def __init__(self, uri, database, collection="articles", batch_size=100,
                 flush_interval=5.0, connect_timeout=10.0, stats=None):
        if not uri:
            raise NotConfigured("MONGO_URI is empty")
        self.uri, self.database, self.collection_name = uri, database, collection
        self.batch_size = max(1, int(batch_size))
        self.flush_interval = float(flush_interval)
        self.connect_timeout = float(connect_timeout)
        self.stats = stats
        self.where = describe_uri(uri)
        self.pending = []
        self.oldest = None
        self.counts = Counter()
        self._ticker = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(
            uri=s.get("MONGO_URI"),
            database=s.get("MONGO_DATABASE", "oldsite"),
            collection=s.get("MONGO_COLLECTION", "articles"),
            batch_size=s.getint("MONGO_BATCH_SIZE", 100),
            flush_interval=s.getfloat("MONGO_FLUSH_INTERVAL", 5.0),
            connect_timeout=s.getfloat("MONGO_CONNECT_TIMEOUT", 10.0),
            stats=crawler.stats,
        )

    async def open_spider(self):
        timeout_ms = int(self.connect_timeout * 1000)
        self.client = AsyncMongoClient(self.uri, tz_aware=True, appname="newscrawl",
                                       serverSelectionTimeoutMS=timeout_ms,
                                       connectTimeoutMS=timeout_ms)
        db = self.client[self.database]
        self.articles = db[self.collection_name]
        self.revisions = db["revisions"]
        try:
            await self.client.admin.command("ping")
            await storage.ensure_indexes(self.articles, storage.ARTICLE_INDEXES)
            await storage.ensure_indexes(self.revisions, storage.REVISION_INDEXES)
        except PyMongoError as exc:
            await self.client.close()
            message = (f"MongoDB is unreachable at {self.where} ({type(exc).__name__}). "
                       "Start a server (`make mongo`, or `docker compose up -d mongo`) "
                       "or point MONGO_URI at one.")
            logger.error(message)
            raise RuntimeError(message) from None
        logger.info("Storing articles in %s, database %r, collection %r",
                    self.where, self.database, self.collection_name)
        self._ticker = asyncio.create_task(self._flush_periodically())

    async def process_item(self, item):
        self.pending.append(storage.document(item))
        if self.oldest is None:
            self.oldest = time.monotonic()
        if len(self.pending) >= self.batch_size:
            await self.flush()
        return item

    async def _flush_periodically(self):
        while True:
            await asyncio.sleep(self.flush_interval / 2)
            if self.oldest is not None and time.monotonic() - self.oldest >= self.flush_interval:
                await self.flush()

    async def flush(self):
        batch, self.pending, self.oldest = self.pending, [], None
        if not batch:
            return
        now = datetime.now(timezone.utc)
        urls = [doc["url"] for doc in batch]
        existing = {}
        async for old in self.articles.find({"url": {"$in": urls}}, {"_id": False}):
            existing[old["url"]] = old
        ops, revisions, outcomes = storage.plan(batch, existing, now)
        if revisions:
            await self.revisions.insert_many(revisions, ordered=True)
        try:
            await self.articles.bulk_write(ops, ordered=True)
        except BulkWriteError as exc:
            # Ordered: the batch stopped at the first failure. Write the rest
            # one by one so one bad document never takes others with it.
            failed_at = exc.details["writeErrors"][0]["index"]
            for index in range(failed_at, len(ops)):
                try:
                    await self.articles.bulk_write([ops[index]])
                except PyMongoError as error:
                    outcomes[index] = "errors"
                    logger.error("Could not store %s: %s", urls[index], error)
        for outcome in outcomes:
            self._count(outcome)

    def _count(self, outcome):
        self.counts[outcome] += 1
        if self.stats is not None:
            self.stats.inc_value(f"mongo/{outcome}")

    async def close_spider(self):
        if self._ticker is not None:
            self._ticker.cancel()
        await self.flush()
        await self.client.close()
        logger.info("MongoDB: %d inserted, %d updated, %d unchanged, %d errors",
                    self.counts["inserted"], self.counts["updated"],
                    self.counts["unchanged"], self.counts["errors"])
