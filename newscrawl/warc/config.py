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

    @classmethod
    def from_settings(cls, settings) -> WarcConfig:
        max_size = settings.getint("WARC_MAX_SIZE")
        if max_size <= 0:
            raise ValueError(f"WARC_MAX_SIZE must be a number of bytes above 0, got {max_size}")
        return cls(
            enabled=settings.getbool("WARC_ENABLED"),
            directory=Path(settings.get("WARC_DIR") or "."),
            max_size=max_size,
            prefix=settings.get("WARC_PREFIX") or "newscrawl",
            revisits=settings.getbool("WARC_REVISITS"),
            cdxj=settings.getbool("WARC_CDXJ"),
        )
