"""extract() in-process, with real HtmlResponse objects: which source gives
each field, how bodies are judged, tables, loose text, the fallback's retry,
titles, video nodes and the press review's kicker."""

import json

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.extract import extract, is_teaser, record
from newscrawl.extract.html import paragraphs
from newscrawl.extract.metadata import jsonld_types

URL = "https://old.iranintl.com/en/world/some-story"

FULL = [
    "Parliament approved the budget for the next Iranian year on Sunday after weeks of "
    "debate, with 180 votes in favour and 51 against.",
    "The budget assumes oil exports of one million barrels a day, a figure that critics "
    "called unrealistic given US sanctions on the country's crude.",
    "Lawmakers added funds for housing loans and for the pensions of retired teachers, but "
    "cut the budget of several cultural foundations.",
    "The Guardian Council must now approve the bill before it becomes law, which it usually "
    "does within ten days of the vote.",
]


def response(html, url=URL, **meta):
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=request)


def jsonld(data):
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def drupal_page(
    body_html, title="Parliament passes budget", head="", node_type="article", extra=""
):
    return (
        f"<html><head><title>{title} | Iran International</title>{head}</head>"
        f'<body class="html not-front page-node node-type-{node_type}">'
        f'<div id="node-12" class="node node-{node_type} view-mode-full">'
        f'<h1 class="page-header">{title}</h1>{extra}'
        f'<span class="date-display-single">Sunday, 03/01/2020 - 10:00</span>'
        f'<div class="field field-name-body"><div class="field-items"><div class="field-item">'
        f"{body_html}</div></div></div></div></body></html>"
    )


def story_page(paras, head="", title="Parliament passes budget"):
    """An unknown theme: only the fallback can read its text."""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f'<div class="page"><h1 class="headline">{title}</h1>'
        f'<div class="story-text">{body}</div></div>'
        f'<footer><a href="/about">About</a></footer></body></html>'
    )


# --------------------------------------------------------------- merge order
def test_each_field_comes_from_the_first_source_that_has_it():
    head = (
        jsonld(
            {
                "@type": "NewsArticle",
                "headline": "Headline from JSON-LD",
                "articleSection": "World",
                "datePublished": "2020-03-01T10:00:00Z",
            }
        )
        + '<meta property="og:image" content="/share.jpg">'
    )
    extra = (
        '<div class="field field-name-field-section"><a href="/en/iran">Iran</a></div>'
        '<div class="field field-name-field-image"><img src="/a.jpg"><img src="/b.jpg"></div>'
    )
    fields = extract(
        response(drupal_page("".join(f"<p>{p}</p>" for p in FULL), head=head, extra=extra))
    )
    assert fields["title"] == "Headline from JSON-LD"  # metadata first
    assert fields["section"] == "World"
    assert fields["published_raw"] == "2020-03-01T10:00:00Z"
    assert fields["body"] == FULL and fields["source"] == "drupal"  # no metadata body
    # The node's own images before og:image.
    assert fields["image_urls"] == [
        "https://old.iranintl.com/a.jpg",
        "https://old.iranintl.com/b.jpg",
    ]


def test_a_whole_metadata_body_wins_over_the_markup():
    head = jsonld({"@type": "NewsArticle", "headline": "Budget", "articleBody": "\n".join(FULL)})
    fields = extract(response(drupal_page("<p>Only a stub.</p>", head=head)))
    assert fields["body"] == FULL and fields["source"] == "metadata"


def test_the_fallback_only_fills_what_is_missing():
    fields = extract(response(story_page(FULL)))
    assert fields["source"] == "fallback"
    assert fields["body"] == FULL
    assert fields["title"] == "Parliament passes budget"


def test_the_site_name_and_page_number_never_reach_the_title():
    for title in (
        "Budget passes | Iran International",
        "Budget passes | ایران اینترنشنال",
        "Budget passes | Page 2 | Iran International",
        "Budget passes | Page 2",
    ):
        html = story_page(FULL, title=title).replace('<h1 class="headline">', "<h2>")
        html = html.replace("</h1>", "</h2>")
        assert extract(response(html))["title"] == "Budget passes", title
    og = '<meta property="og:title" content="Budget passes | Page 2 | ایران اینترنشنال">'
    assert extract(response(story_page(FULL, head=og)))["title"] == "Budget passes"


# -------------------------------------------------------------- body judging
@pytest.mark.parametrize(
    "teaser",
    [
        " ".join(FULL)[:200] + "…",
        " ".join(FULL)[:200] + "&hellip;",
        " ".join(FULL)[:200] + "...",
        FULL[0],  # a prefix, no ellipsis
    ],
)
def test_a_teaser_metadata_body_loses_to_the_page_text(teaser):
    head = jsonld({"@type": "NewsArticle", "headline": "Budget", "articleBody": teaser})
    for html in (
        story_page(FULL, head=head),
        drupal_page("".join(f"<p>{p}</p>" for p in FULL), head=head),
    ):
        fields = extract(response(html))
        assert fields["body"] == FULL, fields["source"]
        assert fields["source"] in ("drupal", "fallback")


def test_a_shorter_metadata_body_of_other_words_is_kept_a_much_shorter_one_is_not():
    own_words = [
        "The assembly voted for next year's spending plan after a long fight over how much "
        "the state may count on selling crude abroad while under American restrictions, and "
        "over money for homes and retired staff of schools; the vetting council reviews it next."
    ]
    assert 0.4 < len(own_words[0]) / sum(map(len, FULL)) < 0.7
    assert not is_teaser(own_words, FULL)
    assert is_teaser(["A summary written for search engines, in words of its own."], FULL)
    assert is_teaser([FULL[0][:80] + " …"], FULL)
    assert not is_teaser(FULL, FULL[:2])  # the longer one is no teaser


# ------------------------------------------------------- tables, loose text
def test_a_table_in_the_article_is_kept_as_rows():
    table = (
        "<table><tr><th>Team</th><th>Points</th></tr>"
        "<tr><td>Persepolis</td><td>25</td></tr><tr><td>Foolad</td><td>21</td></tr></table>"
    )
    fields = extract(response(drupal_page(f"<p>{FULL[0]}</p>{table}<p>{FULL[1]}</p>")))
    assert fields["body"] == [FULL[0], "Team | Points", "Persepolis | 25", "Foolad | 21", FULL[1]]
    html = story_page(FULL).replace("</div></div>", f"{table}</div></div>")
    body = extract(response(html))["body"]
    assert "Persepolis | 25" in body and "Team | Points" in body


def test_loose_text_beside_blocks_is_kept_in_document_order():
    html = (
        f"<div><p>{FULL[0]}</p><blockquote class='twitter-tweet'><p>We never will.</p>"
        "&mdash; Javad Zarif (@JZarif) <a href='https://twitter.com/x'>July 2, 2020</a>"
        f"</blockquote>Loose line at the end.<p>{FULL[1]}</p>Tail text.</div>"
    )
    node = response(html).xpath("//div")[0]
    assert paragraphs(node) == [
        FULL[0],
        "We never will.",
        "— Javad Zarif (@JZarif) July 2, 2020",
        "Loose line at the end.",
        FULL[1],
        "Tail text.",
    ]


def test_divs_and_double_breaks_split_paragraphs():
    node = response(
        "<div><div>One.</div><div>&nbsp;</div><div>Two.<br><br>Three.<br>Same</div></div>"
    ).xpath("/html/body/div")[0]
    assert paragraphs(node) == ["One.", "Two.", "Three.\nSame"]


# ------------------------------------------------------------------ fallback
LINKY = (
    '<html><head><title>Markets</title></head><body><div class="wrap"><h1>Markets</h1>'
    '<div class="story"><span>Shares closed higher on the <a href="/t">Tehran</a> Stock '
    'Exchange on Monday as <a href="/i">investors</a> bet on <a href="/k">talks</a>.</span>'
    '<span>The main index rose <a href="/x">two percent</a>, led by '
    '<a href="/p">petrochemical</a> stocks.</span></div></div></body></html>'
)


def test_the_fallback_retries_with_relaxed_options_when_strict_finds_nothing():
    import trafilatura

    assert trafilatura.bare_extraction(LINKY, favor_precision=True) is None
    fields = extract(response(LINKY))
    text = " ".join(fields["body"])
    assert "Shares closed higher" in text and "petrochemical" in text
    assert fields["title"] == "Markets"


def test_template_and_script_text_never_reach_the_body():
    html = story_page(FULL).replace(
        '<div class="story-text">',
        '<div class="story-text"><template><p>Hidden template text of the page.</p></template>'
        '<script>//<![CDATA[\nvar secret = "script text";\n//]]></script>',
    )
    for fields in (
        extract(response(html)),
        extract(
            response(
                drupal_page(
                    "<template><p>Hidden template text.</p></template>"
                    "<noscript><p>Enable JavaScript.</p></noscript>"
                    f"<p>{FULL[0]}</p><![CDATA[ cdata text ]]>"
                )
            )
        ),
    ):
        text = " ".join(fields["body"])
        assert "Hidden" not in text and "secret" not in text and "cdata" not in text
        assert "JavaScript" not in text


# ---------------------------------------------------------- the old site's shapes
def test_a_video_node_gives_its_player_poster_and_description():
    player = "https://admin.mangomolo.com/analytics/index.php/customers/embed/video?id=1234"
    html = (
        "<html><head><title>Interview | ایران اینترنشنال</title>"
        '<meta property="og:description" content="A talk with the minister."></head>'
        '<body class="html not-front page-node node-type-video">'
        '<div id="node-77" class="node node-video view-mode-full"><h1 class="page-header">'
        'Interview</h1><div class="field field-name-field-image"><img src="/sites/p.jpg"></div>'
        f'<div class="field field-name-field-video"><iframe src="{player}"></iframe></div>'
        '<div class="field field-name-body"><p>The minister speaks about the budget.</p>'
        "</div></div></body></html>"
    )
    fields = extract(response(html, url="https://old.iranintl.com/في-أوه-دي/interview"))
    assert fields["title"] == "Interview"
    assert fields["body"] == ["The minister speaks about the budget."]
    assert fields["video_urls"] == [player]
    assert fields["poster_url"] == "https://old.iranintl.com/sites/p.jpg"
    # Without a description field, the summary is the text.
    bare = html.replace(
        '<div class="field field-name-body"><p>The minister speaks about the budget.</p></div>', ""
    )
    assert extract(response(bare))["body"] == ["A talk with the minister."]


def test_a_video_page_whose_player_sits_outside_the_node():
    player = "https://admin.mangomolo.com/analytics/index.php/customers/embed/video?id=9"
    html = (
        "<html><head><title>Clip</title>"
        '<meta property="og:image" content="https://old.iranintl.com/sites/clip.jpg"></head>'
        '<body class="html page-node node-type-video"><div class="panel">'
        '<iframe src="https://www.facebook.com/plugins/like.php"></iframe>'
        f'<iframe src="{player}"></iframe></div>'
        '<div id="node-78" class="node node-video view-mode-full"><h1 class="page-header">Clip</h1>'
        '<div class="field field-name-body"><p>What the clip shows.</p></div></div></body></html>'
    )
    fields = extract(response(html))
    assert fields["video_urls"] == [player]
    assert fields["poster_url"] == "https://old.iranintl.com/sites/clip.jpg"


def test_a_vod_node_is_read_as_a_video():
    """``node-type-vod`` is a video node type too: its players are found and,
    without a body field, its description is the text."""
    player = "https://admin.mangomolo.com/analytics/index.php/customers/embed/video?id=55"
    html = (
        "<html><head><title>News hour</title>"
        '<meta property="og:description" content="The evening news of 3 March.">'
        '<meta property="og:image" content="https://old.iranintl.com/sites/hour.jpg"></head>'
        '<body class="html page-node node-type-vod">'
        '<div id="node-79" class="node node-vod view-mode-full">'
        '<h1 class="page-header">News hour</h1>'
        f'<div class="field field-name-field-video"><iframe src="{player}"></iframe></div>'
        "</div></body></html>"
    )
    fields = extract(response(html, url="https://old.iranintl.com/في-أوه-دي/news-hour"))
    assert fields["video_urls"] == [player]
    assert fields["poster_url"] == "https://old.iranintl.com/sites/hour.jpg"
    assert fields["body"] == ["The evening news of 3 March."]


def test_articles_have_no_video_fields():
    fields = extract(response(drupal_page(f"<p>{FULL[0]}</p>")))
    assert "video_urls" not in fields and "poster_url" not in fields


def test_the_press_review_kicker_is_the_date_when_there_is_no_better_one():
    kicker = (
        '<div class="field field-name-field-kicker">الرصد الصحافي ليوم الأحد 18 أكتوبر '
        "(تشرين الأول) 2020</div>"
    )
    html = drupal_page("<p>تناولت الصحف الإيرانية الصادرة اليوم.</p>", extra=kicker)
    no_date = html.replace(
        '<span class="date-display-single">Sunday, 03/01/2020 - 10:00</span>', ""
    )
    fields = extract(response(no_date, url="https://old.iranintl.com/ar/x"))
    assert fields["published_raw"] == "الأحد 18 أكتوبر (تشرين الأول) 2020"
    fields = extract(response(html, url="https://old.iranintl.com/ar/x"))
    assert fields["published_raw"] == "Sunday, 03/01/2020 - 10:00"


# --------------------------------------------------------------- disagreement
def test_a_page_where_drupal_rules_and_fallback_disagree_is_flagged_and_counted():
    long_text = "".join(f"<p>{p}</p>" for p in FULL * 2)
    # The body field holds a notice; the article text stands outside the node's body field.
    html = drupal_page("<p>Comments are closed.</p>").replace(
        "</div></div></body>", f'</div><div class="article-text">{long_text}</div></div></body>'
    )
    crawler = get_crawler()
    crawler.stats.open_spider()
    fields = extract(response(html), crawler.stats, check_every=1)
    assert "disagreement" not in fields and "checked" not in fields
    assert crawler.stats.get_value("extract/disagreement") == 1
    assert crawler.stats.get_value("extract/checked") == 1
    agreed = extract(response(drupal_page(long_text)), check_every=1)
    assert agreed["checked"] and not agreed.get("disagreement")


def test_one_drupal_page_in_ten_is_checked_the_same_on_every_crawl():
    long_text = "".join(f"<p>{p}</p>" for p in FULL * 2)
    urls = [f"https://old.iranintl.com/en/world/story-{n}" for n in range(200)]
    checked = [u for u in urls if extract(response(drupal_page(long_text), url=u)).get("checked")]
    assert 5 <= len(checked) <= 40
    assert checked == [
        u for u in urls if extract(response(drupal_page(long_text), url=u)).get("checked")
    ]


def test_record_moves_the_notes_into_stats():
    crawler = get_crawler()
    crawler.stats.open_spider()
    fields = record({"title": "t", "disagreement": True, "metadata_ignored": 3}, crawler.stats)
    assert fields == {"title": "t"}
    assert crawler.stats.get_value("extract/metadata_ignored") == 3


def test_jsonld_types_are_read_once_per_response():
    page = response(story_page(FULL, head=jsonld({"@type": "NewsArticle"})))
    assert jsonld_types(page) == {"NewsArticle"}
    assert jsonld_types(page) is not jsonld_types(response(story_page(FULL)))


def test_fields_that_broken_markup_nests_in_the_body_stay_out_of_it():
    # An unclosed <div> in the body swallows the node's next fields.
    html = drupal_page(f"<p>{FULL[0]}</p><div>").replace(
        "</div></div></div></div></body>",
        '<div class="field field-name-field-tags"><a href="/t/iraq">Iraq</a>'
        '<a href="/t/oil">Oil</a></div></div></div></div></div></body>',
    )
    fields = extract(response(html))
    assert fields["body"] == [FULL[0]]
    assert fields["tags"] == ["Iraq", "Oil"]


def test_the_metas_read_at_once_are_those_each_name_finds():
    from lxml import etree

    from newscrawl.extract.metadata import meta_contents

    per_name = etree.XPath("//meta[@property=$name or @name=$name]/@content")
    page = response(
        '<html><head><meta property="og:title" name="og:title" content="A">'
        '<meta name="og:title" content="B"><meta property="og:title">'
        '<META PROPERTY="og:image" CONTENT="x.jpg"><meta name="description" content="">'
        '</head><body><meta property="og:title" name="other" content="C"></body></html>'
    )
    contents = meta_contents(page)
    for name in ("og:title", "og:image", "description", "other", "absent"):
        assert contents.get(name, []) == list(per_name(page.selector.root, name=name))
    assert meta_contents(page) is contents


def test_the_class_attribute_walk_finds_what_testing_every_element_finds():
    import random

    from lxml import etree

    from newscrawl.extract import xpaths

    has = xpaths.has_class
    every_element = [
        f"//*[{has('node')} and contains(@class, 'view-mode-full')]",
        f"//*[{has('node')} and starts-with(@id, 'node-') and not(ancestor::*[{has('view')}])]",
        f"//*[{has('node')} and not(ancestor::*[{has('view')}]) and not(contains(@class, 'teaser'))]",
        f"//*[{has('views-row')} or {has('node-teaser')}"
        " or (contains(@class, 'view-mode-') and contains(@class, 'teaser'))]",
    ]
    names = ["node", "node-teaser", "view", "views-row", "view-mode-full", "view-mode-teaser", "x"]
    rng = random.Random(4)

    def element(depth):
        words = rng.choice([" ", "\t", "  "]).join(
            rng.choice(names) for _ in range(rng.randint(0, 3))
        )
        attrs = f' class="{words}"' if rng.random() < 0.7 else ""
        if rng.random() < 0.3:
            attrs += f' id="{rng.choice(["node-1", "x"])}"'
        inner = "".join(element(depth + 1) for _ in range(rng.randint(0, 3))) if depth < 4 else "t"
        return f"<div{attrs}>{inner}</div>"

    for _ in range(300):
        root = response(f"<html><body>{element(0)}{element(0)}</body></html>").selector.root
        for reference, fast in zip(every_element, (*xpaths.MAIN_NODE, xpaths.TEASERS), strict=True):
            assert etree.XPath(reference)(root) == fast(root)


def test_the_placeholders_found_from_the_attributes_are_those_of_every_element():
    import random

    from lxml import etree

    from newscrawl.extract import xpaths

    empty_view = (
        f"{xpaths.has_class('view')}"
        " and (contains(@class, 'iran-in-brief') or contains(@class, 'view-articles'))"
        " and not(.//*[contains(@class, 'views-row')]) and not(.//*[contains(@class, 'view-empty')])"
    )
    every_element = etree.XPath(f"//*[{empty_view}] | //*[{xpaths._LOADING}]")
    names = ["view", "view-iran-in-brief", "view-articles", "views-row", "view-empty"]
    names += ["js-placeholder", "ajax-placeholder", "js-loading", "x"]
    rng = random.Random(6)

    def element(depth):
        attrs = ""
        if rng.random() < 0.6:
            attrs += f' class="{" ".join(rng.choice(names) for _ in range(rng.randint(0, 3)))}"'
        if rng.random() < 0.1:
            attrs += ' data-ajax-src="/x"'
        tag = rng.choice(["div", "div", "p", "span"])
        inner = "".join(element(depth + 1) for _ in range(rng.randint(0, 3))) if depth < 4 else "t"
        return f"<{tag}{attrs}>{inner}</{tag}>"

    for _ in range(300):
        root = response(f"<html><body>{element(0)}{element(0)}</body></html>").selector.root
        assert every_element(root) == xpaths.PLACEHOLDER(root)


def test_the_head_shortcut_gives_what_the_page_wide_expression_gives():
    import random
    from pathlib import Path

    from lxml import etree

    from newscrawl.extract import xpaths

    everywhere = {
        xpaths.CANONICAL: etree.XPath("string((//link[@rel='canonical']/@href)[1])"),
    }
    rng = random.Random(8)
    parts = [
        "<html>",
        "<html class='h'>",
        "<head>",
        "</head>",
        "<body>",
        "<body class='b'>",
        "<body class=''>",
        "</body>",
        "<noscript>",
        "</noscript>",
        "<link rel='canonical' href='/a'>",
        "<link rel='canonical' href=''>",
        "<link rel='canonical'>",
        "<link rel='x' href='/x'>",
        "<meta name='x' content='y'>",
        "<title>t</title>",
        "<div class='d'>",
        "</div>",
        "<p>text",
        "<svg><body class='s'></body></svg>",
        "<!-- c -->",
        "<template><link rel='canonical' href='/t'></template>",
        "<frameset>",
        "text ",
    ]
    pages = [p.read_text() for p in sorted(Path(__file__).parent.rglob("*.html"))]
    pages += ["".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) for _ in range(1500)]
    for html in pages:
        root = response(html or " ").selector.root
        for fast, reference in everywhere.items():
            assert fast(root) == reference(root), html


def test_the_title_rules_on_the_headings_give_what_the_page_wide_selectors_give():
    import random
    from pathlib import Path

    from newscrawl.extract import drupal, xpaths

    page_wide = [
        xpaths.css(selector)
        for selector in (
            "[class*='field-name-title'] h1",
            "[class*='field--name-title'] h1",
            "h1.page-header",
            "h1#page-title",
            "h1.title",
            "h1.node-title",
        )
    ]
    classes = ["field-name-title", "field--name-title", "page-header", "title", "node-title", "x"]
    rng = random.Random(10)

    def element(depth):
        tag = rng.choice(["div", "h1", "h1", "span", "h2"])
        attrs = ""
        if rng.random() < 0.7:
            attrs += f' class="{" ".join(rng.sample(classes, rng.randint(0, 2)))}"'
        if rng.random() < 0.2:
            attrs += f' id="{rng.choice(["page-title", "x"])}"'
        inner = rng.choice(["", " ", "Headline", "<script>x</script>", "<!-- c -->"])
        if depth < 3:
            inner += "".join(element(depth + 1) for _ in range(rng.randint(0, 3)))
        return f"<{tag}{attrs}>{inner}</{tag}>"

    pages = [p.read_text() for p in sorted(Path(__file__).parent.rglob("*.html"))]
    pages += [f"<html><body>{element(0)}{element(0)}</body></html>" for _ in range(1500)]
    for html in pages:
        root = response(html).selector.root
        assert drupal.title(root) == drupal._first_text(root, page_wide), html


def test_the_text_of_an_element_without_children_is_read_as_the_text_of_any():
    import copy
    import random

    from lxml import etree

    from newscrawl.extract import xpaths
    from newscrawl.extract.html import _SPACES, element_text, plain_text

    def reference(root):  # element_text before its shortcut for childless elements
        if xpaths.NOT_TEXT(root):
            root = copy.deepcopy(root)
            for junk in xpaths.NOT_TEXT(root):
                junk.drop_tree()
        return plain_text(_SPACES.sub(" ", "".join(root.itertext())))

    bits = ["", " ", "a  b", "&lt;b&gt;x&lt;/b&gt;", "<!-- c -->", "<?pi x?>", "<b>bold</b>"]
    bits += ["<script>s</script>", "<br>", "\n\t", "&amp;lt;svg onload=1&amp;gt;", "x<y"]
    rng = random.Random(12)
    for _ in range(1000):
        inner = "".join(rng.choice(bits) for _ in range(rng.randint(0, 3)))
        tag = rng.choice(["span", "a", "title", "textarea", "div"])
        html = (
            f"<html><head><title>{inner}</title></head><body><{tag}>{inner}</{tag}></body></html>"
        )
        for element in etree.XPath("//title | //body/*")(response(html).selector.root):
            assert element_text(element) == reference(element), html
