"""The MongoDB stage alone: batched writes versus one upsert per item, on the
documents a full crawl stored.

Two levels, each on a fresh database and the same documents:

* ``pipeline``: ``newscrawl.pipelines.mongo.MongoPipeline`` itself, fed the
  crawl's items, with ``MONGO_BATCH_SIZE`` = 100 (the default) versus 1. This
  is what the crawl does: with 1, each item costs a ``find`` of the stored
  version and an ``update_one``; with 100, one ``find`` and one
  ``bulk_write`` per 100 items.
* ``driver``: pymongo alone, the same ``UpdateOne`` upserts (from
  ``newscrawl.storage.plan`` when it is there), ``bulk_write`` of 100 versus
  an ``update_one`` loop: the round trips without the pipeline around them.

The timed part is writing (``process_item`` of every item and the final
flush), not connecting or creating indexes.
"""

import asyncio
import inspect
import time
from datetime import datetime, timezone
from pathlib import Path

import pymongo
from pymongo import UpdateOne

from newscrawl.items import ArticleItem

STORAGE_FIELDS = ("_id", "content_hash", "version", "updated_at", "first_seen_at", "last_seen_at")


def load_documents(mongo_uri, database, limit=None):
    """The articles a crawl stored, as plain dicts (without ``_id``)."""
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        cursor = client[database]["articles"].find({}, {"_id": 0}).sort("url", 1)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)
    finally:
        client.close()


def to_item(doc):
    item = ArticleItem()
    for name in ArticleItem.fields:
        if name in doc and name not in STORAGE_FIELDS:
            item[name] = doc[name]
    item.setdefault("captions", [])
    return item


async def _call(method, *args):
    """Call a pipeline method with or without the spider argument (Scrapy
    accepts both signatures)."""
    params = [p for p in inspect.signature(method).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    result = method(*args[:len(params)])
    if inspect.isawaitable(result):
        result = await result
    return result


async def _pipeline_run(mongo_uri, database, docs, batch_size, spill_dir):
    from scrapy.utils.test import get_crawler

    from newscrawl.pipelines.mongo import MongoPipeline
    from newscrawl.spiders.oldsite import OldsiteSpider

    crawler = get_crawler(OldsiteSpider, settings_dict={
        "MONGO_URI": mongo_uri, "MONGO_DATABASE": database, "MONGO_BATCH_SIZE": batch_size,
        "MONGO_FLUSH_INTERVAL": 3600.0, "MONGO_SPILL_DIR": str(spill_dir), "MONGO_RETRY_TIMES": 0,
    })
    spider = OldsiteSpider(base_url="http://127.0.0.1")
    spider.crawler = crawler
    pipeline = MongoPipeline.from_crawler(crawler)
    items = [to_item(d) for d in docs]
    await _call(pipeline.open_spider, spider)
    try:
        started = time.perf_counter()
        for item in items:
            await _call(pipeline.process_item, item, spider)
        await _call(pipeline.close_spider, spider)
        seconds = time.perf_counter() - started
    finally:
        closed = getattr(pipeline, "spider_closed", None)
        if closed is not None:
            await closed(spider, "finished")
        elif getattr(pipeline, "client", None) is not None:
            await pipeline.client.close()
    stats = crawler.stats.get_stats()
    return seconds, {k: v for k, v in stats.items() if k.startswith(("mongo/", "dropped/"))}


def pipeline_run(mongo_uri, database, docs, batch_size, spill_dir):
    """Seconds to write *docs* through MongoPipeline with *batch_size*."""
    return asyncio.run(_pipeline_run(mongo_uri, database, docs, batch_size, spill_dir))


def upserts(docs):
    """The ``UpdateOne`` upserts the pipeline would send for *docs* on a new
    collection (``storage.plan`` when it has the expected shape)."""
    seen = datetime.now(timezone.utc)
    try:
        from newscrawl import storage

        entries = [storage.Entry(storage.document(to_item(d)), seen) for d in docs]
        return [UpdateOne(*step.op) for step in storage.plan(entries, {})]
    except Exception:  # storage is being reworked: the same statement by hand
        ops = []
        for doc in docs:
            body = {k: v for k, v in doc.items() if k not in STORAGE_FIELDS}
            ops.append(UpdateOne({"url": doc["url"]}, {
                "$set": body, "$min": {"first_seen_at": seen}, "$max": {"last_seen_at": seen},
                "$setOnInsert": {"version": 1, "updated_at": seen}}, upsert=True))
        return ops


def driver_run(mongo_uri, database, ops, batched, batch_size=100):
    """Seconds to apply *ops* with bulk_write batches or an update_one loop."""
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        collection = client[database]["articles"]
        collection.create_index("url", unique=True, name="url_unique")
        started = time.perf_counter()
        if batched:
            for i in range(0, len(ops), batch_size):
                collection.bulk_write(ops[i:i + batch_size], ordered=True)
        else:
            for op in ops:
                collection.update_one(op._filter, op._doc, upsert=op._upsert)
        return time.perf_counter() - started
    finally:
        client.close()


def drop(mongo_uri, database):
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        client.drop_database(database)
    finally:
        client.close()


def run(mongo_uri, docs, runs, work, mongo_cpu=lambda: 0.0, prefix="bench_mongo"):
    """Median-ready measurements: ``{level: {mode: [per-run dicts]}}``."""
    spill = Path(work) / "spill"
    results = {"pipeline": {"batched": [], "per_item": []}, "driver": {"batched": [], "per_item": []}}
    ops = upserts(docs)
    for run_no in range(runs):
        for mode in ("batched", "per_item"):
            database = f"{prefix}_p_{mode}_{run_no}"
            drop(mongo_uri, database)
            cpu = mongo_cpu()
            error = None
            try:
                seconds, stats = pipeline_run(mongo_uri, database, docs,
                                              100 if mode == "batched" else 1, spill)
            except Exception as exc:  # the pipeline is being reworked: say so, go on
                seconds, stats, error = None, {}, f"{type(exc).__name__}: {exc}"
            results["pipeline"][mode].append(_entry(len(docs), seconds, mongo_cpu() - cpu, stats, error))
            drop(mongo_uri, database)

            database = f"{prefix}_d_{mode}_{run_no}"
            drop(mongo_uri, database)
            cpu = mongo_cpu()
            seconds = driver_run(mongo_uri, database, ops, mode == "batched")
            results["driver"][mode].append(_entry(len(ops), seconds, mongo_cpu() - cpu, {}, None))
            drop(mongo_uri, database)
    return results


def _entry(count, seconds, server_cpu, stats, error):
    entry = {"docs": count, "seconds": round(seconds, 3) if seconds else None,
             "docs_per_s": round(count / seconds, 1) if seconds else None,
             "server_cpu_ms_per_doc": round(1000 * server_cpu / count, 3) if count else None}
    if stats:
        entry["stats"] = stats
    if error:
        entry["error"] = error
    return entry
