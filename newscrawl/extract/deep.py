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
from collections import Counter

from newscrawl.extract import xpaths

# libxml2's limit is 2,048 levels (``xmlParserMaxDepth`` without huge_tree
# for HTML); a tree whose last element is this deep was cut there.
PARSER_DEPTH_LIMIT = 2000
# A run of at least RUN tags with nothing but whitespace between them keeps
# KEEP of each of its distinct tags (the wrappers that say what the content
# is, such as ``field-name-body``, appear once and stay); as many closing
# tags of each name are removed from the closing runs that follow.
RUN = 64
KEEP = 16

_OPENING_RUN = re.compile(r"(?:<[A-Za-z][\w:-]*+(?:[\s/][^<>]*+)?+>\s*+){" + str(RUN) + ",}+")
_CLOSING_RUN = re.compile(r"(?:</[A-Za-z][\w:-]*+\s*+>\s*+){" + str(RUN) + ",}+")
_TAG = re.compile(r"<[^<>]*>")
_NAME = re.compile(r"</?([A-Za-z][\w:-]*)")


def too_deep(response) -> bool:
    """Whether the parsed tree of *response* was cut at the parser's depth limit."""
    last = xpaths.LAST_ELEMENT(response.selector.root)
    if not last:
        return False
    return sum(1 for _ in last[0].iterancestors()) >= PARSER_DEPTH_LIMIT


def flatten(html: str) -> str:
    """*html* with its runs of nested tags cut down, balanced: each opening
    tag removed takes a closing tag of its name with it."""
    removed: Counter = Counter()

    def cut_opening(match) -> str:
        seen: Counter = Counter()
        kept = []
        for tag in _TAG.findall(match.group()):
            seen[tag] += 1
            if seen[tag] > KEEP:
                removed[_NAME.match(tag).group(1).lower()] += 1
            else:
                kept.append(tag)
        return "".join(kept)

    def cut_closing(match) -> str:
        kept = []
        for tag in _TAG.findall(match.group()):
            name = _NAME.match(tag).group(1).lower()
            if removed[name]:
                removed[name] -= 1
            else:
                kept.append(tag)
        return "".join(kept)

    html = _OPENING_RUN.sub(cut_opening, html)
    return _CLOSING_RUN.sub(cut_closing, html) if removed else html


def flattened(response):
    """*response* with its runs of nested tags cut down, or None if it has none."""
    text = response.text
    flat = flatten(text)
    if flat == text:
        return None
    return response.replace(body=flat.encode("utf-8"), encoding="utf-8")
