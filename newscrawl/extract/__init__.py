"""Turn a page into raw article fields.

Fields come from three sources, in this order: structured metadata (og:/
article: meta, JSON-LD), the site's Drupal markup, then a generic main-text
extractor (trafilatura). Each field is taken from the first source that has
it, except:

* ``image_urls``: the node's own image field first (og:image names one share
  image);
* ``body``: each source's body is judged. A metadata body (JSON-LD
  ``articleBody``) that is a truncated excerpt of the page's main text loses
  to the markup's, or the fallback's: it does when it is shorter
  (``TEASER_RATIO``) and either ends with an ellipsis (``…``, ``...``,
  ``&hellip;``, ``[…]``) or is made of the other body's words (a prefix, an
  excerpt), and when it is much shorter (``MUCH_SHORTER``) in any case.

The fallback runs when title or body is still missing, when a metadata body
has to be judged, and next to the Drupal rules to check them on one page in
``CHECK_EVERY`` (chosen by URL, so a re-crawl checks the same pages; the check
would triple the cost of extracting a Drupal page): a checked page
(``checked: True``) where the two bodies share few words (token F1 below
``DISAGREEMENT_BELOW``) gets ``disagreement: True``, so an operator sees when
the site's markup is not what the rules expect. Markup nested deeper than the HTML parser goes (it stops
near 2,048 levels and drops the rest of the page) is flattened and parsed
again; if that fails too, only a metadata body is trusted (``too_deep``).

Values are raw: the pipelines clean them. Besides the fields, the dict says
``source`` (which extractor gave the body) and, when they apply,
``checked``, ``disagreement``, ``metadata_ignored`` (how many metadata values were left out
for their type) and ``too_deep``; ``record()`` counts them as ``extract/…``
stats and removes them.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter

from newscrawl.extract import xpaths
from newscrawl.extract.deep import flattened, too_deep
from newscrawl.extract.drupal import drupal_fields
from newscrawl.extract.fallback import fallback_date, fallback_fields
from newscrawl.extract.metadata import metadata_fields

logger = logging.getLogger(__name__)

# og:image names one share image; the page's own image field lists them all.
MARKUP_FIRST = {"image_urls"}

FIELDS = (
    "title",
    "body",
    "summary",
    "section",
    "tags",
    "authors",
    "published_raw",
    "image_urls",
    "captions",
    "video_urls",
    "poster_url",
)
# What extract() says about the page besides its fields (see record()).
NOTES = ("checked", "disagreement", "metadata_ignored", "too_deep")

# A metadata body shorter than this share of another source's body may be a teaser.
TEASER_RATIO = 0.7
# ... and is one when this share of its words are in that body, or it ends
# with an ellipsis; one shorter than this share of it is one in any case.
EXCERPT_SHARE = 0.9
MUCH_SHORTER = 0.4
# Drupal and fallback bodies whose token F1 is below this disagree, when the
# longer of them has at least this many characters (short pages are noise: a
# generic extractor often picks a sidebar block there).
DISAGREEMENT_BELOW = 0.5
DISAGREEMENT_MIN_CHARS = 500
# One Drupal page in this many is checked against the fallback, by a caller
# of extract() that does not say; a crawl says, from EXTRACT_CHECK_EVERY.
CHECK_EVERY = 10

_ELLIPSIS = re.compile(r"(?:…|\.\.\.|&hellip;|&#8230;|\[…\]|\[\.\.\.\])[\s\"'»”]*$")

# The site name the metatag module appends to <title>/og:title, and the
# "| Page 2 |" of a ?page=1 variant (a sidebar block's pager).
_TITLE_TAILS = (
    re.compile(
        r"\s*[|\-–—]\s*(?:Iran ?International|[اإ][يی]ران ?[اإ][يی]نترنشنال"
        r"|إيران إنترناشيونال)\s*$",
        re.I,
    ),
    re.compile(r"\s*[|\-–—]\s*(?:Page|صفحه|صفحة|الصفحة)\s*[0-9۰-۹٠-٩]+\s*$", re.I),
)
_TITLE_AND_TAIL = re.compile(r"\s+[|\-–—]\s+\S")  # "Headline | Site name"
_WORDS = re.compile(r"\w+")


def clean_title(title: str) -> str:
    """*title* without the site name and ``| Page N``, in any order."""
    while True:
        before = title
        for tail in _TITLE_TAILS:
            title = tail.sub("", title)
        if title == before:
            return title


def _words(paragraphs) -> Counter:
    return Counter(_WORDS.findall(" ".join(paragraphs).casefold()))


def _length(paragraphs) -> int:
    return sum(len(p) for p in paragraphs)


def overlap(a, b) -> float:
    """Token F1 of two bodies (lists of paragraphs)."""
    wa, wb = _words(a), _words(b)
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(wa.values()), common / sum(wb.values())
    return 2 * precision * recall / (precision + recall)


def is_teaser(body, other) -> bool:
    """Whether metadata *body* is a truncated excerpt of *other*."""
    if not other or _length(body) >= TEASER_RATIO * _length(other):
        return False
    if _length(body) < MUCH_SHORTER * _length(other):
        return True
    if _ELLIPSIS.search(body[-1]):
        return True
    words, theirs = _words(body), _words(other)
    return sum((words & theirs).values()) >= EXCERPT_SHARE * sum(words.values())


def main_text_length(response) -> int:
    """The length of the page's main text, cheaply: the ``<p>`` text of the
    element holding the most of it."""
    lengths: Counter = Counter()
    for paragraph in xpaths.PARAGRAPHS(response.selector.root):
        lengths[paragraph.getparent()] += sum(map(len, paragraph.itertext()))
    return max(lengths.values(), default=0)


def _whole(body, response) -> bool:
    """A metadata body no other source can beat, so that none need be run:
    no ellipsis, and not much shorter than the page's main text."""
    if _ELLIPSIS.search(body[-1]):
        return False
    return _length(body) >= TEASER_RATIO * main_text_length(response)


def _merge(response, metadata, drupal, notes, check_every):
    merged = {f: drupal[f] for f in MARKUP_FIRST if f in drupal}
    meta_body = metadata.pop("body", None)
    for found in (metadata, drupal):
        for field, value in found.items():
            merged.setdefault(field, value)
    if "body" in drupal:
        merged["source"] = "drupal"
    fallback = {}
    if meta_body and "body" not in drupal and merged.get("title") and _whole(meta_body, response):
        pass  # nothing on the page it could be an excerpt of
    elif not merged.get("title") or "body" not in drupal:
        # For the title or body, or to judge the metadata body.
        fallback = fallback_fields(response)
    elif drupal["body"] and zlib.crc32(response.url.encode()) % check_every == 0:
        # Check the Drupal rules against a markup-blind extractor.
        fallback = {"body": fallback_fields(response, body_only=True).get("body", [])}
        notes["checked"] = True
    other = drupal.get("body") if "body" in drupal else fallback.get("body")
    if meta_body and not is_teaser(meta_body, other):
        merged["body"], merged["source"] = meta_body, "metadata"
    if drupal.get("body") and fallback.get("body") is not None:
        longer = max(_length(drupal["body"]), _length(fallback["body"]))
        if (
            longer >= DISAGREEMENT_MIN_CHARS
            and overlap(drupal["body"], fallback["body"]) < DISAGREEMENT_BELOW
        ):
            notes["disagreement"] = True
    for field, value in fallback.items():
        if field != "body" or "body" not in merged:
            merged.setdefault(field, value)
    if "body" in merged:
        merged.setdefault("source", "fallback")
    return merged


def extract(response, stats=None, check_every: int = CHECK_EVERY):
    """A dict of raw fields (see ``FIELDS``), ``source`` and the notes (see
    ``NOTES``); with a Scrapy *stats* collector, the notes are counted there
    instead (``record()``). *check_every*: check one Drupal page in so many
    against the fallback (1: every page)."""
    notes = {}
    if too_deep(response):
        flat = flattened(response)
        if flat is not None and not too_deep(flat):
            logger.info(
                "%s: markup nested deeper than the parser goes, read flattened", response.url
            )
            response = flat
        else:
            notes["too_deep"] = True
    metadata, drupal = metadata_fields(response), drupal_fields(response)
    if metadata.get("metadata_ignored"):
        notes["metadata_ignored"] = metadata.pop("metadata_ignored")
    if notes.get("too_deep"):
        # The parser dropped the rest of the page: only metadata is whole.
        logger.warning(
            "%s: markup nested deeper than the HTML parser goes; only its metadata can be read",
            response.url,
        )
        merged = dict(metadata)
        if "body" in merged:
            merged["source"] = "metadata"
    else:
        merged = _merge(response, metadata, drupal, notes, max(check_every, 1))
    if not merged.get("published_raw"):
        date = fallback_date(response)
        if date:
            merged["published_raw"] = date
    if merged.get("title"):
        merged["title"] = clean_title(merged["title"])
    if merged.get("body") and merged.get("title"):
        # Generic extractors often repeat the headline as the first paragraph
        # (and a <title> carries the site's name after it).
        first, title = merged["body"][0].strip(), merged["title"].strip()
        if first == title or (
            len(first.split()) >= 3
            and title.startswith(first)
            and _TITLE_AND_TAIL.match(title[len(first) :])
        ):
            merged["body"] = merged["body"][1:]
            merged["title"] = first
    if isinstance(merged.get("image_urls"), list):
        merged["image_urls"] = [response.urljoin(u) for u in merged["image_urls"]]
    if "video_urls" in merged and not merged.get("body") and merged.get("summary"):
        merged["body"] = [merged["summary"]]  # a video's description is its text
    merged.update(notes)
    if stats is not None:
        record(merged, stats)
    return merged


def record(fields: dict, stats) -> dict:
    """Count *fields*' notes as ``extract/checked``, ``extract/disagreement``,
    ``extract/metadata_ignored`` and ``extract/too_deep`` stats, removing them
    from *fields*."""
    if fields.pop("checked", False):
        stats.inc_value("extract/checked")
    if fields.pop("disagreement", False):
        stats.inc_value("extract/disagreement")
    ignored = fields.pop("metadata_ignored", 0)
    if ignored:
        stats.inc_value("extract/metadata_ignored", ignored)
    if fields.pop("too_deep", False):
        stats.inc_value("extract/too_deep")
    return fields
