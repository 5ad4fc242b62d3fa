"""Character classes and translation tables shared by the text modules."""

import re

ZWNJ = "\u200c"

# Deleted everywhere: tatweel, zero-width space, LRM/RLM, BOM, soft hyphen,
# word joiner, Arabic letter mark, bidi embeddings/overrides and isolates.
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
    | dict(zip(ARABIC_DIGITS, PERSIAN_DIGITS))
)
PERSIAN_FOLD_RE = re.compile(f"[\u064a\u0649\u0643{ARABIC_DIGITS}]")

# Search folding, one table: every Arabic letter variant to its plain Persian
# letter, ZWNJ to a space, all digits to ASCII, and no diacritics (harakat,
# superscript alef, hamza above) or invisible characters.
SEARCH_FOLD = str.maketrans(
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
        ZWNJ: " ",
    }
    | dict(zip(PERSIAN_DIGITS + ARABIC_DIGITS, ASCII_DIGITS * 2))
    | dict.fromkeys(map(ord, "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0654" + INVISIBLE))
)

# Letters of the Persian alphabet (after folding), as a character class body.
PERSIAN_LETTER = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06c0\u06cc"
