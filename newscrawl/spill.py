"""Spill files: what a crawl could not write to MongoDB, and loading them back.

A spill file is JSON Lines in MongoDB extended JSON (relaxed), so dates and
ids round-trip. Each line is self-contained::

    {"type": "article", "database": "oldsite", "collection": "articles",
     "crawl_id": {"$oid": "…"}, "seen_at": {"$date": "…"}, "document": {…},
     "error": null}
    {"type": "crawl", "database": "oldsite", "collection": "crawls", "document": {…}}

``error`` is set when the server refused the document (rather than being
unreachable). :func:`load` writes the records with the crawl's own upsert
plan (``storage.Writer``), using each record's ``seen_at``, so loading a file
twice changes nothing.
"""

import logging
import os
from collections import Counter
from datetime import timezone
from pathlib import Path

from bson import json_util

from newscrawl import storage

logger = logging.getLogger(__name__)

JSON_OPTIONS = json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=timezone.utc)


class SpillFile:
    """Appends records to ``directory/name``, created on the first write."""

    def __init__(self, directory, name):
        self.target = Path(directory) / name
        self.path = None
        self.count = 0

    def write(self, records):
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


def article_record(database, collection, crawl_id, entry, error=None):
    return {"type": "article", "database": database, "collection": collection,
            "crawl_id": crawl_id, "seen_at": entry.seen_at, "document": entry.doc,
            "error": error}


def crawl_record(database, summary):
    return {"type": "crawl", "database": database, "collection": "crawls", "document": summary}


def read(path):
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
            if not isinstance(record, dict) or record.get("type") not in ("article", "crawl"):
                record = None
            yield number, record


async def load(client, path, database=None, batch_size=100, retry_times=5, retry_delay=1.0):
    """Load the spill file at *path* through *client* (an AsyncMongoClient).

    Articles go into their record's database (or *database*) with the same
    upsert plan as a crawl; crawl summaries are upserted by ``_id``. Returns
    the counts: ``inserted``, ``updated``, ``unchanged``, ``stale``,
    ``errors``, ``crawls``, ``invalid`` (lines that are not records).
    Raises ``storage.MongoUnavailable``.
    """
    counts = Counter()
    groups, crawls = {}, []
    for number, record in read(path):
        if record is None:
            counts["invalid"] += 1
            logger.error("%s:%d is not a spill record; skipped", path, number)
            continue
        target = (database or record["database"], record["collection"])
        if record["type"] == "crawl":
            crawls.append((target, record["document"]))
        else:
            entry = storage.Entry(record["document"], record["seen_at"])
            groups.setdefault(target, []).append(entry)
    for (db_name, collection), entries in groups.items():
        db = client[db_name]
        writer = storage.Writer(db[collection], db["revisions"], retry_times, retry_delay)
        await writer.retrying(storage.ensure_indexes, db[collection], storage.ARTICLE_INDEXES)
        await writer.retrying(storage.ensure_indexes, db["revisions"], storage.REVISION_INDEXES)
        for start in range(0, len(entries), batch_size):
            for step, error in await writer.write(entries[start:start + batch_size]):
                if error is None:
                    counts[step.outcome] += 1
                    if step.outcome == "stale":
                        logger.warning("%s changed since this record was crawled; kept the "
                                       "stored content, merged the seen dates", step.url)
                else:
                    counts["errors"] += 1
                    logger.error("Could not store %s: %s", step.url, storage.brief(error))
    for (db_name, collection), summary in crawls:
        writer = storage.Writer(None, None, retry_times, retry_delay)
        await writer.save(client[db_name][collection], summary)
        counts["crawls"] += 1
    return counts
