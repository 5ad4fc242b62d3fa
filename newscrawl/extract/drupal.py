"""Fields from Drupal 7 markup (Display Suite fields, Views, Bootstrap theme).

The expressions are in ``xpaths`` (compiled once, from CSS where CSS reads
better); they match class fragments (``field-name-body``) rather than whole
paths, so a theme that wraps fields differently still works.
"""

from __future__ import annotations

import re

from newscrawl.extract import page, xpaths
from newscrawl.extract.html import element_text, paragraphs
from newscrawl.extract.metadata import meta, meta_all

_KICKER_RE = re.compile("^(?:{})\\s*(?:ليوم|يوم)?\\s*".format("|".join(xpaths.KICKER_PREFIXES)))
# Hosts whose iframes are video players, wherever they sit on a video page.
PLAYER_HOSTS = (
    "mangomolo.com",
    "youtube.com",
    "youtube-nocookie.com",
    "vimeo.com",
    "aparat.com",
    "dailymotion.com",
)
VIDEO_META = ("og:video", "og:video:url", "og:video:secure_url")


def _first_text(root, expressions) -> str | None:
    """The first non-empty text of the first expression's matches."""
    for expression in expressions:
        for element in expression(root):
            text = element_text(element)
            if text:
                return text
    return None


def title(document) -> str | None:
    """The first non-empty text of the page's first ``<h1>`` a title rule
    (``xpaths.TITLE``) accepts; the rules are tried in order."""
    headings = list(document.iter(xpaths.TITLE_TAG))
    for test in xpaths.TITLE:
        for heading in headings:
            if test(heading):
                text = element_text(heading)
                if text:
                    return text
    return None


def _texts(root, expression) -> list[str]:
    return [t for t in (element_text(e) for e in expression(root)) if t]


def _first_texts(root, expressions) -> list[str]:
    """The texts of the first expression that has any."""
    for expression in expressions:
        texts = _texts(root, expression)
        if texts:
            return texts
    return []


def _first(root, expressions) -> str | None:
    """The first truthy value the expressions find, in order."""
    for expression in expressions:
        value = next(iter(expression(root)), None)
        if value:
            return value
    return None


def is_video(response, node) -> bool:
    """A video node: its node type (``page.VIDEO_NODE_TYPES``) on ``<body>``,
    or ``node-video`` on the node."""
    if set(page.node_types(response)) & set(page.VIDEO_NODE_TYPES):
        return True
    return node is not None and "node-video" in (node.attrib.get("class") or "").split()


def kicker_date(response) -> str | None:
    """The press review's kicker line, without its "الرصد الصحافي ليوم"."""
    for element in xpaths.KICKER(response.selector.root):
        text = element_text(element)
        date = _KICKER_RE.sub("", text).strip(" :")
        if date and date != text:
            return date
    return None


def video_fields(response, node) -> dict:
    """``video_urls`` (player/embed URLs) and ``poster_url`` of a video node:
    the node's players, else the page's players from known hosts, and
    ``og:video``; the poster from ``<video poster>``, the node's image field,
    else ``og:image``."""
    document = response.selector.root
    root = node if node is not None else document
    urls = [u.strip() for u in xpaths.PLAYER(root) if u.strip()]
    if not urls:
        players = xpaths.PLAYER(document)
        urls = [u.strip() for u in players if any(host in u for host in PLAYER_HOSTS)]
    for name in VIDEO_META:
        urls += meta_all(response, name)
    urls = [response.urljoin(u) for u in urls]
    poster = _first(root, (xpaths.POSTER, *xpaths.POSTER_FIELDS)) or meta(response, "og:image")
    return {
        "video_urls": list(dict.fromkeys(u for u in urls if u.startswith("http"))),
        "poster_url": response.urljoin(poster.strip()) if poster else None,
    }


def drupal_fields(response):
    """Fields of a Drupal node page; missing fields are absent."""
    document = response.selector.root
    node = page.main_node(response)
    fields = {"title": title(document)}
    body = None
    if node is not None:
        body = next((found for found in (e(node) for e in xpaths.BODY) if found), None)
        fields.update(
            body=paragraphs(body[0]) if body else None,
            section=_first_text(node, xpaths.SECTION),
            tags=_texts(node, xpaths.TAGS),
            authors=_first_texts(node, xpaths.AUTHORS),
            published_raw=_first_text(node, xpaths.DATE),
            image_urls=[response.urljoin(src) for src in xpaths.IMAGES(node)],
            captions=_texts(node, xpaths.CAPTIONS),
        )
    if not fields.get("published_raw"):
        fields["published_raw"] = _first_text(document, xpaths.DATE) or kicker_date(response)
    if is_video(response, node):
        fields.update(video_fields(response, node))
    found = {k: v for k, v in fields.items() if v}
    if "video_urls" in fields:
        found["video_urls"] = fields["video_urls"]  # the page is a video, with or without
    if node is not None and body:
        # The body field is there: an empty one is empty (or filled by a
        # script), and no other extractor should guess at the page's text.
        found["body"] = fields["body"]
    return found
