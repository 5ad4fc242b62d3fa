"""Fields from Drupal 7 markup (Display Suite fields, Views, Bootstrap theme).

Selectors match on class fragments (``field-name-body``, ``node-type-…``)
rather than whole paths, so a theme that wraps fields differently still works.
"""

from newscrawl.extract.html import paragraphs


def _has_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# The page's own node: a full view, or any node that is not a teaser in a View.
MAIN_NODE_XPATHS = (
    f"//*[{_has_class('node')} and contains(@class, 'view-mode-full')]",
    f"//*[{_has_class('node')} and starts-with(@id, 'node-')"
    f" and not(ancestor::*[{_has_class('view')}])]",
    f"//*[{_has_class('node')} and not(ancestor::*[{_has_class('view')}])"
    " and not(contains(@class, 'teaser'))]",
)
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


def field(name, tail=""):
    """CSS for a Drupal field wrapper: ``field-name-X`` (D7) or ``field--name-X`` (D8+)."""
    return ", ".join(f"[class*='field{sep}name-{name}']{tail}" for sep in ("-", "--"))


def main_node(response):
    for xpath in MAIN_NODE_XPATHS:
        node = response.xpath(xpath)
        if node:
            return node[0]
    return None


def _first_text(scope, selectors):
    for css in selectors:
        for element in scope.css(css):
            text = " ".join(element.css("::text").getall()).strip()
            if text:
                return text
    return None


def _texts(scope, css):
    return [t.strip() for t in scope.css(css).getall() if t.strip()]


def drupal_fields(response):
    """Fields of a Drupal node page; missing fields are absent."""
    node = main_node(response)
    fields = {"title": _first_text(response, TITLE_CSS)}
    body = None
    if node is not None:
        body = node.css(field("body"))
        fields.update(
            body=paragraphs(body[0]) if body else None,
            section=_first_text(node, [field("field-section", " a"),
                                       field("field-section", " .field-item")]),
            tags=_texts(node, field("field-tags", " a::text")),
            authors=_texts(node, field("field-author", " a::text"))
            or _texts(node, field("field-author", " .field-item::text"))
            or _texts(node, ".username::text"),
            published_raw=_first_text(node, DATE_CSS),
            image_urls=[response.urljoin(src) for src in
                        node.css(field("field-image", " img::attr(src)")).getall()],
            captions=_texts(node, "[class*='caption'] ::text, figcaption ::text"),
        )
    if not fields.get("published_raw"):
        fields["published_raw"] = _first_text(response, DATE_CSS)
    found = {k: v for k, v in fields.items() if v}
    if node is not None and body:
        # The body field is there: an empty one is empty (or filled by a
        # script), and no other extractor should guess at the page's text.
        found["body"] = fields["body"]
    return found
