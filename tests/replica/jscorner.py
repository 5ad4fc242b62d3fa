"""Pages that need JavaScript, added to a replica server on demand.

Some Drupal 7 blocks of that era were filled by AJAX. ``install(server)``
adds, through the server's overrides (so only that server changes):

* an English article whose body is fetched by a script after load;
* an English article whose "Iran in Brief" block is fetched by a script,
  with two items whose "More" links lead to brief pages linked nowhere else;
* those two brief pages, and teasers for both articles on ``/en``.

Returns the documents a crawl that renders JavaScript must store.
"""

import copy

import lxml.html

TEMPLATE_ARTICLE = "/en/world/iran-forming-new-proxy-forces-increase-attacks-us-iraq"
TEMPLATE_BRIEF = "/en/brief/tehran-to-lock-waste-containers"

BODY_ARTICLE = {
    "path": "/en/world/rendered-body-article",
    "title": "Drupal view filled by JavaScript after the page loads",
    "paras": [
        "The body of this article reaches the page through an AJAX request.",
        "A crawler that does not run JavaScript sees an empty placeholder here.",
    ],
}
BLOCK_ARTICLE = {
    "path": "/en/iran/rendered-brief-block-article",
    "title": "Article whose Iran in Brief block is loaded by script",
    "paras": [
        "This article's own text is plain HTML and needs no browser.",
        "Its sidebar block, however, arrives only through JavaScript.",
    ],
}
HIDDEN_BRIEFS = [
    {
        "path": "/en/brief/js-only-brief-one",
        "title": "A brief only the rendered block links to",
        "paras": ["The first brief item of the scripted block leads here."],
    },
    {
        "path": "/en/brief/js-only-brief-two",
        "title": "Another brief behind the scripted block",
        "paras": ["The second brief item of the scripted block leads here."],
    },
]
FETCH_INTO = """
<script>
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-ajax-src]').forEach(function (el) {
    fetch(el.getAttribute('data-ajax-src')).then(function (r) { return r.text(); })
      .then(function (html) { el.innerHTML = html; el.removeAttribute('data-ajax-src'); });
  });
});
</script>"""


def _paragraphs(paras):
    return "".join(f"<p>{p}</p>" for p in paras)


def derived_page(server, template, spec, body_html):
    """*template*'s page re-titled as *spec*, with *body_html* as its body."""
    doc = lxml.html.fromstring(server.page_html(template))
    url = server.url(spec["path"])
    for link in doc.xpath("//link[@rel='canonical']"):
        link.set("href", url)
    for meta in doc.xpath("//meta[@property='og:url']"):
        meta.set("content", url)
    for meta in doc.xpath("//meta[@property='og:title']"):
        meta.set("content", spec["title"])
    doc.xpath("//title")[0].text = spec["title"] + " | Iran International"
    doc.xpath("//h1")[0].text = spec["title"]
    body = doc.xpath("//*[contains(@class, 'field-name-body')]//*[contains(@class, 'field-item')]")[
        0
    ]
    for child in list(body):
        body.remove(child)
    body.text = None
    body.append(lxml.html.fragment_fromstring(body_html, create_parent="div"))
    doc.xpath("//body")[0].append(lxml.html.fragment_fromstring(FETCH_INTO))
    return doc


def _scripted_block(doc, src):
    view = doc.xpath("//*[contains(@class, 'view-iran-in-brief')]")[0]
    empty = copy.copy(view)
    for child in list(empty):
        empty.remove(child)
    empty.text = None
    empty.set("data-ajax-src", src)
    view.getparent().replace(view, empty)


def to_html(doc):
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def link_from_home(server, links):
    """Add teasers linking to *links* (``(href, label)`` pairs) on ``/en``."""
    home = lxml.html.fromstring(server.page_html("/en"))
    teasers = "".join(
        f'<div class="views-row"><h2><a href="{href}">{label}</a></h2></div>'
        for href, label in links
    )
    home.xpath("//*[contains(@class, 'view-content')]")[0].append(
        lxml.html.fragment_fromstring(teasers, create_parent="div")
    )
    server.set_override("/en", to_html(home))


def install(server):
    """Add the JavaScript pages to *server*; return their expected documents."""
    ajax_body = "/en/ajax/rendered-body"
    page = derived_page(
        server,
        TEMPLATE_ARTICLE,
        BODY_ARTICLE,
        f'<div class="js-placeholder" data-ajax-src="{ajax_body}">Loading…</div>',
    )
    server.set_override(BODY_ARTICLE["path"], to_html(page))
    server.set_override(ajax_body, _paragraphs(BODY_ARTICLE["paras"]))

    ajax_block = "/en/ajax/iran-in-brief"
    page = derived_page(
        server, TEMPLATE_ARTICLE, BLOCK_ARTICLE, _paragraphs(BLOCK_ARTICLE["paras"])
    )
    _scripted_block(page, ajax_block)
    server.set_override(BLOCK_ARTICLE["path"], to_html(page))
    server.set_override(
        ajax_block,
        "".join(
            f'<div class="views-row"><p>{b["paras"][0]}<a href="{server.url(b["path"])}">More</a></p></div>'
            for b in HIDDEN_BRIEFS
        ),
    )

    for brief in HIDDEN_BRIEFS:
        server.set_override(
            brief["path"],
            to_html(derived_page(server, TEMPLATE_BRIEF, brief, _paragraphs(brief["paras"]))),
        )

    link_from_home(
        server, [(server.url(s["path"]), s["title"]) for s in (BODY_ARTICLE, BLOCK_ARTICLE)]
    )

    return [
        {
            "path": spec["path"],
            "kind": kind,
            "title": spec["title"],
            "body": "\n\n".join(spec["paras"]),
        }
        for spec, kind in [(BODY_ARTICLE, "article"), (BLOCK_ARTICLE, "article")]
        + [(b, "brief") for b in HIDDEN_BRIEFS]
    ]


# ------------------------------------------------- scripts from another host
# ``install_foreign(server, other)``: pages whose scripts reach for *other*, a
# second server on another port (another origin, so another site). A browser
# kept on the site sends *other* no request at all.
FOREIGN_FILL = {
    "path": "/en/world/foreign-script-fills-body",
    "title": "A script from another host would write this body",
    "paras": ["The real body of this article comes from the site itself, by AJAX."],
}
FOREIGN_BEACON = {
    "path": "/en/world/foreign-beacon-article",
    "title": "An article whose script reports to another host",
    "paras": ["This article's text is plain HTML; its sidebar block needs the browser."],
}
FOREIGN_NAVIGATION = {
    "path": "/en/world/foreign-navigation-article",
    "title": "An article whose script sends the browser to another host",
    "paras": ["The body arrives by AJAX from the site while a script tries to leave it."],
}
NAVIGATES_AWAY = {
    "path": "/en/world/script-navigates-within-site",
    "title": "An article whose script opens another article of the site",
    "paras": ["A crawler must not store the other article's text under this address."],
}
FOREIGN_TEXT = "FOREIGN TEXT that another host's script wrote into the page."
# What *other* would serve: a script that fills the body, a landing page.
FOREIGN_ROUTES = {
    "/fill.js": (
        "application/javascript",
        (
            "document.querySelectorAll('[data-ajax-src]').forEach(function (el) {"
            " el.removeAttribute('data-ajax-src');"
            f" el.innerHTML = '<p>{FOREIGN_TEXT}</p>'; }});"
        ),
    ),
    "/landing": (
        "text/html; charset=utf-8",
        f"<html><body><article><p>{FOREIGN_TEXT}</p></article></body></html>",
    ),
}
for _path in ("/beacon", "/track", "/pixel.gif", "/frame"):
    FOREIGN_ROUTES[_path] = ("text/plain", "seen")


def install_foreign(server, other):
    """Add the pages whose scripts reach for *other* (a ReplicaServer on
    another port); return the documents a crawl must store. The page sent
    away (an aborted navigation leaves Chromium on its error page) is not
    stored, nor is the page a script took to another article of the site."""
    from .server import Reply

    for path, (ctype, text) in FOREIGN_ROUTES.items():
        other.set_route(
            path, lambda q, c=ctype, t=text: Reply(200, (("Content-Type", c),), t.encode())
        )
    foreign = other.base_url

    def ajax_body(spec, scripts):
        ajax = "/en/ajax" + spec["path"]
        server.set_override(ajax, _paragraphs(spec["paras"]))
        placeholder = f'<div class="js-placeholder" data-ajax-src="{ajax}">Loading…</div>'
        page = derived_page(server, TEMPLATE_ARTICLE, spec, placeholder + scripts)
        server.set_override(spec["path"], to_html(page))

    ajax_body(FOREIGN_FILL, f'<script src="{foreign}/fill.js"></script>')
    ajax_body(FOREIGN_NAVIGATION, f"<script>location.href = '{foreign}/landing';</script>")
    ajax_body(NAVIGATES_AWAY, f"<script>location.href = '{TEMPLATE_ARTICLE}';</script>")

    block = "/en/ajax/foreign-beacon-block"
    page = derived_page(
        server,
        TEMPLATE_ARTICLE,
        FOREIGN_BEACON,
        _paragraphs(FOREIGN_BEACON["paras"])
        + (
            f"<script>navigator.sendBeacon('{foreign}/beacon', 'seen');"
            f" fetch('{foreign}/track', {{mode: 'no-cors'}});"
            f" new Image().src = '{foreign}/pixel.gif';</script>"
            f'<iframe src="{foreign}/frame"></iframe>'
        ),
    )
    _scripted_block(page, block)
    server.set_override(FOREIGN_BEACON["path"], to_html(page))
    server.set_override(block, '<div class="views-row"><p>A brief of the block.</p></div>')

    specs = (FOREIGN_FILL, FOREIGN_BEACON, FOREIGN_NAVIGATION, NAVIGATES_AWAY)
    link_from_home(server, [(server.url(s["path"]), s["title"]) for s in specs])
    return [
        {"path": s["path"], "kind": "article", "title": s["title"], "body": "\n\n".join(s["paras"])}
        for s in specs[:2]
    ]
