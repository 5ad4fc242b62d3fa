"""The WARC files of one crawl: ``<prefix>-<UTC timestamp>-<serial>.warc.gz``.

Each record is its own gzip member. The records of one exchange are
serialized in memory and written at once, unbuffered, so a crawl
stopped at any moment (Ctrl-C, SIGTERM, ``kill -9``) leaves every finished
record readable; at worst the last one is torn, and the readers skip it.
A file is never appended to: each run (a resumed ``JOBDIR`` crawl too)
starts a new one, and a new serial follows when a file reaches
``WARC_MAX_SIZE``. Each file begins with a ``warcinfo`` record, and gets its
CDXJ index when it is closed (its lines made as the records are written).
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from isal import isal_zlib
from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from newscrawl.warc import index, records
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.records import Location

logger = logging.getLogger(__name__)

# ISA-L (Intel's deflate, by the python-isal bindings) has levels 0-3 and is
# several times faster than zlib at any of them; zlib makes the higher levels.
ISAL_LEVELS = range(isal_zlib.ISAL_BEST_SPEED, isal_zlib.ISAL_BEST_COMPRESSION + 1)


def gzip_member(data: bytes, level: int) -> bytes:
    """*data* as one gzip member (RFC 1952), which any gzip reader reads."""
    module = isal_zlib if level in ISAL_LEVELS else zlib
    compressor = module.compressobj(level, module.DEFLATED, module.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def file_name(prefix: str, when: datetime, serial: int) -> str:
    """Heritrix's and warcprox's shape: a 17-digit UTC timestamp, a 5-digit serial."""
    stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
    return f"{prefix}-{stamp}-{serial:05d}.warc.gz"


class WarcFiles:
    """Writes groups of records to the files of one run.

    *info* gives the ``warcinfo`` fields; it is called when a file opens (so
    that a crawl id set after start-up is in it). *revisits* maps a payload
    digest to the target URI and date of a record holding that payload.
    """

    def __init__(
        self,
        config: WarcConfig,
        info: Callable[[], dict[str, Any]],
        revisits: dict[str, tuple[str, str]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.config, self.info, self.clock = config, info, clock
        self.revisits = {} if revisits is None else revisits
        self.paths: list[Path] = []  # written by this run, in order
        self.started = clock()
        self._file: BinaryIO | None = None
        self._size = 0
        self._serial = 0
        self._lines: list[str] = []  # the CDXJ lines of the current file
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False, warc_version=records.WARC_VERSION)

    @property
    def path(self) -> Path | None:
        return self.paths[-1] if self._file is not None else None

    def write(self, group: list[ArcWarcRecord]) -> list[Location]:
        """Write *group* (one exchange) to the current file, opening the next
        one first when the current one is full; one location per record.

        A write that fails (a full disk) raises, after cutting the file back
        to where the group began: the offsets and index lines of the records
        after it stay right, and the group has no index line."""
        if self._file is None or self._size >= self.config.max_size:
            self._open()
        name = self.paths[-1].name
        chunks, locations, lines, offset = [], [], [], self._size
        for record in group:
            data = self._serialize(record)
            locations.append(Location(name, offset, len(data), records.record_id(record)))
            if self.config.cdxj:
                line = index.cdxj_line(record, name, offset, len(data))
                if line is not None:
                    lines.append(line)
            chunks.append(data)
            offset += len(data)
        out = self._file
        assert out is not None
        try:
            self._write_all(out, b"".join(chunks))
        except BaseException:
            self._cut(out, self._size)
            raise
        self._size = offset
        self._lines.extend(lines)
        return locations

    @staticmethod
    def _write_all(out: BinaryIO, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = out.write(view)
            if not written:
                raise OSError(f"wrote nothing of the {len(view)} bytes left")
            view = view[written:]

    def _cut(self, out: BinaryIO, size: int) -> None:
        """Cut the file back to *size* bytes; where that fails too, the next
        record goes where the file ends (after the torn one, which the readers
        skip)."""
        try:
            out.truncate(size)
            out.seek(size)
        except OSError:
            pass
        try:
            self._size = out.seek(0, io.SEEK_END)
        except OSError:
            self._size = out.tell()

    def _serialize(self, record: ArcWarcRecord) -> bytes:
        """The record as one gzip member, at ``WARC_GZIP_LEVEL`` (warcio's
        own gzip is zlib at level 9: about 9 times the CPU of ISA-L at level 1,
        for about a fifth less disk on HTML)."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        return gzip_member(self._buffer.getvalue(), self.config.gzip_level)

    def _open(self) -> None:
        self.close()
        self.config.directory.mkdir(parents=True, exist_ok=True)
        while True:
            path = self.config.directory / file_name(self.config.prefix, self.started, self._serial)
            self._serial += 1
            try:
                # Unbuffered: what the file holds is what was written
                # (a record is written at once, with one ``write``).
                self._file = open(path, "xb", buffering=0)  # noqa: SIM115 - open across writes
                break
            except FileExistsError:
                continue
        self.paths.append(path)
        self._size = 0
        try:
            self.write([records.warcinfo(path.name, self.info())])
        except BaseException:
            # No file without its warcinfo: the next exchange tries a new one.
            self._file.close()
            self._file = None
            self.paths.pop()
            path.unlink(missing_ok=True)
            self._lines = []
            raise
        logger.info("Writing WARC file %s", path)

    def close(self, write_index: bool = True) -> None:
        """Close the current file and write its CDXJ index beside it (not
        when the crawl died: the next one indexes the file)."""
        if self._file is None:
            return
        self._file.close()
        self._file = None
        if self.config.cdxj and write_index:
            try:
                index.write_lines(self.paths[-1], self._lines)
            except OSError as exc:
                logger.error(
                    "Could not write the CDXJ index of %s (%s); run `cdxj-indexer -s "
                    "-o INDEX %s` to make it",
                    self.paths[-1],
                    exc,
                    self.paths[-1],
                )
        self._lines = []
