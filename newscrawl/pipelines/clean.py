"""Clean and normalize the text fields of an article (see ``newscrawl.text``)."""

from itemadapter import ItemAdapter

from newscrawl.text.furniture import strip_trailing_more
from newscrawl.text.normalize import normalize_body, normalize_text, search_text


class CleanTextPipeline:
    """Page furniture out, entities and whitespace fixed, Persian script
    normalized in Persian text; adds ``search_text``."""

    def process_item(self, item):
        adapter = ItemAdapter(item)
        language = adapter["language"]

        def norm(value):
            return normalize_text(value, language) if value else value

        adapter["title"] = norm(adapter.get("title"))
        adapter["summary"] = norm(adapter.get("summary")) or None
        adapter["section"] = norm(adapter.get("section")) or None
        for name in ("tags", "authors"):
            adapter[name] = list(dict.fromkeys(filter(None, map(norm, adapter.get(name) or []))))
        adapter["image_urls"] = list(dict.fromkeys(adapter.get("image_urls") or []))
        captions = [norm(c) for c in adapter.get("captions") or []]
        body = adapter.get("body") or []
        paragraphs = body.split("\n\n") if isinstance(body, str) else list(body)
        if adapter["kind"] == "brief" and paragraphs:
            paragraphs[-1] = strip_trailing_more(paragraphs[-1])
        adapter["body"] = normalize_body(paragraphs, language, captions=captions)
        adapter["search_text"] = search_text(adapter["title"] or "", adapter["body"])
        return item
