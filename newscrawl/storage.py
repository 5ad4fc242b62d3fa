"""How articles are stored in MongoDB: documents, indexes, the upsert plan and
the batch writer shared by the pipeline and ``scrapy loadspill``.

One document per canonical URL, which is also its ``_id``; ``url`` keeps its
own unique index for queries. A re-crawl of an unchanged article only moves
``last_seen_at``; a changed one (another ``content_hash``) gets its new
content, ``updated_at`` and ``version + 1``, and its previous content goes to
the ``revisions`` collection. ``first_seen_at`` never moves forward.

The write path costs the same per document whatever the size of the
collection (README "The write path"): what is stored is read once, in one
pass (:func:`load_known`), and kept in memory; new articles go in with
unordered ``insert_many``; unchanged ones are remembered and get their
``last_seen_at`` in few batched statements (:meth:`Writer.flush_seen`); only
changed articles, which are rare, are read and updated one by one.

Every write is idempotent (absolute ``$set`` values, ``$min``/``$max`` dates,
revisions upserted on ``"<url> v<version>"``, an insert that meets its own
document handled as the update it is), so a batch can be replayed after a
network error or a partial failure without changing the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import bson
from bson import DatetimeMS
from bson.codec_options import CodecOptions
from bson.errors import BSONError
from itemadapter import ItemAdapter
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, OperationFailure

from newscrawl.items import TRANSIENT_FIELDS, ArticleItem

if TYPE_CHECKING:
    from newscrawl.mongo import MongoConfig

logger = logging.getLogger(__name__)

Doc = dict[str, Any]

# What counts as the article's content: a change here is a new version.
CONTENT_FIELDS = (
    "title",
    "summary",
    "body",
    "section",
    "tags",
    "authors",
    "published_at",
    "published_raw",
    "published_precision",
    "image_urls",
    "video_urls",
    "poster_url",
)
# Content fields hashed only when they hold something: an article without a
# video keeps the hash it had before they were hashed (no mass "updated").
HASHED_WHEN_SET = ("video_urls", "poster_url")
STORED_FIELDS = tuple(f for f in ArticleItem.fields if f not in TRANSIENT_FIELDS)
# What plan() needs of a stored article (everything but search_text).
PLAN_FIELDS = CONTENT_FIELDS + (
    "url",
    "content_hash",
    "version",
    "updated_at",
    "first_seen_at",
    "last_seen_at",
)
# What the writer keeps in memory of every stored article (see Known).
KNOWN_FIELDS = ("content_hash", "version", "first_seen_at", "last_seen_at")

ARTICLE_INDEXES = [
    IndexModel([("url", ASCENDING)], unique=True, name="url_unique"),
    IndexModel([("language", ASCENDING), ("kind", ASCENDING)], name="language_kind"),
    IndexModel([("published_at", DESCENDING)], name="published_at"),
]
REVISION_INDEXES = [IndexModel([("url", ASCENDING), ("version", ASCENDING)], name="url_version")]
# Full-text search for all three editions. MongoDB takes a document field
# named ``language`` as the text index's language, and has no ``fa`` or
# ``ar``: with its defaults every Persian and Arabic write would fail
# ("language override unsupported"). So: no language (no stemming, no stop
# words: search_text is already folded), and an override field no document has.
TEXT_LANGUAGE_OVERRIDE = "text_index_language"
TEXT_INDEX = IndexModel(
    [("search_text", TEXT), ("title", TEXT)],
    name="search_text",
    default_language="none",
    language_override=TEXT_LANGUAGE_OVERRIDE,
    weights={"title": 3, "search_text": 1},
)

# BSON's 16 MiB document limit, less room for the fields added on write and
# the update statement around the document.
MAX_DOCUMENT_SIZE = 16 * 1024 * 1024 - 16 * 1024
SCALARS = (str, int, float, bool, datetime, type(None))

# Server error codes worth a retry: network, shutdown, stepdown, not primary.
TRANSIENT_CODES = {6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}
DUPLICATE_KEY = 11000

# The longest wait between two retries, however many retries are configured.
MAX_RETRY_DELAY = 30.0
# Documents per insert_many and per batch of the rewrite.
INSERT_BATCH = 1000
# From this many unchanged articles on, a server that scans the collection for
# every update by _id (FerretDB v1) gets them in one rewrite of the collection
# (two passes over it) rather than an update_many (one pass plus one per id).
REWRITE_FROM = 50


class Entry(NamedTuple):
    """One item on its way to MongoDB: the document and when it was crawled."""

    doc: Doc
    seen_at: datetime


class Write(NamedTuple):
    """One update statement: UpdateOne's arguments."""

    filter: Doc
    update: Doc
    upsert: bool


class Step(NamedTuple):
    """What plan() decided for one entry: the outcome, the article write and
    the revision write (None unless the content changed)."""

    url: str
    outcome: str
    op: Write
    revision: Write | None


class Known(NamedTuple):
    """What is kept in memory of one stored article: its content hash (the
    32-byte digest), version, ``first_seen_at`` and ``last_seen_at`` in epoch
    milliseconds."""

    digest: bytes
    version: int
    first_seen_ms: int
    last_seen_ms: int


class Unstorable(ValueError):
    """An item that cannot become a document; ``reason`` names the stat."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class MongoUnavailable(Exception):
    """MongoDB still unreachable after every retry."""


class RewriteAborted(Exception):
    """The collection changed under a rewrite: the original was kept."""


async def ensure_indexes(collection: Any, indexes: Iterable[IndexModel]) -> None:
    """Create *indexes* if missing, one command each: FerretDB v1 drops the
    connection on a multi-index ``createIndexes`` whose indexes all exist."""
    for index in indexes:
        await collection.create_indexes([index])


async def ensure_text_index(collection: Any) -> bool:
    """Create :data:`TEXT_INDEX` where the server has text indexes; where it
    has none (FerretDB v1) say so in one line and go on. Returns whether the
    index is there."""
    try:
        await collection.create_indexes([TEXT_INDEX])
        return True
    except OperationFailure as exc:
        if exc.code in (85, 86):  # IndexOptionsConflict, IndexKeySpecsConflict
            logger.warning(
                "%s has a text index other than newscrawl's (%s): Persian and "
                "Arabic writes may fail; drop it and let the crawl create its own",
                collection.full_name,
                brief(exc),
            )
        else:
            logger.info(
                "No text index on %s: this server does not create text indexes "
                "(%s); $text queries will not work there",
                collection.full_name,
                (exc.details or {}).get("errmsg") or exc,
            )
        return False


def content_hash(doc: Doc) -> str:
    """SHA-256 of the content fields, stable across runs and key order;
    :data:`HASHED_WHEN_SET` fields count only when not empty."""
    content = {
        f: value for f in CONTENT_FIELDS if (value := doc.get(f)) or f not in HASHED_WHEN_SET
    }
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, default=_iso)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def document(item: Any) -> Doc:
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
        raise Unstorable(
            "too_large", f"{url}: {size} bytes, over MongoDB's {MAX_DOCUMENT_SIZE} byte limit"
        )
    return doc


def plan(
    entries: Sequence[Entry], existing: dict[str, Doc], state: dict[str, Doc] | None = None
) -> list[Step]:
    """The writes for a batch of :class:`Entry`.

    *existing* maps url → the stored document (at least ``PLAN_FIELDS``; for
    an article that has not changed, ``content_hash``, ``version`` and
    ``last_seen_at`` are enough) for the urls already in the collection.
    Entries are planned in order, so the same url twice in a batch is an
    insert then an update. Outcomes: ``inserted``, ``updated``, ``unchanged``,
    or ``stale`` for a record older than the stored document whose content
    differs (a late spill file): only its dates are merged. *state*, when
    given, receives what each url's document is after the batch.
    """
    state = {} if state is None else state
    state.update(existing)
    steps = []
    for doc, seen in entries:
        url, old = doc["url"], state.get(doc["url"])
        dates = {"$min": {"first_seen_at": seen}, "$max": {"last_seen_at": seen}}
        revision = None
        if old is None:
            # Content goes in $set, not $setOnInsert: for a new document the two
            # are the same, and FerretDB v1 drops null and [] values from
            # $setOnInsert.
            op = Write(
                {"_id": url},
                {"$set": doc, **dates, "$setOnInsert": {"version": 1, "updated_at": seen}},
                True,
            )
            outcome = "inserted"
            new = {**doc, "version": 1, "updated_at": seen}
        elif old.get("content_hash") == doc["content_hash"]:
            op, outcome, new = Write({"_id": url}, dates, False), "unchanged", old
        elif seen < (old.get("last_seen_at") or seen):
            op, outcome, new = Write({"_id": url}, dates, False), "stale", old
        else:
            version = old.get("version") or 1
            revision = Write(
                {"_id": f"{url} v{version}"},
                {
                    "$set": {
                        "url": url,
                        "version": version,
                        "content": {f: old.get(f) for f in CONTENT_FIELDS + ("content_hash",)},
                        "first_seen_at": old.get("updated_at") or old.get("first_seen_at"),
                        "last_seen_at": old.get("last_seen_at"),
                        "replaced_at": seen,
                    }
                },
                True,
            )
            content = {k: v for k, v in doc.items() if k != "url"}
            op = Write(
                {"_id": url},
                {"$set": {**content, "version": version + 1, "updated_at": seen}, **dates},
                False,
            )
            outcome = "updated"
            new = {**old, **doc, "version": version + 1, "updated_at": seen}
        first = min(new.get("first_seen_at") or seen, seen)
        last = max(new.get("last_seen_at") or seen, seen)
        state[url] = {**new, "first_seen_at": first, "last_seen_at": last}
        steps.append(Step(url, outcome, op, revision))
    return steps


def new_document(doc: Doc, seen: datetime) -> Doc:
    """The document an ``inserted`` entry becomes: what its upsert would make."""
    return {
        "_id": doc["url"],
        **doc,
        "version": 1,
        "updated_at": seen,
        "first_seen_at": seen,
        "last_seen_at": seen,
    }


AWARE: CodecOptions[Any] = CodecOptions(tz_aware=True)


def _ms(value: datetime | None) -> int:
    return int(DatetimeMS(value)) if value is not None else 0


def _dt(ms: int) -> datetime | None:
    return DatetimeMS(ms).as_datetime(AWARE) if ms else None


def known_entry(doc: Doc) -> Known:
    """The :class:`Known` of a stored document (at least ``KNOWN_FIELDS``)."""
    digest = doc.get("content_hash") or ""
    try:
        raw = bytes.fromhex(digest)
    except ValueError:
        raw = digest.encode()
    return Known(
        raw,
        int(doc.get("version") or 1),
        _ms(doc.get("first_seen_at")),
        _ms(doc.get("last_seen_at")),
    )


def summary_document(url: str, known: Known) -> Doc:
    """What plan() needs of an article whose content the entry does not change."""
    return {
        "url": url,
        "content_hash": known.digest.hex(),
        "version": known.version,
        "first_seen_at": _dt(known.first_seen_ms),
        "last_seen_at": _dt(known.last_seen_ms),
    }


async def load_known(collection: Any) -> tuple[dict[str, Known], int]:
    """url → :class:`Known` for every stored article, in one pass (a
    projection), and the number of documents whose ``_id`` is not a URL."""
    known, others = {}, 0
    async for doc in collection.find({}, KNOWN_FIELDS, batch_size=10_000):
        if isinstance(doc.get("_id"), str):
            known[doc["_id"]] = known_entry(doc)
        else:
            others += 1
    return known, others


def is_transient(exc: BaseException) -> bool:
    """Whether *exc* is worth a retry: the network, or a server that is
    shutting down, stepping down or not primary."""
    if isinstance(exc, ConnectionFailure):
        # AutoReconnect, NetworkTimeout, NotPrimaryError, ServerSelectionTimeoutError.
        return True
    if isinstance(exc, BulkWriteError):
        # A replica set stepping down (MongoDB 7) can answer with
        # writeConcernErrors alone (code 91, 189, 10107...).
        details = exc.details or {}
        errors = (details.get("writeErrors") or []) + (details.get("writeConcernErrors") or [])
        return bool(errors) and all(e.get("code") in TRANSIENT_CODES for e in errors)
    if isinstance(exc, OperationFailure):
        return exc.code in TRANSIENT_CODES or exc.has_error_label("RetryableWriteError")
    return False


def brief(exc: BaseException) -> str:
    """A one-line description of a driver error for the log."""
    details = (exc.details or {}) if isinstance(exc, BulkWriteError) else {}
    errors = details.get("writeErrors") or details.get("writeConcernErrors")
    if errors:
        error = errors[0]
        text = f"{error.get('errmsg')} (code {error.get('code')})"
    else:
        # Drop pymongo's tail of timeouts and topology description.
        text = (str(exc).splitlines() or [""])[0].split(" (configured timeouts")[0]
    return f"{type(exc).__name__}: {text[:300]}"


Result = tuple[Step, Exception | None]


def sighting_groups(
    seen: dict[str, datetime], size: int, precision: timedelta
) -> list[list[tuple[str, datetime]]]:
    """Sightings (url → when) in groups of at most *size*, sorted by time,
    each spanning at most *precision*: one statement per group writes the
    group's latest time, so no date is later than its sighting by more."""
    groups: list[list[tuple[str, datetime]]] = []
    for url, when in sorted(seen.items(), key=lambda kv: kv[1]):
        if not groups or len(groups[-1]) >= size or when - groups[-1][0][1] > precision:
            groups.append([])
        groups[-1].append((url, when))
    return groups


class Writer:
    """Writes batches of entries to ``articles`` and ``revisions``.

    :meth:`load` reads what is stored, once; :meth:`write` then needs no
    lookup for new and unchanged articles. Unchanged articles are collected
    in :attr:`seen` (url → latest sighting) until :meth:`flush_seen`.

    Transient errors are retried ``retry_times`` times with exponential
    backoff from ``retry_delay`` seconds; then :class:`MongoUnavailable` is
    raised and nothing of the batch should be assumed written. A document the
    server refuses is isolated by replaying its writes in halves (the writes
    are idempotent, and this works the same whether the server stops at the
    first error, as MongoDB's ordered writes and FerretDB v1 do, or reports
    it in whatever shape), so it never takes the others with it.

    *scans* says the server scans the collection for every update by ``_id``
    (FerretDB v1): unchanged articles are then written once, at the final
    flush, by rewriting the collection (:meth:`rewrite`).
    """

    def __init__(
        self,
        articles: Any,
        revisions: Any,
        retry_times: int,
        retry_delay: float,
        seen_batch: int,
        precision: float,
        max_delay: float = MAX_RETRY_DELAY,
        on_retry: Callable[[], None] | None = None,
        scans: bool = False,
    ) -> None:
        self.articles, self.revisions = articles, revisions
        self.retry_times, self.retry_delay = int(retry_times), float(retry_delay)
        self.max_delay = float(max_delay)
        self.on_retry = on_retry
        self.scans, self.seen_batch = scans, max(1, int(seen_batch))
        self.precision = timedelta(seconds=precision)
        self.known: dict[str, Known] | None = None
        self.others = 0  # stored documents whose _id is not a URL
        self.seen: dict[str, datetime] = {}
        self.seen_since: float | None = None  # time.monotonic() of the oldest in seen

    @classmethod
    def from_config(
        cls,
        articles: Any,
        revisions: Any,
        config: MongoConfig,
        on_retry: Callable[[], None] | None = None,
        scans: bool = False,
    ) -> Writer:
        """A writer with the ``MONGO_*`` settings of *config*: retries
        (``MONGO_RETRY_TIMES``, ``MONGO_RETRY_DELAY``) and the batching of
        sightings (``MONGO_SEEN_BATCH``, ``MONGO_SEEN_INTERVAL``)."""
        return cls(
            articles,
            revisions,
            retry_times=config.retry_times,
            retry_delay=config.retry_delay,
            seen_batch=config.seen_batch,
            precision=config.seen_interval,
            on_retry=on_retry,
            scans=scans,
        )

    async def load(self) -> int:
        """Read what is stored (once); returns the number of articles."""
        self.known, self.others = await self.retrying(load_known, self.articles)
        return len(self.known)

    async def write(self, entries: Sequence[Entry]) -> list[Result]:
        """Write *entries*; returns ``(step, error)`` per entry, error None
        when it was stored (for an unchanged article: remembered in
        :attr:`seen`)."""
        if self.known is None:
            await self.load()
        known: dict[str, Known] = self.known or {}
        # The stored content of the articles this batch changes: rare, read one by one.
        changed = list(
            {
                e.doc["url"]
                for e in entries
                if e.doc["url"] in known
                and known[e.doc["url"]].digest.hex() != e.doc["content_hash"]
            }
        )
        existing = await self.retrying(self._fetch, changed)
        for url in {e.doc["url"] for e in entries} - set(changed):
            if url in known:
                existing[url] = summary_document(url, known[url])
        state: dict[str, Doc] = {}
        steps = plan(entries, existing, state)

        span = {
            url: (doc.get("first_seen_at"), doc.get("last_seen_at"))
            for url, doc in existing.items()
        }
        inserts, single, sightings = [], [], []
        for i, (step, entry) in enumerate(zip(steps, entries, strict=True)):
            seen = entry.seen_at
            first, last = span.get(step.url, (None, None))
            if step.outcome == "inserted":
                inserts.append(i)
            elif step.outcome == "unchanged" and first and last and first <= seen <= last:
                pass  # a replay: nothing to write
            elif step.outcome == "unchanged" and last and seen > last and first:
                sightings.append(i)  # only last_seen_at moves: batched
            else:
                single.append(i)  # updated, stale, or an unchanged record older than first
            span[step.url] = (min(first or seen, seen), max(last or seen, seen))

        errors: dict[int, Exception] = {}
        retried = await self._insert(inserts, steps, entries, errors)
        redo = {steps[i].url for i in retried}
        single = [i for i in single if steps[i].url not in redo]
        await self._apply_single(single, steps, errors)
        results: list[Result] = [(step, errors.get(i)) for i, step in enumerate(steps)]
        if redo:
            # Inserts the server refused or had already: the per-article path
            # (read, plan, apply), in the batch's order.
            again = [i for i, step in enumerate(steps) if step.url in redo]
            for i, result in zip(
                again, await self._write_each([entries[i] for i in again]), strict=True
            ):
                results[i] = result
        failed = {step.url for step, error in results if error is not None}
        for i in sightings:
            url = steps[i].url
            if url not in redo and url not in failed:
                self.saw(url, entries[i].seen_at)
        for url, doc in state.items():
            if url not in failed and url not in redo:
                known[url] = known_entry(doc)
        return results

    def saw(self, url: str, seen: datetime) -> None:
        if url not in self.seen or seen > self.seen[url]:
            self.seen[url] = seen
        if self.seen_since is None:
            self.seen_since = time.monotonic()

    def seen_due(self, interval: float) -> bool:
        """Whether the unchanged articles should be written now: enough of
        them, or the oldest waited *interval* seconds. Never before the end
        on a server that scans (see the class docstring)."""
        if self.scans or not self.seen:
            return False
        return (
            len(self.seen) >= self.seen_batch
            or time.monotonic() - (self.seen_since or 0) >= interval
        )

    async def flush_seen(self, final: bool = False, rewrite: bool = True) -> int:
        """Move ``last_seen_at`` of the unchanged articles in :attr:`seen`:
        ``update_many`` with ``$in`` per group of sightings (see
        :func:`sighting_groups`: a date is late by at most ``precision``), or on a scanning server at the
        *final* flush one rewrite of the collection when *rewrite* allows.
        Returns the number written. Raises MongoUnavailable (the sightings
        not written stay in :attr:`seen`)."""
        if not self.seen or (self.scans and not final):
            return 0
        count = len(self.seen)
        if self.scans and rewrite and count >= REWRITE_FROM:
            try:
                await self.retrying(
                    self.rewrite, dict(self.seen), len(self.known or ()) + self.others
                )
                self.seen.clear()
            except RewriteAborted as exc:
                logger.warning("%s; moving last_seen_at with update_many instead", exc)
        if self.seen:
            for group in sighting_groups(self.seen, self.seen_batch, self.precision):
                await self.retrying(
                    self.articles.update_many,
                    {"_id": {"$in": [url for url, _ in group]}},
                    {"$max": {"last_seen_at": group[-1][1]}},
                )
                for url, _ in group:
                    del self.seen[url]
        self.seen_since = time.monotonic() if self.seen else None
        return count

    async def rewrite(self, seen: dict[str, datetime], expected: int) -> None:
        """Copy the collection with ``last_seen_at`` moved for *seen* into a
        new collection with the same indexes, then swap the two by renaming.
        Two passes over the collection whatever the number of articles,
        where FerretDB v1 makes one pass per updated article. The original
        is untouched until the swap; :func:`recover` puts it back if the
        process dies between the two renames. Raises :class:`RewriteAborted`
        when the copy does not hold the *expected* number of documents
        (another writer added or removed some since this one read them)."""
        source = self.articles
        db, name = source.database, source.name
        token = uuid.uuid4().hex[:8]
        copy, old = db[f"{name}{REWRITE_MARK}{token}"], db[f"{name}{OLD_MARK}{token}"]
        try:
            copied = await self._copy(source, copy, seen)
        except BaseException:
            await _quietly(copy.drop())
            raise
        if copied != expected:  # another writer meanwhile: keep the original
            await copy.drop()
            raise RewriteAborted(
                f"{source.full_name} has {copied} documents, not the "
                f"{expected} this crawl knows of: another process wrote to it"
            )
        await source.rename(old.name)
        try:
            await copy.rename(name)
        except Exception:
            await old.rename(name)
            raise
        await old.drop()
        logger.info(
            "Moved last_seen_at of %d unchanged articles by rewriting %s (%d documents)",
            len(seen),
            source.full_name,
            copied,
        )

    @staticmethod
    async def _copy(source: Any, copy: Any, seen: dict[str, datetime]) -> int:
        """Copy *source* into *copy* (indexes first), moving last_seen_at."""
        indexes = [ix async for ix in await source.list_indexes() if ix["name"] != "_id_"]
        for ix in indexes:
            options = {k: v for k, v in ix.items() if k not in ("key", "v", "ns")}
            await copy.create_index(list(ix["key"].items()), **options)
        batch, copied = [], 0
        async for doc in source.find({}, batch_size=INSERT_BATCH):
            when = seen.get(doc["_id"])
            if when is not None and (doc.get("last_seen_at") is None or when > doc["last_seen_at"]):
                doc["last_seen_at"] = when
            batch.append(doc)
            if len(batch) >= INSERT_BATCH:
                await copy.insert_many(batch, ordered=False)
                copied, batch = copied + len(batch), []
        if batch:
            await copy.insert_many(batch, ordered=False)
            copied += len(batch)
        return copied

    async def _insert(
        self,
        indexes: list[int],
        steps: list[Step],
        entries: Sequence[Entry],
        errors: dict[int, Exception],
    ) -> list[int]:
        """insert_many the new documents, unordered; returns those to write
        again through the per-article path (refused, or already there)."""
        redo = []
        for start in range(0, len(indexes), INSERT_BATCH):
            part = indexes[start : start + INSERT_BATCH]
            docs = [new_document(entries[i].doc, entries[i].seen_at) for i in part]
            try:
                await self.retrying(self.articles.insert_many, docs, ordered=False)
            except BulkWriteError as exc:
                redo += [part[e["index"]] for e in exc.details.get("writeErrors", [])]
            except MongoUnavailable:
                raise
            except Exception:
                redo += part
        return redo

    async def _apply_single(
        self, indexes: list[int], steps: list[Step], errors: dict[int, Exception]
    ) -> None:
        """The individual writes, revisions first: an article never loses its
        old content unsaved."""
        with_revision = [i for i in indexes if steps[i].revision]
        revisions = [r for i in with_revision if (r := steps[i].revision) is not None]
        for j, error in await self._apply(self.revisions, revisions):
            errors[with_revision[j]] = error
        rest = [i for i in indexes if i not in errors]
        for j, error in await self._apply(self.articles, [steps[i].op for i in rest]):
            errors[rest[j]] = error
            revision = steps[rest[j]].revision
            if revision is not None:
                # The article kept this version: it is not a revision yet.
                await self.retrying(self.revisions.delete_one, revision.filter)

    async def _write_each(self, entries: Sequence[Entry]) -> list[Result]:
        """The per-article path: read each stored article, plan, apply."""
        urls = list({entry.doc["url"] for entry in entries})
        existing = await self.retrying(self._fetch, urls)
        state: dict[str, Doc] = {}
        steps = plan(entries, existing, state)
        errors: dict[int, Exception] = {}
        await self._apply_single(list(range(len(steps))), steps, errors)
        results: list[Result] = []
        for i, (step, entry) in enumerate(zip(steps, entries, strict=True)):
            old = existing.get(step.url)
            if (
                step.outcome == "unchanged"
                and old is not None
                and old.get("first_seen_at") == entry.seen_at
            ):
                # Our own insert, met again after a retry.
                step = step._replace(outcome="inserted")
            results.append((step, errors.get(i)))
        failed = {step.url for step, error in results if error is not None}
        for url, doc in state.items():
            if url not in failed and self.known is not None:
                self.known[url] = known_entry(doc)
        return results

    async def save(self, collection: Any, doc: Doc) -> None:
        """Upsert *doc* by ``_id`` into *collection*, with retries."""
        await self.retrying(collection.replace_one, {"_id": doc["_id"]}, doc, upsert=True)

    async def _fetch(self, urls: list[str]) -> dict[str, Doc]:
        # One lookup by _id per url, all at once: FerretDB v1 answers
        # ``url``/``$in`` filters with a collection scan in Go, ``_id`` in SQLite.
        docs = await asyncio.gather(
            *(self.articles.find_one({"_id": url}, PLAN_FIELDS) for url in urls)
        )
        return {doc["url"]: doc for doc in docs if doc}

    async def _apply(self, collection: Any, writes: list[Write]) -> list[tuple[int, Exception]]:
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
                await self.retrying(
                    collection.bulk_write, [UpdateOne(*w) for w in writes], ordered=True
                )
            return []
        except MongoUnavailable:
            raise
        except Exception as exc:
            if len(writes) == 1:
                return [(0, exc)]
        mid = len(writes) // 2
        left = await self._apply(collection, writes[:mid])
        right = await self._apply(collection, writes[mid:])
        return left + [(mid + i, error) for i, error in right]

    async def retrying(self, func: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """``await func(*args, **kwargs)``, retrying transient errors."""
        for attempt in range(self.retry_times + 1):
            try:
                return await func(*args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt == self.retry_times:
                    raise MongoUnavailable(brief(exc)) from exc
                delay = min(self.retry_delay * 2**attempt, self.max_delay)
                logger.warning(
                    "MongoDB request failed (%s); retry %d of %d in %.1f s",
                    brief(exc),
                    attempt + 1,
                    self.retry_times,
                    delay,
                )
                if self.on_retry is not None:
                    self.on_retry()
                await asyncio.sleep(delay)
        raise AssertionError("not reached")


# Names of the rewrite's collections: "<collection><mark><token>".
REWRITE_MARK, OLD_MARK = "__rewrite_", "__before_rewrite_"


async def _quietly(awaitable: Awaitable[Any]) -> None:
    with contextlib.suppress(Exception):  # cleaning up after another error
        await awaitable


async def recover(collection: Any, exclude: Any = None) -> None:
    """Finish what a rewrite interrupted by the death of its process left:
    the original renamed aside is put back, a partial copy dropped. Not while
    another crawl (other than *exclude*) writes to the collection: its rewrite
    may be between its two renames."""
    db, name = collection.database, collection.name
    if await crawl_running(db["crawls"], name, exclude):
        return
    names = await db.list_collection_names()
    for other in names:
        if other.startswith(name + OLD_MARK):
            if name in names:
                await db[other].drop()  # the swap was done: the old copy is left over
            else:
                logger.warning(
                    "Putting %s.%s back as %s: a rewrite was interrupted", db.name, other, name
                )
                await db[other].rename(name)
                names.append(name)
        elif other.startswith(name + REWRITE_MARK):
            await db[other].drop()


# A crawl whose `crawls` document was not updated for this long is taken as
# dead (killed without closing), not running.
RUNNING_FRESH_SECONDS = 300


async def crawl_running(crawls: Any, collection: str, exclude: Any = None) -> bool:
    """Whether another crawl is writing to *collection* now (its ``crawls``
    document says ``running`` and was updated recently)."""
    since = datetime.fromtimestamp(time.time() - RUNNING_FRESH_SECONDS, UTC)
    query = {"status": "running", "collection": collection, "updated_at": {"$gte": since}}
    async for doc in crawls.find(query, {"_id": 1}):
        if doc["_id"] != exclude:
            return True
    return False
