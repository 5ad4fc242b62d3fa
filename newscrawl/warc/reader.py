"""Reading the WARC files back: for re-extraction (``-a source=warc``), the
tests and ``scrapy wacz``.

``scan`` walks a file once, keeping where each record is (not its payload);
a torn record (the last one of a crawl killed mid-write) ends the file with
one warning and a count. ``ArchiveIndex`` holds the scan of a set of files:
the pages to parse, in the order they were fetched, and the Scrapy response
for a request, read from its record (a revisit from the record with its
payload), the way Scrapy's HttpCacheMiddleware answers from its cache.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from newscrawl.warc import records
from newscrawl.warc.index import WARC_SUFFIXES
from newscrawl.warc.records import Location

logger = logging.getLogger(__name__)

PAGE_TYPES = ("response", "revisit")


class NoWarcFiles(ValueError):
    """A ``warc`` argument that names no WARC file."""


def warc_files(spec: str | Path) -> list[Path]:
    """The WARC files *spec* names: a file, a directory (its ``*.warc.gz`` and
    ``*.warc`` files) or a glob; sorted by name, which is their order in time."""
    spec = str(spec)
    path = Path(spec).expanduser()
    if path.is_dir():
        found = [p for p in path.iterdir() if p.name.endswith(WARC_SUFFIXES)]
    elif path.is_file():
        found = [path]
    else:
        found = [Path(p) for p in glob.glob(str(path)) if p.endswith(WARC_SUFFIXES)]
    if not found:
        raise NoWarcFiles(
            f"no WARC file (*.warc.gz, *.warc) at {spec!r}: give a file, a directory or a glob"
        )
    return sorted(found, key=lambda p: (p.name, str(p)))


@dataclass
class Entry:
    """One record of a scan (no payload)."""

    type: str
    uri: str
    date: str
    location: Location
    status: int | None = None
    digest: str | None = None
    refers_to: str | None = None  # WARC-Refers-To or WARC-Concurrent-To
    refers_uri: str | None = None  # a revisit's WARC-Refers-To-Target-URI
    source_uri: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # a metadata record's

    @property
    def timestamp(self) -> str:
        return iso_date_to_timestamp(self.date)


@dataclass
class Scan:
    entries: list[Entry]
    torn: int = 0
    info: dict[str, str] = field(default_factory=dict)  # the first warcinfo's fields


def _fields(block: bytes) -> dict[str, str]:
    found = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            found[name.strip()] = value.strip()
    return found


def scan(path: Path) -> Scan:
    """Every complete record of *path*; a torn record ends the file."""
    result = Scan([])
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        offset = 0
        try:
            for record in iterator:
                offset = iterator.offset
                block = record.raw_stream.read()
                expected = record.payload_length if record.payload_length >= 0 else record.length
                if record.rec_type != "revisit" and expected is not None and len(block) < expected:
                    raise EOFError(f"{len(block)} of {expected} bytes")
                if record.digest_checker.passed is False:
                    raise ValueError("; ".join(record.digest_checker.problems))
                iterator.read_to_end(record)
                start, length = iterator.member_info
                headers = record.rec_headers
                loc = Location(path.name, start, length, headers.get_header("WARC-Record-ID"))
                entry = Entry(
                    record.rec_type,
                    headers.get_header("WARC-Target-URI") or "",
                    headers.get_header("WARC-Date") or "",
                    loc,
                    digest=headers.get_header("WARC-Payload-Digest"),
                    refers_to=(
                        headers.get_header("WARC-Refers-To")
                        or headers.get_header("WARC-Concurrent-To")
                    ),
                    refers_uri=headers.get_header("WARC-Refers-To-Target-URI"),
                    source_uri=headers.get_header(records.SOURCE_URI),
                )
                if record.http_headers is not None and record.rec_type in PAGE_TYPES:
                    try:
                        entry.status = int(record.http_headers.get_statuscode())
                    except (TypeError, ValueError):
                        entry.status = None
                if record.rec_type in ("metadata", "warcinfo"):
                    entry.fields = _fields(block)
                    if record.rec_type == "warcinfo" and not result.info:
                        result.info = entry.fields
                result.entries.append(entry)
        except Exception as exc:
            problem: str | None = str(exc) or type(exc).__name__
        else:
            end = (
                result.entries[-1].location.offset + result.entries[-1].location.length
                if result.entries
                else 0
            )
            size = stream.seek(0, 2)
            problem = f"{size - end} bytes that are no whole record" if size > end else None
            offset = end
        if problem:
            result.torn += 1
            logger.warning(
                "%s: the record at offset %d is torn (%s): skipped, with anything "
                "after it; the crawl that wrote it was interrupted",
                path,
                offset,
                problem,
            )
    return result


def read_record(path: Path, offset: int):
    """The HTTP headers and the raw payload of the record at *offset*."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.http_headers, record.raw_stream.read(), record.rec_headers


class ArchiveIndex:
    """The records of a set of WARC files, for answering requests offline."""

    def __init__(self, paths: list[Path]):
        self.paths = {p.name: p for p in paths}
        self.torn = 0
        self.info: dict[str, str] = {}  # the first warcinfo's fields
        self.by_url: dict[str, Entry] = {}  # the last response or revisit of each URI
        self.by_location: dict[tuple[str, int], Entry] = {}
        self.rendered: dict[str, Entry] = {}  # the last rendered DOM of each URI
        self.payloads: dict[str, Entry] = {}  # payload digest -> a response holding it
        self.meta: dict[str, dict[str, Any]] = {}  # record id -> its parse meta
        self.order: list[str] = []  # page URIs, first fetched first
        for path in paths:
            found = scan(path)
            self.torn += found.torn
            self.info = self.info or found.info
            for entry in found.entries:
                self._add(entry)

    @classmethod
    @lru_cache(maxsize=4)
    def open(cls, spec: str) -> ArchiveIndex:
        """The index of the files *spec* names, built once per process (the
        source and the middleware share it)."""
        return cls(warc_files(spec))

    def _add(self, entry: Entry) -> None:
        if entry.type in PAGE_TYPES:
            if entry.uri not in self.by_url:
                self.order.append(entry.uri)
            self.by_url[entry.uri] = entry
            self.by_location[(entry.location.file, entry.location.offset)] = entry
            if entry.type == "response" and entry.status == 200 and entry.digest:
                self.payloads.setdefault(entry.digest, entry)
        elif entry.type == records.RENDERED_TYPE:
            if entry.uri not in self.by_url and entry.uri not in self.rendered:
                self.order.append(entry.uri)  # render=always: only the DOM was kept
            self.rendered[entry.uri] = entry
            self.by_location[(entry.location.file, entry.location.offset)] = entry
        elif entry.type == "metadata" and entry.refers_to:
            blob = entry.fields.get(records.META_FIELD)
            if blob:
                with contextlib.suppress(ValueError):
                    self.meta[entry.refers_to] = json.loads(blob)

    def pages(self) -> Iterator[Entry]:
        """The last record of every page, in the order first fetched: its
        response or revisit, else (``render=always``) its rendered DOM;
        robots.txt is no page."""
        for uri in self.order:
            if not uri.split("?", 1)[0].endswith("/robots.txt"):
                yield self.by_url.get(uri) or self.rendered[uri]

    def meta_of(self, entry: Entry) -> dict[str, Any]:
        return dict(self.meta.get(entry.location.record_id, {}))

    @staticmethod
    def pointer(entry: Entry, url: str) -> dict[str, Any]:
        """Request meta naming the record that answers a request for *url*."""
        return {"file": entry.location.file, "offset": entry.location.offset, "url": url}

    def entry_for(self, request) -> Entry | None:
        """The record that answers *request*: the one its ``warc_replay``
        meta names for this URL, else the last one of the URL (a redirect
        followed)."""
        named = request.meta.get("warc_replay")
        if isinstance(named, dict) and named.get("url") == request.url:
            found = self.by_location.get((str(named.get("file")), int(named.get("offset") or 0)))
            if found is not None:
                return found
        return self.by_url.get(request.url) or self.rendered.get(request.url)

    def response_for(self, request, entry: Entry):
        """A Scrapy response for *request* from *entry* (a revisit with the
        payload of the record it repeats), flagged ``warc``; None when a
        revisit's payload is in none of the files."""
        path = self.paths[entry.location.file]
        http, payload, rec_headers = read_record(path, entry.location.offset)
        if entry.type == records.RENDERED_TYPE:
            headers = Headers(
                {"Content-Type": rec_headers.get_header("Content-Type") or "text/html"}
            )
            status = 200
        else:
            if entry.type == "revisit":
                original = self.payloads.get(entry.digest or "")
                if original is None:
                    return None
                _, payload, _ = read_record(
                    self.paths[original.location.file], original.location.offset
                )
            headers = Headers(
                [(n, v) for n, v in http.headers if n.lower() != records.DECHUNKED_HEADER.lower()]
            )
            status = int(http.get_statuscode())
        cls = responsetypes.from_args(headers=headers, url=request.url, body=payload)
        return cls(
            url=request.url,
            status=status,
            headers=headers,
            body=payload,
            request=request,
            flags=["warc"],
            protocol=getattr(http, "protocol", None) or "HTTP/1.1",
        )
