"""How articles are stored in MongoDB: documents, indexes, the upsert plan and
the batch writer shared by the pipeline and ``scrapy loadspill``.

One document per canonical URL, which is also its ``_id`` (every write finds
its document through the primary key; ``url`` keeps its own unique index for
queries). A re-crawl of an unchanged article only moves
``last_seen_at``; a changed one (another ``content_hash``) gets its new
content, ``updated_at`` and ``version + 1``, and its previous content goes to
the ``revisions`` collection. ``first_seen_at`` never moves forward.

Every write is idempotent (absolute ``$set`` values, ``$min``/``$max`` dates,
revisions upserted on ``"<url> v<version>"``), so a batch can be replayed after a
network error or a partial failure without changing the outcome.
"""

import asyncio
import hashlib
import json
import logging
from collections import namedtuple
from datetime import datetime, timezone

import bson
from bson.errors import BSONError
from itemadapter import ItemAdapter
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, OperationFailure

from newscrawl.items import ArticleItem, TRANSIENT_FIELDS

logger = logging.getLogger(__name__)

# What counts as the article's content: a change here is a new version.
CONTENT_FIELDS = ("title", "summary", "body", "section", "tags", "authors",
                  "published_at", "published_raw", "published_precision", "image_urls")
STORED_FIELDS = tuple(f for f in ArticleItem.fields if f not in TRANSIENT_FIELDS)
# What plan() needs of a stored article (everything but search_text).
PLAN_FIELDS = CONTENT_FIELDS + ("url", "content_hash", "version", "updated_at",
                                "first_seen_at", "last_seen_at")

ARTICLE_INDEXES = [
    IndexModel([("url", ASCENDING)], unique=True, name="url_unique"),
    IndexModel([("language", ASCENDING), ("kind", ASCENDING)], name="language_kind"),
    IndexModel([("published_at", DESCENDING)], name="published_at"),
]
REVISION_INDEXES = [IndexModel([("url", ASCENDING), ("version", ASCENDING)], name="url_version")]

# BSON's 16 MiB document limit, less room for the fields added on write and
# the update statement around the document.
MAX_DOCUMENT_SIZE = 16 * 1024 * 1024 - 16 * 1024
SCALARS = (str, int, float, bool, datetime, type(None))

# Server error codes worth a retry: network, shutdown, stepdown, not primary.
TRANSIENT_CODES = {6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}

# One item on its way to MongoDB: the document and when it was crawled.
Entry = namedtuple("Entry", "doc seen_at")
# One update statement: UpdateOne's arguments.
Write = namedtuple("Write", "filter update upsert")
# What plan() decided for one entry: the outcome, the article write and the
# revision write (None unless the content changed).
Step = namedtuple("Step", "url outcome op revision")


class Unstorable(ValueError):
    """An item that cannot become a document; ``reason`` names the stat."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


class MongoUnavailable(Exception):
    """MongoDB still unreachable after every retry."""


async def ensure_indexes(collection, indexes):
    """Create *indexes* if missing, one command each: FerretDB v1 drops the
    connection on a multi-index ``createIndexes`` whose indexes all exist."""
    for index in indexes:
        await collection.create_indexes([index])


def content_hash(doc):
    """SHA-256 of the content fields, stable across runs and key order."""
    content = {f: doc.get(f) for f in CONTENT_FIELDS}
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, default=_iso)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _iso(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def document(item):
    """The stored fields of an item, with its ``content_hash``.

    Keys are the item class's fields, never the page's. Raises
    :class:`Unstorable` for a value that is not text, a number, a date or a
    list of those (``bad_field``) and for a document over the BSON limit
    (``too_large``).
    """
    adapter = ItemAdapter(item)
    doc = {f: adapter.get(f) for f in STORED_FIELDS}
    url = doc.get("url")
    for name, value in doc.items():
        values = value if isinstance(value, list) else [value]
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            values = list(value.values())  # a flat sub-document (``warc``)
        if not all(isinstance(v, SCALARS) for v in values):
            raise Unstorable("bad_field", f"{url}: {name} is a {type(value).__name__}")
    doc["content_hash"] = content_hash(doc)
    try:
        size = len(bson.encode(doc))
    except (BSONError, OverflowError) as exc:
        raise Unstorable("bad_field", f"{url}: {exc}") from None
    if size > MAX_DOCUMENT_SIZE:
        raise Unstorable("too_large", f"{url}: {size} bytes, over MongoDB's "
                                      f"{MAX_DOCUMENT_SIZE} byte limit")
    return doc


def plan(entries, existing):
    """The writes for a batch of :class:`Entry`.

    *existing* maps url → the stored document (at least ``PLAN_FIELDS``) for
    the urls already in the collection. Entries are planned in order, so the
    same url twice in a batch is an insert then an update. Outcomes:
    ``inserted``, ``updated``, ``unchanged``, or ``stale`` for a record older
    than the stored document whose content differs (a late spill file): only
    its dates are merged.
    """
    state = dict(existing)
    steps = []
    for doc, seen in entries:
        url, old = doc["url"], state.get(doc["url"])
        dates = {"$min": {"first_seen_at": seen}, "$max": {"last_seen_at": seen}}
        revision = None
        if old is None:
            # Content goes in $set, not $setOnInsert: for a new document the two
            # are the same, and FerretDB v1 drops null and [] values from
            # $setOnInsert.
            op = Write({"_id": url}, {"$set": doc, **dates,
                                      "$setOnInsert": {"version": 1, "updated_at": seen}}, True)
            outcome = "inserted"
            new = {**doc, "version": 1, "updated_at": seen}
        elif old.get("content_hash") == doc["content_hash"]:
            op, outcome, new = Write({"_id": url}, dates, False), "unchanged", old
        elif seen < (old.get("last_seen_at") or seen):
            op, outcome, new = Write({"_id": url}, dates, False), "stale", old
        else:
            version = old.get("version") or 1
            revision = Write({"_id": f"{url} v{version}"}, {"$set": {
                "url": url, "version": version,
                "content": {f: old.get(f) for f in CONTENT_FIELDS + ("content_hash",)},
                "first_seen_at": old.get("updated_at") or old.get("first_seen_at"),
                "last_seen_at": old.get("last_seen_at"),
                "replaced_at": seen,
            }}, True)
            content = {k: v for k, v in doc.items() if k != "url"}
            op = Write({"_id": url}, {"$set": {**content, "version": version + 1,
                                               "updated_at": seen}, **dates}, False)
            outcome = "updated"
            new = {**old, **doc, "version": version + 1, "updated_at": seen}
        first = min(new.get("first_seen_at") or seen, seen)
        last = max(new.get("last_seen_at") or seen, seen)
        state[url] = {**new, "first_seen_at": first, "last_seen_at": last}
        steps.append(Step(url, outcome, op, revision))
    return steps


def is_transient(exc):
    """Whether *exc* is worth a retry: the network, or a server that is
    shutting down, stepping down or not primary."""
    if isinstance(exc, ConnectionFailure):
        # AutoReconnect, NetworkTimeout, NotPrimaryError, ServerSelectionTimeoutError.
        return True
    if isinstance(exc, BulkWriteError):
        errors = exc.details.get("writeErrors") or [{}]
        return all(e.get("code") in TRANSIENT_CODES for e in errors)
    if isinstance(exc, OperationFailure):
        return exc.code in TRANSIENT_CODES or exc.has_error_label("RetryableWriteError")
    return False


def brief(exc):
    """A one-line description of a driver error for the log."""
    if isinstance(exc, BulkWriteError) and exc.details.get("writeErrors"):
        error = exc.details["writeErrors"][0]
        text = f"{error.get('errmsg')} (code {error.get('code')})"
    else:
        # Drop pymongo's tail of timeouts and topology description.
        text = (str(exc).splitlines() or [""])[0].split(" (configured timeouts")[0]
    return f"{type(exc).__name__}: {text[:300]}"


class Writer:
    """Writes batches of entries to ``articles`` and ``revisions``.

    Transient errors are retried ``retry_times`` times with exponential
    backoff from ``retry_delay`` seconds; then :class:`MongoUnavailable` is
    raised and nothing of the batch should be assumed written. A document the
    server refuses is isolated by replaying the batch in halves (the writes
    are idempotent, and this works the same whether the server stops at the
    first error, as MongoDB's ordered writes and FerretDB v1 do, or reports
    it in whatever shape), so it never takes the others with it.
    """

    def __init__(self, articles, revisions, retry_times=5, retry_delay=1.0,
                 max_delay=30.0, on_retry=None):
        self.articles, self.revisions = articles, revisions
        self.retry_times, self.retry_delay = int(retry_times), float(retry_delay)
        self.max_delay = float(max_delay)
        self.on_retry = on_retry

    async def write(self, entries):
        """Write *entries*; returns ``(step, error)`` per entry, error None
        when it was stored."""
        urls = list({entry.doc["url"] for entry in entries})
        existing = await self.retrying(self._existing, urls)
        steps = plan(entries, existing)
        errors = {}
        with_revision = [i for i, step in enumerate(steps) if step.revision]
        # Revisions first: an article never loses its old content unsaved.
        for j, error in await self._apply(self.revisions, [steps[i].revision for i in with_revision]):
            errors[with_revision[j]] = error
        rest = [i for i in range(len(steps)) if i not in errors]
        for j, error in await self._apply(self.articles, [steps[i].op for i in rest]):
            errors[rest[j]] = error
            if steps[rest[j]].revision:
                # The article kept this version: it is not a revision yet.
                await self.retrying(self.revisions.delete_one, steps[rest[j]].revision.filter)
        return [(step, errors.get(i)) for i, step in enumerate(steps)]

    async def save(self, collection, doc):
        """Upsert *doc* by ``_id`` into *collection*, with retries."""
        await self.retrying(collection.replace_one, {"_id": doc["_id"]}, doc, upsert=True)

    async def _existing(self, urls):
        # One lookup by _id per url, all at once: FerretDB v1 answers
        # ``url``/``$in`` filters with a collection scan, ``_id`` from its index.
        docs = await asyncio.gather(*(self.articles.find_one({"_id": url}, PLAN_FIELDS)
                                      for url in urls))
        return {doc["url"]: doc for doc in docs if doc}

    async def _apply(self, collection, writes):
        """Apply *writes* in order; returns the ``(index, error)`` of those the
        server refused. Raises MongoUnavailable."""
        if not writes:
            return []
        try:
            if len(writes) == 1:
                # Alone, and outside bulk_write: FerretDB v1 answers a failed
                # upsert in a batch with a reply pymongo cannot read (KeyError).
                await self.retrying(collection.update_one, *writes[0])
            else:
                await self.retrying(collection.bulk_write,
                                    [UpdateOne(*w) for w in writes], ordered=True)
            return []
        except MongoUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the shape, see the class docstring
            if len(writes) == 1:
                return [(0, exc)]
        mid = len(writes) // 2
        left = await self._apply(collection, writes[:mid])
        right = await self._apply(collection, writes[mid:])
        return left + [(mid + i, error) for i, error in right]

    async def retrying(self, func, *args, **kwargs):
        """``await func(*args, **kwargs)``, retrying transient errors."""
        for attempt in range(self.retry_times + 1):
            try:
                return await func(*args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt == self.retry_times:
                    raise MongoUnavailable(brief(exc)) from exc
                delay = min(self.retry_delay * 2 ** attempt, self.max_delay)
                logger.warning("MongoDB request failed (%s); retry %d of %d in %.1f s",
                               brief(exc), attempt + 1, self.retry_times, delay)
                if self.on_retry is not None:
                    self.on_retry()
                await asyncio.sleep(delay)
