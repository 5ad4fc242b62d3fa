"""Fields from a generic main-text extractor, for pages of unknown markup.

trafilatura finds the main text of a page without knowing its theme; it is
only asked when metadata and Drupal markup left the title or body empty.
"""

import logging

import trafilatura

logger = logging.getLogger(__name__)


def fallback_fields(response):
    """Fields found by trafilatura; missing fields are absent."""
    try:
        doc = trafilatura.bare_extraction(
            response.text,
            url=response.url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
        )
    except Exception:  # trafilatura can raise on pathological markup
        logger.warning("Generic extraction failed on %s", response.url, exc_info=True)
        return {}
    if doc is None:
        return {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    time = response.xpath("//time/@datetime").get()
    fields = {
        "title": data.get("title"),
        # trafilatura puts one paragraph per line.
        "body": [line for line in text.split("\n") if line.strip()],
        "authors": [a.strip() for a in (data.get("author") or "").split(";") if a.strip()],
        "published_raw": time or data.get("date"),
    }
    return {k: v for k, v in fields.items() if v}
