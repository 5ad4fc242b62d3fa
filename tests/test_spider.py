"""The spider's decisions, in-process: what a page is, what URL it is stored
under, which links are requested, when a page goes to the browser, and the
sources' configuration. Real Scrapy requests and responses, no server."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.settings import Settings

import newscrawl.settings as project
from newscrawl import wayback
from newscrawl.extract.page import canonical_url, classify
from newscrawl.items import ArticleItem
from newscrawl.sources import source_class
from newscrawl.sources.live import LiveConfig, links_digest, page_links
from newscrawl.urls import article_key, clean_url
from tests import spiders
from tests.spiders import PROJECT

BASE = "http://old.example"
LONG = "A sentence long enough to count as the prose of an article on a page of the site. " * 2


def make_spider(settings=None, **arguments):
    """A spider as ``scrapy crawl`` makes it, on ``BASE``."""
    return spiders.make_spider(BASE, settings, **arguments)


def page(path, body, meta=None, url=None):
    """An HtmlResponse for *path* on the site, as a crawl receives it."""
    url = url or BASE + path
    html = f"<html><head>{body[0]}</head><body class='{body[1]}'>{body[2]}</body></html>"
    return HtmlResponse(
        url, body=html.encode(), encoding="utf-8", request=Request(url, meta=meta or {})
    )


def drupal(kind, text=f"<p>{LONG}</p>", extra="", path="/en/world/x"):
    """A Drupal node page of node type *kind*."""
    head = f"<link rel='canonical' href='{BASE}{path}'><meta property='og:type' content='article'>"
    node = (
        f"<h1 class='page-header'>T</h1><div id='node-1' class='node node-{kind} view-mode-full'>"
        f"<div class='field field-name-body'>{text}</div></div>{extra}"
    )
    return head, f"html not-front page-node node-type-{kind}", node


def brief_block(*items, pages=0, path="/en/world/x"):
    """The "Iran in Brief" block: (text, href, label) items, and a pager of
    *pages* more pages on *path* (the page it stands on)."""
    rows = "".join(
        f"<div class='views-row'><p>{text} <a href='{href}'>{label}</a></p></div>"
        for text, href, label in items
    )
    pager = "".join(f"<li><a href='{path}?page={n}'>{n + 1}</a></li>" for n in range(1, pages + 1))
    return (
        f"<section id='block-views-iran-in-brief-block' class='block block-views'>"
        f"<div class='view view-iran-in-brief view-id-iran-in-brief view-display-id-block'>"
        f"<div class='view-content'>{rows}</div><ul class='pager'>{pager}</ul></div></section>"
    )


def teasers(n=3):
    return "".join(
        f"<div class='views-row'><h1><a href='/en/world/a{i}'>A{i}</a></h1></div>" for i in range(n)
    )


# ---------------------------------------------------------------- what a page is
@pytest.mark.parametrize(
    "body, via_more, expected",
    [
        (drupal("article"), False, ("article", "article")),
        (drupal("article"), True, ("brief", "article")),
        (drupal("brief"), False, ("brief", "brief")),
        (drupal("page"), False, ("other", "page")),
        (
            ("<meta property='og:type' content='article'>", "story", "<h1>T</h1>"),
            False,
            ("article", None),
        ),
        (
            ('<script type=\'application/ld+json\'>{"@type": "NewsArticle"}</script>', "", ""),
            False,
            ("article", None),
        ),
        (
            ("<meta property='og:type' content='website'>", "front", teasers()),
            False,
            ("listing", None),
        ),
        (("<meta property='og:type' content='website'>", "", "<h1>T</h1>"), False, ("other", None)),
        (
            ("", "", f"<h1>T</h1><article><p>{LONG}</p><p>{LONG}</p></article>"),
            False,
            ("article", None),
        ),
        (("", "", f"<h1>T</h1><p>{LONG}</p>"), False, ("other", None)),
        (("", "", teasers(2)), False, ("listing", None)),
        (drupal("video"), False, ("video", "video")),
        (drupal("gallery"), False, ("other", "gallery")),
    ],
    ids=[
        "drupal-article",
        "article-via-more",
        "brief-node",
        "drupal-page",
        "og-article",
        "json-ld",
        "listing",
        "og-website",
        "bare-article",
        "too-little-prose",
        "teasers",
        "video",
        "gallery",
    ],
)
def test_page_kinds(body, via_more, expected):
    found = classify(page("/en/world/x", body), via_more)
    assert (found.kind, found.node_type) == expected


@pytest.mark.parametrize(
    "path, body, expected",
    [
        ("/en/iran-in-brief/tehran-locks-bins", drupal("article"), "brief"),
        ("/en/iran-in-brief", ("", "", teasers()), "listing"),
        (
            "/\u0641\u064a-\u0623\u0648\u0647-\u062f\u064a/x",
            ("<meta property='og:type' content='video.other'>", "", "<h1>T</h1>"),
            "video",
        ),
        (
            "/\u0646\u0648\u06cc\u0633\u0646\u062f\u0647/\u0633\u0627\u0631\u0627",
            ("", "page-taxonomy-term", teasers(1)),
            "listing",
        ),
    ],
    ids=["english-brief-section", "brief-section-index", "persian-video-section", "writer-page"],
)
def test_sections_of_one_kind(path, body, expected):
    url = BASE + quote(path)
    assert classify(page("", body, url=url)).kind == expected


def test_canonical_urls():
    head = "<link rel='canonical' href='{}'>"

    def at(href, url=BASE + "/en/world/x?page=1"):
        return page("", (head.format(href), "", ""), url=url)

    # The canonical link names the page, without query, fragment or trailing slash.
    assert canonical_url(at("/en/world/y/"), "old.example") == BASE + "/en/world/y"
    assert canonical_url(at("http://other.example/z"), "old.example") == BASE + "/en/world/x"
    assert canonical_url(page("/en/world/x/", ("", "", "")), "old.example") == BASE + "/en/world/x"
    # Archived pages: any name the site had counts, moved onto the page's host.
    hosts = wayback.site_hosts({"iranintl.com": ""}, "old.example")
    assert (
        canonical_url(at("https://www.iranintl.com/en/a"), "old.example", hosts) == BASE + "/en/a"
    )
    # Percent-encoding: one spelling, whatever the link's.
    assert (
        canonical_url(at("/%d8%a7%db%8c%d8%b1%d8%a7%d9%86"), "old.example")
        == BASE + "/%D8%A7%DB%8C%D8%B1%D8%A7%D9%86"
    )


# ---------------------------------------------------------------- links
def test_each_url_once_per_page_and_a_more_link_keeps_its_flag():
    brief = "/en/brief/b"
    body = (
        f"<a href='{brief}'>Tehran to lock waste containers</a>"
        f"<a href='{BASE}{brief}?utm_source=x'>again</a>"
        f"<a href='{brief}#top'><img src='x.jpg'></a>"
        + brief_block(("Tehran will lock its waste containers.", f"{BASE}{brief}", " More "))
        + "<a href='/en/world/x?page=1'>next</a><a href='mailto:a@b'>mail</a>"
        "<a href='/en/user/login'>log in</a><a href='http://elsewhere.example/'>x</a>"
        "<a href='/sites/default/files/a.pdf'>pdf</a><a href='/ar/x'>عربي</a>"
    )
    response = page("/en/world/x", ("", "", body))
    links = page_links(response, "old.example", ("en", "fa"))
    assert [(link.url, link.via_more, link.pager) for link in links] == [
        (BASE + brief, True, False),
        (BASE + "/en/world/x?page=1", False, True),
    ]
    spider = make_spider(render="never", languages="en,fa")
    requests = list(spider.source.links(response, classify(response)))
    assert [r.url for r in requests] == [BASE + brief, BASE + "/en/world/x?page=1"]
    assert requests[0].meta["via_more"] is True
    # A URL is requested once per crawl, however many pages link to it.
    assert list(spider.source.links(response, classify(response))) == []


def test_only_the_brief_block_makes_briefs_whatever_the_order():
    """#19: in-body "Read more" links lead to articles; a "More" link of the
    block makes a brief, even when another link reached the page first."""
    spider = make_spider(render="never")
    body = (
        "<p>Earlier: <a href='/en/world/a'>Read more</a></p>"
        "<p><a href='/en/world/b'>More</a></p><p><a href='/en/world/c'>بیشتر بخوانید</a></p>"
    )
    first = page("/en/world/x", drupal("article", f"<p>{LONG}</p>{body}"))
    items, requests = parsed(spider, first)
    assert {r.url: r.meta["via_more"] for r in requests} == {
        BASE + "/en/world/a": False,
        BASE + "/en/world/b": False,
        BASE + "/en/world/c": False,
    }
    for path in ("/en/world/a", "/en/world/b", "/en/world/c"):
        items, _ = parsed(spider, page(path, drupal("article", path=path)))
        assert items[0]["kind"] == "article", path
    # /en/world/d is reached by an ordinary link first, then named by the block.
    linked = page(
        "/en/world/y",
        drupal("article", path="/en/world/y", extra="<a href='/en/world/d'>Lock-up</a>"),
    )
    (request,) = [r for r in parsed(spider, linked)[1] if r.url.endswith("/d")]
    assert request.meta["via_more"] is False
    block = brief_block(("Tehran locks its bins.", "/en/world/d", "More"))
    parsed(spider, page("/en/world/z", drupal("article", path="/en/world/z", extra=block)))
    items, _ = parsed(
        spider, page("/en/world/d", drupal("article", path="/en/world/d"), meta=request.meta)
    )
    assert items[0]["kind"] == "brief"
    # A brief whose own page's block names it, reached by any link.
    own = page(
        "/en/world/e",
        drupal(
            "article", path="/en/world/e", extra=brief_block(("Itself.", "/en/world/e", "More"))
        ),
    )
    assert parsed(spider, own)[0][0]["kind"] == "brief"


@pytest.mark.parametrize("label", ["المزيد", "للمزيد"])
def test_an_arabic_more_link_of_the_brief_block_makes_a_brief(label):
    """Only inside the block: the same word in an Arabic article's body is a link."""
    block = brief_block(("خبر قصير.", "/ar/x/b", f" {label} "), path="/ar/x/a")
    body = f"<p>نص. <a href='/ar/x/c'>{label}</a></p>"
    response = page("/ar/x/a", drupal("article", text=body, extra=block, path="/ar/x/a"))
    links = page_links(response, "old.example", ("ar",))
    assert {link.url: link.via_more for link in links} == {
        BASE + "/ar/x/c": False,
        BASE + "/ar/x/b": True,
    }


@pytest.mark.parametrize("mode, expected", [("once", 2), ("every", 4)])
def test_a_sitewide_block_pager_is_followed_once_per_edition(mode, expected):
    """#12: the block's ?page=N of the first article only; its next page from there."""
    spider = make_spider(render="never", settings={"BLOCK_PAGERS": mode})
    requested = []
    for path in ("/en/world/x", "/en/world/y", "/en/world/x?page=1", "/en/world/y?page=1"):
        bare = path.split("?")[0]
        block = brief_block(("A brief.", "/en/brief/b", "More"), pages=2, path=bare)
        response = page(path, drupal("article", path=bare, extra=block))
        requested += [r.url for r in parsed(spider, response)[1] if "?page=" in r.url]
    assert len(requested) == expected
    if mode == "once":
        assert requested == [BASE + "/en/world/x?page=1", BASE + "/en/world/x?page=2"]
        assert spider.crawler.stats.get_value("oldsite/pagers/sitewide_skipped") == 4  # y, y?page=1
    # A listing's own pager is no block: every section's pages are followed.
    listing = page(
        "/en/iran",
        ("", "", teasers() + "<ul class='pager'><li><a href='/en/iran?page=1'>2</a></li></ul>"),
    )
    assert BASE + "/en/iran?page=1" in [r.url for r in parsed(spider, listing)[1]]


def test_one_url_whatever_the_spelling_of_the_link():
    """Links encoded twice, NBSP in a slug (also trailing, also raw), ?page=1."""
    slug = "/\u0627\u0642\u062a\u0635\u0627\u062f/\u0642\u0637\u0639\u06cc\u00a0\u06af\u0627\u0632\u00a0"
    once = quote(slug)
    hrefs = [once, quote(once), slug, BASE + once + "?utm_source=x", once.lower()]
    body = "".join(f"<a href='{h}'>x</a>" for h in hrefs)
    response = page("/", ("", "", body))
    links = page_links(response, "old.example", ("fa",))
    assert [link.url for link in links] == [BASE + once]
    assert article_key(BASE + once + "?page=1") == BASE + once
    arabic = quote("/ar/\u0625\u064a\u0631\u0627\u0646/\u0634\u064f\u062d\u0651")
    assert clean_url(BASE + quote(arabic)) == clean_url(BASE + arabic) == BASE + arabic
    assert clean_url(BASE + "/en/a%2520b") == BASE + "/en/a%20b"  # no UTF-8: left alone


def test_a_listing_that_repeats_the_page_before_it_ends_its_pagination():
    spider = make_spider(render="never")
    listing = ("", "", teasers() + "<a href='/en/world?page=3'>next</a>")
    first = page("/en/world?page=2", listing)
    digest = links_digest(page_links(first, "old.example", spider.languages))
    requests = list(spider.source.links(first, classify(first)))
    assert BASE + "/en/world?page=3" in [r.url for r in requests]
    # The next page shows the same teasers: its pager is not followed.
    again = page(
        "/en/world?page=3",
        ("", "", teasers() + "<a href='/en/world?page=4'>next</a>"),
        meta={"listing_digest": digest},
    )
    assert [r.url for r in spider.source.links(again, classify(again))] == []
    assert spider.crawler.stats.get_value("oldsite/pagination/stopped") == 1


def tags_field(*terms):
    links = "".join(f"<div class='field-item'><a href='/{t}'>{t}</a></div>" for t in terms)
    return f"<div class='field field-name-field-tags'><div class='field-items'>{links}</div></div>"


def tag_page(term, n, teaser_paths, *other_tags):
    """Page *n* (from 0) of tag *term*'s listing: teasers (each with its tags
    field) and a pager to the next page."""
    rows = "".join(
        f"<div class='views-row'><h1><a href='{p}'>t</a></h1>{tags_field(term, *other_tags)}</div>"
        for p in teaser_paths
    )
    pager = f"<ul class='pager'><li class='pager-next'><a href='/{term}?page={n + 1}'>next</a></li></ul>"
    path = f"/{term}" + (f"?page={n}" if n else "")
    return page(path, ("", "", rows + pager))


@pytest.mark.parametrize("mode", ["productive", "every"])
def test_a_tag_is_read_last_and_its_pagination_ends_at_a_page_with_nothing_new(mode):
    """#12: a tag (a term of a node's tags field) lists what the sections list."""
    spider = make_spider(render="never", settings={"TAG_PAGERS": mode})
    article = page("/en/world/a0", drupal("article", path="/en/world/a0", extra=tags_field("oil")))
    requests = {r.url: r for r in parsed(spider, article)[1]}
    assert requests[BASE + "/oil"].priority < 0  # behind every page of the sections
    # Its first page shows an article not seen before: its next page follows, last too.
    fresh = tag_page("oil", 0, ["/en/world/a1", "/en/world/a0"], "gas")
    urls = {r.url: r.priority for r in parsed(spider, fresh)[1]}
    assert urls[BASE + "/en/world/a1"] == 0 and urls[BASE + "/oil?page=1"] < 0
    assert urls[BASE + "/gas"] < 0  # another tag, from a teaser's tags field
    # Its next page shows only pages already requested (and tags): it ends there.
    stale = tag_page("oil", 1, ["/en/world/a1", "/en/world/a0"], "gas", "coal")
    urls = [r.url for r in parsed(spider, stale)[1]]
    stats = spider.crawler.stats
    if mode == "productive":
        assert urls == [BASE + "/coal"]
        assert stats.get_value("oldsite/pagination/tag_done") == 1
    else:
        assert urls == [BASE + "/coal", BASE + "/oil?page=2"]
        assert stats.get_value("oldsite/pagination/tag_done") is None


def test_a_section_is_no_tag_and_follows_every_page():
    """A listing no tags field links (a section, a writer) is read in full,
    even a page of it that shows nothing new."""
    spider = make_spider(render="never")
    for n in (0, 1):
        pager = f"<ul class='pager'><li><a href='/en/world?page={n + 1}'>next</a></li></ul>"
        listing = page(f"/en/world?page={n}", ("", "", teasers() + tags_field("oil") + pager))
        urls = {r.url: r.priority for r in parsed(spider, listing)[1]}
    assert urls == {BASE + "/en/world?page=2": 0}
    assert spider.crawler.stats.get_value("oldsite/pagination/tag_done") is None


def test_a_bad_tag_pager_mode_is_refused_with_the_setting_named():
    settings = Settings({**PROJECT, "TAG_PAGERS": "some"})
    with pytest.raises(ValueError, match="TAG_PAGERS must be one of productive, every, got 'some'"):
        LiveConfig.from_settings(settings)


def test_skip_known_skips_stored_articles_only():
    spider = make_spider(render="never")
    spider.known = frozenset({BASE + "/en/world/a0"})
    response = page("/en/world", ("", "", teasers()))
    urls = [r.url for r in spider.source.links(response, classify(response))]
    assert urls == [BASE + "/en/world/a1", BASE + "/en/world/a2"]
    assert spider.crawler.stats.get_value("oldsite/skipped_known") == 1


# ---------------------------------------------------------------- a page's outcome
def parsed(spider, response):
    out = list(spider.parse(response))
    return [o for o in out if isinstance(o, ArticleItem)], [
        o for o in out if isinstance(o, Request)
    ]


def test_an_article_is_one_item_with_its_paragraphs_and_its_links_followed():
    spider = make_spider(render="never")
    text = f"<p>{LONG}</p><p>Second.</p>"
    response = page("/en/world/x", drupal("article", text, "<a href='/en/world/y'>y</a>"))
    items, requests = parsed(spider, response)
    assert len(items) == 1
    item = items[0]
    assert (item["url"], item["kind"], item["language"], item["source"]) == (
        BASE + "/en/world/x",
        "article",
        "en",
        "live",
    )
    assert item["body"] == [LONG.strip(), "Second."] and item["capture_timestamp"] is None
    assert [r.url for r in requests] == [BASE + "/en/world/y"]
    # The same article again (another spelling of its URL): no item, counted.
    items, _ = parsed(
        spider, page("/en/world/x", drupal("article"), url=BASE + "/en/world/x?page=1")
    )
    assert items == [] and spider.crawler.stats.get_value("oldsite/duplicate_pages") == 1


def test_auto_sends_a_page_to_the_browser_once_and_a_rerender_is_no_duplicate():
    spider = make_spider(render="auto")
    placeholder = "<div class='view view-iran-in-brief'></div>"
    response = page("/en/world/x", drupal("article", extra=placeholder))
    items, requests = parsed(spider, response)
    assert len(items) == 1  # the body is there: stored from the plain fetch
    again = [r for r in requests if r.meta.get("playwright")]
    assert len(again) == 1 and again[0].meta["render_reason"] == "placeholder"
    assert again[0].dont_filter
    stats = spider.crawler.stats
    assert stats.get_value("render/needed/placeholder") == 1
    rendered = page("/en/world/x", drupal("article"), meta=again[0].meta)
    items, requests = parsed(spider, rendered)
    assert items == [] and not any(r.meta.get("playwright") for r in requests)
    assert stats.get_value("render/recovered") == 1
    assert stats.get_value("oldsite/duplicate_pages") is None


def test_an_empty_body_waits_for_the_browser_but_not_its_links():
    """Review 8: the item waits for the browser; the links are followed at
    once, so a failed render loses none of them."""
    spider = make_spider(render="auto")
    response = page("/en/world/x", drupal("article", text="", extra="<a href='/en/world/y'>y</a>"))
    items, requests = parsed(spider, response)
    assert items == [] and [r.url for r in requests] == [BASE + "/en/world/x", BASE + "/en/world/y"]
    assert requests[0].meta["render_reason"] == "empty_body"
    assert not requests[1].meta.get("playwright")
    # The browser's page gives the item; its links were requested already.
    rendered = page(
        "/en/world/x", drupal("article", extra="<a href='/en/world/y'>y</a>"), meta=requests[0].meta
    )
    items, requests = parsed(spider, rendered)
    assert [i["url"] for i in items] == [BASE + "/en/world/x"] and requests == []


def test_a_listing_rendered_by_the_browser_still_ends_its_pagination():
    """Review 7: the browser's request keeps the plain request's meta (the
    digest of the listing page before it, how the page was reached)."""
    spider = make_spider(render="auto")
    pager = "<ul class='pager'><li><a href='/en/world?page={}'>next</a></li></ul>"
    first = page("/en/world?page=2", ("", "", teasers() + pager.format(3)))
    (following,) = [r for r in parsed(spider, first)[1] if r.url.endswith("?page=3")]
    # Page 3 comes as a placeholder (its teasers and pager drawn by a script)...
    plain = page(
        "/en/world?page=3",
        ("", "", "<div class='view view-articles'></div>"),
        meta={**following.meta, "via_more": True},
    )
    (again,) = parsed(spider, plain)[1]
    assert again.meta["render_reason"] == "placeholder"
    assert again.meta["listing_digest"] == following.meta["listing_digest"]
    assert again.meta["via_more"] is True
    # ...and the browser shows page 2's teasers again: its pager is not followed.
    rendered = page("/en/world?page=3", ("", "", teasers() + pager.format(4)), meta=again.meta)
    assert parsed(spider, rendered)[1] == []
    assert spider.crawler.stats.get_value("oldsite/pagination/stopped") == 1


def test_pages_the_crawl_cannot_place_are_counted_by_node_type():
    spider = make_spider(render="never")
    items, requests = parsed(spider, page("/en/gallery/x", drupal("gallery")))
    assert items == []
    stats = spider.crawler.stats
    assert stats.get_value("oldsite/pages/other") == 1
    assert stats.get_value("oldsite/pages/other/gallery") == 1
    items, _ = parsed(spider, page("/en/video/x", drupal("video", path="/en/video/x")))
    assert items[0]["kind"] == "video" and items[0]["video_urls"] == []
    assert "video_urls" not in parsed(spider, page("/en/world/x", drupal("article")))[0][0]


def test_pages_that_are_no_html_are_counted_and_skipped():
    spider = make_spider(render="never")
    response = TextResponse(BASE + "/x.json", body=b"{}", request=Request(BASE + "/x.json"))
    assert list(spider.parse(response)) == []
    empty = HtmlResponse(BASE + "/en", body=b" ", request=Request(BASE + "/en"))
    assert list(spider.parse(empty)) == []
    stats = spider.crawler.stats
    assert stats.get_value("oldsite/pages/not_html") == 1
    assert stats.get_value("oldsite/malformed/empty") == 1


# ---------------------------------------------------------------- sources and arguments
def test_live_starts_at_the_home_page_of_each_edition():
    spider = make_spider(render="never", languages="fa,ar")

    async def start():
        return [r.url async for r in spider.source.start()]

    urls = asyncio.run(start())
    assert urls == [BASE + "/", BASE + "/ar"]


def test_arguments_are_recorded_as_given():
    spider = make_spider(source="wayback", languages="en", **{"from": "2020", "to": "2021"})
    assert spider.arguments == {
        "base_url": BASE,
        "languages": "en",
        "source": "wayback",
        "from": "2020",
        "to": "2021",
    }
    assert str(spider.source) == "wayback" and spider.render == "never"
    assert not hasattr(spider, "to")  # a source's arguments are its own


def test_unknown_sources_are_refused():
    with pytest.raises(ValueError, match="source must be one of live, wayback"):
        source_class("archive")


def test_wayback_configuration_read_once_from_the_settings():
    config = wayback.WaybackConfig.from_settings(Settings(PROJECT))
    assert config.cdx_url == project.WAYBACK_CDX_URL
    assert dict(config.hosts) == project.WAYBACK_HOSTS
    assert config.download_slots()[wayback.CDX_SLOT] == {
        "concurrency": 1,
        "delay": 60.0 / project.WAYBACK_CDX_RATE,
        "jitter": 0,
    }
    for name, value, message in [
        ("WAYBACK_CDX_URL", "ftp://x", "http"),
        ("WAYBACK_HOSTS", {}, "WAYBACK_HOSTS"),
        ("WAYBACK_CDX_RATE", 0, "above 0"),
        ("WAYBACK_HOSTS", {"a.example": "2021-01"}, "1 to 14 digits"),
    ]:
        with pytest.raises(ValueError, match=message):
            wayback.WaybackConfig.from_settings(Settings({**PROJECT, name: value}))


def test_wayback_source_lists_captures_then_replays_them_as_old_site_pages():
    spider = make_spider(
        source="wayback",
        languages="en",
        settings={
            "WAYBACK_CDX_URL": "http://archive.example/cdx",
            "WAYBACK_REPLAY_URL": "http://archive.example/web",
        },
    )
    assert spider.allowed_domains == ["old.example", "archive.example"]
    source = spider.source
    assert [q[0] for q in source.queries] == ["old.iranintl.com/en/", "iranintl.com/en/"]
    source.captures = wayback.Captures({})
    source.queries = source.queries[:1]
    (listing,) = source.listing(0)
    assert (
        listing.callback == spider.parse_source
        and listing.meta["source_callback"] == "parse_listing"
    )
    answer = (
        '[["timestamp","original","statuscode","mimetype"],'
        '["20200101000000","http://old.iranintl.com/en/world/x","200","text/html"],'
        '["20210101000000","https://old.iranintl.com/en/world/x/","200","text/html"],'
        '["20210101000000","http://twitter.com/x","200","text/html"]]'
    )
    cdx = TextResponse(listing.url, body=answer.encode(), request=listing)
    (replay,) = list(spider.parse_source(cdx))
    assert (
        replay.url == "http://archive.example/web/20210101000000id_/"
        "https://old.iranintl.com/en/world/x/"
    )
    captured = page("", drupal("article", path="/en/world/x"), meta=replay.meta, url=replay.url)
    items, requests = parsed(spider, captured)
    assert requests == []  # archived pages come from the capture list
    assert (items[0]["url"], items[0]["source"], items[0]["capture_timestamp"]) == (
        BASE + "/en/world/x",
        "wayback",
        "20210101000000",
    )


def test_every_page_request_shares_one_callback_so_scrapys_check_is_cached(monkeypatch):
    # Scrapy checks each response's callback for a generator that returns a
    # value (inspect.getsource + ast), cached by the callback object.
    import inspect

    from scrapy.utils import misc

    spider = make_spider(render="never")
    first, second = spider.page_request(f"{BASE}/en/a"), spider.page_request(f"{BASE}/en/b")
    assert first.callback is second.callback and first.errback is second.errback
    assert first.callback == spider.parse
    misc.is_generator_with_return_value(first.callback)
    calls = []
    monkeypatch.setattr(inspect, "getsource", lambda f: calls.append(f) or "")
    for request in (first, second):
        misc.warn_on_generator_with_return_value(spider, request.callback)
    assert calls == []


@pytest.mark.parametrize(("every", "checked"), [(1, 12), (4, None)])
def test_extract_check_every_sets_how_many_drupal_pages_are_checked(every, checked):
    import zlib

    spider = make_spider(render="never", settings={"EXTRACT_CHECK_EVERY": every})
    # Twelve articles whose URLs are none of one in four (the check is chosen by URL).
    paths = [
        p for p in (f"/en/world/n{i}" for i in range(200)) if zlib.crc32((BASE + p).encode()) % 4
    ]
    for path in paths[:12]:
        items, _ = parsed(spider, page(path, drupal("article", path=path)))
        assert len(items) == 1
    assert spider.crawler.stats.get_value("extract/checked") == checked


@pytest.mark.parametrize("value", ["0", "-3", "often"])
def test_a_bad_extract_check_every_is_one_clear_error(value):
    with pytest.raises(ValueError, match="EXTRACT_CHECK_EVERY must be a whole number"):
        make_spider(render="never", settings={"EXTRACT_CHECK_EVERY": value})
