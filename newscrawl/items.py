"""The data contract: one ArticleItem becomes one document in ``articles``.

The spider fills the raw fields; the pipelines clean them, parse the date and
add the storage fields (``content_hash``, ``first_seen_at``, ``last_seen_at``).
"""

import scrapy


class ArticleItem(scrapy.Item):
    url = scrapy.Field()  # canonical absolute URL: the key
    language = scrapy.Field()  # "en" | "fa" | "ar"
    kind = scrapy.Field()  # "article" | "brief"
    title = scrapy.Field()
    body = scrapy.Field()  # plain text, paragraphs separated by one blank line
    summary = scrapy.Field()  # or None
    section = scrapy.Field()  # or None
    tags = scrapy.Field()  # list of str
    authors = scrapy.Field()  # list of str
    published_at = scrapy.Field()  # aware UTC datetime, or None: never the crawl time
    published_raw = scrapy.Field()  # the date text as found, or None
    published_precision = scrapy.Field()  # "date" | "datetime" | None
    image_urls = scrapy.Field()  # list of absolute URLs
    # Video nodes (kind "video"): the player/embed URLs and the poster image.
    video_urls = scrapy.Field()  # list of absolute URLs (absent on other kinds)
    poster_url = scrapy.Field()  # absolute URL, or None
    captions = scrapy.Field()  # image captions, used to drop repeated ones; not stored
    search_text = scrapy.Field()  # folded title + body for queries
    source = scrapy.Field()  # "live" | "wayback": where the page was fetched
    capture_timestamp = scrapy.Field()  # the Wayback capture (14 digits), or None for live
    # The WARC record the content came from: {file, offset, length, record_id}
    # (newscrawl.warc), or None when WARC is off.
    warc = scrapy.Field()


# Fields the spider hands to the pipelines but that are not stored.
TRANSIENT_FIELDS = ("captions",)
