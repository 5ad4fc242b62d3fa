"""Date parsing: ISO, English, Persian (Jalali) and Arabic dates to UTC."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.text.dates import ParsedDate, is_relative, missing_year, parse_date


def utc(*args):
    return datetime(*args, tzinfo=UTC)


D, DT = "date", "datetime"

# (raw, language, expected UTC datetime, precision)
PARSE_CASES = [
    # ISO 8601 (meta tags, JSON-LD, <time datetime>).
    ("2020-07-20T10:30:00+04:30", None, utc(2020, 7, 20, 6, 0), DT),
    ("2020-07-20T06:00:00Z", None, utc(2020, 7, 20, 6, 0), DT),
    ("2020-07-20T06:00:00.000Z", None, utc(2020, 7, 20, 6, 0), DT),
    ("2020-07-20T10:30:00+0430", None, utc(2020, 7, 20, 6, 0), DT),
    ("2020-07-20 10:30:00", None, utc(2020, 7, 20, 6, 0), DT),  # naive: Tehran, summer +04:30
    ("2020-01-05 10:30", None, utc(2020, 1, 5, 7, 0), DT),  # Tehran winter +03:30
    ("2023-06-22T10:30:00", None, utc(2023, 6, 22, 7, 0), DT),  # no DST after 2022
    ("2020-07-20", None, utc(2020, 7, 19, 19, 30), D),
    ("  2020-07-20T06:00:00Z\n", None, utc(2020, 7, 20, 6, 0), DT),
    # English visible dates.
    ("Monday, 07/20/2020 - 10:30", "en", utc(2020, 7, 20, 6, 0), DT),
    ("07/20/2020", "en", utc(2020, 7, 19, 19, 30), D),
    ("Jul 20, 2020", "en", utc(2020, 7, 19, 19, 30), D),
    ("July 20, 2020 10:30", "en", utc(2020, 7, 20, 6, 0), DT),
    ("20 July 2020", "en", utc(2020, 7, 19, 19, 30), D),
    ("Monday 20 July 2020", "en", utc(2020, 7, 19, 19, 30), D),
    ("Sept. 3, 2019", "en", utc(2019, 9, 2, 19, 30), D),
    ("July 20, 2020 2:30 pm", "en", utc(2020, 7, 20, 10, 0), DT),
    ("Mon, 20 Jul 2020 10:30:00 +0000", "en", utc(2020, 7, 20, 10, 30), DT),
    ("July 20, 2020 10:30 GMT", "en", utc(2020, 7, 20, 10, 30), DT),
    ("July 20, 2020 10:30 GMT+3", "en", utc(2020, 7, 20, 7, 30), DT),
    ("July 20, 2020 10:30 IRDT", "en", utc(2020, 7, 20, 6, 0), DT),
    # Persian (Jalali) visible dates.
    ("۲۹ تیر ۱۳۹۹", "fa", utc(2020, 7, 18, 19, 30), D),  # Sunday 19 July 2020, Tehran
    ("۱۳۹۹/۰۴/۲۹", "fa", utc(2020, 7, 18, 19, 30), D),
    ("۱۳۹۹-۰۴-۲۹", "fa", utc(2020, 7, 18, 19, 30), D),
    ("1399/4/29", "fa", utc(2020, 7, 18, 19, 30), D),
    ("٢٩ تير ١٣٩٩", "fa", utc(2020, 7, 18, 19, 30), D),
    ("یکشنبه ۲۹ تیر ۱۳۹۹", "fa", utc(2020, 7, 18, 19, 30), D),
    ("سه‌شنبه ۳۱ تیر ۱۳۹۹ - ۱۴:۳۰", "fa", utc(2020, 7, 21, 10, 0), DT),
    ("سه شنبه ۳۱ تیر ۱۳۹۹ - ۱۴:۳۰", "fa", utc(2020, 7, 21, 10, 0), DT),
    ("سهشنبه ۳۱ تیر ۱۳۹۹ ساعت ۱۴:۳۰", "fa", utc(2020, 7, 21, 10, 0), DT),
    ("پنجشنبه ۲ اردیبهشت ۱۴۰۰", "fa", utc(2021, 4, 21, 19, 30), D),
    ("پنج‌شنبه ۲ ارديبهشت ۱۴۰۰ - ۰۹:۱۵", "fa", utc(2021, 4, 22, 4, 45), DT),
    ("۱۵ دي ۱۳۹۸", "fa", utc(2020, 1, 4, 20, 30), D),
    ("۲۹ تیرماه ۱۳۹۹", "fa", utc(2020, 7, 18, 19, 30), D),
    ("۱۴:۳۰ - ۱۳۹۹/۰۴/۲۹", "fa", utc(2020, 7, 19, 10, 0), DT),
    ("۱ تیر ۱۴۰۲", "fa", utc(2023, 6, 21, 20, 30), D),
    ("۳۰ اسفند ۱۳۹۹", "fa", utc(2021, 3, 19, 20, 30), D),  # 1399 is a leap year
    ("۲۰ ژوئیه ۲۰۲۰", "fa", utc(2020, 7, 19, 19, 30), D),
    ("1399-04-29T14:30:00", "fa", utc(2020, 7, 19, 10, 0), DT),
    # Labels in front.
    ("Published: July 20, 2020", "en", utc(2020, 7, 19, 19, 30), D),
    ("Updated on 07/20/2020 - 10:30", "en", utc(2020, 7, 20, 6, 0), DT),
    ("تاریخ انتشار: ۲۹ تیر ۱۳۹۹", "fa", utc(2020, 7, 18, 19, 30), D),
    # Arabic: Gregorian dates with the Levantine month in brackets (Tehran midnight).
    ("الأحد 18 أكتوبر (تشرين الأول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الأحد، 18 أكتوبر (تشرين الأول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الأحد 18 أكتوبر (تشرين الأول) 2020:", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الأحد 18 أكتوبر ( تشرين الأول ) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("18 أكتوبر (تشرين الأول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("السبت 24 يوليو 2021", "ar", utc(2021, 7, 23, 19, 30), D),
    ("24 يوليو 2021", "ar", utc(2021, 7, 23, 19, 30), D),
    ("الثاني من يناير (كانون الثاني)2021", "ar", utc(2021, 1, 1, 20, 30), D),
    ("الأول من مارس (آذار) 2020", "ar", utc(2020, 2, 29, 20, 30), D),
    ("الحادي عشر من فبراير (شباط) 2019", "ar", utc(2019, 2, 10, 20, 30), D),
    ("الحادي والعشرين من يونيو (حزيران) 2020", "ar", utc(2020, 6, 20, 19, 30), D),
    ("الثلاثين من أبريل 2020", "ar", utc(2020, 4, 29, 19, 30), D),
    ("الأربعاء ١٥ يوليو (تموز) ٢٠٢٠", "ar", utc(2020, 7, 14, 19, 30), D),
    ("الأربعاء ۱۵ يوليو (تموز) ۲۰۲۰", "ar", utc(2020, 7, 14, 19, 30), D),
    ("الأربعاء 15 يوليو (تموز) 2020 - 14:30", "ar", utc(2020, 7, 15, 10, 0), DT),
    ("18 تشرين الأول (أكتوبر) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("1 آب (أغسطس) 2020", "ar", utc(2020, 7, 31, 19, 30), D),
    ("3 أيار 2021", "ar", utc(2021, 5, 2, 19, 30), D),
    ("السَّبت 24 يُوليو 2021", "ar", utc(2021, 7, 23, 19, 30), D),  # tashkeel
    # The daily press review's kicker line.
    ("الرصد الصحافي ليوم الأحد 18 أكتوبر (تشرين الأول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الرصد الصحافي ليوم الأحد 18 أكتوبر (تشرين الأول) 2020:", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الرصد الصحفي ليوم السبت 24 يوليو 2021", "ar", utc(2021, 7, 23, 19, 30), D),
    ("الرصد الصحافي ليوم الثاني من يناير (كانون الثاني)2021", "ar", utc(2021, 1, 1, 20, 30), D),
    # Typos in weekday and month names (one letter added, dropped, wrong or swapped).
    ("الاربعاء 15 يوليو (تموز) 2020", "ar", utc(2020, 7, 14, 19, 30), D),
    ("الأربعا 22 يوليو (تموز) 2020", "ar", utc(2020, 7, 21, 19, 30), D),
    ("الخمبس 16 يوليو 2020", "ar", utc(2020, 7, 15, 19, 30), D),
    ("الاثنيين 20 يوليو 2020", "ar", utc(2020, 7, 19, 19, 30), D),
    ("الإتنين 20 يوليو 2020", "ar", utc(2020, 7, 19, 19, 30), D),
    ("الجمعه 17 يوليو 2020", "ar", utc(2020, 7, 16, 19, 30), D),
    ("الأحد 18 أكتوير 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("الأحد 18 اكتوبر 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("9 نوفمير 2020", "ar", utc(2020, 11, 8, 20, 30), D),
    ("9 سبتمير 2020", "ar", utc(2020, 9, 8, 19, 30), D),
    ("9 ديسبمر 2020", "ar", utc(2020, 12, 8, 20, 30), D),
    ("9 ينياير (كانون الثاني) 2021", "ar", utc(2021, 1, 8, 20, 30), D),
    ("22 يوليو (تمور) 2020", "ar", utc(2020, 7, 21, 19, 30), D),  # bracket unreadable
    ("18 أكتبور (تشرين الأول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("18 أكتوبر (تشرين الاول) 2020", "ar", utc(2020, 10, 17, 20, 30), D),
    ("18 تشرين (أكتوبر) 2020", "ar", utc(2020, 10, 17, 20, 30), D),  # the bracket decides
]

MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]


@pytest.mark.parametrize("raw, language, expected, precision", PARSE_CASES)
def test_parse_date(raw, language, expected, precision):
    parsed = parse_date(raw, language)
    assert parsed == ParsedDate(expected, precision)
    assert parsed.value.tzinfo is UTC


@pytest.mark.parametrize("number, name", list(enumerate(MONTHS, start=1)))
def test_every_jalali_month(number, name):
    by_name = parse_date(f"۱ {name} ۱۴۰۰", "fa")
    by_number = parse_date(f"1400/{number:02d}/01", "fa")
    assert by_name is not None and by_name == by_number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "not a date",
        "2020-13-01",
        "13/01/2020",
        "02/30/2020",
        "1399/13/01",
        "۳۱ مهر ۱۳۹۹",  # Mehr has 30 days
        "۳۰ اسفند ۱۴۰۰",  # 1400 is not a leap year
        "۱ تیر ۱۲۰۰",
        "1200/01/01",
        "1989-12-31",
        "2101-01-01",
        "July 20, 1985",
        "۲۹ تیر ۲۰۲۰",  # Jalali month with a Gregorian year
        "20 July 1399",  # and the other way round
        "July 20, 2020 25:00",
        "2020-07-20T10:30:00+25:00",
        "10:30 11:30 July 20, 2020",
        "۲ ساعت ۴۴ دقیقه پیش",
        "3 hours ago",
        "yesterday",
        "Foo 20, 2020",
        "Published 07/20/2020, updated 07/21/2020",  # two dates: no guessing
        "20/07/2020",  # not month/day/year
        # Arabic: no year, two months that disagree, no month, no weekday, Jalali years.
        "الخميس 9 يوليو ( تموز)",
        "الأربعاء 15 يوليو (تموز)",
        "الرصد الصحافي ليوم الخميس 9 يوليو (تموز)",
        "18 أكتوبر (تشرين الثاني) 2020",
        "18 فلان (علان) 2020",
        "18 فلان 2020",
        "قال 18 أكتوبر 2020",
        "31 فبراير 2020",
        "الأحد 18 أكتوبر 1399",
        "۱ آذار ۱۳۹۹",
        "الثاني والثلاثين من يناير 2021",
        "منذ ساعتين",
        "أمس",
    ],
)
def test_parse_date_rejects(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("۲ ساعت ۴۴ دقیقه پیش", True),
        ("۵ دقیقه پیش", True),
        ("5 دقیقه قبل", True),
        ("دیروز", True),
        ("ديروز ۱۴:۳۰", True),
        ("لحظاتی پیش", True),
        ("3 hours ago", True),
        ("an hour ago", True),
        ("Yesterday", True),
        ("just now", True),
        ("Today, 10:30", True),
        ("۲۹ تیر ۱۳۹۹", False),
        ("July 20, 2020", False),
        ("2020-07-20T06:00:00Z", False),
        ("November 3, 2020", False),
        ("منذ ساعتين", True),
        ("منذ 5 دقائق", True),
        ("قبل 3 أيام", True),
        ("أمس", True),
        ("الآن", True),
        ("الأحد 18 أكتوبر 2020", False),
        ("الرصد الصحافي ليوم الأحد 18 أكتوبر 2020", False),
    ],
)
def test_is_relative(raw, expected):
    assert is_relative(raw) is expected


ARABIC_MONTH_NAMES = [
    ("يناير", "كانون الثاني"),
    ("فبراير", "شباط"),
    ("مارس", "آذار"),
    ("أبريل", "نيسان"),
    ("مايو", "أيار"),
    ("يونيو", "حزيران"),
    ("يوليو", "تموز"),
    ("أغسطس", "آب"),
    ("سبتمبر", "أيلول"),
    ("أكتوبر", "تشرين الأول"),
    ("نوفمبر", "تشرين الثاني"),
    ("ديسمبر", "كانون الأول"),
]


@pytest.mark.parametrize("number, names", list(enumerate(ARABIC_MONTH_NAMES, start=1)))
def test_every_arabic_month(number, names):
    gregorian, levantine = names
    expected = parse_date(f"2020-{number:02d}-01")
    assert parse_date(f"1 {gregorian} ({levantine}) 2020", "ar") == expected
    assert parse_date(f"1 {gregorian} 2020", "ar") == expected
    assert parse_date(f"1 {levantine} 2020", "ar") == expected
    assert parse_date(f"١ {levantine} ({gregorian}) ٢٠٢٠", "ar") == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("الخميس 9 يوليو ( تموز)", True),
        ("الرصد الصحافي ليوم الأربعاء 15 يوليو (تموز):", True),
        ("9 يوليو", True),
        ("الخميس 9 يوليو (تموز) 2020", False),
        ("9 فلان", False),
        ("۲۹ تیر", False),
        ("July 9", False),
        ("", False),
    ],
)
def test_missing_year(raw, expected):
    assert missing_year(raw) is expected


DATEISH = st.lists(
    st.sampled_from(
        [
            "2020",
            "1399",
            "07",
            "20",
            "29",
            "-",
            "/",
            ":",
            " ",
            "T",
            "Z",
            "+04:30",
            "10:30",
            "pm",
            "July",
            "تیر",
            "دي",
            "سه‌شنبه",
            "ساعت",
            "۱۴",
            "٢٩",
            "پیش",
            ",",
            "GMT+3",
            "at",
            "الأحد",
            "أكتوبر",
            "(",
            ")",
            "تشرين الأول",
            "الثاني",
            "من",
            "الرصد الصحافي ليوم",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(), DATEISH))
def test_parse_date_never_raises(raw):
    parsed = parse_date(raw)
    assert parsed is None or (
        parsed.value.tzinfo is UTC
        and parsed.precision in ("date", "datetime")
        and 1989 <= parsed.value.year <= 2100
    )
    assert is_relative(raw) in (True, False)
    assert missing_year(raw) in (True, False)
