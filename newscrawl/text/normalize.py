"""Normalize titles and paragraphs; fold text for search.

Every language gets the language-neutral rules (markup, control characters,
mojibake, Unicode composition, invisible characters, spaces); then its own
rules from ``RULES``:

- ``en``: nothing more.
- ``fa``: Persian letters and digits (Arabic ي ى ك and Arabic-Indic digits to
  their Persian forms), punctuation spacing, the ``می`` prefix joined with ZWNJ.
- ``ar``: letters, diacritics and digits kept exactly as written (never the
  Persian letter table); punctuation spacing.

A language without rules of its own gets the neutral ones only.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from .chars import (
    INVISIBLE_RE,
    PERSIAN_FOLD,
    PERSIAN_FOLD_RE,
    PERSIAN_LETTER,
    TO_ASCII_DIGITS,
    ZWNJ,
    fold_chars,
    translate_runs,
)
from .furniture import drop_repeated_captions, is_furniture
from .markup import strip_markup
from .mojibake import fix_mojibake
from .sanitize import sanitize

# Arabic presentation forms (ﻻ, ﷲ, ﺑ...): the only place NFKC is applied.
_PRESENTATION_RE = re.compile("[\ufb50-\ufdfb\ufe70-\ufefe]+")

# A ZWNJ with more ZWNJs or spaces around it (spaces are single by then).
_ZWNJ_RE = re.compile(" ?\u200c[\u200c ]*")
_ODD_ZWNJ_RE = re.compile("^\u200c|\u200c$| \u200c|\u200c[ \u200c]")

# Punctuation spacing of the Arabic script. Persian: no space before
# ، ؛ ؟ ! » ) or after « (; one space after ، ؛ ؟ before a letter. Arabic:
# the same, but around ! ( ) only next to Arabic script, so Latin text in an
# Arabic article keeps its own spacing.
_SPACE_BEFORE_CLOSER_RE = re.compile(" (?=[،؛؟!»)])")
_SPACE_AFTER_OPENER_RE = re.compile("(?<=[«(]) ")
_GLUED_SEPARATOR_RE = re.compile(r"([،؛؟])(?=[^\W\d_])")  # spaces are single by then
_AR_SPACE_BEFORE_CLOSER_RE = re.compile(" (?=[،؛؟»])|(?<=[\u0600-\u06ff]) (?=[!)])")
_AR_SPACE_AFTER_OPENER_RE = re.compile("(?<=«) |(?<=\\() (?=[\u0600-\u06ff])")

# A free-standing می/نمی followed by a word of Persian letters (not a common
# function word) is the verb prefix: join it with ZWNJ.
_NOT_VERB = "از|را|به|در|که|با|تا|هم|این|آن|اگر|یا|بر|برای|نیز|ناب|هر|همه|چه|چون"
_MARKS = "\u064b-\u0652\u0654\u0670"
_MI_PREFIX_RE = re.compile(
    rf"(?<![\w\u200c{_MARKS}])(ن?می) "
    rf"(?=(?!(?:{_NOT_VERB})(?![{PERSIAN_LETTER}]))[{PERSIAN_LETTER}][{_MARKS}]*[{PERSIAN_LETTER}])"
)


class Sub(NamedTuple):
    """One substitution of a language's rules; ``needle`` (a substring the
    pattern needs) skips the regex on text that cannot match."""

    pattern: re.Pattern
    replacement: str
    needle: str = ""


class Rules(NamedTuple):
    """The rules of one language, applied after the neutral ones."""

    letters: dict | None = None  # str.translate table for letters and digits
    letters_re: re.Pattern | None = None  # ``chars.changed_by(letters)``
    subs: tuple[Sub, ...] = ()  # applied in order, on single-spaced text


PERSIAN_PUNCTUATION = (
    Sub(_SPACE_BEFORE_CLOSER_RE, ""),
    Sub(_SPACE_AFTER_OPENER_RE, ""),
    Sub(_GLUED_SEPARATOR_RE, "\\1 "),
)
ARABIC_PUNCTUATION = (
    Sub(_AR_SPACE_BEFORE_CLOSER_RE, ""),
    Sub(_AR_SPACE_AFTER_OPENER_RE, ""),
    Sub(_GLUED_SEPARATOR_RE, "\\1 "),
)
NEUTRAL = Rules()
RULES = {
    "en": NEUTRAL,
    "fa": Rules(
        PERSIAN_FOLD,
        PERSIAN_FOLD_RE,
        PERSIAN_PUNCTUATION + (Sub(_MI_PREFIX_RE, "\\1" + ZWNJ, "می "),),
    ),
    "ar": Rules(subs=ARABIC_PUNCTUATION),
}

_OTHER_DIGIT_RE = re.compile(r"[^\D0-9]")  # any non-ASCII decimal digit
# Spaces other than one plain space, up to a line feed: a plain space is left
# where it is (the same text as with every run replaced, for a fraction of
# the matches).
_HSPACE_RE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_NEWLINES_RE = re.compile(r" ?\n\s*")

_MAX_PASSES = 4


def normalize_text(text: str, language: str) -> str:
    """Normalize one title or paragraph (``language``: "en", "fa", "ar").

    Idempotent: the rules are applied until the text stops changing, so
    text that only reveals itself after a first pass (``&amp;lt;``, mojibake
    behind an ``&nbsp;``) ends up in the same state as the clean text.
    """
    if not text:
        return ""
    result = _normalize_once(text, language)
    if result == text:  # a fixed point already: another pass would change nothing
        return result
    for _ in range(_MAX_PASSES):
        again = _normalize_once(result, language)
        if again == result:
            break
        result = again
    return result


def _normalize_once(text: str, language: str) -> str:
    rules = RULES.get(language, NEUTRAL)
    text = strip_markup(text)
    if not text.isascii():
        text = fix_mojibake(text)  # before anything removes the bytes it needs
    text = sanitize(text)
    if not text.isascii():
        text = _PRESENTATION_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        text = INVISIBLE_RE.sub("", text)
        text = unicodedata.normalize("NFC", text)
        if rules.letters and rules.letters_re:
            text = translate_runs(text, rules.letters, rules.letters_re)
    text = _clean_spaces(text)
    for sub in rules.subs:
        if not sub.needle or sub.needle in text:
            text = sub.pattern.sub(sub.replacement, text)
    return text


def _clean_spaces(text: str) -> str:
    """All spaces and line breaks to one space; ZWNJ runs to one ZWNJ, and
    none next to a space or at either end."""
    text = " ".join(text.split())
    if _ODD_ZWNJ_RE.search(text):
        text = _ZWNJ_RE.sub(lambda m: " " if " " in m.group() else ZWNJ, text).strip(" " + ZWNJ)
    return text


def normalize_body(
    paragraphs: Iterable[str] | str, language: str, captions: Iterable[str] = ()
) -> str:
    """Normalize paragraphs and join them with a blank line.

    Empty paragraphs, page furniture (old-site banner, share buttons, "More")
    and paragraphs repeating an image caption are dropped. A string is split
    on blank lines first.
    """
    if isinstance(paragraphs, str):
        paragraphs = _BLANK_LINE_RE.split(paragraphs)
    kept = []
    for paragraph in paragraphs:
        text = normalize_text(paragraph, language) if paragraph else ""
        if text and not is_furniture(text, language):
            kept.append(text)
    captions = [normalize_text(c, language) for c in captions if c]
    return "\n\n".join(drop_repeated_captions(kept, captions))


def search_text(title: str, body: str) -> str:
    """Title and body folded for searching: lower case, no diacritics, ASCII
    digits, one form per Arabic/Persian letter, ZWNJ as a space. Lines are
    kept (title first); spaces within a line are collapsed."""
    text = unicodedata.normalize("NFC", f"{title or ''}\n{body or ''}").casefold()
    text = _other_digits(fold_chars(text))
    if "  " in text or not text.replace("\n", "").isprintable():  # else single spaces only
        text = _HSPACE_RE.sub(" ", text)
    return _NEWLINES_RE.sub("\n", text).strip()


def ascii_digits(s: str) -> str:
    """Persian, Arabic-Indic (and any other decimal) digits to ASCII 0-9."""
    return _other_digits(s.translate(TO_ASCII_DIGITS))


def _other_digits(s: str) -> str:
    if s.isascii():
        return s
    return _OTHER_DIGIT_RE.sub(lambda m: str(unicodedata.decimal(m.group())), s)
