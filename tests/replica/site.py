"""Routing and rendering of the old.iranintl.com replica, plus the manifest.

* ``render(path, query, origin)`` -> ``Response`` for a percent-decoded
  unicode request path (the server does the decoding).
* ``EXPECTED_DOCS`` / ``NOT_STORED_PATHS``: what a complete crawl must store
  and must not store.  Values come from the hand-written expectations in
  ``content.py``; nothing is derived from a parser.

HTML is produced from the ``string.Template`` files in ``templates/``; one
skeleton (``page.html``) is used by every page.
"""

import base64
import hashlib
import html
import json
import struct
import zlib
from collections import namedtuple
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, quote

from . import editions as C  # content.py + arabic.py
from .editions import CONTACT, LANG, PICKS, SCHEDULE, SECTION_ALIASES, SECTIONS, RawHref

TEMPLATES = Path(__file__).with_name("templates")
PER_PAGE = 3  # teasers per listing page
BRIEF_BLOCK_PAGES = 2  # the bench site's block pager (bench/sitegen.py)
BRIEF_BLOCK_PER_PAGE = 2  # items per page of the "Iran in Brief" block
HTML_TYPE = "text/html; charset=utf-8"

Response = namedtuple("Response", "status content_type body")


@dataclass(frozen=True)
class Ctx:
    origin: str  # "http://host:port"
    path: str  # canonical unicode path of the page
    page: int  # ?page=N, 0-based


# ------------------------------------------------------------------ helpers
def raw(x):
    """Raw HTML of a title/paragraph (str or (raw, expected) pair)."""
    return x[0] if isinstance(x, tuple) else x


def clean(x):
    """Hand-written expected text of a title/paragraph."""
    return x[1] if isinstance(x, tuple) else x


@cache
def _template(name):
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def tpl(_template_name, **kw):
    return _template(_template_name + ".html").substitute(**kw)


def enc(path):
    """Percent-encode a unicode path the way Drupal's url() does."""
    return quote(path, safe="/")


def href(target):
    """Encode an internal link (path with optional ?query / #fragment)."""
    if isinstance(target, RawHref):
        return html.escape(target)
    if target.startswith("http"):
        return target
    path, hash_, frag = target.partition("#")
    path, q, query = path.partition("?")
    return html.escape(enc(path) + q + query + hash_ + frag)


def page_href(path, page):
    return href(path + (f"?page={page}" if page else ""))


def attr(text):
    return html.escape(text, quote=True)


def link(target, label, **attrs):
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<a href="{href(target)}"{extra}>{label}</a>'


def itok(name):
    return hashlib.md5(name.encode()).hexdigest()[:8]


def image_src(name, style="large"):
    return f"/sites/default/files/styles/{style}/public/{name}?itok={itok(name)}"


def paragraphs(paras, indent="    "):
    return "\n".join(f"{indent}<p>{raw(p)}</p>" for p in paras)


def field(name, items, ftype="text"):
    parity = ("even", "odd")
    wrapped = "".join(
        f'<div class="field-item {parity[i % 2]}">{item}</div>' for i, item in enumerate(items)
    )
    return tpl("field", name=name, ftype=ftype, items=wrapped)


def meta(key, value, attr_name="property"):
    return f'  <meta {attr_name}="{key}" content="{value}">'


def tag_path(lang, tag):
    slug = tag.replace(" ", "-")
    return f"/en/{slug.lower()}" if lang == "en" else f"/{slug}"


def section_of(doc):
    return next((s for s in SECTIONS if s.lang == doc.lang and s.name == doc.section), None)


def summary_text(doc, limit=150):
    text = clean(doc.paras[0])
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


# ------------------------------------------------------------------ skeleton
def skeleton(ctx, lang, title, body_class, main, head="", sidebar=""):
    chrome = LANG[lang]

    def items(pairs):
        return "".join(f'<li class="leaf">{link(t, label)}</li>' for t, label in pairs)

    aside = (
        f'      <aside class="col-sm-3" role="complementary">\n{sidebar}\n      </aside>'
        if sidebar
        else ""
    )
    return tpl(
        "page",
        lang=lang,
        dir=chrome["dir"],
        head=head,
        canonical=attr(ctx.origin + enc(ctx.path)),
        title_tag=f"{title} | {chrome['site']}",
        body_class=body_class,
        skip=chrome["skip"],
        banner=chrome["banner"],
        home=href(chrome["home"]),
        site_name=chrome["site"],
        nav=items(chrome["nav"]),
        footer=items(chrome["footer"]),
        main_class="col-sm-9" if sidebar else "col-sm-12",
        main=main,
        sidebar=aside,
    )


def drupal_head(ctx, title, description, og_type="website", extra=()):
    lines = [
        meta("generator", "Drupal 7 (http://drupal.org)", "name"),
        meta("description", attr(description), "name"),
        meta("og:site_name", "Iran International"),
        meta("og:type", og_type),
        meta("og:title", title),
        meta("og:url", attr(ctx.origin + enc(ctx.path))),
    ]
    return "\n".join(lines + list(extra))


def body_classes(*extra, front=False):
    return " ".join(["html", "front" if front else "not-front", "not-logged-in", *extra])


# ------------------------------------------------------------------ views
def views_rows(rows):
    out = []
    for i, row in enumerate(rows):
        cls = f"views-row views-row-{i + 1} views-row-{'odd' if i % 2 == 0 else 'even'}"
        cls += " views-row-first" * (i == 0) + " views-row-last" * (i == len(rows) - 1)
        out.append(f'<div class="{cls}">\n{row}\n</div>')
    return "\n".join(out)


def pager(path, page, total, kind):
    """Bootstrap ``ul.pagination`` or Drupal core ``ul.pager``; page is 0-based."""
    if total <= 1 or page >= total:
        return ""
    core = kind == "core"

    def li(cls, inner):
        return f'<li class="{cls}">{inner}</li>' if cls else f"<li>{inner}</li>"

    def a(n, label):
        return f'<a title="Go to page {n + 1}" href="{page_href(path, n)}">{label}</a>'

    items = []
    if page > 0:
        items += [
            li("pager-first", a(0, "« first")),
            li("pager-previous" if core else "prev", a(page - 1, "‹ previous")),
        ]
    for n in range(total):
        if n == page:
            items.append(
                li("pager-current", str(n + 1)) if core else li("active", f"<span>{n + 1}</span>")
            )
        else:
            items.append(li("pager-item" if core else "", a(n, str(n + 1))))
    if page < total - 1:
        items += [
            li("pager-next" if core else "next", a(page + 1, "next ›")),
            li("pager-last", a(total - 1, "last »")),
        ]
    if core:
        return tpl("pager", wrapper="item-list", ul_class="pager", items="".join(items))
    return tpl("pager", wrapper="text-center", ul_class="pagination", items="".join(items))


def view(name, display, rows, ctx, total, pager_kind, lang):
    if rows:
        content = f'<div class="view-content">\n{views_rows(rows)}\n</div>'
    else:
        content = f'<div class="view-empty"><p>{LANG[lang]["empty"]}</p></div>'
    domid = itok(ctx.path + name)
    return tpl(
        "view",
        name=name,
        display=display,
        domid=domid,
        content=content,
        pager=pager(ctx.path, ctx.page, total, pager_kind),
    )


def teaser(doc):
    sec = section_of(doc)
    image = (
        field(
            "field-image",
            [link(doc.path, f'<img src="{image_src(doc.images[0][0], "large_teaser")}" alt="">')],
            "image",
        )
        if doc.images
        else ""
    )
    return tpl(
        "teaser",
        href=href(doc.path),
        image=image,
        title=field("title", [f"<h1>{link(doc.path, raw(doc.title))}</h1>"], "ds"),
        section=field("field-section", [link(sec.path, sec.name)], "taxonomy-term-reference")
        if sec
        else "",
        summary=field("body", [f"<p>{raw(doc.paras[0])}</p>"], "text-with-summary"),
        tags=tags_field(doc),
        date=doc.date_text,
    )


def listing(ctx, docs, name, display, pager_kind, lang, per_page=PER_PAGE):
    chunks = [docs[i : i + per_page] for i in range(0, len(docs), per_page)] or [[]]
    rows = [teaser(d) for d in chunks[ctx.page]] if ctx.page < len(chunks) else []
    return view(name, display, rows, ctx, len(chunks), pager_kind, lang)


def brief_block(ctx, lang):
    """The same block on every page of an edition, paged on the page's own
    URL (``?page=N``): the briefs of page N only there."""
    chrome = LANG[lang]
    if "brief_title" not in chrome:  # an edition without the block (Arabic)
        return ""
    briefs = [d for d in BRIEFS if d.lang == lang]
    per = BRIEF_BLOCK_PER_PAGE
    items = briefs[ctx.page * per : (ctx.page + 1) * per]
    rows = [
        f'<div class="views-field views-field-body"><div class="field-content">'
        f"<p>{raw(d.paras[0])}{link(d.path, chrome['more'])}</p></div></div>"
        for d in items
    ]
    content = view("iran-in-brief", "block", rows, ctx, -(-len(briefs) // per), "core", lang)
    return tpl(
        "block",
        id="views-iran-in-brief-block",
        module="views",
        title=chrome["brief_title"],
        content=content,
    )


def picks_block(ctx, lang):
    items = "".join(f"<li>{link(t, label)}</li>" for t, label in PICKS[ctx.path])
    return tpl(
        "block",
        id="block-editors-picks",
        module="block",
        title=LANG[lang]["picks"],
        content=f'<ul class="menu nav">{items}</ul>',
    )


# ------------------------------------------------------------------ doc pages
def tags_field(doc):
    if not doc.tags:
        return ""
    items = [link(tag_path(doc.lang, t), t, typeof="skos:Concept") for t in doc.tags]
    return field("field-tags", items, "taxonomy-term-reference")


def date_html(doc):
    if doc.date_class == "time-ago-field":
        return f'<div class="time-ago-field">{doc.date_text}</div>'
    return f'<span class="date-display-single">{doc.date_text}</span>'


def image_items(doc):
    out = []
    for name, caption in doc.images:
        cap = f'<figcaption class="image-caption">{caption}</figcaption>' if caption else ""
        out.append(
            f'<figure class="image-field"><img typeof="foaf:Image" class="img-responsive" '
            f'src="{image_src(name)}" width="780" height="439" alt="">{cap}</figure>'
        )
    return out


def doc_meta(ctx, doc):
    extra = []
    if doc.images:
        extra.append(meta("og:image", ctx.origin + image_src(doc.images[0][0])))
    if doc.date_meta:
        extra.append(meta("article:published_time", doc.date_meta))
    if doc.section:
        extra.append(meta("article:section", doc.section))
    extra += [meta("article:tag", t) for t in doc.tags]
    return drupal_head(ctx, raw(doc.title), summary_text(doc), "article", extra)


def share(ctx, lang):
    return tpl("share", label=LANG[lang]["share"], url=quote(ctx.origin + enc(ctx.path), safe=""))


def writer_path(name):
    return C.WRITER_PREFIX + name.replace(" ", "-")


def authors_field(doc):
    """Persian writers link to their writer page; English ones are plain text."""
    items = [link(writer_path(a), a) if doc.lang == "fa" else a for a in doc.authors]
    return field("field-author", items)


def video_field(doc):
    player = (
        f'<iframe src="{attr(doc.video_url)}" width="640" height="360" frameborder="0" '
        "allowfullscreen></iframe>"
    )
    return field("field-video", [player], "video-embed-field")


def drupal_doc(doc, ctx):
    sec = section_of(doc)
    node_type = doc.node_type or doc.kind
    fields = [
        field("field-section", [link(sec.path, sec.name)], "taxonomy-term-reference")
        if sec
        else "",
        field("post-date", [date_html(doc)], "ds"),
        authors_field(doc) if doc.authors else "",
        video_field(doc) if doc.video_url else "",
        field("field-image", image_items(doc), "image") if doc.images else "",
        field("body", ["\n" + paragraphs(doc.paras) + "\n"], "text-with-summary"),
        tags_field(doc),
        share(ctx, doc.lang),
    ]
    main = tpl(
        "node",
        title=raw(doc.title),
        nid=doc.nid,
        type=node_type,
        about=href(doc.path),
        fields="\n".join(f for f in fields if f),
    )
    classes = body_classes(
        "one-sidebar",
        "sidebar-second",
        "page-node",
        f"page-node-{doc.nid}",
        f"node-type-{node_type}",
        f"i18n-{doc.lang}",
    )
    return skeleton(
        ctx,
        doc.lang,
        clean(doc.title),
        classes,
        main,
        doc_meta(ctx, doc),
        brief_block(ctx, doc.lang),
    )


def json_ld(ctx, doc):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": ctx.origin + enc(ctx.path),
        "headline": clean(doc.title),
        "datePublished": doc.date_meta,
        "author": [{"@type": "Person", "name": a} for a in doc.authors],
        "articleSection": doc.section,
        "keywords": ", ".join(doc.tags),
        "image": [ctx.origin + image_src(n) for n, _ in doc.images],
        "publisher": {"@type": "Organization", "name": "Iran International"},
    }
    return f'  <script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def story_doc(doc, ctx):
    """Unknown theme, but with og:/article: meta and JSON-LD."""
    sec = section_of(doc)
    figure = "".join(
        f'<figure class="story-figure"><img class="story-photo" src="{image_src(n)}" alt="">'
        f'<figcaption class="story-credit">{c or ""}</figcaption></figure>'
        for n, c in doc.images
    )
    main = tpl(
        "story",
        nid=doc.nid,
        section_href=href(sec.path),
        section=sec.name,
        title=raw(doc.title),
        authors=", ".join(doc.authors),
        iso=doc.date_meta,
        date_text=doc.date_text,
        figure=figure,
        paragraphs=paragraphs(doc.paras),
    )
    head = doc_meta(ctx, doc).split("\n", 1)[1] + "\n" + json_ld(ctx, doc)  # no generator
    return skeleton(ctx, doc.lang, clean(doc.title), "story-page layout-wide", main, head)


# ISO value of the <time datetime> attribute on the metadata-less page
# (same instant as its visible text; written by hand).
BARE_DATETIME = {"/en/iran/rial-falls-to-new-low-against-dollar": "2020-07-21T11:10:00+04:30"}


def bare_doc(doc, ctx):
    """Unknown theme without any og:/JSON-LD metadata (generic extraction)."""
    main = tpl(
        "bare",
        title=raw(doc.title),
        iso=BARE_DATETIME[doc.path],
        date_text=doc.date_text,
        paragraphs=paragraphs(doc.paras),
    )
    return skeleton(ctx, doc.lang, clean(doc.title), "bare-page", main)


THEMES = {
    "drupal": drupal_doc,
    "story": story_doc,
    "bare": bare_doc,
    "video": drupal_doc,
} | C.THEMES


# ------------------------------------------------------------------ listings
def ticker(ctx, lang):
    """The breaking-news ticker: headlines without links."""
    rows = [f'<span class="views-field views-field-title">{h}</span>' for h in C.BREAKING_NEWS]
    return view("breaking-news", "newsticker", rows, ctx, 1, "core", lang)


def list_page(ctx, lang, heading, docs, view_name, display, pager_kind, classes, picks=False):
    per_page = len(docs) if picks else PER_PAGE  # home pages: a single page of teasers
    main = (
        (f'<h1 class="page-header">{heading}</h1>\n' if heading else "")
        + (ticker(ctx, lang) + "\n" if picks and lang == "fa" else "")
        + listing(ctx, docs, view_name, display, pager_kind, lang, per_page)
    )
    head = drupal_head(ctx, heading or LANG[lang]["site"], heading or LANG[lang]["site"])
    sidebar = picks_block(ctx, lang) if picks else ""
    return skeleton(ctx, lang, heading or LANG[lang]["site"], classes, main, head, sidebar)


def home_page(path, lang):
    docs = [DOCS_BY_PATH[p] for p in C.HOME_LISTS[path]]
    classes = body_classes("page-home", f"i18n-{lang}", front=True)
    return lambda ctx: list_page(
        ctx, lang, "", docs, "articles", "page_home", "core", classes, True
    )


def section_page(sec):
    docs = [d for d in ARTICLES if d.path.startswith(sec.path + "/")]
    classes = body_classes("page-taxonomy-term", "page-section", f"i18n-{sec.lang}")
    return lambda ctx: list_page(
        ctx, sec.lang, sec.name, docs, "articles", "page_section", sec.pager, classes
    )


def tag_page(lang, tag):
    docs = [d for d in ARTICLES if d.lang == lang and tag in d.tags]
    classes = body_classes("page-taxonomy-term", f"i18n-{lang}")
    return lambda ctx: list_page(ctx, lang, tag, docs, "taxonomy-term", "page", "core", classes)


def writer_page(name):
    docs = [d for d in ARTICLES if d.lang == "fa" and name in d.authors]
    classes = body_classes("page-taxonomy-term", "page-writer", "i18n-fa")
    return lambda ctx: list_page(ctx, "fa", name, docs, "writer", "page", "core", classes)


def breaking_news_page(ctx):
    """/breaking-news: the ticker's headlines as a list, without links."""
    main = f'<h1 class="page-header">خبرهای فوری</h1>\n{ticker(ctx, "fa")}'
    head = drupal_head(ctx, "خبرهای فوری", "خبرهای فوری")
    return skeleton(
        ctx, "fa", "خبرهای فوری", body_classes("page-breaking-news", "i18n-fa"), main, head
    )


def node_page(spec, lang):
    """A Drupal node of type "page" (no article): contact, TV schedule."""

    def page(ctx):
        body = field("body", ["\n" + paragraphs(spec["paras"]) + "\n"], "text-with-summary")
        main = tpl(
            "node",
            title=spec["title"],
            nid=spec["nid"],
            type="page",
            about=href(ctx.path),
            fields=body,
        )
        classes = body_classes(
            "page-node", f"page-node-{spec['nid']}", "node-type-page", f"i18n-{lang}"
        )
        head = drupal_head(ctx, spec["title"], spec["paras"][0])
        return skeleton(ctx, lang, spec["title"], classes, main, head)

    return page


contact_page = node_page(CONTACT, "en")


def login_page(ctx):
    """Drupal's login form (disallowed by robots.txt; must never be stored)."""
    lang = "en" if ctx.path.startswith("/en/") else "fa"
    form = (
        f'<form id="user-login" action="{href(ctx.path)}" method="post" accept-charset="UTF-8">'
        '<input type="text" name="name"><input type="password" name="pass">'
        '<button type="submit" name="op" value="Log in">Log in</button></form>'
    )
    main = f'<h1 class="page-header">User account</h1>\n{form}'
    head = meta("generator", "Drupal 7 (http://drupal.org)", "name")
    return skeleton(
        ctx, lang, "User account", body_classes("page-user", "page-user-login"), main, head
    )


def not_found_page(ctx):
    lang = "en" if ctx.path == "/en" or ctx.path.startswith("/en/") else "fa"
    chrome = LANG[lang]
    text = Template(chrome["not_found_text"]).substitute(path=html.escape(ctx.path))
    main = f'<h1 class="page-header">{chrome["not_found"]}</h1>\n<p>{text}</p>'
    head = meta("generator", "Drupal 7 (http://drupal.org)", "name")
    return skeleton(ctx, lang, chrome["not_found"], body_classes("page-404"), main, head)


# ------------------------------------------------------------------ registry
ARTICLES = [d for d in C.ALL_DOCS if d.kind == "article"]
BRIEFS = [d for d in C.ALL_DOCS if d.kind == "brief"]
DOCS_BY_PATH = {d.path: d for d in C.ALL_DOCS}
TAGS = sorted({(d.lang, t) for d in ARTICLES for t in d.tags})
WRITERS = sorted({a for d in ARTICLES if d.lang == "fa" for a in d.authors})


def _build_pages():
    pages = {d.path: (lambda ctx, d=d: THEMES[d.theme](d, ctx)) for d in C.ALL_DOCS}
    pages.update({s.path: section_page(s) for s in SECTIONS})
    pages.update({tag_path(lang, t): tag_page(lang, t) for lang, t in TAGS})
    pages.update(
        {
            "/en": home_page("/en", "en"),
            "/": home_page("/", "fa"),
            "/ar": home_page("/ar", "ar"),
            CONTACT["path"]: contact_page,
            "/en/user/login": login_page,
            "/user/login": login_page,
        }
    )
    pages.update({writer_path(name): writer_page(name) for name in WRITERS})
    pages.update({C.BREAKING_PATH: breaking_news_page, SCHEDULE["path"]: node_page(SCHEDULE, "fa")})
    assert len(pages) == len(C.ALL_DOCS) + len(SECTIONS) + len(TAGS) + len(WRITERS) + 8, (
        "path collision"
    )
    return pages


PAGES = _build_pages()


def resolve(path):
    """Canonical path for a unicode request path, or None (404)."""
    if path != "/":
        path = path.rstrip("/") or "/"
    if path in PAGES:
        return path
    for alias, target in SECTION_ALIASES.items():
        if path == alias or path.startswith(alias + "/"):
            candidate = target + path[len(alias) :]
            return candidate if candidate in PAGES else None
    return None


# ------------------------------------------------------------------ files
def _png():
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def _jpeg():
    """1x1 grey baseline JPEG: DQT, SOF0, one-code DC/AC Huffman tables, one block."""

    def huff(cls):
        return b"\xff\xc4\x00\x14" + bytes([cls, 1]) + bytes(15) + b"\x00"

    return (
        b"\xff\xd8"
        + b"\xff\xdb\x00\x43\x00"
        + b"\x01" * 64
        + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
        + huff(0x00)
        + huff(0x10)
        + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
        + b"\x3f"
        + b"\xff\xd9"
    )


GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
IMAGES = {
    "jpg": ("image/jpeg", _jpeg()),
    "jpeg": ("image/jpeg", _jpeg()),
    "png": ("image/png", _png()),
    "gif": ("image/gif", GIF),
}


def file_response(path):
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if ext in IMAGES:
        return Response(200, *IMAGES[ext])
    return None


# ------------------------------------------------------------------ entry point
def page_number(query):
    value = parse_qs(query).get("page", ["0"])[0]
    return int(value) if value.isdigit() else 0


def render(path, query="", origin="http://127.0.0.1"):
    """Response for a unicode request path (already percent-decoded)."""
    if path == "/robots.txt":
        return Response(200, "text/plain; charset=utf-8", (TEMPLATES / "robots.txt").read_bytes())
    if path.startswith("/sites/default/files/"):
        found = file_response(path)
        if found:
            return found
    canonical = resolve(path)
    if canonical is None:
        return Response(404, HTML_TYPE, not_found_page(Ctx(origin, path, 0)).encode("utf-8"))
    ctx = Ctx(origin, canonical, page_number(query))
    return Response(200, HTML_TYPE, PAGES[canonical](ctx).encode("utf-8"))


# ------------------------------------------------------------------ manifest
def _expected(doc):
    return {
        "path": doc.path,
        "language": doc.lang,
        "kind": doc.kind,
        "title": clean(doc.title),
        # A paragraph whose expected text is empty is furniture (a lone link).
        "body": "\n\n".join(clean(p) for p in doc.paras if clean(p)),
        "section": doc.section,
        "tags": list(doc.tags),
        "authors": list(doc.authors),
        "published_at": doc.published_at,
        # the order of preference: article:published_time, <time datetime>, visible text
        "published_raw": doc.date_meta or BARE_DATETIME.get(doc.path) or doc.date_text,
        "image_count": len(doc.images),
        # Videos: the player URL(s) and the poster image (a path on the site).
        "video_urls": [doc.video_url] if doc.video_url else [],
        "poster_path": image_src(doc.images[0][0]) if doc.kind == "video" else None,
    }


EXPECTED_DOCS = [_expected(d) for d in C.ALL_DOCS]
# The fields of EXPECTED_DOCS a stored document must equal exactly.
EXPECTED_FIELDS = (
    "language",
    "kind",
    "title",
    "body",
    "section",
    "tags",
    "authors",
    "published_at",
    "published_raw",
)

NOT_STORED_PATHS = (
    [
        "/",
        "/en",
        "/ar",
        CONTACT["path"],
        "/en/world/removed-article",
        "/en/user/login",
        "/user/login",
        C.BREAKING_PATH,
        SCHEDULE["path"],
    ]
    + [s.path for s in SECTIONS]
    + [tag_path(lang, t) for lang, t in TAGS]
    + [writer_path(name) for name in WRITERS]
)

# Request targets that are duplicates of a stored document: (target, canonical path).
DUPLICATE_TARGETS = [
    (t, t.split("?")[0].split("#")[0])
    for links in PICKS.values()
    for t, _ in links
    if ("?" in t or "#" in t)
] + [
    (C.SEED_PATH + "?page=1", C.SEED_PATH),
    ("/ايران/قیمت-دلار-به-۲۵-هزار-تومان-رسید", "/ایران/قیمت-دلار-به-۲۵-هزار-تومان-رسید"),
]


def all_article_paths():
    return [d.path for d in ARTICLES]


def all_doc_paths():
    return [d.path for d in C.ALL_DOCS]
