"""Where the ``oldsite`` spider's pages come from (``-a source=NAME``).

A source lists the pages of a crawl (its start requests) and says how its
responses become old-site pages; the spider classifies, extracts and follows
links the same way whatever the source. See ``base.Source`` for the
interface; each source is its own module, as Scrapy's ``SitemapSpider`` sits
on ``utils/sitemap.py``:

* ``live``: the site itself, from the editions' home pages, following links;
* ``wayback``: the Internet Archive's captures (CDX listing, one replay each);
* ``warc``: pages re-extracted from WARC files, without the network.
"""

from __future__ import annotations

from scrapy.utils.misc import load_object

# name -> the Source class, by import path (loaded only when chosen).
SOURCES = {
    "live": "newscrawl.sources.live.LiveSource",
    "wayback": "newscrawl.sources.wayback.WaybackSource",
    "warc": "newscrawl.sources.warc.WarcSource",
}


def source_class(name: str) -> type:
    """The Source class registered as *name*; ValueError for any other name."""
    name = str(name or "live").strip().lower()
    if name not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {name!r}")
    try:
        return load_object(SOURCES[name])
    except (ImportError, NameError) as exc:
        raise ValueError(f"source {name} is not available in this installation ({exc})") from exc
