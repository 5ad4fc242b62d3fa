"""Page furniture: paragraphs that belong to the page, not the article."""

import re
from collections.abc import Iterable

from .chars import INVISIBLE, INVISIBLE_RE, ZWNJ
from .markup import strip_markup

# Comparison key: no invisible characters, one yeh and kaf, ZWNJ as a space,
# lower case, single spaces, no punctuation at either end.
_KEY_FOLD = str.maketrans(
    {"\u064a": "ی", "\u0649": "ی", "\u0643": "ک", ZWNJ: " "} | dict.fromkeys(INVISIBLE)
)
_KEY_EDGE = " .:;,!?؟،؛-–—|/\\›‹»«<>…*•·\"'“”‘’()[]"
_SPACE_RE = re.compile(r"\s+")

_SHORT = 300  # characters; the banner is about 120

# The old-site banner, English and Persian, whole or one of its two sentences.
_BANNER_RES = (
    re.compile(r"\bold site of iran ?international\b"),
    re.compile(r"^you see a page from the old site\b"),
    re.compile(r"^visit\b.{0,60}\bto view the new site$"),
    re.compile("سایت ?قدیمی ?(?:ایران ?)?(?:ای|ا)نتر ?نشنال"),
    re.compile("^برای (?:دیدن|مشاهده) (?:سایت|وبسایت|وب سایت) جدید.{0,40}$"),
)

# Share buttons: a paragraph made only of these words, at least one strong.
_SHARE_STRONG = frozenset(
    "share sharing facebook twitter telegram whatsapp linkedin instagram reddit "
    "اشتراک اشتراکگذاری فیسبوک توییتر توئیتر تلگرام واتساپ واتس اینستاگرام لینکدین".split()
)
_SHARE_WEAK = frozenset(
    "this on via with to the article story post page email e-mail print copy link url x "
    "اپ گذاری بگذارید به در این مطلب را صفحه ایمیل چاپ کپی لینک پیوند فیس بوک".split()
)
_SHARE_SPLIT_RE = re.compile(r"[\s,:;|/•·]+")

_LABELS = frozenset({
    "iran in brief", "ایران در یک نگاه",
    "more", "read more", "بیشتر", "بیشتر بخوانید", "ادامه مطلب",
})

# A trailing "More" link on brief items: "waste.More", "... More ›", "... بیشتر".
_MORE_TAIL_RE = re.compile(
    r"(?P<word>read\s+more|more|بیشتر(?:\s+بخوانید)?|ادامه\s+مطلب)"
    r"(?P<arrow>\s*[›>»]+)?(?:\s*(?:\.{1,3}|…))?\s*$",
    re.I,
)
_SENTENCE_END = ".!?؟…\"'”’»):]"


def _key(text: str) -> str:
    text = text.translate(_KEY_FOLD).casefold()
    return _SPACE_RE.sub(" ", text).strip(_KEY_EDGE)


def is_furniture(paragraph: str, language: str) -> bool:
    """True for the old-site banner, share buttons, the "Iran in Brief"
    heading, a lone "More" link, and an empty (or punctuation-only) paragraph."""
    key = _key(paragraph or "")
    if not key or key in _LABELS:
        return True
    if len(key) <= _SHORT and any(r.search(key) for r in _BANNER_RES):
        return True
    return _is_share(key)


def _is_share(key: str) -> bool:
    words = [w for w in _SHARE_SPLIT_RE.split(key) if w]
    return (
        len(words) <= 12
        and all(w in _SHARE_STRONG or w in _SHARE_WEAK for w in words)
        and any(w in _SHARE_STRONG for w in words)
    )


def strip_trailing_more(text: str) -> str:
    """Remove a trailing "More" / "Read more" / "بیشتر" link from a brief item.

    Stripped after a sentence end (``waste.More`` → ``waste.``), before an
    arrow (``More ›``), after a space for "More" and "بیشتر", or glued to a
    lower-case word (``tradeMore``); a plain lower-case "... and more" stays.
    Leftover markup and invisible characters are removed first.
    """
    text = INVISIBLE_RE.sub("", strip_markup(text))
    match = _MORE_TAIL_RE.search(text)
    if not match:
        return text
    head = text[: match.start()]
    if _should_strip(head, match):
        return head.rstrip()
    return text


def _should_strip(head: str, match: re.Match) -> bool:
    word = match["word"]
    before = head.rstrip()
    if not before:
        return True
    arrow = match["arrow"] or ""
    if "»" in arrow and head.count("«") > head.count("»"):
        return False  # a closing quote, not an arrow: «... بیشتر»
    if arrow.strip():
        return True
    if before[-1] in _SENTENCE_END or len(word.split()) > 1:
        return True
    spaced = head != before
    if word.startswith("بیشتر"):
        return spaced
    if word == "More" or word == "MORE":
        return spaced or before[-1].islower()
    return False


def drop_repeated_captions(paragraphs: Iterable[str], captions: Iterable[str]) -> list[str]:
    """The paragraphs minus those that repeat an image caption."""
    seen = {_key(c) for c in captions if c}
    seen.discard("")
    return [p for p in paragraphs if _key(p) not in seen]
