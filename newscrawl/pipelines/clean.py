"""Clean and normalize the text fields of an article (see ``newscrawl.text``)."""

import re

from itemadapter import ItemAdapter

from newscrawl.text.furniture import strip_trailing_more
from newscrawl.text.normalize import normalize_body, normalize_text, search_text
from newscrawl.text.sanitize import sanitize, sanitize_value

# Fields normalized as text in the item's language (one string each).
TEXT_FIELDS = ("title", "summary", "section")
# Lists of names, normalized as text, then de-duplicated.
NAME_LIST_FIELDS = ("tags", "authors")
# Lists of URLs, only sanitized, then de-duplicated.
URL_LIST_FIELDS = ("image_urls", "video_urls")

_BLANK_LINE_RE = re.compile(r"\n\s*\n")


def unique(values) -> list:
    """The non-empty values in their first order, each once."""
    return list(dict.fromkeys(v for v in values if v))


class CleanTextPipeline:
    """Page furniture out, entities and whitespace fixed, each language's
    script rules (``en``, ``fa``, ``ar``) applied; list fields de-duplicated
    once, here; adds ``search_text``. Last, every string of the item, in any
    field, loses control and invisible format characters (``sanitize``)."""

    def process_item(self, item):
        adapter = ItemAdapter(item)
        language = adapter.get("language")

        def norm(value):
            return normalize_text(value, language) if isinstance(value, str) and value else None

        fields = set(adapter.field_names())
        for name in TEXT_FIELDS:
            if name in fields:
                adapter[name] = norm(adapter.get(name)) or None
        for name in NAME_LIST_FIELDS:
            if name in fields:
                adapter[name] = unique(map(norm, adapter.get(name) or []))
        for name in URL_LIST_FIELDS:
            if name in adapter:
                adapter[name] = unique(
                    sanitize(u, url=True) for u in adapter[name] or [] if isinstance(u, str)
                )
        captions = [c for c in map(norm, adapter.get("captions") or []) if c]
        paragraphs = self._paragraphs(adapter.get("body"))
        if adapter.get("kind") == "brief" and paragraphs:
            paragraphs[-1] = strip_trailing_more(paragraphs[-1])
        adapter["body"] = normalize_body(paragraphs, language, captions=captions)
        adapter["search_text"] = search_text(adapter.get("title") or "", adapter["body"])
        for name, value in list(adapter.items()):
            adapter[name] = sanitize_value(value, name)
        return item

    @staticmethod
    def _paragraphs(body) -> list[str]:
        """The body as paragraphs: a list from the spider, or a string (split
        on blank lines)."""
        if not body:
            return []
        if isinstance(body, str):
            return _BLANK_LINE_RE.split(body)
        return [p for p in body if isinstance(p, str)]
