"""The broken corner: what an old, unmaintained site serves on a bad day.

``install(server)`` adds these to a replica server (through its overrides and
raw routes, so only that server changes) and links them from ``/en``.
Returns the documents a crawl must still store; ``CASES`` says what each URL
exercises and the stat it must leave. ``install_hostile(server, other)`` adds
the second round (issue 14): stray bytes, short transfers, meta refreshes,
another origin (*other*, a second server on another port), crawler traps.
"""

import itertools
import re

from .jscorner import derived_page, link_from_home, to_html
from .server import Reply

TEMPLATE = "/en/world/iran-forming-new-proxy-forces-increase-attacks-us-iraq"
HTML = (("Content-Type", "text/html; charset=utf-8"),)
MARK = "<p>@@BODY@@</p>"


def _article(server, path, title, body_html):
    """A Drupal article page at *path* whose body is *body_html*, verbatim."""
    page = to_html(derived_page(server, TEMPLATE, {"path": path, "title": title}, MARK))
    return page.replace(MARK, body_html)


def _persian_cp1256(server, path, title, paragraph):
    """A minimal Persian article in Windows-1256 (which has no Persian yeh or
    digits: old pages used Arabic yeh and ASCII digits)."""
    return (
        f'<html lang="fa" dir="rtl"><head><title>{title}</title>'
        f'<link rel="canonical" href="{server.url(path)}"></head>'
        f'<body class="html not-front page-node node-type-article">'
        f'<div id="node-9001" class="node node-article view-mode-full">'
        f'<h1 class="page-header">{title}</h1>'
        f'<div class="field field-name-body"><div class="field-items"><div class="field-item even">'
        f"<p>{paragraph}</p></div></div></div>"
        f'<span class="date-display-single">1399/04/29</span></div></body></html>'
    ).encode("cp1256")


def redirect(location, status=301):
    return lambda query: Reply(status, (("Location", location),))


def flaky(body):
    """503 on the first request, the page after."""
    calls = itertools.count()
    return lambda query: Reply(503, HTML, b"busy") if next(calls) == 0 else Reply(200, HTML, body)


FA_TITLE = "گزارش قديمي با رمزگذاري ويندوز"
FA_TEXT = "اين صفحه با رمزگذاري ويندوز 1256 ذخيره شده است و بايد درست خوانده شود."

# path → (what it exercises, the stat it must leave)
CASES = {
    "/en/world/unclosed-tags": ("unclosed <p>, <b> and <div> tags", None),
    "/en/world/truncated-article": ("cut off mid-page", "oldsite/malformed/truncated"),
    "/en/world/very-long-article": ("a 2 MB page", None),
    "/en/world/empty-page": ("an empty 200", "oldsite/malformed/empty"),
    "/en/world/binary-page": ("a PNG served as text/html", "oldsite/malformed/binary"),
    "/ایران/صفحه-ویندوز-با-برچسب-اشتباه": ("Windows-1256 labelled UTF-8", None),
    "/ایران/صفحه-ویندوز-بدون-برچسب": ("Windows-1256 with no charset", None),
    "/en/world/page-with-bom": ("UTF-8 with a BOM, labelled ISO-8859-1", None),
    "/en/world/gone-404": ("404", "oldsite/http_status/404"),
    "/en/world/gone-410": ("410", "oldsite/http_status/410"),
    "/en/world/error-500": ("500 every time", "oldsite/http_status/500"),
    "/en/world/error-502": ("502 every time", "oldsite/http_status/502"),
    "/en/world/error-503": ("503 every time", "oldsite/http_status/503"),
    "/en/world/flaky-article": ("503 once, then the page", None),
    "/en/world/stalls": ("never answers in time", "oldsite/errors/timeout"),
    "/en/world/resets": ("resets the connection", "oldsite/errors/connection"),
    "/en/r/one": ("a chain of three redirects to an article", None),
    "/en/loop/a": ("a redirect loop", "oldsite/redirects/loop"),
    "/en/world/moved-to-new-site": ("a redirect to www.iranintl.com", "oldsite/redirects/new_site"),
    "/en/world/moved-away": ("an off-site redirect", "oldsite/redirects/offsite"),
    "/en/endless": (
        "a listing that links to itself and paginates forever",
        "oldsite/pagination/stopped",
    ),
    "/en/world/article with spaces": ("a URL with spaces", None),
    "/" + "\u200b" * 7 + "تحریم": ("a tag URL starting with seven U+200B", None),
    "/en/world?q=" + "x" * 3000: ("an overlong query string", "urllength/request_ignored_count"),
}
# Links that are the same page as one already in the replica.
SAME_PAGE_LINKS = [
    "/سیاست/اسفندیار-رحیم\u200cمشایی-بازداشت-شد",  # raw Persian, not percent-encoded
    "/%D8%B3%DB%8C%D8%A7%D8%B3%D8%AA/واکنش-«مجلس»-به-لایحه-بودجه",  # mixed encoding
]


def install(server):
    """Add the broken corner to *server*; return the documents it must store."""
    expected = []

    def article(path, title, paragraphs, body_html=None):
        body_html = body_html or "".join(f"<p>{p}</p>" for p in paragraphs)
        server.set_override(path, _article(server, path, title, body_html))
        expected.append({"path": path, "title": title, "body": "\n\n".join(paragraphs)})

    article(
        "/en/world/unclosed-tags",
        "A page with unclosed tags",
        ["First paragraph, with bold text that never closes.", "Second paragraph."],
        "<p>First paragraph, with <b>bold text that never closes.<p>Second paragraph.<div>",
    )
    full = _article(
        server,
        "/en/world/truncated-article",
        "A page cut off in transfer",
        "<p>The first paragraph arrived.</p><p>So did the second.</p><p>The third was cut",
    )
    server.set_override("/en/world/truncated-article", full[: full.index("The third was cut")])
    expected.append(
        {
            "path": "/en/world/truncated-article",
            "title": "A page cut off in transfer",
            "body": "The first paragraph arrived.\n\nSo did the second.",
        }
    )
    sentence = "A very long article keeps going with the same sentence for page weight. " * 6
    article("/en/world/very-long-article", "A two megabyte article", [sentence.strip()] * 4500)
    server.set_route("/en/world/empty-page", lambda q: Reply(200, HTML, b""))
    server.set_route(
        "/en/world/binary-page",
        lambda q: Reply(200, HTML, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64),
    )

    wrong, bare = list(CASES)[5:7]
    server.set_route(
        wrong, lambda q: Reply(200, HTML, _persian_cp1256(server, wrong, FA_TITLE, FA_TEXT))
    )
    server.set_route(
        bare,
        lambda q: Reply(
            200, (("Content-Type", "text/html"),), _persian_cp1256(server, bare, FA_TITLE, FA_TEXT)
        ),
    )
    clean_title, clean_text = FA_TITLE.replace("ي", "ی"), FA_TEXT.replace("ي", "ی")
    expected += [{"path": p, "title": clean_title, "body": clean_text} for p in (wrong, bare)]

    bom_path = "/en/world/page-with-bom"
    bom_page = _article(
        server, bom_path, "Tehran’s café culture", "<p>Naïve visitors love the café.</p>"
    )
    server.set_route(
        bom_path,
        lambda q: Reply(
            200,
            (("Content-Type", "text/html; charset=iso-8859-1"),),
            b"\xef\xbb\xbf" + bom_page.encode("utf-8"),
        ),
    )
    expected.append(
        {
            "path": bom_path,
            "title": "Tehran’s café culture",
            "body": "Naïve visitors love the café.",
        }
    )

    for status in (404, 410, 500, 502, 503):
        path = f"/en/world/{'gone' if status < 500 else 'error'}-{status}"
        server.set_route(
            path, lambda q, s=status: Reply(s, HTML, b"<html><body>error</body></html>")
        )
    flaky_path = "/en/world/flaky-article"
    server.set_route(
        flaky_path,
        flaky(
            _article(
                server,
                flaky_path,
                "Served on the second try",
                "<p>The server was busy at first.</p>",
            ).encode()
        ),
    )
    expected.append(
        {
            "path": flaky_path,
            "title": "Served on the second try",
            "body": "The server was busy at first.",
        }
    )
    server.set_route("/en/world/stalls", lambda q: Reply(200, HTML, b"<html></html>", delay=8))
    server.set_route("/en/world/resets", lambda q: Reply(reset=True))

    server.set_route("/en/r/one", redirect(server.url("/en/r/two")))
    server.set_route("/en/r/two", redirect("/en/r/three", 302))
    server.set_route("/en/r/three", redirect(server.url("/en/world/after-redirects"), 308))
    article("/en/world/after-redirects", "Reached after three redirects", ["The chain ends here."])
    server.set_route("/en/loop/a", redirect(server.url("/en/loop/b")))
    server.set_route("/en/loop/b", redirect(server.url("/en/loop/a")))
    server.set_route(
        "/en/world/moved-to-new-site", redirect("https://www.iranintl.com/en/202007201234")
    )
    server.set_route("/en/world/moved-away", redirect("https://example.org/elsewhere", 302))

    def endless(query):
        """Section page 0, whatever ?page=N: its pager always points further."""
        page = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("page", 0))
        html = server.page_html("/en/world").replace("/en/world?page=", "/en/endless?page=")
        return Reply(
            200, HTML, html.replace("/en/endless?page=1", f"/en/endless?page={page + 1}").encode()
        )

    server.set_route("/en/endless", endless)

    article(
        "/en/world/article with spaces", "An address with spaces", ["Spaces in a path survive."]
    )
    zw_tag = list(CASES)[22]
    server.set_override(zw_tag, server.page_html("/تحریم"))

    link_from_home(server, [(href, "broken corner") for href in list(CASES) + SAME_PAGE_LINKS])
    return expected


# ---------------------------------------------------------------- round two
FA_TEMPLATE = "/ایران/قیمت-دلار-به-۲۵-هزار-تومان-رسید"  # dated ۳۰ تیر ۱۳۹۹
FA_PUBLISHED = "2020-07-19T19:30:00+00:00"
FA_PARAS = [
    "پاراگراف اول این گزارش درباره اقتصاد ایران و بازار ارز است.",
    "پاراگراف دوم باید پس از یک بایت نامعتبر همان‌طور که بود بماند.",
]
STRAY_BYTE_PAGES = {  # path -> Content-Type
    "/ایران/صفحه-با-یک-بایت-نامعتبر": "text/html; charset=utf-8",
    "/ایران/صفحه-بدون-برچسب-با-یک-بایت-نامعتبر": "text/html",
}
DEEP = "/en/deep-archive"  # a listing of DEEP_PAGES pages, DEEP_PER_PAGE new articles each
DEEP_PAGES, DEEP_PER_PAGE = 12, 3
CALENDAR = "/en/calendar/day-{}"
CALENDAR_DAYS = 5000
FLOOD = "/en/links-everywhere"
FLOOD_LINKS = 50_000
# path -> (what it exercises, the stat it must leave)
HOSTILE_CASES = {
    **dict.fromkeys(
        STRAY_BYTE_PAGES,
        ("one invalid byte in a UTF-8 Persian page", "oldsite/malformed/invalid_bytes"),
    ),
    "/en/world/short-of-its-content-length": (
        "a complete page shorter than its Content-Length",
        "oldsite/malformed/truncated",
    ),
    "/en/world/refreshes-to-itself": (
        "a meta refresh to the page itself",
        "oldsite/meta_refresh/self",
    ),
    "/en/world/refreshes-off-site": ("a meta refresh off the site", "oldsite/redirects/offsite"),
    "/en/world/refreshes-to-another-port": (
        "a meta refresh to another port",
        "oldsite/redirects/offsite",
    ),
    "/en/world/redirects-to-another-port": (
        "a 302 to the same host on another port",
        "oldsite/redirects/offsite",
    ),
    "/en/world/attacker": (
        "a page whose canonical names another article",
        "oldsite/canonical/elsewhere",
    ),
    "/en/world/attacker-two": (
        "a second page claiming the same canonical URL",
        "oldsite/canonical/elsewhere",
    ),
    "/en/world/claims-an-unlinked-page": (
        "a canonical naming a page linked nowhere",
        "oldsite/canonical/elsewhere",
    ),
    "/en/world/canonical-on-another-port": ("a canonical on another port", None),
    "/en/world/link-to-another-port": ("a link to another port", None),
    DEEP: (f"a listing {DEEP_PAGES} pages deep (no trap)", None),
    CALENDAR.format(1): (
        "a calendar whose every day links to the next",
        "oldsite/traps/chains_cut",
    ),
    FLOOD: (f"a page with {FLOOD_LINKS:,} distinct links", "oldsite/traps/links_capped"),
}


CLAIMED = "/en/world/real-story-b"
UNLINKED = "/en/world/only-named-by-a-canonical"
CLAIMS = [
    ("/en/world/attacker", "The attacker's headline", "The attacker's text."),
    ("/en/world/attacker-two", "A second claim", "The second claimant's text."),
]


def _persian_article(server, path, paras):
    page = to_html(derived_page(server, FA_TEMPLATE, {"path": path, "title": FA_TITLE}, MARK))
    return page.replace(MARK, "".join(f"<p>{p}</p>" for p in paras))


def _calendar_day(server, day):
    html = (
        f"<html><head><title>Calendar, day {day} | Iran International</title></head>"
        f'<body class="html not-front page-calendar"><h1>Events on day {day}</h1>'
        f'<table class="calendar"><tr><td>No events.</td></tr></table>'
        f'<a href="/en">Home</a> <a href="{CALENDAR.format(day + 1)}">Next day ›</a>'
        f"</body></html>"
    )
    return Reply(200, HTML, html.encode())


def install_hostile(server, other):
    """Add the second round to *server* (*other*: a server on another port);
    return the documents a crawl must store (``raw`` marks a body whose
    invalid byte may show as U+FFFD)."""
    expected = []

    def article(path, title, paragraphs):
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        server.set_override(path, _article(server, path, title, body))
        expected.append({"path": path, "title": title, "body": "\n\n".join(paragraphs)})

    for path, content_type in STRAY_BYTE_PAGES.items():
        raw = _persian_article(server, path, FA_PARAS).encode()
        if "charset" not in content_type:
            raw = raw.replace(
                b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', b""
            )
        at = raw.index("اقتصاد".encode())
        raw = raw[:at] + b"\xff" + raw[at:]
        server.set_route(
            path, lambda q, r=raw, c=content_type: Reply(200, (("Content-Type", c),), r)
        )
        expected.append(
            {
                "path": path,
                "title": FA_TITLE.replace("ي", "ی"),
                "body": "\n\n".join(FA_PARAS),
                "published_at": FA_PUBLISHED,
                "stray_byte": True,
            }
        )

    short = "/en/world/short-of-its-content-length"
    body = _article(
        server, short, "A page shorter than it said", "<p>Every byte of the HTML arrived.</p>"
    ).encode()
    server.set_route(
        short, lambda q: Reply(200, (*HTML, ("Content-Length", str(len(body) + 900))), body)
    )
    expected.append(
        {
            "path": short,
            "title": "A page shorter than it said",
            "body": "Every byte of the HTML arrived.",
        }
    )

    def refreshing(path, title, target, delay=60):
        page = _article(server, path, title, "<p>This page refreshes.</p>")
        tag = f'<meta http-equiv="refresh" content="{delay}; url={target}">'
        server.set_override(path, re.sub(r"(<head[^>]*>)", r"\1" + tag, page, count=1))

    refreshing(
        "/en/world/refreshes-to-itself",
        "A page that refreshes itself",
        server.url("/en/world/refreshes-to-itself"),
    )
    expected.append(
        {
            "path": "/en/world/refreshes-to-itself",
            "title": "A page that refreshes itself",
            "body": "This page refreshes.",
        }
    )
    refreshing(
        "/en/world/refreshes-off-site",
        "A page that refreshes off the site",
        "https://example.org/refreshed",
        delay=0,
    )
    refreshing(
        "/en/world/refreshes-to-another-port",
        "A page that refreshes to another port",
        other.url(TEMPLATE),
        delay=1,
    )
    server.set_route("/en/world/redirects-to-another-port", redirect(other.url(TEMPLATE), 302))

    def claiming(path, title, text, canonical):
        page = _article(server, path, title, f"<p>{text}</p>")
        own = f'href="{server.url(path)}"'
        server.set_override(path, page.replace(own, f'href="{canonical}"'))

    for path, title, text in CLAIMS:
        claiming(path, title, text, server.url(CLAIMED))
    article(CLAIMED, "The real story B", ["B's own text, from B's own page."])
    claiming(
        "/en/world/claims-an-unlinked-page",
        "A page naming an unlinked one",
        "The claiming page's text.",
        server.url(UNLINKED),
    )
    article(UNLINKED, "Linked from nowhere", ["Only a canonical link names this page."])
    claiming(
        "/en/world/canonical-on-another-port",
        "A canonical on another port",
        "Stored under its own URL.",
        other.url("/en/world/canonical-on-another-port"),
    )
    expected.append(
        {
            "path": "/en/world/canonical-on-another-port",
            "title": "A canonical on another port",
            "body": "Stored under its own URL.",
        }
    )
    page = _article(
        server,
        "/en/world/link-to-another-port",
        "A page linking another port",
        f'<p>Its link <a href="{other.url(TEMPLATE)}">leaves the site</a>.</p>',
    )
    server.set_override("/en/world/link-to-another-port", page)
    expected.append(
        {
            "path": "/en/world/link-to-another-port",
            "title": "A page linking another port",
            "body": "Its link leaves the site.",
        }
    )

    def deep_listing(query):
        page = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("page", 0))
        rows = "".join(
            f'<div class="views-row"><h2><a href="{DEEP}/article-{page}-{n}">Story {page}-{n}'
            f"</a></h2></div>"
            for n in range(DEEP_PER_PAGE)
        )
        more = f'<li class="pager-next"><a href="{DEEP}?page={page + 1}">next ›</a></li>'
        html = (
            f"<html><head><title>Archive | Iran International</title></head>"
            f'<body class="html not-front page-archive"><h1>Archive</h1>'
            f'<div class="view view-articles"><div class="view-content">{rows}</div>'
            f'<ul class="pager">{more if page + 1 < DEEP_PAGES else ""}</ul></div></body></html>'
        )
        return Reply(200, HTML, html.encode())

    server.set_route(DEEP, deep_listing)
    for page in range(DEEP_PAGES):
        for n in range(DEEP_PER_PAGE):
            article(
                f"{DEEP}/article-{page}-{n}",
                f"Story {page}-{n} of the archive",
                [f"Story {page}-{n} is found at the end of a deep listing."],
            )

    for day in range(1, CALENDAR_DAYS + 1):
        server.set_route(CALENDAR.format(day), lambda q, d=day: _calendar_day(server, d))
    links = "".join(f'<li><a href="/en/everywhere/{n}">{n}</a></li>' for n in range(FLOOD_LINKS))
    flood = f"<html><body><h1>Everything</h1><ul>{links}</ul></body></html>".encode()
    server.set_route(FLOOD, lambda q: Reply(200, HTML, flood))

    link_from_home(server, [(href, "hostile corner") for href in HOSTILE_CASES])
    return expected
