"""The fixed expressions run on every page, compiled once (rules as data).

Each is an ``lxml.etree.XPath`` to call on ``response.selector.root``;
ordered lists are tried first to last. Class tests go through ``has_class``,
which matches a whole class name the way CSS ``.name`` does.
"""

from lxml import etree


def has_class(name: str) -> str:
    """An XPath predicate: the context node has the class *name*."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# ---------------------------------------------------------------- head
BODY_CLASS = etree.XPath("string(//body/@class)")
OG_TYPE = etree.XPath("string((//meta[@property='og:type' or @name='og:type']/@content)[1])")
CANONICAL = etree.XPath("string((//link[@rel='canonical']/@href)[1])")

# ---------------------------------------------------------------- the page's own node
# A full view, or any node that is not a teaser in a View.
MAIN_NODE = (
    etree.XPath(f"//*[{has_class('node')} and contains(@class, 'view-mode-full')]"),
    etree.XPath(f"//*[{has_class('node')} and starts-with(@id, 'node-')"
                f" and not(ancestor::*[{has_class('view')}])]"),
    etree.XPath(f"//*[{has_class('node')} and not(ancestor::*[{has_class('view')}])"
                " and not(contains(@class, 'teaser'))]"),
)

# ---------------------------------------------------------------- page shape
# Teasers of a listing: View rows and teaser view modes.
TEASERS = etree.XPath(
    f"//*[{has_class('views-row')} or {has_class('node-teaser')}"
    " or (contains(@class, 'view-mode-') and contains(@class, 'teaser'))]"
)
HEADLINES = etree.XPath("count(//h1)")
PROSE = etree.XPath("count(//p[string-length(normalize-space()) > 80])")

# ---------------------------------------------------------------- links
LINKS = etree.XPath("//a[@href]")

# ---------------------------------------------------------------- placeholders
# Blocks that Drupal fills with AJAX: a View without rows or an empty-text,
# or an element themes use as a "loading" placeholder.
_EMPTY_VIEW = (
    f"{has_class('view')}"
    " and (contains(@class, 'iran-in-brief') or contains(@class, 'view-articles'))"
    " and not(.//*[contains(@class, 'views-row')]) and not(.//*[contains(@class, 'view-empty')])"
)
_LOADING = (
    "(contains(@class, 'js-placeholder') or contains(@class, 'ajax-placeholder')"
    " or contains(@class, 'js-loading') or @data-ajax-src) and not(.//p)"
)
PLACEHOLDER = etree.XPath(f"//*[{_EMPTY_VIEW}] | //*[{_LOADING}]")
# The loading placeholders below a subtree (furniture removed from an article body).
PLACEHOLDER_BELOW = etree.XPath(f".//*[{_LOADING}]")

# ---------------------------------------------------------------- text (extract/html.py)
# Never text, wherever they are.
NOT_TEXT = etree.XPath(".//script | .//style | .//noscript | .//template"
                       " | .//comment() | .//processing-instruction()")
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
META_CONTENT = etree.XPath("//meta[@property=$name or @name=$name]/@content")
PARAGRAPHS = etree.XPath("//body//p")

# ---------------------------------------------------------------- Drupal fields (extract/drupal.py)
# The Arabic daily press review's kicker line above the title.
KICKER_PREFIXES = ("الرصد الصحافي", "الرصد الصحفي")
KICKER = etree.XPath("//body//*[not(self::script or self::style)][{}]".format(
    " or ".join(f"starts-with(normalize-space(text()), '{p}')" for p in KICKER_PREFIXES)))
# A video node's player (admin.mangomolo.com iframes on the old site) and poster.
PLAYER = etree.XPath(".//iframe/@src | .//iframe/@data-src | .//embed/@src | .//video/@src"
                     " | .//video/source/@src | .//object/@data")
POSTER = etree.XPath(".//video/@poster")

# ---------------------------------------------------------------- deep markup (extract/deep.py)
LAST_ELEMENT = etree.XPath("(//*)[last()]")
