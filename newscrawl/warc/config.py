"""The ``WARC_*`` settings (defaults in ``newscrawl/settings.py``), read once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WarcConfig:
    enabled: bool
    directory: Path
    max_size: int
    prefix: str
    revisits: bool
    cdxj: bool
    gzip_level: int  # 0-3: ISA-L (isal), 4-9: zlib

    @classmethod
    def from_settings(cls, settings) -> WarcConfig:
        max_size = settings.getint("WARC_MAX_SIZE")
        if max_size <= 0:
            raise ValueError(f"WARC_MAX_SIZE must be a number of bytes above 0, got {max_size}")
        raw = settings.get("WARC_GZIP_LEVEL")
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = -1
        if not 0 <= level <= 9:
            raise ValueError(f"WARC_GZIP_LEVEL must be a gzip level from 0 to 9, got {raw!r}")
        return cls(
            enabled=settings.getbool("WARC_ENABLED"),
            directory=Path(settings.get("WARC_DIR") or "."),
            max_size=max_size,
            prefix=settings.get("WARC_PREFIX") or "newscrawl",
            revisits=settings.getbool("WARC_REVISITS"),
            cdxj=settings.getbool("WARC_CDXJ"),
            gzip_level=level,
        )
