"""The Wayback Machine as the source of the old site's pages.

With ``-a source=wayback`` the spider lists the site's captures with the CDX
server API (``WAYBACK_CDX_URL``), one page after the other with resume keys,
keeps the best capture of each page (the newest, or the one closest to
``at``) and fetches it as it was served, without the archive's toolbar or
rewritten links (``WAYBACK_REPLAY_URL/<timestamp>id_/<original>``).

This module holds what needs no crawler: the configuration, the queries,
reading a CDX answer, moving an archived URL back onto the old site, and
choosing a capture.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

CDX_SLOT = "wayback-cdx"
REPLAY_SLOT = "wayback-replay"
FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest")
FILTERS = ("statuscode:200", "mimetype:text/html")
_TIMESTAMP = re.compile(r"\d{1,14}")
_REPLAYED = re.compile(r"/(\d{14})id_/")


@dataclass(frozen=True)
class WaybackConfig:
    """The ``WAYBACK_*`` settings, read once (defaults in ``settings.py``)."""

    cdx_url: str
    replay_url: str
    hosts: Mapping[str, str] = field(default_factory=dict)  # host -> last capture (or "")
    cdx_limit: int = 0  # captures per CDX page
    cdx_rate: float = 0.0  # CDX requests a minute, one at a time
    replay_rate: float = 0.0  # replays a minute
    replay_concurrency: int = 1
    backoff: float = 0.0  # seconds to pause after a 429 without Retry-After
    backoff_max: float = 0.0
    retry_times: int = 0  # 429s before a request is given up

    @classmethod
    def from_settings(cls, settings) -> WaybackConfig:
        """The configuration in *settings* (a Scrapy ``Settings``), checked;
        raises ValueError with the setting to fix."""
        config = cls(
            cdx_url=settings.get("WAYBACK_CDX_URL") or "",
            replay_url=settings.get("WAYBACK_REPLAY_URL") or "",
            hosts={
                str(host): str(end or "") for host, end in settings.getdict("WAYBACK_HOSTS").items()
            },
            cdx_limit=settings.getint("WAYBACK_CDX_LIMIT"),
            cdx_rate=settings.getfloat("WAYBACK_CDX_RATE"),
            replay_rate=settings.getfloat("WAYBACK_REPLAY_RATE"),
            replay_concurrency=settings.getint("WAYBACK_REPLAY_CONCURRENCY"),
            backoff=settings.getfloat("WAYBACK_BACKOFF"),
            backoff_max=settings.getfloat("WAYBACK_BACKOFF_MAX"),
            retry_times=settings.getint("WAYBACK_RETRY_TIMES"),
        )
        config.check()
        return config

    def check(self) -> None:
        archive = [urlsplit(url) for url in (self.cdx_url, self.replay_url)]
        if not all(parts.scheme in ("http", "https") and parts.hostname for parts in archive):
            raise ValueError("WAYBACK_CDX_URL and WAYBACK_REPLAY_URL must be http(s) URLs")
        if not self.hosts:
            raise ValueError("WAYBACK_HOSTS must name the hosts the site was captured at")
        for host, end in self.hosts.items():
            timestamp(end, f"WAYBACK_HOSTS[{host!r}]")
        if self.cdx_rate <= 0 or self.replay_rate <= 0:
            raise ValueError(
                "WAYBACK_CDX_RATE and WAYBACK_REPLAY_RATE must be above 0 (requests a minute)"
            )
        if self.cdx_limit <= 0:
            raise ValueError(f"WAYBACK_CDX_LIMIT must be above 0, got {self.cdx_limit}")

    @property
    def archive_hosts(self) -> frozenset[str]:
        """The host names of the CDX server and the replays."""
        return frozenset(urlsplit(url).hostname or "" for url in (self.cdx_url, self.replay_url))

    def download_slots(self) -> dict[str, dict]:
        """``DOWNLOAD_SLOTS`` entries for the CDX server (one request at a
        time) and the replays, paced at their rates per minute; no jitter,
        since a rate is a ceiling."""
        return {
            CDX_SLOT: {"concurrency": 1, "delay": 60.0 / self.cdx_rate, "jitter": 0},
            REPLAY_SLOT: {
                "concurrency": max(1, self.replay_concurrency),
                "delay": 60.0 / self.replay_rate,
                "jitter": 0,
            },
        }


def timestamp(value: object, name: str) -> str | None:
    """*value* checked as a Wayback timestamp (1 to 14 digits of
    ``yyyyMMddhhmmss``), or None when empty."""
    value = "" if value is None else str(value).strip()
    if not value:
        return None
    if not _TIMESTAMP.fullmatch(value):
        raise ValueError(f"{name} must be 1 to 14 digits (yyyyMMddhhmmss), got {value!r}")
    return value


def low(ts: str) -> str:
    """The first 14-digit timestamp of the period *ts* names."""
    return ts.ljust(14, "0")


def high(ts: str) -> str:
    """A 14-digit value at or after every timestamp of the period *ts* names."""
    return ts.ljust(14, "9")


def earliest(*ends: str | None) -> str | None:
    """The tightest of some ``to`` bounds (None for no bound)."""
    bounds = [end for end in ends if end]
    return min(bounds, key=high) if bounds else None


def within(ts: str, start: str | None, end: str | None) -> bool:
    return (not start or ts >= low(start)) and (not end or ts <= high(end))


def moment(ts: str) -> datetime:
    """The start of the period *ts* names, as a UTC datetime (out-of-range
    parts, such as the day ``00`` some CDX records carry, are clamped)."""
    digits = low(ts)
    year = max(1, int(digits[:4]))
    month = min(max(int(digits[4:6]), 1), 12)
    day = min(max(int(digits[6:8]), 1), calendar.monthrange(year, month)[1])
    hour, minute, second = (
        min(int(digits[i : i + 2]), top) for i, top in ((8, 23), (10, 59), (12, 59))
    )
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def queries(
    hosts: Mapping[str, str],
    languages: Iterable[str],
    start: str | None = None,
    end: str | None = None,
) -> list[tuple[str, str | None, str | None]]:
    """The CDX queries of a crawl, ``(url, from, to)``: one prefix query per
    host the site was served from, each host's own last capture date
    (``WAYBACK_HOSTS``) applied. English or Arabic alone is its own prefix
    (``/en/``, ``/ar/``); anything with Persian, at the root, needs the whole host."""
    languages = tuple(languages)
    prefix = f"/{languages[0]}/" if len(languages) == 1 and languages[0] in ("en", "ar") else "/"
    found = []
    for host, host_end in hosts.items():
        stop = earliest(end, timestamp(host_end, f"WAYBACK_HOSTS[{host!r}]"))
        if start and stop and low(start) > high(stop):
            continue  # nothing to list there
        found.append((host.lower() + prefix, start, stop))
    return found


def cdx_url(
    endpoint: str,
    url: str,
    start: str | None,
    end: str | None,
    limit: int,
    resume_key: str | None = None,
) -> str:
    """One page of a CDX query: every capture (no collapsing, so that the
    newest of each URL can be chosen), HTML answered with 200 only."""
    params = [("url", url), ("matchType", "prefix"), ("output", "json"), ("fl", ",".join(FIELDS))]
    params += [("filter", f) for f in FILTERS]
    if start:
        params.append(("from", start))
    if end:
        params.append(("to", end))
    params += [("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        # The key comes URL-encoded; sent back as the documentation shows it.
        params.append(("resumeKey", unquote_plus(resume_key)))
    return endpoint + "?" + urlencode(params)


def parse_cdx(text: str) -> tuple[list[dict], str | None]:
    """The rows (dicts by field name) and the resume key (or None) of a CDX
    answer in JSON: a header row, the rows, then ``[]`` and ``[key]`` when
    there is more. Raises ValueError for anything else."""
    data = json.loads(text) if text.strip() else []
    if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
        raise ValueError("not a list of rows")
    if not data:
        return [], None
    header = data[0]
    rows: list[dict] = []
    for i, row in enumerate(data[1:], 1):
        if not row:
            rest = data[i + 1 :]
            return rows, (str(rest[0][0]) if rest and rest[0] else None)
        rows.append(dict(zip(header, row, strict=False)))
    return rows, None


def usable(row: Mapping) -> bool:
    """A capture worth replaying: an HTML page answered with 200 (checked
    here too: a mirror may ignore the filters)."""
    ts = str(row.get("timestamp", ""))
    mimetype = str(row.get("mimetype", "")).split(";")[0].strip().lower()
    return (
        len(ts) == 14
        and ts.isdigit()
        and str(row.get("statuscode")) == "200"
        and mimetype == "text/html"
        and bool(row.get("original"))
    )


def site_hosts(hosts: Iterable[str], host: str) -> frozenset[str]:
    """Every name the site was served under: *hosts* and *host*, each with
    and without ``www.``."""
    names = set()
    for name in (*hosts, host):
        bare = name.lower().removeprefix("www.")
        names |= {bare, "www." + bare}
    return frozenset(names)


def on_site(original: str, base_url: str, hosts: Collection[str]) -> str | None:
    """*original*, a URL the site was captured at (http or https, any of
    *hosts*, any port), moved onto *base_url*'s scheme and host; None for a
    URL of another site."""
    original = original.strip()
    if "://" not in original:
        original = "http://" + original
    try:
        parts = urlsplit(original)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host not in hosts:
        return None
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))


def replay_url(base: str, ts: str, original: str) -> str:
    """The capture as it was served: original bytes, no toolbar, no rewriting."""
    return f"{base.rstrip('/')}/{ts}id_/{original}"


def replayed_timestamp(url: str) -> str | None:
    """The capture timestamp in a replay URL (after a redirect the archive
    may serve a neighbouring capture), or None."""
    found = _REPLAYED.search(urlsplit(url).path)
    return found.group(1) if found else None


class Captures:
    """The best capture of each page seen so far, ``key -> (timestamp,
    original)``: the newest, or with *at* the closest to it (the newer of
    two as close). *best* may be the spider's persistent state."""

    def __init__(self, best: dict | None = None, at: str | None = None):
        self.best = {} if best is None else best
        self.at = moment(at) if at else None

    def offer(self, key: str, ts: str, original: str) -> None:
        current = self.best.get(key)
        if current is None or self.better(ts, current[0]):
            self.best[key] = (ts, original)

    def better(self, ts: str, than: str) -> bool:
        if self.at is None:
            return ts > than
        gap = abs((moment(ts) - self.at).total_seconds())
        other = abs((moment(than) - self.at).total_seconds())
        return gap < other or (gap == other and ts > than)


def meta(slot: str, **extra) -> dict:
    """Request meta of a request to the archive: its own download slot, a
    pace AutoThrottle leaves alone, and no robots.txt (an API used at its
    documented rates, not a site crawled)."""
    return {
        "download_slot": slot,
        "autothrottle_dont_adjust_delay": True,
        "dont_obey_robotstxt": True,
        **extra,
    }


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP
    date), or None when there is none or it cannot be read."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
