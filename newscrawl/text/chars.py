"""Character classes and translation tables shared by the text modules.

Everything here is data: strings of characters, ``str.maketrans`` tables and
precompiled patterns. ``FOLD`` is the one comparison/search fold; the
language rules (``normalize.RULES``) pick their own tables from here.
"""

import re

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"

# Deleted from text in every language: tatweel, zero-width space, LRM/RLM,
# BOM, soft hyphen, word joiner, Arabic letter mark, bidi embeddings/overrides
# and isolates.
INVISIBLE = (
    "\u0640\u200b\u200e\u200f\ufeff\u00ad\u2060\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]+")

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

# Persian and Arabic-Indic digits to ASCII (for parsing numbers).
TO_ASCII_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, ASCII_DIGITS * 2)

# Persian text: Arabic yeh/alef maksura and kaf to their Persian forms,
# Arabic-Indic digits to Persian digits. Hamza forms and teh marbuta stay.
PERSIAN_FOLD = str.maketrans(
    {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"}
    | dict(zip(ARABIC_DIGITS, PERSIAN_DIGITS, strict=True))
)

# Arabic text keeps its letters (ي ك ى ة, every hamza form), its diacritics
# and its digits as written: it has no letter table of its own.

# Arabic-script diacritics: harakat, tanwin, shadda, sukun, superscript alef,
# hamza above/below, maddah, Quranic annotation signs.
TASHKEEL = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
TASHKEEL_RE = re.compile(f"[{TASHKEEL}]")


def _expand(ranges: str) -> str:
    """``"a-c"`` -> ``"abc"`` for a character-class body of single characters."""
    out, i = [], 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out += [chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1)]
            i += 3
        else:
            out.append(ranges[i])
            i += 1
    return "".join(out)


# The fold, one table for search keys, furniture keys and date words: every
# Arabic/Persian letter variant to one plain letter (the Persian forms of yeh
# and kaf), ZWNJ to a space, all digits to ASCII, Arabic decimal and thousands
# separators and percent sign to ASCII, and no diacritics, ZWJ or invisible
# characters. Callers lower-case (``casefold``) themselves.
FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي
        "\u0649": "\u06cc",  # ى
        "\u0626": "\u06cc",  # ئ
        "\u0643": "\u06a9",  # ك
        "\u0629": "\u0647",  # ة
        "\u06c0": "\u0647",  # ۀ
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0624": "\u0648",  # ؤ
        "\u066b": ".",  # ٫ Arabic decimal separator
        "\u066c": ",",  # ٬ Arabic thousands separator
        "\u066a": "%",  # ٪
        ZWNJ: " ",
    }
    | dict(zip(PERSIAN_DIGITS + ARABIC_DIGITS, ASCII_DIGITS * 2, strict=True))
    | dict.fromkeys(map(ord, _expand(TASHKEEL) + INVISIBLE + ZWJ))
)
SEARCH_FOLD = FOLD  # the name the search code has always used


def changed_by(table: dict) -> re.Pattern:
    """Runs of the characters a ``str.maketrans`` *table* changes. The table
    applied to those runs only gives the text ``str.translate`` gives, several
    times faster on Arabic-script text (``str.translate`` looks every
    character up, raising and catching a KeyError for each one it leaves)."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]+")


def translate_runs(text: str, table: dict, runs: re.Pattern) -> str:
    """``text.translate(table)``, for *runs* = ``changed_by(table)``."""
    return runs.sub(lambda match: match.group().translate(table), text)


FOLD_RE = changed_by(FOLD)
PERSIAN_FOLD_RE = changed_by(PERSIAN_FOLD)


def fold_chars(text: str) -> str:
    """``text.translate(FOLD)``, through ``FOLD_RE``."""
    return translate_runs(text, FOLD, FOLD_RE)


def fold(text: str) -> str:
    """``text`` through ``FOLD``, lower-cased: a comparison key."""
    return fold_chars(text).casefold()


def fold_pattern(pattern: str) -> str:
    """A regular expression written as the site writes its words, folded like
    the text it will be matched against (ASCII, hence escapes, untouched)."""
    return pattern.translate(FOLD)


# Letters of the Persian alphabet (after folding), as a character class body.
PERSIAN_LETTER = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06c0\u06cc"
# Letters of the Arabic alphabet, as a character class body.
ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
