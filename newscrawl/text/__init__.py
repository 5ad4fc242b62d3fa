"""Pure text and date normalization for the crawler.

- ``normalize``: ``normalize_text``, ``normalize_body``, ``search_text``, ``ascii_digits``
- ``furniture``: ``is_furniture``, ``strip_trailing_more``, ``drop_repeated_captions``
- ``dates``: ``parse_date``, ``is_relative``, ``ParsedDate``
- helpers: ``chars`` (tables), ``markup`` (entities, tags), ``mojibake`` (cp1256 repair)
"""

from .dates import ParsedDate, is_relative, parse_date
from .furniture import drop_repeated_captions, is_furniture, strip_trailing_more
from .normalize import ascii_digits, normalize_body, normalize_text, search_text

__all__ = [
    "ParsedDate",
    "ascii_digits",
    "drop_repeated_captions",
    "is_furniture",
    "is_relative",
    "normalize_body",
    "normalize_text",
    "parse_date",
    "search_text",
    "strip_trailing_more",
]
