"""Fields from Drupal 7 markup (Display Suite fields, Views, Bootstrap theme).

Selectors match on class fragments (``field-name-body``, ``node-type-…``)
rather than whole paths, so a theme that wraps fields differently still works.
"""

from __future__ import annotations

import re

from parsel import Selector

from newscrawl.extract import page, xpaths
from newscrawl.extract.html import element_text, paragraphs
from newscrawl.extract.metadata import meta, meta_all

TITLE_CSS = (
    "[class*='field-name-title'] h1",
    "[class*='field--name-title'] h1",
    "h1.page-header",
    "h1#page-title",
    "h1.title",
    "h1.node-title",
)
DATE_CSS = (
    ".date-display-single",
    "[class*='field-name-post-date'], [class*='field--name-created']",
    "[class*='field-name-field-date'], [class*='field--name-field-date']",
    ".time-ago-field",
    ".submitted",
)
_KICKER_RE = re.compile("^(?:{})\\s*(?:ليوم|يوم)?\\s*".format("|".join(xpaths.KICKER_PREFIXES)))
VIDEO_NODE_TYPES = ("video",)
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


def field(name, tail=""):
    """CSS for a Drupal field wrapper: ``field-name-X`` (D7) or ``field--name-X`` (D8+)."""
    return ", ".join(f"[class*='field{sep}name-{name}']{tail}" for sep in ("-", "--"))


def main_node(response):
    """The page's own node, as a Selector (see ``page.main_node``), or None."""
    node = page.main_node(response)
    return None if node is None else Selector(root=node, type="html")


def _first_text(scope, selectors):
    for css in selectors:
        for element in scope.css(css):
            text = element_text(element)
            if text:
                return text
    return None


def _texts(scope, css):
    return [t for t in (element_text(e) for e in scope.css(css)) if t]


def node_types(response) -> set[str]:
    return set(re.findall(r"\bnode-type-([\w-]+)", response.xpath("//body/@class").get("")))


def is_video(response, node) -> bool:
    if node_types(response) & set(VIDEO_NODE_TYPES):
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
    scope = node if node is not None else response
    root = scope.root if node is not None else response.selector.root
    urls = [u.strip() for u in xpaths.PLAYER(root) if u.strip()]
    if not urls:
        page = xpaths.PLAYER(response.selector.root)
        urls = [u.strip() for u in page if any(host in u for host in PLAYER_HOSTS)]
    for name in VIDEO_META:
        urls += meta_all(response, name)
    urls = [response.urljoin(u) for u in urls]
    poster = (
        next(iter(xpaths.POSTER(root)), None)
        or scope.css(field("field-image", " img::attr(src)")).get()
        or scope.css(field("field-video-image", " img::attr(src)")).get()
        or scope.css(field("field-thumbnail", " img::attr(src)")).get()
        or meta(response, "og:image")
    )
    return {
        "video_urls": list(dict.fromkeys(u for u in urls if u.startswith("http"))),
        "poster_url": response.urljoin(poster.strip()) if poster else None,
    }


def drupal_fields(response):
    """Fields of a Drupal node page; missing fields are absent."""
    node = main_node(response)
    fields = {"title": _first_text(response, TITLE_CSS)}
    body = None
    if node is not None:
        body = node.css(field("body")) or node.css(field("field-description"))
        fields.update(
            body=paragraphs(body[0]) if body else None,
            section=_first_text(
                node, [field("field-section", " a"), field("field-section", " .field-item")]
            ),
            tags=_texts(node, field("field-tags", " a")),
            authors=_texts(node, field("field-author", " a"))
            or _texts(node, field("field-author", " .field-item"))
            or _texts(node, ".username"),
            published_raw=_first_text(node, DATE_CSS),
            image_urls=[
                response.urljoin(src)
                for src in node.css(field("field-image", " img::attr(src)")).getall()
            ],
            captions=_texts(node, "[class*='caption'], figcaption"),
        )
    if not fields.get("published_raw"):
        fields["published_raw"] = _first_text(response, DATE_CSS) or kicker_date(response)
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
