"""Fields from structured metadata: Open Graph / article: meta and JSON-LD."""

import json
import logging
from functools import lru_cache

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "Report",
}


def meta(response, name):
    """The first ``content`` of ``<meta property=name>`` or ``<meta name=name>``."""
    return response.xpath(
        "//meta[@property=$n or @name=$n]/@content", n=name
    ).get()


def meta_all(response, name):
    return response.xpath("//meta[@property=$n or @name=$n]/@content", n=name).getall()


def _walk(node):
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("@graph", []))


def _types(node):
    kind = node.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


@lru_cache(maxsize=32)
def _jsonld_nodes(scripts):
    """Every object of the page's JSON-LD scripts (a tuple of their texts),
    parsed once per page however many callers ask."""
    nodes = []
    for script in scripts:
        try:
            nodes.extend(_walk(json.loads(script)))
        except ValueError:
            logger.debug("Unparsable JSON-LD script skipped")
    return tuple(nodes)


def jsonld_nodes(response):
    return _jsonld_nodes(tuple(response.xpath('//script[@type="application/ld+json"]/text()').getall()))


def jsonld_article(response):
    """The first JSON-LD object typed as an article, or ``{}``."""
    return next((n for n in jsonld_nodes(response) if _types(n) & ARTICLE_TYPES), {})


def jsonld_types(response):
    return set().union(*map(_types, jsonld_nodes(response)))


def _names(value):
    """Names from a JSON-LD person/organisation, a string, or a list of them."""
    if not value:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    names = []
    for entry in value:
        name = entry.get("name") if isinstance(entry, dict) else entry
        # article:author is often a profile URL, which is no name.
        if isinstance(name, str) and name.strip() and "://" not in name:
            names.append(name.strip())
    return names


def _urls(value):
    if not value:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    return [v.get("url") if isinstance(v, dict) else v for v in value if v]


def _keywords(value):
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return [k for k in value or [] if isinstance(k, str)]


def metadata_fields(response):
    """Whatever the page's structured metadata says; missing fields are absent."""
    ld = jsonld_article(response)
    section = ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    fields = {
        "title": ld.get("headline") or meta(response, "og:title"),
        "summary": ld.get("description") or meta(response, "og:description") or meta(response, "description"),
        "section": section or meta(response, "article:section"),
        "tags": _keywords(ld.get("keywords")) or meta_all(response, "article:tag"),
        "authors": _names(ld.get("author")) or _names(meta_all(response, "article:author")),
        "published_raw": ld.get("datePublished") or meta(response, "article:published_time"),
        "image_urls": _urls(ld.get("image")) or meta_all(response, "og:image"),
        "body": ld.get("articleBody"),
    }
    return {k: v for k, v in fields.items() if v}
