"""Markup nested deeper than the HTML parser goes.

libxml2 stops building the tree near 2,048 levels and drops the rest of the
document, so a page nested 50,000 levels deep loses its article (and a
generic extractor then finds the wrong text, such as the date line). Such a
tree is recognised by its last element sitting at that depth; the page is read
again with its long runs of tags (the empty wrappers that make the nesting)
cut down to their last few.
"""

from __future__ import annotations

import re

# libxml2's limit is 2,048 levels (``xmlParserMaxDepth`` without huge_tree
# for HTML); a tree whose last element is this deep was cut there.
PARSER_DEPTH_LIMIT = 2000
# A run of at least RUN tags with nothing but whitespace between them is
# cut to its KEEP innermost (opening) or outermost (closing) tags.
RUN = 64
KEEP = 16

_OPENING_RUN = re.compile(r"(?:<[A-Za-z][\w:-]*+(?:\s[^<>]*+)?+>\s*+){%d,}+" % RUN)
_CLOSING_RUN = re.compile(r"(?:</[A-Za-z][\w:-]*+\s*+>\s*+){%d,}+" % RUN)
_TAG = re.compile(r"<[^<>]*>")


def too_deep(response) -> bool:
    """Whether the parsed tree of *response* was cut at the parser's depth limit."""
    last = response.xpath("(//*)[last()]")
    if not last:
        return False
    depth = 0
    for depth, _ in enumerate(last[0].root.iterancestors(), 1):
        pass
    return depth >= PARSER_DEPTH_LIMIT


def flatten(html: str) -> str:
    html = _OPENING_RUN.sub(lambda m: "".join(_TAG.findall(m.group())[-KEEP:]), html)
    return _CLOSING_RUN.sub(lambda m: "".join(_TAG.findall(m.group())[:KEEP]), html)


def flattened(response):
    """*response* with its runs of nested tags cut down, or None if it has none."""
    text = response.text
    flat = flatten(text)
    if flat == text:
        return None
    return response.replace(body=flat.encode("utf-8"), encoding="utf-8")
