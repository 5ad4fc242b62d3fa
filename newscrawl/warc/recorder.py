"""What the writer process does with each exchange: its records (a revisit
for a payload seen before), written to the files, and where they went.

``Recorder`` holds the state that decides a record's shape: the payloads
already written (``WARC_DIR``'s indexes, then this run's) and the record id
of each URL's last plain response, which the browser's rendered DOM refers
to. It runs in a worker process of its own (``newscrawl.worker``), the WARC
writer; the tests drive it directly too.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any, NamedTuple

from newscrawl.warc import index, records
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.writer import WarcFiles

logger = logging.getLogger(__name__)

# Plain responses remembered for the rendered DOM to refer to (the browser
# fetches a page soon after its plain fetch).
PLAIN_KEPT = 50_000


class Written(NamedTuple):
    """What the crawl learns of an exchange once it is written."""

    kind: str  # the type of its first record: response, revisit, conversion
    count: int  # the records written
    location: dict[str, Any]  # where the first one is (``item["warc"]``)


class Closed(NamedTuple):
    files: int
    size: int  # bytes on disk, every file of this run
    last: str | None  # the last file's name
    cpu_s: float  # the CPU time of the process that wrote them


class Recorder:
    def __init__(self, config: WarcConfig):
        self.config = config
        revisits = {}
        if config.revisits:
            if config.directory.is_dir():
                index.index_unindexed(config.directory)
            revisits = index.read_digests(config.directory)
        self.info: dict[str, Any] = {}
        self.files = WarcFiles(config, lambda: self.info, revisits)
        self.plain: dict[str, str] = {}  # URL -> record id of its last plain response
        logger.info(
            "WARC: every exchange goes to %s (%d payloads known for revisits)",
            config.directory,
            len(revisits),
        )

    def set_info(self, info: dict[str, Any]) -> None:
        """The ``warcinfo`` fields of the files opened from now on."""
        self.info = info

    def record(self, request, response, when: datetime | None = None) -> Written:
        group = self.prepare(request, response, when or datetime.now(UTC))
        locations = self.files.write(group)
        kind = group[0].rec_type
        if kind in ("response", "revisit"):
            self.plain[response.url] = locations[0].record_id
            if len(self.plain) > PLAIN_KEPT:
                del self.plain[next(iter(self.plain))]
        return Written(kind, len(group), locations[0].as_dict())

    def prepare(self, request, response, when: datetime) -> list:
        """The records of an exchange; a payload seen before makes a revisit,
        and the next copy of a new payload refers to this one."""
        if request.meta.get("playwright"):
            return records.rendered(request, response, when, self.plain.get(response.url))
        digest = records.payload_digest(response.body)
        worth = response.status == 200 and bool(response.body)
        revisits = self.files.revisits
        refers = revisits.get(digest) if worth and self.config.revisits else None
        group = records.exchange(request, response, when, refers, digest=digest)
        if worth and refers is None:
            main = group[0]
            revisits.setdefault(
                digest,
                (
                    main.rec_headers.get_header("WARC-Target-URI"),
                    main.rec_headers.get_header("WARC-Date"),
                ),
            )
        return group

    def abandon(self) -> None:
        """The crawl is gone: close the file without its index, as a killed
        crawl leaves it (the next crawl into the directory indexes it)."""
        self.files.close(write_index=False)

    def close(self) -> Closed:
        """Close (and index) the last file."""
        self.files.close()
        paths = self.files.paths
        size = sum(p.stat().st_size for p in paths if p.exists())
        return Closed(len(paths), size, paths[-1].name if paths else None, time.process_time())
