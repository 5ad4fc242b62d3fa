"""What no stored string may hold: control and invisible format characters.

``sanitize(text)`` removes, in any language and any field:

- lone surrogates (a valid high+low pair left as two code units is joined);
- NUL, the C0 and C1 controls and DEL; the whitespace controls (tab, CR,
  vertical tab, form feed, the information separators, NEL, U+2028/U+2029)
  become a space, except the line feed where the field is made of lines
  (``lines=True``: the body) and in URLs, where they are removed;
- invisible format characters (Unicode category Cf: soft hyphen, zero-width
  space, LRM/RLM, bidi controls, word joiner and the invisible operators
  U+2061-U+2064, U+180E, BOM, interlinear annotation, the tag characters of
  the U+E0000 block...), except ZWNJ and ZWJ between two characters (the
  Persian and Arabic scripts and emoji need them) and the visible Arabic
  number signs (U+0600-U+0605, U+06DD and their kin), which are marks on
  the page; noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF);
- numeric character references and ``\\uXXXX`` escapes written out as text
  that name one of the above (``&#1;``, ``&#x7f;``, ``\\u0000``, ``\\udb40``).

Everything else is left as it is, so clean text passes unchanged.
"""

import re
from collections.abc import Mapping

from .chars import ZWJ, ZWNJ

# Unicode category Cf (Python 3.11, Unicode 14) minus ZWNJ/ZWJ and the
# prepended concatenation marks (visible: U+0600-0605, 06DD, 070F, 0890-0891,
# 08E2, 110BD, 110CD); ``tests/test_sanitize.py`` checks this table against
# ``unicodedata``.
INVISIBLE_FORMAT_BMP = (
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
INVISIBLE_FORMAT = INVISIBLE_FORMAT_BMP + (
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
CONTROL = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # Cc without the whitespace ones
WHITESPACE_CONTROL = "\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029"
NONCHARACTER = "\ufdd0-\ufdef\ufffe\uffff"
SURROGATE = "\ud800-\udfff"

_FORBIDDEN_RE = re.compile(f"[{CONTROL}{INVISIBLE_FORMAT}{NONCHARACTER}{SURROGATE}]+")
_FORBIDDEN_CHAR_RE = re.compile(
    f"[{CONTROL}{WHITESPACE_CONTROL}{INVISIBLE_FORMAT}{NONCHARACTER}{SURROGATE}]"
)
_SPACE_RE = re.compile(f"[{WHITESPACE_CONTROL}]")
_SPACE_NOT_LF_RE = re.compile(f"[{WHITESPACE_CONTROL.replace(chr(10), '')}]")
# What is removed or replaced where line feeds are kept (``lines``).
_FORBIDDEN_NOT_LF_RE = re.compile(
    f"[{CONTROL}{WHITESPACE_CONTROL.replace(chr(10), '')}"
    f"{INVISIBLE_FORMAT}{NONCHARACTER}{SURROGATE}]"
)
# The same, with any character beyond the BMP instead of the forbidden ones
# there: a class Python's re tests several times faster, to learn that a text
# (nearly always) holds none (the exact class then decides from its match on).
_ASTRAL = "\U00010000-\U0010ffff"
_SUSPECT = {
    pattern: re.compile(pattern.pattern.replace(INVISIBLE_FORMAT, INVISIBLE_FORMAT_BMP + _ASTRAL))
    for pattern in (_FORBIDDEN_CHAR_RE, _FORBIDDEN_NOT_LF_RE)
}
_PAIR_RE = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# A joiner next to a space or an end of the text, and runs of one joiner.
_LONE_JOINER_RE = re.compile(f"(?<!\\S)[{ZWNJ}{ZWJ}]+|[{ZWNJ}{ZWJ}]+(?!\\S)")
_JOINER_RUN_RE = re.compile(f"({ZWNJ}|{ZWJ}){{2,}}")
# Whether either of them matches, in one search that starts at a joiner
# (several times faster on Persian text, which is full of ZWNJs): a joiner
# before another, before a space or the end, or after a space or the start.
_ODD_JOINER_RE = re.compile(f"[{ZWNJ}{ZWJ}](?:[{ZWNJ}{ZWJ}]|(?!\\S)|(?<=(?<!\\S)[{ZWNJ}{ZWJ}]))")
# Escapes written out as text: &#1; &#x1b; (semicolon optional) and \u0000.
_ESCAPE_RE = re.compile(r"&#(?:0*([0-9]{1,8})|[xX]0*([0-9a-fA-F]{1,7}));?|\\u([0-9a-fA-F]{4})")
_MAX_ROUNDS = 4  # escapes hidden inside escapes (``&#&#1;1;``), bounded; deeper ones are
# broken apart (``& #``), so the cost stays linear

# Fields that are made of lines, and fields that are URLs.
LINE_FIELDS = frozenset({"body", "search_text"})


def _forbidden(code: int) -> bool:
    return code > 0x10FFFF or _FORBIDDEN_CHAR_RE.match(chr(code)) is not None


def _drop_escape(match: re.Match) -> str:
    decimal, hexa, json_hex = match.groups()
    code = int(decimal) if decimal else int(hexa or json_hex, 16)
    return "" if _forbidden(code) else match.group()


def _join_pair(match: re.Match) -> str:
    high, low = map(ord, match.group())
    return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def _clean(text: str) -> bool:
    """Nothing to do: the common case, decided without a regex."""
    return text.isprintable() and "&#" not in text and "\\u" not in text


def _holds(forbidden: re.Pattern, text: str) -> bool:
    """Whether *forbidden* (a character class) matches in *text*."""
    suspect = _SUSPECT[forbidden].search(text)
    if suspect is None:
        return False
    return suspect.group() <= "\uffff" or forbidden.search(text, suspect.start()) is not None


def sanitize(text: str, *, lines: bool = False, url: bool = False) -> str:
    """``text`` without control, surrogate and invisible format characters
    (see the module docstring); ``lines`` keeps line feeds, ``url`` removes
    whitespace controls instead of turning them into spaces."""
    if not text or _clean(text):
        return text
    if _holds(_FORBIDDEN_NOT_LF_RE if lines and not url else _FORBIDDEN_CHAR_RE, text):
        if _PAIR_RE.search(text):
            text = _PAIR_RE.sub(_join_pair, text)
        if url:
            text = _SPACE_RE.sub("", text)
        else:
            text = (_SPACE_NOT_LF_RE if lines else _SPACE_RE).sub(" ", text)
        text = _FORBIDDEN_RE.sub("", text)
    if "&#" in text or "\\u" in text:
        text = _drop_escapes(text)  # last: removing characters can make an escape
    if (ZWNJ in text or ZWJ in text) and _ODD_JOINER_RE.search(text):
        text = _JOINER_RUN_RE.sub(r"\1", text)
        text = _LONE_JOINER_RE.sub("", text)
    return text


def _drop_escapes(text: str) -> str:
    for _ in range(_MAX_ROUNDS):
        before = text
        text = _ESCAPE_RE.sub(_drop_escape, text)
        if text == before:
            return text
    # Escapes nested deeper than that: break every one that is left.
    return text.replace("&#", "& #").replace("\\u", "\\ u")


def _is_url_field(name: str) -> bool:
    return name == "url" or name.endswith(("_url", "_urls"))


def sanitize_value(value, name: str = "", _depth: int = 0):
    """A field's value with every string in it sanitized: strings, lists and
    tuples of strings, and (a few levels of) nested lists and mappings."""
    if isinstance(value, str):
        return sanitize(value, lines=name in LINE_FIELDS, url=_is_url_field(name))
    if _depth > 8:
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(sanitize_value(v, name, _depth + 1) for v in value)
    if isinstance(value, Mapping):
        return {
            k: sanitize_value(v, k if isinstance(k, str) else name, _depth + 1)
            for k, v in value.items()
        }
    return value
