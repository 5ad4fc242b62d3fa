"""Spill files: what a crawl could not write to MongoDB, and loading them back.

A spill file is JSON Lines in MongoDB extended JSON (relaxed), so dates and
ids round-trip. Each line is self-contained::

    {"type": "article", "database": "oldsite", "collection": "articles",
     "crawl_id": {"$oid": "…"}, "seen_at": {"$date": "…"}, "document": {…},
     "error": null}
    {"type": "crawl", "database": "oldsite", "collection": "crawls", "document": {…}}
    {"type": "seen", "database": "oldsite", "collection": "articles",
     "crawl_id": {"$oid": "…"}, "url": "…", "seen_at": {"$date": "…"}}

``error`` is set when the server refused the document (rather than being
unreachable). A ``seen`` record is an unchanged article whose ``last_seen_at``
could not be moved. :func:`load` writes the records with the crawl's own upsert
plan (``storage.Writer``), using each record's ``seen_at``, so loading a file
twice changes nothing.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import ObjectId, json_util

from newscrawl import mongo, storage
from newscrawl.mongo import MongoConfig

logger = logging.getLogger(__name__)

RECORD_TYPES = ("article", "crawl", "seen")
JSON_OPTIONS = json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=UTC)


class SpillFile:
    """Appends records to ``directory/name``, created on the first write."""

    def __init__(self, directory: str | Path, name: str) -> None:
        self.target = Path(directory) / name
        self.path: Path | None = None
        self.count = 0

    def write(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        if self.path is None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.path = self.target
        with open(self.path, "a", encoding="utf-8") as f:
            for record in records:
                f.write(json_util.dumps(record, json_options=JSON_OPTIONS) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.count += len(records)


def article_record(
    database: str,
    collection: str,
    crawl_id: ObjectId,
    entry: storage.Entry,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "article",
        "database": database,
        "collection": collection,
        "crawl_id": crawl_id,
        "seen_at": entry.seen_at,
        "document": entry.doc,
        "error": error,
    }


def crawl_record(database: str, summary: dict[str, Any]) -> dict[str, Any]:
    return {"type": "crawl", "database": database, "collection": "crawls", "document": summary}


def seen_record(
    database: str, collection: str, crawl_id: ObjectId, url: str, seen_at: datetime
) -> dict[str, Any]:
    return {
        "type": "seen",
        "database": database,
        "collection": collection,
        "crawl_id": crawl_id,
        "url": url,
        "seen_at": seen_at,
    }


def read(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Yield ``(line_number, record)``; a line that is not a record yields
    ``(line_number, None)``."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json_util.loads(line, json_options=JSON_OPTIONS)
            except ValueError:
                record = None
            if not isinstance(record, dict) or record.get("type") not in RECORD_TYPES:
                record = None
            yield number, record


async def load(
    client: Any, path: str | Path, config: MongoConfig, database: str | None = None
) -> Counter[str]:
    """Load the spill file at *path* through *client* (an AsyncMongoClient).

    Articles go into their record's database (or *database*) with the same
    write path as a crawl, and the settings of *config*: what is stored is
    read once per collection, prepared as a crawl prepares it (indexes, the
    text index, :func:`storage.recover`); records are written
    ``MONGO_BATCH_SIZE`` at a time as the file is read, and sightings in
    statements of ``MONGO_SEEN_BATCH``; crawl summaries are upserted by
    ``_id`` at the end. Returns the counts: ``inserted``, ``updated``,
    ``unchanged``, ``stale``, ``errors``, ``crawls``, ``invalid`` (lines that
    are not records), ``skipped`` (sightings of an article the target does
    not hold). Raises ``storage.MongoUnavailable``.
    """
    counts: Counter[str] = Counter()
    writers: dict[tuple[str, str], storage.Writer] = {}
    pending: dict[tuple[str, str], list[storage.Entry]] = {}
    absent: dict[tuple[str, str], list[tuple[int, str]]] = {}  # sightings skipped
    crawls = []

    async def writer_for(target: tuple[str, str]) -> storage.Writer:
        if target not in writers:
            db = client[target[0]]
            articles = db[target[1]]
            writer = storage.Writer.from_config(articles, db["revisions"], config)
            await writer.retrying(storage.recover, articles)
            await writer.retrying(storage.ensure_indexes, articles, storage.ARTICLE_INDEXES)
            await writer.retrying(storage.ensure_indexes, db["revisions"], storage.REVISION_INDEXES)
            await writer.retrying(storage.ensure_text_index, articles)
            writer.scans = await mongo.scans_by_id(client)
            await writer.load()
            writers[target] = writer
        return writers[target]

    async def write(target: tuple[str, str]) -> None:
        entries, pending[target] = pending.get(target, []), []
        writer = await writer_for(target)
        for step, error in await writer.write(entries):
            if error is None:
                counts[step.outcome] += 1
                if step.outcome == "stale":
                    logger.warning(
                        "%s changed since this record was crawled; kept the "
                        "stored content, merged the seen dates",
                        step.url,
                    )
            else:
                counts["errors"] += 1
                logger.error("Could not store %s: %s", step.url, storage.brief(error))

    for number, record in read(path):
        if record is None:
            counts["invalid"] += 1
            logger.error("%s:%d is not a spill record; skipped", path, number)
            continue
        target = (database or record["database"], record["collection"])
        if record["type"] == "crawl":
            crawls.append((target, record["document"]))
        elif record["type"] == "seen":
            url = record["url"]
            if any(entry.doc["url"] == url for entry in pending.get(target, ())):
                await write(target)  # the article is earlier in this file: store it first
            writer = await writer_for(target)
            if url in (writer.known or {}):
                writer.saw(url, record["seen_at"])
                counts["unchanged"] += 1
            else:
                counts["skipped"] += 1
                absent.setdefault(target, []).append((number, url))
        else:
            pending.setdefault(target, []).append(
                storage.Entry(record["document"], record["seen_at"])
            )
            if len(pending[target]) >= config.batch_size:
                await write(target)
    for target in list(pending):
        await write(target)
    for (db_name, collection), skipped in absent.items():
        number, url = skipped[0]
        logger.warning(
            "%s: %d sightings are of articles not stored in %s.%s (the first: %s, "
            "line %d); their last_seen_at is not written",
            path,
            len(skipped),
            db_name,
            collection,
            url,
            number,
        )
    for (_, collection), writer in writers.items():
        # A rewrite (FerretDB v1) only while no crawl writes to the collection.
        crawls_collection = writer.articles.database["crawls"]
        busy = await writer.retrying(storage.crawl_running, crawls_collection, collection)
        await writer.flush_seen(final=True, rewrite=not busy)
    for (db_name, collection), summary in crawls:
        writer = storage.Writer.from_config(None, None, config)
        await writer.save(client[db_name][collection], summary)
        counts["crawls"] += 1
    return counts
