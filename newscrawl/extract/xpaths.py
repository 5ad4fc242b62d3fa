"""The fixed expressions run on every page, compiled once (rules as data).

Each is an ``lxml.etree.XPath`` to call on ``response.selector.root`` (or
on a node, for the relative ones); ordered tuples are tried first to last.
Class tests go through ``has_class``, which matches a whole class name the
way CSS ``.name`` does. Rules that read better as CSS (the Drupal fields) are
written as CSS and compiled by ``css``, as parsel's ``.css()`` would run them.
"""

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_CSS = HTMLTranslator()


def has_class(name: str) -> str:
    """An XPath predicate: the context node has the class *name*. The plain
    ``contains`` first (libxml2 stops an ``and`` at its first false side)
    spares most elements the string building of the exact test."""
    return (
        f"(contains(@class, '{name}')"
        f" and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


def class_has(name: str) -> str:
    """``has_class`` for the context of a class attribute (``//@class[…]``)."""
    return f"(contains(., '{name}') and contains(concat(' ', normalize-space(.), ' '), ' {name} '))"


def by_class(test: str, then: str = "") -> str:
    """The elements whose class attribute passes *test* (a ``class_has``
    predicate), and then *then* (a predicate on the element): reached from
    the page's class attributes, which libxml2 walks about twice as fast as
    it looks at the class of every element (``//*[…@class…]``)."""
    return f"//@class[{test}]/parent::*" + (f"[{then}]" if then else "")


def css(selector: str) -> etree.XPath:
    """A CSS selector (group) compiled once, translated as parsel's
    ``Selector.css`` translates it (``::attr(name)`` and ``::text`` too);
    relative to the element it is called on, which it includes."""
    return etree.XPath(_CSS.css_to_xpath(selector), smart_strings=False)


def css_test(selector: str, within: str | None = None) -> etree.XPath:
    """A test of one element: whether it is one *selector* (CSS, a compound
    selector such as ``h1.title``) selects, and, with *within*, one inside
    an element *within* selects (``within selector`` in CSS). Run on the few
    candidates of a page (its ``<h1>``s), it gives what the selector gives
    run on the page, without a walk of the page per selector."""
    test = _CSS.css_to_xpath(selector, prefix="self::")
    if within:
        test += f"[ancestor::{_CSS.css_to_xpath(within, prefix='')}]"
    return etree.XPath(f"boolean({test})")


def first_or(fast: str, everywhere: str):
    """The first value *fast* finds, else ``string(everywhere)``: *fast* is
    where *everywhere*'s first match is when the page has one there, and is
    read without a walk of the page (``/html/head/…``)."""
    quick = etree.XPath(fast, smart_strings=False)
    slow = etree.XPath(f"string({everywhere})")

    def first(root) -> str:
        found = quick(root)
        return found[0] if found else slow(root)

    return first


def field(name: str, tail: str = "") -> str:
    """CSS for a Drupal field wrapper, ``field-name-X`` (D7) or ``field--name-X``
    (D8+), followed by *tail*."""
    return ", ".join(f"[class*='field{sep}name-{name}']{tail}" for sep in ("-", "--"))


# ---------------------------------------------------------------- head
BODY_CLASS = etree.XPath("string(//body/@class)")
OG_TYPE = etree.XPath("string((//meta[@property='og:type' or @name='og:type']/@content)[1])")
# libxml2's parser puts the page's <head> first in <html>: a canonical link
# there is the page's first (read without a walk of the page).
CANONICAL = first_or(
    "/html/*[1][self::head]//link[@rel='canonical']/@href", "(//link[@rel='canonical']/@href)[1]"
)

# ---------------------------------------------------------------- the page's own node
# A full view, or any node that is not a teaser in a View.
_NOT_IN_A_VIEW = f"not(ancestor::*[{has_class('view')}])"
MAIN_NODE = (
    etree.XPath(by_class(f"{class_has('node')} and contains(., 'view-mode-full')")),
    etree.XPath(by_class(class_has("node"), f"starts-with(@id, 'node-') and {_NOT_IN_A_VIEW}")),
    etree.XPath(by_class(f"{class_has('node')} and not(contains(., 'teaser'))", _NOT_IN_A_VIEW)),
)

# ---------------------------------------------------------------- page shape
# Teasers of a listing: View rows and teaser view modes.
TEASERS = etree.XPath(
    by_class(
        f"{class_has('views-row')} or {class_has('node-teaser')}"
        " or (contains(., 'view-mode-') and contains(., 'teaser'))"
    )
)
HEADLINES = etree.XPath("count(//h1)")
PROSE = etree.XPath("count(//p[string-length(normalize-space()) > 80])")

# ---------------------------------------------------------------- links
LINKS = etree.XPath("//a[@href]")

# ---------------------------------------------------------------- placeholders
# Blocks that Drupal fills with AJAX: a View without rows or an empty-text,
# or an element themes use as a "loading" placeholder. On the page, reached
# from its class and data-ajax-src attributes (see ``by_class``).
_LOADING_NAMES = ("js-placeholder", "ajax-placeholder", "js-loading")
PLACEHOLDER = etree.XPath(
    " | ".join(
        (
            by_class(
                f"{class_has('view')}"
                " and (contains(., 'iran-in-brief') or contains(., 'view-articles'))",
                "not(.//*[contains(@class, 'views-row')])"
                " and not(.//*[contains(@class, 'view-empty')])",
            ),
            by_class(" or ".join(f"contains(., '{name}')" for name in _LOADING_NAMES), "not(.//p)"),
            "//@data-ajax-src/parent::*[not(.//p)]",
        )
    )
)
_LOADING = (
    "("
    + " or ".join(f"contains(@class, '{name}')" for name in _LOADING_NAMES)
    + " or @data-ajax-src) and not(.//p)"
)
# The loading placeholders below a subtree (furniture removed from an article body).
PLACEHOLDER_BELOW = etree.XPath(f".//*[{_LOADING}]")

# ---------------------------------------------------------------- text (extract/html.py)
# Never text, wherever they are.
NOT_TEXT = etree.XPath(
    ".//script | .//style | .//noscript | .//template | .//comment() | .//processing-instruction()"
)
# Never part of an article's text, whatever the theme (with PLACEHOLDER_BELOW).
FURNITURE = etree.XPath(
    ".//script | .//style | .//noscript | .//template | .//form | .//iframe | .//button"
    " | .//comment() | .//processing-instruction()"
    " | .//figcaption | .//*[contains(@class, 'caption')]"
    " | .//*[contains(@class, 'share') or contains(@class, 'social')]"
    " | .//*[contains(@class, 'iran-in-brief') or contains(@id, 'iran-in-brief')]"
    # Another Drupal field inside the body (tags, image, section) is the node's
    # furniture that an unclosed tag pulled in, never the article's text.
    " | .//*[(contains(@class, 'field-name-') and not(contains(@class, 'field-name-body')))"
    " or (contains(@class, 'field--name-') and not(contains(@class, 'field--name-body')))]"
)

# ---------------------------------------------------------------- metadata (extract/metadata.py)
JSONLD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']/text()")
# The <meta> elements with a content under a property or a name (read once
# per page: ``metadata.meta_contents``).
METAS = etree.XPath("//meta[@content and (@property or @name)]")
PARAGRAPHS = etree.XPath("//body//p")

# ---------------------------------------------------------------- Drupal fields (extract/drupal.py)
# Selectors match class fragments (``field-name-body``) rather than whole
# paths, so a theme that wraps fields differently still works. A tuple is
# tried in order, the first that gives something wins; within one
# expression, matches come in document order.
# The title is an <h1>: the rules are tests of the page's <h1>s (``css_test``),
# tried in order, each over them all in document order.
TITLE_TAG = "h1"
TITLE = (
    css_test("h1", within="[class*='field-name-title']"),
    css_test("h1", within="[class*='field--name-title']"),
    css_test("h1.page-header"),
    css_test("h1#page-title"),
    css_test("h1.title"),
    css_test("h1.node-title"),
)
DATE = (
    css(".date-display-single"),
    css("[class*='field-name-post-date'], [class*='field--name-created']"),
    css("[class*='field-name-field-date'], [class*='field--name-field-date']"),
    css(".time-ago-field"),
    css(".submitted"),
)
# The node's text: its body field, else (video nodes) its description.
BODY = (css(field("body")), css(field("field-description")))
SECTION = (css(field("field-section", " a")), css(field("field-section", " .field-item")))
TAGS = css(field("field-tags", " a"))
AUTHORS = (
    css(field("field-author", " a")),
    css(field("field-author", " .field-item")),
    css(".username"),
)
IMAGES = css(field("field-image", " img::attr(src)"))
CAPTIONS = css("[class*='caption'], figcaption")
# A video's poster image, when no <video poster> gives one.
POSTER_FIELDS = tuple(
    css(field(name, " img::attr(src)"))
    for name in ("field-image", "field-video-image", "field-thumbnail")
)
# The Arabic daily press review's kicker line above the title.
KICKER_PREFIXES = ("الرصد الصحافي", "الرصد الصحفي")
KICKER = etree.XPath(
    "//body//*[not(self::script or self::style)][{}]".format(
        " or ".join(f"starts-with(normalize-space(text()), '{p}')" for p in KICKER_PREFIXES)
    )
)
# A video node's player (admin.mangomolo.com iframes on the old site) and poster.
PLAYER = etree.XPath(
    ".//iframe/@src | .//iframe/@data-src | .//embed/@src | .//video/@src"
    " | .//video/source/@src | .//object/@data"
)
POSTER = etree.XPath(".//video/@poster")

# ---------------------------------------------------------------- deep markup (extract/deep.py)
LAST_ELEMENT = etree.XPath("(//*)[last()]")
