"""Page furniture: paragraphs that belong to the page, not the article."""

import re
from collections.abc import Iterable

from .chars import INVISIBLE_RE, fold, fold_pattern
from .markup import strip_markup

# Comparison key: ``chars.FOLD`` (one letter form, no diacritics or invisible
# characters, ZWNJ as a space, ASCII digits), lower case, single spaces, no
# punctuation at either end. The vocabularies below are written as the site
# writes them and folded the same way when this module is loaded.
_KEY_EDGE = " .:;,!?؟،؛-–—|/\\›‹»«<>…*•·\"'“”‘’()[]"
_SPACE_RE = re.compile(r"\s{2,}|[^\S ]")  # a space other than one plain space

_SHORT = 300  # characters; the banner is about 120
# Longer than any furniture even before folding (which drops diacritics, at
# most two or three marks a letter): a paragraph this long is prose.
_LONGEST = 4 * _SHORT


def _fold_words(words: str) -> frozenset[str]:
    return frozenset(fold(words).split())


# The old-site banner, English, Persian and Arabic, whole or one of its two
# sentences (the Arabic one: "تشاهد صفحة من الموقع القديم لـ Iran International
# لم تعد محدثة. قم بزيارة iranintl.com لعرض الموقع الجديد.").
_BANNER_RES = tuple(
    re.compile(fold_pattern(p))
    for p in (
        r"\bold site of iran ?international\b",
        r"^you see a page from the old site\b",
        r"^visit\b.{0,60}\bto view the new site$",
        "سایت ?قدیمی ?(?:ایران ?)?(?:ای|ا)نتر ?نشنال",
        "^برای (?:دیدن|مشاهده) (?:سایت|وبسایت|وب سایت) جدید.{0,40}$",
        r"الموقع القديم ?(?:ل|لـ) ?(?:iran ?international|إيران ?إنترناشونال|ایران ?اینترنشنال)",
        r"^تشاهد صفحة من الموقع القديم\b",
        r"^(?:قم ب)?زيارة\b.{0,60}\bلعرض الموقع الجديد$",
    )
)

# Share buttons: a paragraph made only of these words, at least one strong.
_SHARE_STRONG = _fold_words(
    "share sharing facebook twitter telegram whatsapp linkedin instagram reddit "
    "اشتراک اشتراکگذاری فیسبوک توییتر توئیتر تلگرام واتساپ واتس اینستاگرام لینکدین "
    "شارك شاركوا مشاركة المشاركة فيسبوك تويتر تلغرام تليغرام تيليغرام واتساب واتسآب "
    "إنستغرام انستغرام لينكدإن لينكد"
)
_SHARE_WEAK = _fold_words(
    "this on via with to the article story post page email e-mail print copy link url x "
    "اپ گذاری بگذارید به در این مطلب را صفحه ایمیل چاپ کپی لینک پیوند فیس بوک "
    "هذا هذه هذا على عبر في مع المقال الخبر الموضوع الصفحة البريد الإلكتروني "
    "إيميل طباعة اطبع نسخ انسخ الرابط رابط فيس بوك إن آب اب"
)
_SHARE_WORD_RE = re.compile(r"[^\s,:;|/•·،؛]+")  # between spaces and separators
_SHARE_MAX_WORDS = 12

_LABELS = frozenset(
    map(
        fold,
        (
            "iran in brief",
            "ایران در یک نگاه",
            "more",
            "read more",
            "بیشتر",
            "بیشتر بخوانید",
            "ادامه مطلب",
            "المزيد",
            "اقرأ المزيد",
            "اقرأ أيضا",
            "اقرأ أيضاً",
            "للمزيد",
            "المزيد من الأخبار",
        ),
    )
)

# A trailing "More" link on brief items: "waste.More", "... More ›", "... بیشتر",
# "... المزيد".
_MORE_TAIL_RE = re.compile(
    r"(?P<word>read\s+more|more|بیشتر(?:\s+بخوانید)?|ادامه\s+مطلب"
    r"|(?:اقرأ\s+|اقرا\s+)?المزيد|للمزيد)"
    r"(?P<arrow>\s*[›>»]+)?(?:\s*(?:\.{1,3}|…))?\s*$",
    re.I,
)
_SPACED_ONLY = ("بیشتر", "المزيد", "للمزيد")  # stripped only after a space or a sentence end
_SENTENCE_END = ".!?؟…\"'”’»):]"


def _key(text: str) -> str:
    return _SPACE_RE.sub(" ", fold(text)).strip(_KEY_EDGE)


def is_furniture(paragraph: str, language: str) -> bool:
    """True for the old-site banner, share buttons, the "Iran in Brief"
    heading, a lone "More" link, and an empty (or punctuation-only) paragraph,
    in any of the three languages (``language`` is accepted for the callers'
    convenience: one language's furniture never reads as another's prose)."""
    if len(paragraph or "") > _LONGEST:
        return False  # an article's paragraph: no need to fold it to know
    key = _key(paragraph or "")
    if not key or key in _LABELS:
        return True
    if len(key) <= _SHORT and any(r.search(key) for r in _BANNER_RES):
        return True
    return _is_share(key)


def _is_share(key: str) -> bool:
    """At most ``_SHARE_MAX_WORDS`` words, each a share word, one a strong
    one (read up to the first that is not: prose stops at its first word)."""
    strong = False
    for count, match in enumerate(_SHARE_WORD_RE.finditer(key), 1):
        word = match.group()
        if count > _SHARE_MAX_WORDS or not (word in _SHARE_STRONG or word in _SHARE_WEAK):
            return False
        strong = strong or word in _SHARE_STRONG
    return strong


def strip_trailing_more(text: str) -> str:
    """Remove a trailing "More" / "Read more" / "بیشتر" / "المزيد" link from a brief item.

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
    if word.startswith(_SPACED_ONLY):
        return spaced
    if word == "More" or word == "MORE":
        return spaced or before[-1].islower()
    return False


def drop_repeated_captions(paragraphs: Iterable[str], captions: Iterable[str]) -> list[str]:
    """The paragraphs minus those that repeat an image caption."""
    seen = {_key(c) for c in captions if c}
    seen.discard("")
    if not seen:
        return list(paragraphs)
    longest = max(map(len, seen))
    # A paragraph much longer than every caption cannot fold into one of them.
    return [p for p in paragraphs if len(p) > 4 * longest or _key(p) not in seen]
