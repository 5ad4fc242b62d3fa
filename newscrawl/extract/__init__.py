"""Turn a page into raw article fields.

Each field is taken from the first source that has it: structured metadata
(og:/article: meta, JSON-LD), then the site's Drupal markup, then a generic
main-text extractor (only run when title or body is still missing). Values are
raw: the pipelines clean them.
"""

import re

from newscrawl.extract.drupal import drupal_fields
from newscrawl.extract.fallback import fallback_fields
from newscrawl.extract.metadata import metadata_fields

# og:image names one share image; the page's own image field lists them all.
MARKUP_FIRST = {"image_urls"}

FIELDS = ("title", "body", "summary", "section", "tags", "authors",
          "published_raw", "image_urls", "captions")

# Drupal's metatag module appends the site name to og:title / <title>.
_SITE_SUFFIX = re.compile(r"\s*[|\-–—]\s*(Iran ?International|ایران ?اینترنشنال)\s*$", re.I)


def _as_paragraphs(body):
    if isinstance(body, str):
        return [p for p in re.split(r"\n\s*\n?", body) if p.strip()]
    return body


def extract(response):
    """A dict of raw fields (see ``FIELDS``) and ``source``: which extractor gave the body."""
    metadata, drupal = metadata_fields(response), drupal_fields(response)
    merged = {f: drupal[f] for f in MARKUP_FIRST if f in drupal}
    for name, found in (("metadata", metadata), ("drupal", drupal)):
        for field, value in found.items():
            merged.setdefault(field, value)
        if "body" in found:
            merged.setdefault("source", name)
    if not merged.get("title") or "body" not in merged:
        found = fallback_fields(response)
        for field, value in found.items():
            merged.setdefault(field, value)
        if "body" in found:
            merged.setdefault("source", "fallback")
    if merged.get("title"):
        merged["title"] = _SITE_SUFFIX.sub("", merged["title"])
    if "body" in merged:
        merged["body"] = _as_paragraphs(merged["body"])
        # Generic extractors often repeat the headline as the first paragraph.
        if merged["body"] and merged["body"][0].strip() == (merged.get("title") or "").strip():
            merged["body"] = merged["body"][1:]
    if isinstance(merged.get("image_urls"), list):
        merged["image_urls"] = [response.urljoin(u) for u in merged["image_urls"]]
    return merged
