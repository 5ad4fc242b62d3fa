"""newscrawl: archive the old site of Iran International into MongoDB."""

__version__ = "0.1.0"
