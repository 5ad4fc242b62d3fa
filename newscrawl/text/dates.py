"""Parse the dates of the old site into UTC datetimes.

ISO 8601 (meta tags, JSON-LD, ``<time datetime>``), English visible dates
(``Monday, 07/20/2020 - 10:30``, ``Jul 20, 2020``, ``20 July 2020``),
Persian Jalali dates (``سه‌شنبه ۲۹ تیر ۱۳۹۹ - ۱۴:۳۰``, ``۱۳۹۹/۰۴/۲۹``) and
Arabic Gregorian dates with both month names (``الأحد 18 أكتوبر (تشرين الأول)
2020``, the press review kicker ``الرصد الصحافي ليوم …``, a day as an ordinal
word: ``الثاني من يناير (كانون الثاني)2021``). Times without a zone are
Tehran local time. Regexes and tables, no guessing: anything else, a date
without a year, and relative times ("۵ دقیقه پیش", "منذ ساعتين"), give None.

Words are compared folded (``chars.FOLD``: one form per letter, no
diacritics, ASCII digits), so the tables are written as the site writes
them; Arabic weekday and month names of five letters or more also match with
one typo (a letter missing, extra, wrong or two letters swapped).
"""

import html
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from persiantools.jdatetime import JalaliDate

from .chars import fold, fold_pattern
from .normalize import ascii_digits

TEHRAN = ZoneInfo("Asia/Tehran")
MIN_YEAR, MAX_YEAR = 1990, 2100  # Gregorian years possible on this site
_JALALI_BEFORE = 1700  # a year-first or year-last number below this is Jalali


class ParsedDate(NamedTuple):
    value: datetime  # timezone-aware, UTC
    precision: str  # "date" or "datetime"


JALALI_MONTHS = {  # folded below
    "فروردین": 1,
    "اردیبهشت": 2,
    "خرداد": 3,
    "تیر": 4,
    "مرداد": 5,
    "امرداد": 5,
    "شهریور": 6,
    "مهر": 7,
    "آبان": 8,
    "ابان": 8,
    "آذر": 9,
    "اذر": 9,
    "دی": 10,
    "بهمن": 11,
    "اسفند": 12,
}
GREGORIAN_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
    # Gregorian months as written in Persian.
    "ژانویه": 1,
    "فوریه": 2,
    "مارس": 3,
    "آوریل": 4,
    "اوریل": 4,
    "مه": 5,
    "می": 5,
    "ژوئن": 6,
    "ژوئیه": 7,
    "جولای": 7,
    "اوت": 8,
    "آگوست": 8,
    "اگوست": 8,
    "سپتامبر": 9,
    "اکتبر": 10,
    "نوامبر": 11,
    "دسامبر": 12,
}
JALALI_MONTHS = {fold(k): v for k, v in JALALI_MONTHS.items()}
GREGORIAN_MONTHS = {fold(k): v for k, v in GREGORIAN_MONTHS.items()}

# Arabic: Gregorian month names (as in Egypt and the Gulf, with the spellings
# seen and the Maghreb ones), the Levantine (Syriac) names the site adds in
# brackets, weekdays, and the day as an ordinal word.
ARABIC_MONTHS = {
    "يناير": 1,
    "جانفي": 1,
    "فبراير": 2,
    "فيفري": 2,
    "مارس": 3,
    "أبريل": 4,
    "إبريل": 4,
    "ابريل": 4,
    "أفريل": 4,
    "مايو": 5,
    "ماي": 5,
    "يونيو": 6,
    "يونيه": 6,
    "جوان": 6,
    "يوليو": 7,
    "يوليه": 7,
    "جويلية": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "أوت": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1,
    "شباط": 2,
    "آذار": 3,
    "نيسان": 4,
    "أيار": 5,
    "حزيران": 6,
    "تموز": 7,
    "آب": 8,
    "أيلول": 9,
    "تشرين الأول": 10,
    "تشرين الثاني": 11,
    "كانون الأول": 12,
}
ARABIC_MONTHS = {fold(k): v for k, v in ARABIC_MONTHS.items()}
ARABIC_WEEKDAYS = tuple(
    map(
        fold,
        (
            "الأحد",
            "الاثنين",
            "الإثنين",
            "الثلاثاء",
            "الأربعاء",
            "الخميس",
            "الجمعة",
            "السبت",
        ),
    )
)
_UNITS = ("الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")
ARABIC_ORDINALS = (
    {"الأول": 1, "أول": 1, "العاشر": 10, "العشرين": 20, "العشرون": 20, "الثلاثين": 30}
    | {u: n for n, u in enumerate(_UNITS[1:], start=2)}
    | {f"{u} عشر": n for n, u in enumerate(_UNITS, start=11)}
    | {f"{u} والعشرين": n for n, u in enumerate(_UNITS, start=21)}
    | {"الحادي والثلاثين": 31}
)
ARABIC_ORDINALS = {fold(k): v for k, v in ARABIC_ORDINALS.items()}
_FUZZY_MIN = 5  # letters: shorter names must be spelled right
_EDGE = " -–—|"  # left at an end when the time is cut out


_ISO_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_TIME_RE = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?![\d:])"
    r"(?:\s*(a\.?m\.?|p\.?m\.?|ق\.?\s?ظ\.?|ب\.?\s?ظ\.?)(?!\w))?"
    r"(?:\s*((?:utc|gmt)\s?[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|z|utc|gmt|irst|irdt)(?!\w))?"
)
_OFFSET_RE = re.compile(r"(?:utc|gmt)?\s?([+-])(\d{1,2}):?(\d{2})?")
_LABEL_RE = re.compile(
    fold_pattern(
        r"^(?:published|updated|last updated|posted|date|"
        r"تاریخ انتشار|تاریخ به روز رسانی|تاریخ|انتشار|منتشر شده|به روز رسانی|بروزرسانی|"
        r"الرصد الصحا?في(?: ل?يوم)?|تاريخ النشر|نشر بتاريخ|نشر في|بتاريخ|آخر تحديث)"
        r"(?: on| در)?\s*:?\s*"
    )
)
_WEEKDAY_RE = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b\.?"
    r"|(?:یک|دو|سه|چهار|پنج)? ?شنبه|جمعه"
)
_FILLER_RE = re.compile(r"[,،]|(?:^|(?<=\s))(?:-|–|—|\||at|on|ساعت|در|روز|تاریخ)(?=\s|$)")
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_NAME = r"([^\W\d_]+)\.?(?: ماه)?"
_DATE_RES = (
    ("ymd", re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})")),
    ("xyz", re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")),
    ("dmy", re.compile(rf"(\d{{1,2}}){_ORDINAL} {_MONTH_NAME} (?:سال )?(\d{{4}})")),
    ("mdy", re.compile(rf"{_MONTH_NAME} (\d{{1,2}}){_ORDINAL} (\d{{4}})")),
)

_RELATIVE_RES = tuple(
    re.compile(fold_pattern(p))
    for p in (
        r"\bago$|^(?:just now|now|today|yesterday|tonight|this morning)\b",
        r"(?:ثانیه|دقیقه|ساعت|روز|هفته|ماه|سال|لحظه|لحظات|لحظاتی)\s?(?:پیش|قبل)$",
        r"^(?:دیروز|امروز|پریروز|هم اکنون|همین الان|همین حالا|اکنون|لحظاتی پیش)(?!\w)",
        r"^(?:منذ|قبل) (?:\d+ )?(?:ثانية|ثوان|ثواني|دقيقة|دقيقتين|دقائق|ساعة|ساعتين|ساعات|"
        r"يوم|يومين|أيام|أسبوع|أسبوعين|أسابيع|شهر|شهرين|أشهر|سنة|سنتين|سنوات)(?!\w)",
        r"^(?:أمس|البارحة|اليوم|الآن|قبل قليل|منذ قليل)(?!\w)",
    )
)

# An Arabic date on folded text: [weekday[،]] day [من] month [(other name)] [year] [:].
_AR_WORD = r"[^\W\d_]+"
_AR_DATE_RE = re.compile(
    rf"(?:(?P<weekday>{_AR_WORD})\s*[،,]?\s+)?"
    rf"(?P<day>\d{{1,2}}|{'|'.join(sorted(ARABIC_ORDINALS, key=len, reverse=True))})"
    rf"\s*(?:من\s+)?(?P<month>{_AR_WORD}(?: {_AR_WORD})?)"
    r"\s*(?:\(\s*(?P<alt>[^()]*?)\s*\))?\s*[،,]?\s*(?P<year>\d{4})?\s*[:.]?"
)


def _prepare(raw: str) -> str:
    return " ".join(fold(ascii_digits(html.unescape(raw))).split())


def is_relative(raw: str) -> bool:
    """A relative time such as "۵ دقیقه پیش", "دیروز", "3 hours ago", "just now"."""
    text = _prepare(raw or "")
    return any(r.search(text) for r in _RELATIVE_RES)


def parse_date(raw: str, language: str | None = None) -> ParsedDate | None:
    """Parse an ISO, English or Persian (Jalali) date; None if relative,
    unparsable or impossible for this site. ``language`` is accepted for the
    callers' convenience; the formats recognised are unambiguous without it."""
    text = _prepare(raw or "")
    if not text or any(r.search(text) for r in _RELATIVE_RES):
        return None
    try:
        if match := _ISO_RE.fullmatch(text):
            return _from_iso(match)
        return _from_visible(text)
    except ValueError:  # impossible date, time or offset
        return None


def _from_iso(match: re.Match) -> ParsedDate | None:
    year, month, day, hour, minute, second, zone = match.groups()
    clock = (int(hour), int(minute), int(second or 0)) if hour else None
    return _build(int(year), int(month), int(day), clock, _zone(zone))


def _from_visible(text: str) -> ParsedDate | None:
    clock, zone = None, None
    times = list(_TIME_RE.finditer(text))
    if len(times) > 1:
        return None
    if times:
        match = times[0]
        clock = _clock(*match.group(1, 2, 3, 4))
        if clock is None:
            return None
        zone = _zone(match.group(5))
        text = text[: match.start()] + " " + text[match.end() :]
    text = _LABEL_RE.sub("", text.strip(_EDGE))
    arabic = _arabic_parts(text.strip(_EDGE))
    if arabic is not None:
        day, month, year = arabic
        return _build(year, month, day, clock, zone) if year else None
    text = _WEEKDAY_RE.sub(" ", text)
    text = " ".join(_FILLER_RE.sub(" ", text).split())
    for kind, pattern in _DATE_RES:
        if found := pattern.fullmatch(text):
            return _from_parts(kind, found, clock, zone)
    return None


def missing_year(raw: str) -> bool:
    """An Arabic date with a day and a month but no year (``الخميس 9 يوليو
    (تموز)``): a date, but not one that can be stored."""
    text = _LABEL_RE.sub("", _TIME_RE.sub(" ", _prepare(raw or "")).strip(_EDGE))
    parts = _arabic_parts(text.strip(_EDGE))
    return parts is not None and parts[2] is None


def _arabic_parts(text: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of an Arabic date; None when ``text`` is
    not one (a Persian or English date takes the other paths)."""
    match = _AR_DATE_RE.fullmatch(text)
    if match is None:
        return None
    weekday, day, name, alt, year = match.groups()
    if weekday and _lookup(weekday, dict.fromkeys(ARABIC_WEEKDAYS, 0), "ال") is None:
        return None
    month, other = _lookup(name, ARABIC_MONTHS), _lookup(alt, ARABIC_MONTHS)
    if month is None:
        month = other  # a main name beyond one typo: the bracketed name decides
    if month is None or (other is not None and other != month):
        return None  # no month, or two months that disagree: no guessing
    if year is not None and int(year) < _JALALI_BEFORE:
        return None  # a Jalali year: Persian, not Arabic
    day = int(day) if day.isdigit() else ARABIC_ORDINALS[day]
    return day, month, int(year) if year else None


def _lookup(word: str | None, table: dict, prefix: str = "") -> int | None:
    """The value of ``word`` in ``table``: exact, or the one name (five
    letters or more) that is one typo away; None if none or ambiguous."""
    if not word:
        return None
    for form in (word, prefix + word) if prefix and not word.startswith(prefix) else (word,):
        if form in table:
            return table[form]
    if len(word) < _FUZZY_MIN:
        return None
    found = {v for k, v in table.items() if len(k) >= _FUZZY_MIN and _one_typo(word, k)}
    return found.pop() if len(found) == 1 else None


def _one_typo(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one letter added, dropped, changed, or two
    neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    i = next((i for i, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]


def _from_parts(kind, match, clock, zone) -> ParsedDate | None:
    if kind == "ymd":
        year, _, month, day = match.groups()
        return _build(int(year), int(month), int(day), clock, zone)
    if kind == "xyz":
        first, _, second, year = match.groups()
        year = int(year)
        if year < _JALALI_BEFORE:  # Jalali is written day first
            return _build(year, int(second), int(first), clock, zone)
        return _build(year, int(first), int(second), clock, zone)  # US order
    if kind == "dmy":
        day, name, year = match.groups()
    else:
        name, day, year = match.groups()
    name = name.removesuffix("ماه") if name not in GREGORIAN_MONTHS else name
    if name in JALALI_MONTHS:
        month, jalali = JALALI_MONTHS[name], True
    elif name in GREGORIAN_MONTHS:
        month, jalali = GREGORIAN_MONTHS[name], False
    else:
        return None
    year = int(year)
    if jalali != (year < _JALALI_BEFORE):
        return None
    return _build(year, month, int(day), clock, zone)


def _clock(hour, minute, second, meridiem):
    hour, minute, second = int(hour), int(minute), int(second or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        afternoon = meridiem[0] in "pب"
        hour = hour % 12 + (12 if afternoon else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _zone(text: str | None):
    """A tzinfo for "z", "utc", "+04:30", "gmt+3"; None means Tehran."""
    if not text or text in ("irst", "irdt"):
        return None
    if text in ("z", "utc", "gmt"):
        return UTC
    match = _OFFSET_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an offset: {text!r}")
    sign = -1 if match[1] == "-" else 1
    offset = timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
    return timezone(sign * offset)  # ValueError beyond ±24h


def _build(year, month, day, clock, zone) -> ParsedDate | None:
    """The local date (Jalali when the year is small) and time as UTC."""
    try:
        if year < _JALALI_BEFORE:
            day_ = JalaliDate(year, month, day).to_gregorian()
        else:
            day_ = date(year, month, day)
    except (ValueError, OverflowError):  # month 13, 30 Esfand in a common year...
        return None
    if not MIN_YEAR <= day_.year <= MAX_YEAR:
        return None
    hour, minute, second = clock or (0, 0, 0)
    local = datetime(day_.year, day_.month, day_.day, hour, minute, second, tzinfo=zone or TEHRAN)
    return ParsedDate(local.astimezone(UTC), "datetime" if clock else "date")
