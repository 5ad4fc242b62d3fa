"""Hostile text, added to a replica server on demand (issue 14, classes 2 and 10).

``install(server)`` adds, as raw routes (the bytes are served as written),
and links from ``/en``:

* an English, a Persian and an Arabic article carrying control and invisible
  characters in every place a field comes from: raw NUL/C0/DEL bytes, C1
  controls, numeric entities (``&#1;`` ``&#27;`` ``&#127;``), JSON-LD escapes
  (``\\u0000`` ``\\u0007``, a lone ``\\ud800``), Unicode tag characters
  (U+E0000 block), the invisible operators U+2061-U+2064, U+180E, LRM/RLM and
  bidi controls, in the title, body, meta description, ``article:tag``,
  section, tags, authors, date, image URL and caption, and JSON-LD;
* an article whose title is escaped 250,000 times (``&amp;amp;…``, 1 MB).

Returns the documents a crawl must store, with their exact clean text.
"""

import json

from .jscorner import link_from_home
from .server import Reply
from .site import enc

HTML = (("Content-Type", "text/html; charset=utf-8"),)

# What the crawl must drop, as characters and as text that names them.
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f"
INVISIBLE = (
    "\U000e0001\U000e0049\U000e0052\U000e007f\u2061\u2062\u2063\u2064\u180e"
    "\u200b\u200e\u200f\u202e\u2066\ufeff"
)
ENTITIES = "&#1;&#27;&#127;&#x7;"
JSON_ESCAPES = "\\u0000\\u0007\\ud800"  # inside the JSON-LD script, decoded by json.loads


# A page whose first 4 KB hold a NUL or many controls is binary, not a page
# (``responses.problem``): the raw C0 bytes come after a head of real size.
PADDING = "<style>" + "".join(f".c{i} {{margin: {i}px}}\n" for i in range(300)) + "</style>"
C1 = "\x80\x85\x9f"


def dirty(text, raw=True):
    """*text* with controls and invisible characters at its start, middle and
    end; ``raw=False`` (the head): no raw C0 bytes, only C1, entities and the rest."""
    middle = len(text) // 2
    while middle < len(text) and text[middle] != " ":
        middle += 1  # between two words, so the words stay whole
    start, end = (CONTROLS[:4], CONTROLS[4:]) if raw else (C1, C1)
    return start + INVISIBLE[:5] + text[:middle] + INVISIBLE[5:] + ENTITIES + text[middle:] + end


def page(spec, origin):
    """A Drupal 7 article page for *spec*, every text in it made dirty."""
    lang = spec["lang"]
    url = origin + enc(spec["path"])
    paragraphs = "".join(f"<p>{dirty(p)}</p>" for p in spec["paras"])
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": url,
            "headline": "@@HEADLINE@@",
            "articleSection": "@@SECTION@@",
            "keywords": "@@KEYWORDS@@",
            "author": [{"@type": "Person", "name": "@@AUTHOR@@"}],
        },
        ensure_ascii=False,
    )
    for key, value in (
        ("HEADLINE", spec["title"]),
        ("SECTION", spec["section"]),
        ("KEYWORDS", ", ".join(spec["tags"])),
        ("AUTHOR", spec["authors"][0]),
    ):
        ld = ld.replace(f"@@{key}@@", JSON_ESCAPES + value + JSON_ESCAPES[:6])
    image = f"/sites/default/files/styles/large/public/{spec['image']}"
    tags = "".join(
        f'<div class="field-item"><a href="/{t}" typeof="skos:Concept">{dirty(t)}</a></div>'
        for t in spec["tags"]
    )
    authors = "".join(f'<div class="field-item">{dirty(a)}</div>' for a in spec["authors"])
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{spec["dir"]}"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="generator" content="Drupal 7 (http://drupal.org)">
<meta name="description" content="{dirty(spec["paras"][0], False)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{dirty(spec["title"], False)}">
<meta property="og:url" content="{url}">
{"".join(f'<meta property="article:tag" content="{dirty(t, False)}">' for t in spec["tags"])}
<script type="application/ld+json">{ld}</script>
<link rel="canonical" href="{url}">
<title>{dirty(spec["title"], False)} | Iran International</title>
{PADDING}
</head>
<body class="html not-front not-logged-in page-node node-type-article i18n-{lang}">
<div class="main-container container"><section class="col-sm-12">
<h1 class="page-header">{dirty(spec["title"])}</h1>
<div id="node-{spec["nid"]}" class="node node-article view-mode-full clearfix">
<div class="field field-name-field-section"><div class="field-items"><div class="field-item">
<a href="/{spec["section"]}">{dirty(spec["section"])}</a></div></div></div>
<div class="field field-name-post-date"><div class="field-items"><div class="field-item">
<span class="date-display-single">{dirty(spec["date"])}</span></div></div></div>
<div class="field field-name-field-author"><div class="field-items">{authors}</div></div>
<div class="field field-name-field-image"><div class="field-items"><div class="field-item">
<figure><img src="{image}{CONTROLS[1]}&#1;" alt="">
<figcaption>{dirty(spec["caption"])}</figcaption></figure></div></div></div>
<div class="field field-name-body"><div class="field-items"><div class="field-item even">
{paragraphs}
</div></div></div>
<div class="field field-name-field-tags"><div class="field-items">{tags}</div></div>
</div></section></div></body></html>"""


SPECS = (
    {
        "path": "/en/world/hidden-characters",
        "lang": "en",
        "dir": "ltr",
        "nid": 9101,
        "title": "Hidden characters in every field",
        "paras": (
            "Control characters and invisible format characters were in this page.",
            "None of them may reach the archive, in any field.",
        ),
        "section": "World",
        "tags": ("Unicode", "Security"),
        "authors": ("Kian Rahimi",),
        "date": "Monday, 07/20/2020 - 10:30",
        "image": "hidden.jpg",
        "caption": "A caption",
    },
    {
        "path": "/ایران/نویسه‌های-پنهان",
        "lang": "fa",
        "dir": "rtl",
        "nid": 9102,
        "title": "نویسه‌های پنهان در همه بخش‌ها",
        "paras": (
            "این صفحه نویسه‌های کنترلی و نامرئی دارد.",
            "هیچ‌کدام از آنها نباید در بایگانی ذخیره شود.",
        ),
        "section": "ایران",
        "tags": ("یونیکد", "امنیت"),
        "authors": ("سارا احمدی",),
        "date": "۲۹ تیر ۱۳۹۹",
        "image": "hidden-fa.jpg",
        "caption": "یک زیرنویس",
    },
    {
        "path": "/ar/إيران/محارف-خفية-في-كل-الحقول",
        "lang": "ar",
        "dir": "rtl",
        "nid": 9103,
        "title": "محارف خفية في كل الحقول",
        "paras": (
            "تحتوي هذه الصفحة على محارف تحكّم ومحارف غير مرئية.",
            "لا يجوز أن يصل أيٌّ منها إلى الأرشيف.",
        ),
        "section": "إيران",
        "tags": ("يونيكود", "الأمن"),
        "authors": ("مصطفى كمال",),
        "date": "الأحد 18 أكتوبر (تشرين الأول) 2020",
        "image": "hidden-ar.jpg",
        "caption": "تعليق على الصورة",
    },
)

DEEP_LEVELS = 250_000
DEEP = {
    "path": "/en/world/title-escaped-250000-times",
    "title": '"Escaped" & 5 < 6',
    "paras": ("The title of this page was escaped 250,000 times.",),
}


def _deep_page(origin):
    amp = "&" + "amp;" * DEEP_LEVELS
    title = f"{amp}quot;Escaped{amp}quot; {amp}amp; 5 {amp}lt; 6"
    url = origin + enc(DEEP["path"])
    return (
        f'<!DOCTYPE html><html lang="en"><head><link rel="canonical" href="{url}">'
        f'<meta name="generator" content="Drupal 7 (http://drupal.org)"></head>'
        f'<body class="html not-front page-node node-type-article">'
        f'<h1 class="page-header">{title}</h1>'
        f'<div id="node-9104" class="node node-article view-mode-full">'
        f'<span class="date-display-single">Jul 20, 2020</span>'
        f'<div class="field field-name-body"><div class="field-items"><div class="field-item">'
        f"<p>{DEEP['paras'][0]}</p></div></div></div></div></body></html>"
    )


def install(server):
    """Add the pages to *server*; return the documents a crawl must store."""

    def reply(spec):
        if spec is DEEP:
            return lambda query: Reply(200, HTML, _deep_page(server.base_url).encode())
        return lambda query: Reply(200, HTML, page(spec, server.base_url).encode())

    for spec in SPECS + (DEEP,):
        server.set_route(spec["path"], reply(spec))
    link_from_home(server, [(server.url(s["path"]), s["title"]) for s in SPECS + (DEEP,)])
    return [
        {
            "path": s["path"],
            "title": s["title"],
            "body": "\n\n".join(s["paras"]),
            "tags": list(s.get("tags", ())),
            "authors": list(s.get("authors", ())),
        }
        for s in SPECS + (DEEP,)
    ]
