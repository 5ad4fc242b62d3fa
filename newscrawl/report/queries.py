"""What the report says, as pure functions over documents.

The I/O is in :func:`load`: one projected pass over ``articles``, one over
``revisions`` and one over ``crawls`` (FerretDB v1 scans a whole collection
for every ``find`` and has no real aggregation engine, so counting in Python
over one pass is the cheap way on it, and no slower on MongoDB for an
archive of this size). Everything else takes plain dicts and returns plain
data, for the charts, the tables and the tests.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from newscrawl.extract.page import DOCUMENT_KINDS as KINDS
from newscrawl.text.dates import is_relative
from newscrawl.urls import LANGUAGES as EDITIONS

SOURCES = ("live", "wayback", "warc")
# Months are the site's own: a date-only value is 00:00 in Tehran, which is
# the evening before in UTC.
SITE_ZONE = ZoneInfo("Asia/Tehran")
# What the single pass over ``articles`` reads.
ARTICLE_FIELDS = (
    "language",
    "kind",
    "source",
    "section",
    "published_at",
    "published_raw",
    "version",
    "first_seen_at",
    "last_seen_at",
)
REVISION_FIELDS = ("url", "version", "replaced_at", "content.title")
# Why an article has no ``published_at``. The dates pipeline stores no reason
# on the document (only the stats dates/missing, dates/relative,
# dates/unparsed); it is read back from ``published_raw`` the same way.
UNDATED_REASONS = ("no date on the page", "relative time only", "date not understood")
EXAMPLES = 5  # revised articles shown


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def month_of(value: datetime) -> str:
    """``YYYY-MM`` of a date, on the site's calendar."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SITE_ZONE).strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from *first* to *last*, both included."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def undated_reason(doc: Mapping[str, Any]) -> str | None:
    """Why *doc* has no ``published_at``, or None when it has one."""
    if doc.get("published_at") is not None:
        return None
    raw = (doc.get("published_raw") or "").strip()
    if not raw:
        return UNDATED_REASONS[0]
    if is_relative(raw):
        return UNDATED_REASONS[1]
    return UNDATED_REASONS[2]


def in_window(doc: Mapping[str, Any], start: datetime | None, end: datetime | None) -> bool:
    """Whether the crawl that ran from *start* to *end* saw *doc*: it was first
    or last seen then (an article seen by a later crawl as well is counted
    only if it was new in this one)."""
    if start is None:
        return True
    end = end or datetime.now(UTC)
    for name in ("first_seen_at", "last_seen_at"):
        seen = as_utc(doc.get(name))
        if seen is not None and start <= seen <= end:
            return True
    return False


def _between(value: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    value = as_utc(value)
    if value is None or start is None:
        return False
    return start <= value <= (end or datetime.now(UTC))


@dataclass
class Timeline:
    """Articles per month for some rows (editions, or edition and section)."""

    months: list[str]
    rows: dict[Any, list[int]]  # row -> count per month, aligned with months
    missing: dict[Any, list[str]]  # row -> months with nothing, within the row's own span
    undated: dict[Any, int]  # row -> articles without a date (not in the months)


def timeline(docs: Iterable[Mapping[str, Any]], key) -> Timeline:
    """Count *docs* by ``key(doc)`` and month of ``published_at``; a month is
    missing for a row when it has nothing between the row's first and last
    month."""
    counts: dict[Any, Counter] = defaultdict(Counter)
    undated: Counter = Counter()
    for doc in docs:
        row = key(doc)
        if doc.get("published_at") is None:
            undated[row] += 1
            counts.setdefault(row, Counter())
        else:
            counts[row][month_of(doc["published_at"])] += 1
    dated = [m for c in counts.values() for m in c]
    months = months_between(min(dated), max(dated)) if dated else []
    rows, missing = {}, {}
    for row in sorted(counts, key=_row_order):
        rows[row] = [counts[row].get(m, 0) for m in months]
        if counts[row]:
            span = months_between(min(counts[row]), max(counts[row]))
            missing[row] = [m for m in span if not counts[row].get(m)]
        else:
            missing[row] = []
    return Timeline(months, rows, missing, dict(undated))


def _row_order(row):
    if isinstance(row, tuple):
        return tuple(_row_order(part) for part in row)
    if row in EDITIONS:
        return (0, EDITIONS.index(row), "")
    return (1, 0, str(row or ""))


def per_edition(docs: Iterable[Mapping[str, Any]]) -> Timeline:
    return timeline(docs, lambda d: d.get("language") or "?")


def per_section(docs: Iterable[Mapping[str, Any]]) -> Timeline:
    return timeline(docs, lambda d: (d.get("language") or "?", d.get("section") or "(none)"))


def counts(docs: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Counter]:
    """``(edition, kind) -> Counter(source)``, every edition and kind present."""
    table: dict[tuple[str, str], Counter] = {
        (lang, kind): Counter() for lang in EDITIONS for kind in KINDS
    }
    for doc in docs:
        key = (doc.get("language") or "?", doc.get("kind") or "?")
        table.setdefault(key, Counter())[doc.get("source") or "live"] += 1
    return table


def undated(docs: Iterable[Mapping[str, Any]]) -> dict[str, Counter]:
    """``edition -> Counter`` of ``total``, ``dated`` and each undated reason."""
    table: dict[str, Counter] = {lang: Counter() for lang in EDITIONS}
    for doc in docs:
        row = table.setdefault(doc.get("language") or "?", Counter())
        row["total"] += 1
        reason = undated_reason(doc)
        row[reason or "dated"] += 1
    return table


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"http": {"404": 2}}`` -> ``{"http/404": 2}``; flat keys stay as they are."""
    if not isinstance(value, Mapping):
        return {prefix: value} if prefix else {}
    flat = {}
    for key, item in value.items():
        key = str(key)
        key = key.removeprefix("progress/")
        flat.update(flatten(item, f"{prefix}/{key}" if prefix else key))
    return flat


# What a crawl saw but did not store: the heading, and the figures' prefixes
# in the ``progress`` of its ``crawls`` document.
NOT_STORED = (
    ("dropped", ("dropped/",)),
    ("pages not placed", ("unplaced/", "pages/other", "pages/not_html")),
    ("HTTP errors", ("http/",)),
    ("failures", ("errors/",)),
    ("redirects off the site", ("redirects/",)),
    ("malformed pages", ("malformed/",)),
    ("renders", ("render/",)),
)


@dataclass
class CrawlSeen:
    """One ``crawls`` document, as the report reads it."""

    id: str
    spider: str
    source: str
    started_at: datetime | None
    finished_at: datetime | None
    finish_reason: str | None
    counts: dict[str, int]
    groups: dict[str, dict[str, int]]  # NOT_STORED heading -> name -> n
    wayback: dict[str, int] = field(default_factory=dict)
    has_progress: bool = False


def crawl_seen(doc: Mapping[str, Any]) -> CrawlSeen:
    progress = flatten(doc.get("progress") or {})
    raw_counts = doc.get("counts") or {}
    counted = {k: v for k, v in raw_counts.items() if isinstance(v, int)}
    groups: dict[str, dict[str, int]] = {}
    for heading, prefixes in NOT_STORED:
        found = {}
        for key, value in progress.items():
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            for prefix in prefixes:
                if key == prefix or (prefix.endswith("/") and key.startswith(prefix)):
                    found[key[len(prefix) :] if prefix.endswith("/") else key] = value
        groups[heading] = found
    # The pipeline's own record of drops, with anything the progress lacks.
    for reason, n in (raw_counts.get("dropped") or {}).items():
        groups["dropped"].setdefault(reason, n)
    unplaced = groups["pages not placed"]
    total = unplaced.pop("pages/other", 0)
    typed = sum(n for k, n in unplaced.items() if k != "pages/not_html")
    if total > typed:  # pages of a kind the crawl could not name
        unplaced["of no known type"] = total - typed
    if "pages/not_html" in unplaced:
        unplaced["not HTML"] = unplaced.pop("pages/not_html")
    arguments = doc.get("arguments") or {}
    wayback = {}
    if arguments.get("source") == "wayback":
        stored = sum(counted.get(k, 0) for k in ("inserted", "updated", "unchanged"))
        wayback = {
            "captures listed": progress.get("wayback/captures_listed", 0),
            "pages chosen": progress.get("wayback/urls", 0),
            "replayed": progress.get("wayback/replays", 0),
            "stored": stored,
            "throttled (429)": progress.get("wayback/throttled", 0),
            "CDX pages failed": progress.get("wayback/cdx_failed", 0),
        }
    return CrawlSeen(
        id=str(doc.get("_id")),
        spider=str(doc.get("spider") or "?"),
        source=str(arguments.get("source") or "live"),
        started_at=as_utc(doc.get("started_at")),
        finished_at=as_utc(doc.get("finished_at")),
        finish_reason=doc.get("finish_reason"),
        counts=counted,
        groups=groups,
        wayback=wayback,
        has_progress=bool(progress),
    )


def not_stored_totals(crawls: Iterable[CrawlSeen]) -> dict[str, Counter]:
    """Each NOT_STORED heading -> Counter over all *crawls*."""
    totals: dict[str, Counter] = {heading: Counter() for heading, _ in NOT_STORED}
    for crawl in crawls:
        for heading, found in crawl.groups.items():
            totals[heading].update(found)
    return totals


@dataclass
class Versions:
    articles: int  # articles in scope
    changed: int  # of them, with more than one version
    revisions: int  # previous versions kept (in scope)
    by_version: dict[int, int]  # version -> articles
    examples: list[
        dict[str, Any]
    ]  # {url, version, title, revisions: [{version, title, replaced_at}]}


def versions(
    docs: Iterable[Mapping[str, Any]],
    revisions: Iterable[Mapping[str, Any]],
    titles: Mapping[Any, str] | None = None,
    limit: int = EXAMPLES,
) -> Versions:
    """How many articles changed between crawls, and a few with their revisions."""
    by_version: Counter = Counter()
    changed_urls = []
    for doc in docs:
        version = int(doc.get("version") or 1)
        by_version[version] += 1
        if version > 1:
            changed_urls.append((version, doc.get("url") or doc.get("_id")))
    history: dict[Any, list] = defaultdict(list)
    n_revisions = 0
    for rev in revisions:
        n_revisions += 1
        content = rev.get("content") or {}
        history[rev.get("url")].append(
            {
                "version": rev.get("version"),
                "title": content.get("title"),
                "replaced_at": as_utc(rev.get("replaced_at")),
            }
        )
    changed_urls.sort(key=lambda pair: (-pair[0], str(pair[1])))
    examples = []
    for version, url in changed_urls[:limit]:
        examples.append(
            {
                "url": url,
                "version": version,
                "title": (titles or {}).get(url),
                "revisions": sorted(history.get(url, []), key=lambda r: r["version"] or 0),
            }
        )
    return Versions(
        articles=sum(by_version.values()),
        changed=len(changed_urls),
        revisions=n_revisions,
        by_version=dict(sorted(by_version.items())),
        examples=examples,
    )


@dataclass
class Report:
    """Everything the report shows."""

    database: str
    scope: str  # "the whole archive" or "crawl <id>"
    generated_at: datetime
    total: int
    counts: dict
    editions: Timeline
    sections: Timeline
    undated: dict
    crawls: list[CrawlSeen]
    versions: Versions
    timings: dict[str, float] = field(default_factory=dict)


def build(
    database: str,
    articles: list[dict],
    revisions: list[dict],
    crawls: list[dict],
    crawl: Mapping[str, Any] | None = None,
    titles: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Report:
    """The report of *articles* (all of them, or those *crawl* saw)."""
    if crawl is not None:
        start, end = as_utc(crawl.get("started_at")), as_utc(crawl.get("finished_at"))
        articles = [d for d in articles if in_window(d, start, end)]
        revisions = [r for r in revisions if _between(r.get("replaced_at"), start, end)]
        crawls = [dict(crawl)]
        scope = f"crawl {crawl.get('_id')}"
    else:
        scope = "the whole archive"
    seen = sorted(
        (crawl_seen(doc) for doc in crawls),
        key=lambda c: c.started_at or datetime.min.replace(tzinfo=UTC),
    )
    return Report(
        database=database,
        scope=scope,
        generated_at=now or datetime.now(UTC),
        total=len(articles),
        counts=counts(articles),
        editions=per_edition(articles),
        sections=per_section(articles),
        undated=undated(articles),
        crawls=seen,
        versions=versions(articles, revisions, titles),
    )


def load(db, collection: str = "articles", crawl_id: str | None = None):
    """Read what :func:`build` needs from a pymongo database: one projected
    pass per collection.
    Returns ``(articles, revisions, crawls, crawl)``."""
    from bson import ObjectId
    from bson.errors import InvalidId

    crawls = list(db["crawls"].find({}))
    crawl = None
    if crawl_id is not None:
        wanted: set[Any] = {crawl_id}
        with contextlib.suppress(InvalidId, TypeError):
            wanted.add(ObjectId(crawl_id))
        crawl = next((c for c in crawls if c.get("_id") in wanted), None)
        if crawl is None:
            raise LookupError(f"no crawl {crawl_id!r} in {db.name}.crawls")
    projection = dict.fromkeys(ARTICLE_FIELDS, 1)  # _id is the URL
    articles = list(db[collection].find({}, projection))
    for doc in articles:
        doc["url"] = doc.get("_id")
    revisions = list(db["revisions"].find({}, {"_id": 0, **dict.fromkeys(REVISION_FIELDS, 1)}))
    return articles, revisions, crawls, crawl


def fill_titles(report: Report, db, collection: str = "articles") -> None:
    """The current titles of the revised examples: one primary-key lookup
    each (on FerretDB v1 an ``$in`` query scans the whole collection)."""
    for example in report.versions.examples:
        doc = db[collection].find_one({"_id": example["url"]}, {"title": 1})
        example["title"] = (doc or {}).get("title")
