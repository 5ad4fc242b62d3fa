"""No stored string holds a control, surrogate or invisible format character."""

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.text.sanitize import INVISIBLE_FORMAT, sanitize, sanitize_value

ZWNJ, ZWJ = "\u200c", "\u200d"
# Format characters that are visible marks (prepended concatenation marks).
VISIBLE_FORMAT = set(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)


def allowed(char: str, lines: bool) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return lines and char == "\n"
    if category == "Cf":
        return char in (ZWNJ, ZWJ) or char in VISIBLE_FORMAT
    if category == "Cs" or char in "\u2028\u2029\ufffe\uffff":
        return False
    return not ("\ufdd0" <= char <= "\ufdef")


def test_the_format_table_is_every_invisible_format_character():
    pattern = re.compile(f"[{INVISIBLE_FORMAT}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cf" and char not in VISIBLE_FORMAT | {ZWNJ, ZWJ}:
            assert pattern.match(char), f"U+{code:04X}"
        elif pattern.match(char):
            assert unicodedata.category(char) in ("Cf", "Cn"), f"U+{code:04X}"


# (input, expected), for a one-line field.
CASES = [
    ("plain text", "plain text"),
    ("a\x00b\x01c\x08d\x0ee\x1bf\x7fg", "abcdefg"),
    ("a\x80b\x9fc", "abc"),
    ("tab\there\r\nline\x0bv\x0cf\x1cs\x85n\u2028l\u2029p", "tab here  line v f s n l p"),
    ("\ud800lone\udc00", "lone"),
    ("pair \ud83d\ude00", "pair \U0001f600"),
    ("hidden\U000e0001\U000e0068\U000e0069\U000e007f text", "hidden text"),
    ("f\u2061(x)\u2062y\u2063z\u2064", "f(x)yz"),
    ("mongolian\u180evowel", "mongolianvowel"),
    ("soft\u00adhyphen\u200bzw\ufeffbom\u2060wj\u202eltr\u2066iso", "softhyphenzwbomwjltriso"),
    ("non\ufdd0char\ufffe\uffff", "nonchar"),
    ("&#1;a&#27;b&#127;c&#x1B;d&#X7f;e&#0;f&#00000001;g", "abcdefg"),
    ("&#917505;tag&#x2061;op&#xd800;sur&#1114112;big", "tagopsurbig"),
    ("keep &#1575; &#x627; &#169; &amp; &#10; &#9;", "keep &#1575; &#x627; &#169; &amp;  "),
    ("json \\u0000 \\u0007 \\u001b \\u007f \\u009f \\udb40\\udc41 \\u2061", "json       "),
    ("keep \\u0627 \\n \\t \\u00e9", "keep \\u0627 \\n \\t \\u00e9"),
    ("&#&#1;1;", ""),  # escapes inside escapes
    ("&#" * 6 + "1;" * 6, "& #& #1;1;"),  # nested deeper than the rounds: broken apart
    ("&#" * 6 + "1;" * 6 + " &#1575;", "& #& #1;1; & #1575;"),
    ("کتاب\u200cها و نمی\u200cخواهم", "کتاب\u200cها و نمی\u200cخواهم"),
    ("\u200cedge\u200c and \u200c lone \u200d", "edge and  lone "),
    ("a\u200c\u200c\u200cb", "a\u200cb"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
    ("\u0600١٢٣ \u06dd", "\u0600١٢٣ \u06dd"),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_sanitize(text, expected):
    assert sanitize(text) == expected
    assert sanitize(expected) == expected


def test_lines_and_urls():
    assert sanitize("one\n\ntwo\tthree\r", lines=True) == "one\n\ntwo three "
    assert sanitize("http://x.test/a\tb\nc\x00d\u200be", url=True) == "http://x.test/abcde"


def test_every_field_of_any_shape():
    item = {
        "title": "t\x00",
        "body": "p1\x07\n\np2",
        "tags": ["a\u2063", "b"],
        "image_urls": ("http://x.test/\x01i.jpg",),
        "poster_url": "http://x.test/p\t.jpg",
        "videos": [{"url": "http://x.test/\u200bv", "caption": "c\U000e0041"}],
        "published_at": None,
        "count": 3,
    }
    clean = {k: sanitize_value(v, k) for k, v in item.items()}
    assert clean == {
        "title": "t",
        "body": "p1\n\np2",
        "tags": ["a", "b"],
        "image_urls": ("http://x.test/i.jpg",),
        "poster_url": "http://x.test/p.jpg",
        "videos": [{"url": "http://x.test/v", "caption": "c"}],
        "published_at": None,
        "count": 3,
    }


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)
ESCAPES = st.lists(
    st.sampled_from(
        [
            "&#1;",
            "&#x1b;",
            "&#",
            "1;",
            "\\u0000",
            "\\u",
            "0007",
            "\\udb40",
            "\u200c",
            "\u200d",
            " ",
            "a",
            "ک",
            "\n",
            "\ud800",
            "\udc00",
            "\U000e0041",
            "\u2061",
            "&#917505;",
            ";",
        ]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(ANY_TEXT, ESCAPES), st.booleans(), st.booleans())
def test_nothing_forbidden_survives(text, lines, url):
    clean = sanitize(text, lines=lines, url=url)
    assert all(allowed(c, lines and not url) for c in clean), ascii(clean)
    assert sanitize(clean, lines=lines, url=url) == clean
    clean.encode("utf-8")  # no lone surrogate: always encodable


@settings(max_examples=1000, deadline=None)
@given(st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs"))))
def test_clean_text_is_unchanged(text):
    text = text.replace("&#", "").replace("\\u", "")
    assert sanitize(text) == text


JOINER_TEXT = st.lists(
    st.sampled_from(["a", "ی", " ", "\n", "\u00a0", ZWNJ, ZWJ, "\U0001f600"]), max_size=12
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(JOINER_TEXT)
def test_the_odd_joiner_search_finds_what_the_two_joiner_rules_would_change(text):
    module = sys.modules["newscrawl.text.sanitize"]

    found = module._ODD_JOINER_RE.search(text) is not None
    assert found == bool(module._LONE_JOINER_RE.search(text) or module._JOINER_RUN_RE.search(text))


@settings(max_examples=2000, deadline=None)
@given(st.one_of(ANY_TEXT, st.text()), st.booleans())
def test_the_fast_pre_check_answers_as_the_exact_class(text, lines):
    module = sys.modules["newscrawl.text.sanitize"]

    exact = module._FORBIDDEN_NOT_LF_RE if lines else module._FORBIDDEN_CHAR_RE
    assert module._holds(exact, text) == (exact.search(text) is not None)
