"""Hostile metadata and markup, in-process (issue #14, classes 1, 3, 9 and 11):
extract() never raises, a value of the wrong type is ignored and counted,
every field is plain text, parsed JSON-LD goes with its page, and markup
nested past the parser's depth gives the right body or none."""

import gc
import json
import logging
import weakref

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.extract import extract
from newscrawl.extract.deep import flatten
from newscrawl.extract.metadata import jsonld
from tests.test_extract import FULL, drupal_page, response, story_page

BODY = "".join(f"<p>{p}</p>" for p in FULL)


def ld_page(data, page=drupal_page):
    text = data if isinstance(data, str) else json.dumps(data)
    head = f'<script type="application/ld+json">{text.replace("</", "<" + chr(92) + "/")}</script>'
    return page(BODY, head=head) if page is drupal_page else page(FULL, head=head)


ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle"}


# ------------------------------------------------------- class 1: any JSON shape
@pytest.mark.parametrize(
    "values, ignored",
    [
        ({"articleBody": {"@type": "Text", "text": "x"}}, 1),
        ({"articleBody": ["A string part.", {"x": 1}, 42, None]}, 1),
        ({"headline": [{"x": 1}, 7]}, 1),
        ({"image": {"@type": "ImageObject", "url": {"x": 1}}}, 1),
        ({"articleSection": {"name": "World"}, "keywords": {"a": "b"}}, 2),
        ({"datePublished": 1593590400}, 1),
        ({"author": [{"name": {"x": 1}}, 5, "Ali"]}, 2),
        ({"@type": {"x": 1}}, 0),
    ],
)
def test_a_value_of_the_wrong_type_is_ignored_and_counted(values, ignored):
    crawler = get_crawler()
    crawler.stats.open_spider()
    fields = extract(response(ld_page({**ARTICLE, **values})), crawler.stats)
    assert crawler.stats.get_value("extract/metadata_ignored", 0) == ignored
    assert fields["title"] == "Parliament passes budget"
    assert fields["published_raw"] == "Sunday, 03/01/2020 - 10:00"
    assert fields["body"] == FULL  # the markup's
    for value in fields.values():
        assert isinstance(value, (str, list, bool, int))


def test_usable_values_of_odd_shapes_are_still_read():
    fields = extract(
        response(
            ld_page(
                {
                    **ARTICLE,
                    "headline": ["The first headline", "Another"],
                    "image": {"@type": "ImageObject", "url": "https://old.iranintl.com/i.jpg"},
                    "author": {"@type": "Person", "name": "Ali Reza"},
                    "keywords": ["Iran", 3, "Oil"],
                }
            )
        )
    )
    assert fields["title"] == "The first headline"
    assert fields["authors"] == ["Ali Reza"]
    assert fields["tags"] == ["Iran", "Oil"] and fields["metadata_ignored"] == 1


def test_a_body_of_strings_in_a_list_is_read():
    html = ld_page({**ARTICLE, "articleBody": [FULL[0], None, " ".join(FULL[1:])]}, page=story_page)
    assert extract(response(html))["body"] == [FULL[0], " ".join(FULL[1:])]


def test_a_jsonld_script_of_megabytes_is_not_parsed(caplog):
    caplog.set_level(logging.INFO, logger="newscrawl.extract.metadata")
    graph = [{"@type": "Thing", "name": "x" * 100} for _ in range(50_000)]  # over 5 MB
    crawler = get_crawler()
    crawler.stats.open_spider()
    html = ld_page({"@graph": [{**ARTICLE, "headline": "Not read"}] + graph})
    fields = extract(response(html), crawler.stats)
    assert fields["title"] == "Parliament passes budget" and fields["body"] == FULL
    assert crawler.stats.get_value("extract/metadata_ignored") == 1
    assert "over 5,000,000 characters" in caplog.text


@pytest.mark.parametrize(
    "script",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"@type": "NewsArticle", "about": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}",
        '{"@graph": '
        + "[" * 900
        + '{"@type": "NewsArticle", "headline": "Deep"}'
        + "]" * 900
        + "}",
        '{"@type": "NewsArticle", "headline": ',  # cut off
    ],
)
def test_jsonld_nested_past_the_parser_or_broken_is_ignored(script):
    fields = extract(response(ld_page(script)))
    assert fields["title"] == "Parliament passes budget" and fields["body"] == FULL


def test_lone_surrogates_never_reach_a_field():
    fields = extract(
        response(
            ld_page(
                {
                    **ARTICLE,
                    "headline": "A lone\ud800 surrogate",
                    "description": "Bad \udfff summary",
                    "articleBody": "Body with a lone \ud83d surrogate.",
                },
                page=story_page,
            )
        )
    )
    for value in (fields["title"], fields["summary"], *fields["body"]):
        value.encode("utf-8")  # would raise UnicodeEncodeError on a lone surrogate
    assert fields["title"] == "A lone surrogate"


# ------------------------------------------------------- class 3: plain text only
def test_metadata_values_lose_their_tags():
    svg = "<svg onload=alert(1)>"
    head = (
        '<meta property="og:title" content="Budget &lt;svg onload=alert(1)&gt;passes">'
        '<meta property="og:description" content="A &lt;img src=x onerror=alert(1)&gt;summary">'
        '<meta property="article:tag" content="Iran&lt;svg/onload=alert(1)&gt;">'
    )
    fields = extract(response(story_page(FULL, head=head, title=f"Budget {svg}passes")))
    assert fields["title"] == "Budget passes"
    assert fields["summary"] == "A summary"
    ld = extract(
        response(
            ld_page(
                {
                    **ARTICLE,
                    "headline": f"Budget {svg}</svg>passes",
                    "articleSection": f"World{svg}",
                    "author": {"name": "Reza <svg/onload=alert(1)>"},
                    "keywords": "Iran, <b>Oil</b>",
                    "description": "Cut off <svg onload=alert(1)",
                }
            )
        )
    )
    assert ld["title"] == "Budget passes" and ld["section"] == "World"
    assert ld["authors"] == ["Reza"] and ld["tags"] == ["Iran", "Oil"]
    assert ld["summary"] == "Cut off"


def test_markup_in_the_title_element_and_escaped_twice_in_meta_is_removed():
    html = story_page(
        FULL,
        head='<meta property="og:description" '
        'content="A &amp;lt;svg onload=alert(1)&amp;gt;summary">',
    )
    html = html.replace('<h1 class="headline">Parliament passes budget</h1>', "")
    html = html.replace(
        "<title>Parliament passes budget</title>",
        "<title>Budget <svg onload=alert(1)>passes | Site</title>",
    )
    fields = extract(response(html))
    assert fields["title"] == "Budget passes | Site"
    assert fields["summary"] == "A summary"


def test_prose_with_angle_brackets_is_not_markup():
    head = '<meta property="og:title" content="When a &lt; b and x&lt;y">'
    assert extract(response(story_page(FULL, head=head)))["title"] == "When a < b and x<y"


def test_nothing_inside_script_style_template_or_cdata_reaches_a_field():
    extra = (
        '<div class="field field-name-field-section"><a href="/en/iran">Iran'
        "<script>var s = 'script text';</script><template>template text</template></a></div>"
    )
    html = drupal_page(
        "<p>Visible.</p><style>p { color: red }</style>"
        "<template><p>Template text.</p></template><![CDATA[ cdata text ]]>",
        title="Title<template>template text</template>",
        extra=extra,
    )
    fields = extract(response(html))
    text = " ".join(str(v) for v in fields.values())
    for foreign in ("script text", "template text", "Template text", "cdata", "color: red"):
        assert foreign not in text, foreign
    assert fields["body"] == ["Visible."] and fields["section"] == "Iran"
    body = (
        "Body <![CDATA[ cdata text ]]> kept <style>p{}</style>and "
        "<template>template text</template>more."
    )
    fields = extract(response(ld_page({**ARTICLE, "articleBody": body}, page=story_page)))
    assert "cdata" not in " ".join(fields["body"]) and "template" not in " ".join(fields["body"])


# ------------------------------------------------------------ class 9: memory
def test_parsed_jsonld_is_released_with_its_page():
    graph = [
        {"@type": "Thing", "name": f"thing {k}", "description": "x" * 80} for k in range(20_000)
    ]  # about 2 MB
    page = response(ld_page({"@graph": [{**ARTICLE, "headline": "Big"}] + graph}))
    parsed = jsonld(page)
    assert jsonld(page) is parsed  # parsed once for the page's callers
    assert extract(page)["title"] == "Big"
    held = weakref.ref(parsed)
    del page, parsed
    gc.collect()
    assert held() is None


# -------------------------------------------------- class 11: nesting past the parser
@pytest.mark.parametrize(
    "opening, closing",
    [
        ("<div>", "</div>"),
        ("<div class='x'><span>", "</span></div>"),
        ("<section><div>", "</div></section>"),
    ],
)
def test_markup_nested_50000_levels_gives_the_right_body(opening, closing):
    deep = opening * 50_000 + BODY + closing * 50_000
    fields = extract(response(drupal_page(deep)))
    assert fields["body"] == FULL
    unknown = story_page(FULL).replace(BODY, deep)
    assert extract(response(unknown))["body"] == FULL


def test_markup_too_deep_to_flatten_gives_no_body_and_says_why(caplog):
    deep = "<div>a " * 50_000 + BODY + "</div>" * 50_000
    crawler = get_crawler()
    crawler.stats.open_spider()
    fields = extract(response(drupal_page(deep)), crawler.stats)
    assert "body" not in fields  # dropped by the validation pipeline as empty_body
    assert crawler.stats.get_value("extract/too_deep") == 1
    assert "nested deeper than the HTML parser goes" in caplog.text
    # A metadata body is whole: it is kept.
    head = f'<script type="application/ld+json">{json.dumps({**ARTICLE, "articleBody": FULL[0]})}'
    fields = extract(response(drupal_page(deep, head=head + "</script>")))
    assert fields["body"] == [FULL[0]]


def test_flattening_keeps_the_wrappers_and_balances_the_tags():
    html = (
        '<div class="field-name-body">' + "<div>" * 100 + "<p>x</p>" + "</div>" * 101 + "<p>y</p>"
    )
    flat = flatten(html)
    assert flat.count("<div") == flat.count("</div>") == 17
    assert flat.startswith('<div class="field-name-body">') and flat.endswith("</div><p>y</p>")
