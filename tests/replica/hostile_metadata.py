"""The hostile corner, metadata and markup: pages in the old site's markup
whose JSON-LD, meta values or nesting are hostile.

``install(server)`` adds them to a replica server (through its overrides, so
only that server changes) and links them from ``/en``; it returns the
documents a crawl must store from them. ``CASES`` says what each page
exercises (issue #14, classes 1, 3, 9 and 11).
"""

import json

from .jscorner import derived_page, link_from_home, to_html

TEMPLATE = "/en/world/iran-forming-new-proxy-forces-increase-attacks-us-iraq"
MARK = "<p>@@BODY@@</p>"
SVG = "<svg onload=alert(1)>"
# Deep enough to break the HTML parser (it stops near 2,048 levels).
DEEP = 50_000
# Pages carrying multi-megabyte JSON-LD, and the size of each (under the
# 5,000,000 characters above which extraction does not parse a script at all).
HUGE_PAGES, HUGE_CHARS = 16, 4_500_000

PARAS = [
    "The page's own text is in its Drupal body field, as on every article.",
    "Whatever its metadata holds, this is what the archive must store.",
]

# path -> (what it exercises, the JSON-LD it carries, or None)
CASES = {
    "/en/world/ld-body-object": (
        "articleBody as an object",
        {"articleBody": {"@type": "Text", "value": "not a body"}},
    ),
    "/en/world/ld-body-mixed-list": (
        "articleBody as a list of strings, objects and numbers",
        {"articleBody": [{"x": 1}, 42, None, [1, 2]]},
    ),
    "/en/world/ld-headline-list": ("headline as a list", {"headline": [{"x": 1}, 7]}),
    "/en/world/ld-image-object": (
        "image as an object, its url an object too",
        {"image": {"@type": "ImageObject", "url": {"x": 1}}},
    ),
    "/en/world/ld-section-keywords-objects": (
        "articleSection and keywords as objects",
        {"articleSection": {"name": "World"}, "keywords": {"a": "b"}},
    ),
    "/en/world/ld-date-number": ("datePublished as a number", {"datePublished": 1593590400}),
    "/en/world/ld-nested-deep": ("JSON-LD nested 100,000 levels deep", "deep"),
    "/en/world/ld-lone-surrogates": ("lone surrogates in JSON-LD strings", "surrogates"),
    "/en/world/markup-in-values": (
        "<svg onload> in og:, JSON-LD and <title>; template, noscript and CDATA in the body",
        "markup",
    ),
    "/en/world/nested-50000-levels": ("the body nested 50,000 levels deep", None),
    **{
        f"/en/world/ld-huge-{n}": (f"{HUGE_CHARS:,} characters of JSON-LD", "huge")
        for n in range(HUGE_PAGES)
    },
}


def _jsonld(data):
    text = data if isinstance(data, str) else json.dumps(data)
    return f'<script type="application/ld+json">{text.replace("</", "<" + chr(92) + "/")}</script>'


def _ld(kind, path, title):
    base = {"@context": "https://schema.org", "@type": "NewsArticle"}
    if isinstance(kind, dict):
        return _jsonld({**base, **kind})
    if kind == "deep":
        return _jsonld(
            '{"@type": "NewsArticle", "about": ' + '[{"a": ' * DEEP + "1" + "}]" * DEEP + "}"
        )
    if kind == "surrogates":
        # json.dumps writes "\ud800" as an escape, which json.loads gives back alone.
        return _jsonld(
            {
                **base,
                "headline": title.replace("lone ", "lone\ud800 "),
                "description": "Broken \udfff summary",
            }
        )
    if kind == "huge":
        graph = [
            {
                "@type": "Thing",
                "name": f"{path} {k}",
                "description": "x" * 80,
                "sameAs": [k, {"k": k}],
            }
            for k in range(HUGE_CHARS // 190)  # about 190 characters each
        ]
        return _jsonld(
            {"@context": "https://schema.org", "@graph": [{**base, "headline": title}] + graph}
        )
    return ""


def _page(server, path, title, body_html, head=""):
    page = to_html(derived_page(server, TEMPLATE, {"path": path, "title": title}, MARK))
    return page.replace(MARK, body_html).replace("</head>", head + "</head>", 1)


def install(server):
    """Add the corner to *server*; return the documents it must store."""
    expected = []
    body_html = "".join(f"<p>{p}</p>" for p in PARAS)
    for path, (_, kind) in CASES.items():
        title = "Hostile metadata: " + path.rsplit("/", 1)[1].replace("-", " ")
        if kind == "surrogates":
            title = "A headline with a lone surrogate"
        head, html_body = _ld(kind, path, title), body_html
        if kind == "markup":
            head = (
                _jsonld(
                    {
                        "@context": "https://schema.org",
                        "@type": "NewsArticle",
                        "headline": f"Plain {SVG}</svg>headline",
                        "author": {"name": f"Reza{SVG}"},
                        "description": f"A {SVG}summary",
                    }
                )
                + '<meta property="og:description" content="A &lt;svg onload=1&gt;summary">'
            )
            title = "Plain headline"
            html_body = (
                "<template><p>Template text never shown.</p></template>"
                "<noscript><p>Noscript text.</p></noscript>"
                + body_html
                + "<script>//<![CDATA[\nvar hidden = 'CDATA text';\n//]]></script>"
            )
        elif path.endswith("nested-50000-levels"):
            html_body = "<div>" * DEEP + body_html + "</div>" * DEEP
        page = _page(server, path, title, html_body, head)
        if kind == "markup":
            page = page.replace(
                f"<title>{title} |", f"<title>{title} &lt;svg onload=alert(1)&gt; |"
            )
        server.set_override(path, page)
        expected.append({"path": path, "title": title, "body": "\n\n".join(PARAS)})
    link_from_home(server, [(path, "hostile metadata") for path in CASES])
    return expected
