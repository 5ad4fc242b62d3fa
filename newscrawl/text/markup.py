"""Leftover HTML in extracted text: entities and stray tags."""

import html
import re

# Only complete entities, with their semicolon: html.unescape alone would also
# turn the "&sect" of "?a=1&section=2" into "§". Any number of escaped
# ampersands in front (``&amp;amp;lt;``: escaped three times) is read in the
# same match, so unescaping costs one pass whatever the depth.
_AMP = r"(?:amp;|#0*38;|#[xX]0*26;)"
_ENTITY_RE = re.compile(
    rf"&{_AMP}*(#[0-9]{{1,7}}|#[xX][0-9a-fA-F]{{1,6}}|[A-Za-z][A-Za-z0-9]{{1,31}});"
)
_MAX_ROUNDS = 4  # markup revealed by unescaping (``&lt;b&gt;``), bounded

# Blocks whose content is never text: (opening pattern, closing pattern by the
# opening's first group or the whole opening, replacement). Removed by one
# scan (``_drop_blocks``): an opening that is never closed stays as it is, and
# costs one search, not one per opening.
_RAW_TAGS = ("script", "style", "noscript", "template")
_BLOCKS = (
    (
        re.compile(r"<(script|style|noscript|template)\b[^<>]*>", re.I),
        {t: re.compile(rf"</{t}\s*>", re.I) for t in _RAW_TAGS},
        " ",
    ),
    (re.compile(r"<!--()"), {"": re.compile("-->")}, ""),
    (re.compile(r"<!\[CDATA\[()"), {"": re.compile(r"\]\]>")}, ""),
)
_DECLARATION_RE = re.compile(r"<![A-Za-z][^<>]*>")

# Only real HTML tag names count, so prose such as "a < b" or "x<y" survives.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|"
    "form|h[1-6]|header|hr|iframe|img|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|"
    "th|thead|tr|ul|video|audio|source|picture|embed|object|param|input|button|label|"
    "select|option|textarea|meta|link|body|html|head|title"
)
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|center|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|"
    "span|strike|strong|sub|sup|time|tt|u|var|wbr|o:p"
)
_TAG_TAIL = r"(?:\s[^<>]*)?/?>"
_BLOCK_TAG_RE = re.compile(rf"</?(?:{_BLOCK_TAGS}){_TAG_TAIL}", re.I)
_INLINE_TAG_RE = re.compile(rf"</?(?:{_INLINE_TAGS}){_TAG_TAIL}", re.I)


def _drop_blocks(text: str, opening: re.Pattern, closings: dict, replacement: str) -> str:
    """``text`` without the blocks from an ``opening`` to the first closing
    after it (linear: an opening with no closing after it ends the search for
    that closing)."""
    out: list[str] = []
    unclosed: set[str] = set()
    kept_from = at = 0
    while (start := opening.search(text, at)) is not None:
        name = start.group(1).lower()
        end = None if name in unclosed else closings[name].search(text, start.end())
        if end is None:
            unclosed.add(name)
            at = start.end()
            continue
        out += (text[kept_from : start.start()], replacement)
        kept_from = at = end.end()
    return "".join(out) + text[kept_from:] if out else text


def _unescape(match: re.Match) -> str:
    return html.unescape(f"&{match.group(1)};")


def strip_markup(text: str) -> str:
    """Unescape HTML entities and remove leftover tags, until nothing changes
    (so double-escaped text such as ``&amp;lt;b&amp;gt;`` is handled too).

    Linear in the length of the text: an entity escaped any number of times
    is unescaped in one step, and the rounds (for tags that unescaping
    reveals, or entities that removing a tag joins) are bounded."""
    for _ in range(_MAX_ROUNDS):
        before = text
        if "&" in text:
            text = _ENTITY_RE.sub(_unescape, text)
        if "<" in text:
            for block in _BLOCKS:
                text = _drop_blocks(text, *block)
            text = _DECLARATION_RE.sub("", text)
            text = _BLOCK_TAG_RE.sub(" ", text)
            text = _INLINE_TAG_RE.sub("", text)
        if text == before:
            break
    return text
