"""Repair UTF-8 text that was mis-decoded as Windows-1256 (``ط³ظ„ط§ظ…`` → ``سلام``)."""

import re
import unicodedata

from .chars import PERSIAN_LETTER

# UTF-8 continuation bytes 0x80-0xBF as Windows-1256 shows them.
_CONT = "".join(bytes([b]).decode("cp1256") for b in range(0x80, 0xC0))
# Those that are not Arabic-script, spacing or invisible: the signature of
# mojibake (ط§ is ا, ظ† is ن, غŒ is ی); good Persian text rarely has them after ط ظ ع غ.
_SYMBOL = "".join(
    c for c in _CONT if not ("\u0600" <= c <= "\u06ff") and c not in "«»\u200c\u200d\u00a0\u00ad"
)
# Lead bytes 0xD8-0xDB (U+0600-U+06FF in UTF-8) as Windows-1256 shows them.
_LEAD = "طظعغ"

_PAIR_RE = re.compile(f"[{_LEAD}][{re.escape(_CONT)}]")
_SYMBOL_PAIR_RE = re.compile(f"[{_LEAD}][{re.escape(_SYMBOL)}]")
_LETTER_RE = re.compile(f"[{PERSIAN_LETTER}]")

_MIN_SYMBOL_PAIRS = 2
_MIN_PAIR_SHARE = 0.6  # of the non-ASCII, non-space characters


def looks_like_mojibake(text: str) -> bool:
    """Tell-tale ``ط§``-style pairs dominate the non-ASCII characters."""
    if len(_SYMBOL_PAIR_RE.findall(text)) < _MIN_SYMBOL_PAIRS:
        return False
    non_ascii = sum(1 for c in text if c > "\x7f" and not c.isspace())
    return 2 * len(_PAIR_RE.findall(text)) >= _MIN_PAIR_SHARE * non_ascii


def fix_mojibake(text: str) -> str:
    """Undo a UTF-8 → Windows-1256 mis-decoding with a strict round trip.

    Only when the text looks like mojibake, the round trip succeeds in both
    directions, and the result has Persian/Arabic letters and no control or
    unassigned characters; otherwise the text is returned unchanged.
    """
    if not looks_like_mojibake(text):
        return text
    try:
        fixed = text.encode("cp1256").decode("utf-8")
    except UnicodeError:
        return text
    if not _LETTER_RE.search(fixed) or any(_bad(c) for c in fixed):
        return text
    return fixed


def _bad(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cn", "Co", "Cs") or (category == "Cc" and char not in "\t\n\r")
