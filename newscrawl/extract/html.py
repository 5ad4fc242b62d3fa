"""Plain text out of an HTML subtree: paragraphs, without furniture."""

import copy
import re

BLOCKS = ("blockquote", "h2", "h3", "h4", "h5", "h6", "li", "p", "pre")
_IS_BLOCK = " or ".join(f"self::{tag}" for tag in BLOCKS)
# Innermost block elements: a <blockquote> of <p>s gives one paragraph each.
LEAF_BLOCKS_XPATH = f".//*[({_IS_BLOCK}) and not(.//*[{_IS_BLOCK}])]"

# Never part of an article's text, whatever the theme.
FURNITURE_XPATH = (
    ".//script | .//style | .//noscript | .//form | .//iframe | .//button | .//comment()"
    " | .//figcaption | .//*[contains(@class, 'caption')]"
    " | .//*[contains(@class, 'share') or contains(@class, 'social')]"
    " | .//*[contains(@class, 'iran-in-brief') or contains(@id, 'iran-in-brief')]"
    # "Loading…" placeholders that a script has not filled (yet).
    " | .//*[(contains(@class, 'js-placeholder') or contains(@class, 'ajax-placeholder')"
    " or contains(@class, 'js-loading') or @data-ajax-src) and not(.//p)]"
)

_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")


def _text(element):
    return "".join(element.itertext())


def paragraphs(node):
    """The paragraphs under *node* (a parsel Selector), furniture removed.

    Innermost block elements (``p``, headings, list items, quotes) give one
    paragraph each; a container without them is split on blank lines and
    double ``<br>``. Whitespace inside a paragraph is left to the text rules, except
    that a paragraph never contains a blank line (the body's separator).
    """
    root = copy.deepcopy(node.root)
    for junk in root.xpath(FURNITURE_XPATH):
        junk.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath(LEAF_BLOCKS_XPATH)
    if blocks:
        texts = [piece for block in blocks for piece in _BLANK_LINES.split(_text(block))]
    else:
        texts = _BLANK_LINES.split(_text(root))
    return [t.strip() for t in texts if t.strip()]
