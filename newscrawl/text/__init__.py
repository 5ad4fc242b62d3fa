"""Pure text and date normalization for the crawler.

- ``normalize``: ``normalize_text``, ``normalize_body``, ``search_text``, ``ascii_digits``;
  the language rules (``RULES``: ``en``, ``fa``, ``ar``)
- ``furniture``: ``is_furniture``, ``strip_trailing_more``, ``drop_repeated_captions``
- ``dates``: ``parse_date``, ``is_relative``, ``missing_year``, ``ParsedDate``
- ``sanitize``: ``sanitize``, ``sanitize_value`` (no control or invisible format character)
- helpers: ``chars`` (tables, the one ``FOLD``), ``markup`` (entities, tags),
  ``mojibake`` (cp1256 repair)
"""

from .dates import ParsedDate, is_relative, missing_year, parse_date
from .furniture import drop_repeated_captions, is_furniture, strip_trailing_more
from .normalize import RULES, ascii_digits, normalize_body, normalize_text, search_text
from .sanitize import sanitize, sanitize_value

__all__ = [
    "RULES",
    "ParsedDate",
    "ascii_digits",
    "drop_repeated_captions",
    "is_furniture",
    "is_relative",
    "missing_year",
    "normalize_body",
    "normalize_text",
    "parse_date",
    "sanitize",
    "sanitize_value",
    "search_text",
    "strip_trailing_more",
]
