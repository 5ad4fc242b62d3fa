"""How articles are stored in MongoDB: documents, indexes and upserts.

One document per canonical URL. A re-crawl of an unchanged article only moves
``last_seen_at``; a changed one (another ``content_hash``) gets its new
content, ``updated_at`` and ``version + 1``, and its previous content goes to
the ``revisions`` collection. ``first_seen_at`` never moves.
"""

import hashlib
import json
from datetime import datetime, timezone

from itemadapter import ItemAdapter
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from newscrawl.items import ArticleItem, TRANSIENT_FIELDS

# What counts as the article's content: a change here is a new version.
CONTENT_FIELDS = ("title", "summary", "body", "section", "tags", "authors",
                  "published_at", "published_raw", "published_precision", "image_urls")
STORED_FIELDS = tuple(f for f in ArticleItem.fields if f not in TRANSIENT_FIELDS)

ARTICLE_INDEXES = [
    IndexModel([("url", ASCENDING)], unique=True, name="url_unique"),
    IndexModel([("language", ASCENDING), ("kind", ASCENDING)], name="language_kind"),
    IndexModel([("published_at", DESCENDING)], name="published_at"),
]
REVISION_INDEXES = [IndexModel([("url", ASCENDING), ("version", ASCENDING)], name="url_version")]


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
    """The stored fields of an item, with its ``content_hash``."""
    adapter = ItemAdapter(item)
    doc = {f: adapter.get(f) for f in STORED_FIELDS}
    doc["content_hash"] = content_hash(doc)
    return doc


def plan(docs, existing, now):
    """The writes for a batch of documents.

    *existing* maps url → the stored document (at least ``content_hash``,
    ``version`` and the content fields) for the urls already in the
    collection. Returns ``(article_ops, revisions, outcomes)`` where
    *outcomes* lists ``inserted``/``updated``/``unchanged`` per document.
    """
    ops, revisions, outcomes = [], [], []
    for doc in docs:
        url, old = doc["url"], existing.get(doc["url"])
        if old is None:
            # Content goes in $set, not $setOnInsert: for a new document the two
            # are the same, and FerretDB v1 drops null and [] values from
            # $setOnInsert.
            ops.append(UpdateOne(
                {"url": url},
                {"$set": {**doc, "last_seen_at": now},
                 "$setOnInsert": {"version": 1, "first_seen_at": now, "updated_at": now}},
                upsert=True))
            outcomes.append("inserted")
        elif old.get("content_hash") == doc["content_hash"]:
            ops.append(UpdateOne({"url": url}, {"$set": {"last_seen_at": now}}))
            outcomes.append("unchanged")
        else:
            version = old.get("version", 1)
            revisions.append({
                "url": url,
                "version": version,
                "content": {f: old.get(f) for f in CONTENT_FIELDS + ("content_hash",)},
                "first_seen_at": old.get("updated_at") or old.get("first_seen_at"),
                "last_seen_at": old.get("last_seen_at"),
                "replaced_at": now,
            })
            new = {k: v for k, v in doc.items() if k != "url"}
            ops.append(UpdateOne(
                {"url": url},
                {"$set": {**new, "version": version + 1, "updated_at": now, "last_seen_at": now}}))
            outcomes.append("updated")
    return ops, revisions, outcomes
