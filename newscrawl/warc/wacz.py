"""A crawl's WARC files as one WACZ (py-wacz), for ReplayWeb.page.

The package holds the crawl's files, plus any earlier file whose payloads the
crawl's revisit records repeat (so that every page replays from the package
alone), a CDXJ index, and ``pages/pages.jsonl``: the articles and briefs the
crawl stored, each at the URL and time of the record its content came from.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from newscrawl.warc.reader import read_record, scan

logger = logging.getLogger(__name__)

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Stored articles"}


def _wacz(args: list[str]) -> int:
    """py-wacz's command line (imported here: only ``scrapy wacz`` needs it)."""
    from wacz.main import main

    return main(args)


class WaczError(Exception):
    """Packaging failed; the message says why."""


def warcinfo_of(path: Path) -> dict[str, str]:
    """The fields of a file's first ``warcinfo`` record ({} if it has none)."""
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "warcinfo":
                return {}
            fields = {}
            for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip()] = value.strip()
            return fields
    return {}


def crawl_files(paths: list[Path], crawl_id: str | None = None) -> tuple[str | None, list[Path]]:
    """The files of crawl *crawl_id* among *paths* (by their warcinfo), or of
    the crawl that wrote the newest file when it is None."""
    crawls = {path: warcinfo_of(path).get("isPartOf") for path in paths}
    if crawl_id is None:
        crawl_id = crawls[max(paths, key=lambda p: p.name)]
    chosen = [path for path, found in crawls.items() if found == crawl_id]
    return crawl_id, sorted(chosen, key=lambda p: p.name)


def with_revisited(files: list[Path], directory: Path) -> list[Path]:
    """*files*, plus the files of *directory* that hold the payloads their
    revisit records repeat."""
    names = {path.name for path in files}
    wanted = set()
    held = set()
    for path in files:
        for entry in scan(path).entries:
            if entry.type == "revisit" and entry.digest:
                wanted.add(entry.digest)
            elif entry.type == "response" and entry.digest:
                held.add(entry.digest)
    wanted -= held
    extra = set()
    for cdxj in sorted(directory.glob("*.cdxj")):
        with open(cdxj, encoding="utf-8") as lines:
            for line in lines:
                try:
                    entry = json.loads(line.split(" ", 2)[2])
                except (IndexError, ValueError):
                    continue
                if (
                    entry.get("digest") in wanted
                    and entry.get("mime") != "warc/revisit"
                    and entry.get("filename") not in names
                ):
                    extra.add(directory / entry["filename"])
    return sorted(set(files) | {p for p in extra if p.exists()}, key=lambda p: p.name)


def pages(documents: Iterable[dict[str, Any]], files: list[Path]) -> list[dict[str, Any]]:
    """``pages.jsonl`` entries for the stored documents whose ``warc`` record
    is in *files*: the record's URL and date, the document's title."""
    by_name = {path.name: path for path in files}
    found = []
    for doc in documents:
        where = doc.get("warc") or {}
        path = by_name.get(str(where.get("file")))
        if path is None:
            continue
        _, _, headers = read_record(path, int(where["offset"]))
        found.append(
            {
                "id": where.get("record_id", "").strip("<>").rsplit(":", 1)[-1],
                "url": headers.get_header("WARC-Target-URI"),
                "ts": headers.get_header("WARC-Date"),
                "title": doc.get("title") or "",
            }
        )
    return found


def package(
    files: list[Path], entries: list[dict[str, Any]], output: Path, title: str = "newscrawl"
) -> Path:
    """Write the WACZ *output* from *files* and the pages *entries*."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        listing = Path(work) / "pages.jsonl"
        with open(listing, "w", encoding="utf-8") as out:
            for line in [PAGES_HEADER, *entries]:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        args = [
            "create",
            "-o",
            str(output),
            "-p",
            str(listing),
            "--copy-pages",
            "--title",
            title,
            *map(str, files),
        ]
        chatter = io.StringIO()
        with contextlib.redirect_stdout(chatter):
            status = _wacz(args)
        if status:
            raise WaczError(
                f"py-wacz could not package {len(files)} files: "
                f"{chatter.getvalue().strip().splitlines()[-1:]}"
            )
    return output


def validate(path: Path) -> tuple[bool, str]:
    """py-wacz's validator: (valid, what it said)."""
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = _wacz(["validate", "-f", str(path)])
    return status == 0, chatter.getvalue()
