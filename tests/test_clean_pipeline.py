"""CleanTextPipeline in-process: each language's rules, the body as paragraphs,
list fields de-duplicated once, and no control character in any field."""

import unicodedata

import pytest

from newscrawl.items import ArticleItem
from newscrawl.pipelines.clean import CleanTextPipeline


def clean(**fields):
    base = {
        "url": "http://x.test/a",
        "language": "en",
        "kind": "article",
        "title": "T",
        "body": ["B"],
    }
    return CleanTextPipeline().process_item({**base, **fields})


def test_body_as_paragraphs_or_as_a_string():
    paragraphs = ["<p>First&nbsp;one.</p>", "  ", "Share this:", "Second\n one."]
    as_list = clean(body=paragraphs)
    as_string = clean(body="\n\n".join(paragraphs))
    assert as_list["body"] == as_string["body"] == "First one.\n\nSecond one."
    assert as_list["search_text"] == "t\nfirst one.\nsecond one."


def test_a_scrapy_item_gets_every_text_field():
    item = ArticleItem(
        url="http://x.test/a",
        language="fa",
        kind="article",
        title="علي",
        body=["كتاب"],
        tags=["كتاب", "کتاب", ""],
        authors=None,
    )
    CleanTextPipeline().process_item(item)
    assert item["title"] == "علی" and item["body"] == "کتاب" and item["tags"] == ["کتاب"]
    assert item["summary"] is None and item["section"] is None and item["authors"] == []


@pytest.mark.parametrize(
    "language, title, tags",
    [
        ("ar", "علي وكتاب ١٢", ["كتاب", "کتاب"]),  # Arabic: as written, two spellings
        ("fa", "علی وکتاب ۱۲", ["کتاب"]),  # Persian: one spelling
        ("en", "علي وكتاب ١٢", ["كتاب", "کتاب"]),  # English: no script rules
        ("xx", "علي وكتاب ١٢", ["كتاب", "کتاب"]),  # unknown: the neutral rules only
    ],
)
def test_each_language_gets_its_own_rules(language, title, tags):
    item = clean(language=language, title="علي وك\u0640تاب ١٢", tags=["كتاب", "کتاب", "كتاب"])
    assert item["title"] == title and item["tags"] == tags
    assert "12" in item["search_text"]


def test_lists_are_deduplicated_after_normalization():
    item = clean(
        tags=["Iran", " Iran ", "Iran&nbsp;", "Iraq", None, ""],
        authors=["Kian Rahimi", "Kian\u00a0Rahimi", "Nadia Farahani"],
        image_urls=["http://x.test/a.jpg", "http://x.test/a.jpg", "http://x.test/a.jpg\x00", ""],
        video_urls=["http://x.test/v", "http://x.test/v"],
    )
    assert item["tags"] == ["Iran", "Iraq"]
    assert item["authors"] == ["Kian Rahimi", "Nadia Farahani"]
    assert item["image_urls"] == ["http://x.test/a.jpg"]
    assert item["video_urls"] == ["http://x.test/v"]


def test_arabic_brief_loses_its_trailing_more():
    item = clean(language="ar", kind="brief", body=["أول خبر.", "نص الخبر الثاني.المزيد"])
    assert item["body"] == "أول خبر.\n\nنص الخبر الثاني."


HOSTILE = "\x00\x01\x1b\x7f\x85\x9f\ud800\U000e0041\u2061\u2062\u2063\u2064\u180e\u200b\ufeff"


def forbidden(value) -> list[str]:
    """Control, surrogate and invisible format characters left in a value."""
    if isinstance(value, str):
        return [
            c
            for c in value
            if unicodedata.category(c) in ("Cc", "Cs", "Cf") and c not in "\n\u200c\u200d"
        ]
    if isinstance(value, (list, tuple)):
        return [c for v in value for c in forbidden(v)]
    return []


def test_no_field_keeps_a_control_or_invisible_character():
    dirty = {
        "url": f"http://x.test/a{HOSTILE}",
        "language": "fa",
        "kind": "article",
        "title": f"عنوان{HOSTILE} &#1;&#27;&#127; \\u0000",
        "body": [f"پاراگراف{HOSTILE}"],
        "summary": f"s{HOSTILE}",
        "section": f"سیاست{HOSTILE}",
        "tags": [f"t{HOSTILE}"],
        "authors": [f"a{HOSTILE}"],
        "published_raw": f"۲۹ تیر{HOSTILE} ۱۳۹۹ &#7; \\u0007",
        "image_urls": [f"http://x.test/i{HOSTILE}.jpg"],
        "captions": [f"c{HOSTILE}"],
        "video_urls": [f"http://x.test/v{HOSTILE}"],
        "poster_url": f"http://x.test/p{HOSTILE}",
        "video_captions": [f"vc{HOSTILE}"],
        "source": "live",
        "capture_timestamp": None,
    }
    item = clean(**dirty)
    for name, value in item.items():
        assert forbidden(value) == [], name
        assert "&#1;" not in str(value) and "\\u000" not in str(value), name
    assert item["title"] == "عنوان"
    assert item["published_raw"] == "۲۹ تیر  ۱۳۹۹  "  # NEL is a space; DatesPipeline collapses them
    assert item["poster_url"] == "http://x.test/p"
    assert item["image_urls"] == ["http://x.test/i.jpg"]


def test_a_title_escaped_250000_times_is_cleaned_in_one_pass():
    levels = 250_000
    title = "&" + "amp;" * levels + "quot;Title&amp;quot; &" + "amp;" * levels + "lt;b&gt;x"
    assert len(title) > 2_000_000
    item = clean(title=title, body=["&" + "amp;" * levels + "nbsp;Body"])
    assert item["title"] == '"Title" x'
    assert item["body"] == "Body"


def test_openings_that_never_close_are_read_once():
    title = "<script>" * 20_000 + "<!--" * 20_000 + "<template x=1>" * 20_000 + "Title"
    item = clean(title=title, body=["<style>a</style>" * 20_000 + "Body<style>"])
    assert item["title"] == title  # no block: the text as it was
    assert item["body"] == "Body<style>"
