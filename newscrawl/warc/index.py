"""CDXJ indexes beside the WARC files (cdxj-indexer), and the payload digests
they hold: what a later crawl into the same directory writes as revisits.

``<name>.warc.gz`` gets ``<name>.cdxj``, sorted, in the form pywb and
ReplayWeb.page read (``urlkey timestamp {json}``, with ``filename`` relative
to the directory).
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import surt
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_timestamp, timestamp_to_iso_date

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
INDEXED_TYPES = ("response", "revisit")  # what cdxj-indexer indexes of our records
CDXJ_RECORDS = "response,revisit,resource,metadata"  # cdxj-indexer's own default
_MIME_END = re.compile(r"[;\s]")


def cdxj_path(warc: Path) -> Path:
    name = warc.name
    for suffix in WARC_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return warc.with_name(name + ".cdxj")


def write_cdxj(warc: Path) -> Path:
    """Index *warc* into its CDXJ file (written aside, then moved into place)."""
    # Imported here: cdxj-indexer's import chain warns about pkg_resources.
    from cdxj_indexer.main import CDXJIndexer

    target = cdxj_path(warc)
    partial = target.with_name(target.name + ".partial")
    # The record types named, not CDXJIndexer.DEFAULT_RECORDS: py-wacz appends
    # "warcinfo" to that class-level list when it is imported.
    CDXJIndexer(str(partial), [str(warc)], sort=True, records=CDXJ_RECORDS).process_all()
    os.replace(partial, target)
    return target


def cdxj_line(record: ArcWarcRecord, file: str, offset: int, length: int) -> str | None:
    """The line cdxj-indexer writes for *record* (written at *offset* of
    *file*, *length* bytes), or None for a record it does not index: made
    while writing, so that the index needs no second pass over the file."""
    if record.rec_type not in INDEXED_TYPES:
        return None
    headers, http = record.rec_headers, record.http_headers
    url = headers.get_header("WARC-Target-URI")
    entry: dict[str, str] = {"url": url}
    if record.rec_type == "revisit":
        entry["mime"] = "warc/revisit"
    elif http is not None and http.get_header("Content-Type"):
        entry["mime"] = _MIME_END.split(http.get_header("Content-Type"), 1)[0].strip()
    if http is not None:
        entry["status"] = http.get_statuscode()
    digest = headers.get_header("WARC-Payload-Digest")
    if digest:
        entry["digest"] = digest
    entry.update(length=str(length), offset=str(offset), filename=file)
    try:
        key = surt.surt(url)
    except Exception:
        key = url
    return f"{key} {iso_date_to_timestamp(headers.get_header('WARC-Date'))} {json.dumps(entry)}\n"


def write_lines(warc: Path, lines: list[str]) -> Path:
    """The CDXJ file of *warc* from its lines (sorted, duplicates dropped, as
    ``cdxj-indexer --sort`` does)."""
    target = cdxj_path(warc)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "w", encoding="utf-8") as out:
        last = None
        for line in sorted(lines):
            if line != last:
                out.write(line)
            last = line
    os.replace(partial, target)
    return target


def index_unindexed(directory: Path) -> list[Path]:
    """Index the WARC files of *directory* that have no CDXJ file (a crawl
    killed before its close); a file that cannot be indexed is reported."""
    done = []
    for warc in sorted(directory.glob("*.warc.gz")):
        if cdxj_path(warc).exists():
            continue
        try:
            done.append(write_cdxj(warc))
        except Exception as exc:
            logger.warning(
                "Could not index %s (%s: %s): its payloads will not be revisited",
                warc,
                type(exc).__name__,
                exc,
            )
    return done


def read_digests(directory: Path) -> dict[str, tuple[str, str]]:
    """Payload digest -> (target URI, ISO date) of the 200 responses the
    CDXJ files of *directory* list (the first one of each payload)."""
    digests: dict[str, tuple[str, str]] = {}
    if not directory.is_dir():
        return digests
    for path in sorted(directory.glob("*.cdxj")):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    _, ts, blob = line.rstrip("\n").split(" ", 2)
                    entry = json.loads(blob)
                except ValueError:
                    continue
                digest = entry.get("digest")
                if (
                    not digest
                    or entry.get("mime") == "warc/revisit"
                    or str(entry.get("status")) != "200"
                ):
                    continue
                if ":" not in digest:
                    digest = "sha1:" + digest
                digests.setdefault(digest, (entry["url"], timestamp_to_iso_date(ts)))
    return digests
