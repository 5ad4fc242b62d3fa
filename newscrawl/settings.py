"""Scrapy settings for newscrawl.

Anything here can be overridden with ``-s NAME=VALUE`` on the command line;
the MongoDB connection also comes from the environment (``MONGO_URI``,
``MONGO_DATABASE``), so no edit to this file is ever needed to deploy.
"""

import os

from newscrawl import __version__

BOT_NAME = "newscrawl"

SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# Identify the crawler honestly; add a contact with -s USER_AGENT=... if you run it at scale.
USER_AGENT = f"newscrawl/{__version__} (archive crawler for the old Iran International site)"

# Politeness towards a site nobody maintains any more.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many tasks for the output of every page (default 100); a
# page gives at most one item and its links: 8 is plenty, and the 100 tasks
# were 9 % of the crawl's CPU (bench profile).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60
COOKIES_ENABLED = False

# Keep the crawl within the site's HTML: no media, no giant pages.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
URLLENGTH_LIMIT = 2083
REDIRECT_MAX_TIMES = 5
# 404 and 410 are answers, not failures: never retried.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Memory stays bounded on long crawls: warn, then stop cleanly.
MEMUSAGE_ENABLED = True
MEMUSAGE_WARNING_MB = 1536
MEMUSAGE_LIMIT_MB = 3072

DOWNLOADER_MIDDLEWARES = {
    # Before Scrapy's RedirectMiddleware (600): redirects off the site are
    # recorded, not followed.
    "newscrawl.middlewares.SiteRedirectMiddleware": 650,
    # Before Scrapy's RetryMiddleware (550): the Wayback Machine's 429s pause
    # its download slot for Retry-After instead of a retry at once.
    "newscrawl.middlewares.WaybackThrottleMiddleware": 560,
    # After both (and RetryMiddleware) in the chain: a site that is gone ends the crawl.
    "newscrawl.sitegone.SiteGoneMiddleware": 670,
}

# --- crawler traps (newscrawl.middlewares.TrapMiddleware) ---
# A chain of pages that brings no new article or brief is cut after this many
# pages; a page's links beyond the first TRAP_MAX_LINKS_PER_PAGE are not followed.
SPIDER_MIDDLEWARES = {
    "newscrawl.middlewares.TrapMiddleware": 850,
}
TRAP_MAX_BARREN_HOPS = 5
TRAP_MAX_LINKS_PER_PAGE = 500
# Links that pages with nothing new so far may request, together, below the
# last page of their chain that brought something (a tree of such pages).
TRAP_MAX_BARREN_LINKS = 2000
# A Content-Length larger than what arrived: keep what arrived, flagged
# "dataloss" and counted as oldsite/malformed/truncated (instead of retrying
# and losing the page).
DOWNLOAD_FAIL_ON_DATALOSS = False

DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "Accept-Language": "en, fa;q=0.9",
}

ITEM_PIPELINES = {
    # CleanTextPipeline, in a worker process of its own (CLEAN_TEXT_WORKER).
    "newscrawl.pipelines.offload.CleanTextWorkerPipeline": 300,
    "newscrawl.pipelines.dates.DatesPipeline": 400,
    "newscrawl.pipelines.validate.ValidatePipeline": 500,
    "newscrawl.pipelines.mongo.MongoPipeline": 900,
}

# Clean the text in a worker process (on another core; newscrawl/worker.py):
# about a tenth of a crawl's CPU. False: in the crawl's own process.
CLEAN_TEXT_WORKER = True

# JavaScript rendering through scrapy-playwright, only where a page needs it
# (see newscrawl/render.py). RENDER: never | auto | always.
RENDER = os.environ.get("NEWSCRAWL_RENDER", "auto")
# Chromium to drive; found in the usual places when empty.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "")
# scrapy-playwright's handler, kept on the site (newscrawl/browser.py).
DOWNLOAD_HANDLERS = {
    "http": "newscrawl.browser.SiteOnlyHandler",
    "https": "newscrawl.browser.SiteOnlyHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {"headless": True}
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_ABORT_REQUEST = "newscrawl.render.abort_request"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30 * 1000
# --- the browser stays on the site (newscrawl/browser.py) ---
# Hosts a rendered page may load from besides the site's own origin (any
# scheme and port), e.g. a CDN the site's scripts really need; everything
# else the browser asks for is aborted (render/offsite_aborted).
RENDER_ALLOWED_HOSTS = []

# Wayback Machine: `-a source=wayback` takes the pages from the Internet
# Archive's captures (README "Recovering from the Wayback Machine"). Point the
# two URLs at a mirror or a local pywb to use another archive.
WAYBACK_CDX_URL = "https://web.archive.org/cdx/search/cdx"
WAYBACK_REPLAY_URL = "https://web.archive.org/web"
# Hosts the site was captured at -> the last capture worth taking from each
# (1-14 digits, empty for none): iranintl.com served the new site afterwards.
WAYBACK_HOSTS = {"old.iranintl.com": "", "iranintl.com": "202109"}
WAYBACK_CDX_LIMIT = 5000  # captures per CDX page
# Requests a minute, one CDX request at a time (the archive allows about 60
# a minute, averaged over 5 minutes, and blocks an IP that ignores its 429s).
WAYBACK_CDX_RATE = 20
WAYBACK_REPLAY_RATE = 60
WAYBACK_REPLAY_CONCURRENCY = 2
# After a 429: pause for Retry-After (WAYBACK_BACKOFF seconds without it),
# twice as long on each 429 in a row, at most WAYBACK_BACKOFF_MAX; a request
# is given up after WAYBACK_RETRY_TIMES 429s.
WAYBACK_BACKOFF = 60.0
WAYBACK_BACKOFF_MAX = 900.0
WAYBACK_RETRY_TIMES = 5

EXTENSIONS = {
    # First: its final figures are in place when the others close.
    "newscrawl.extensions.Progress": 490,
    "newscrawl.extensions.StatsFile": 500,
    "newscrawl.extensions.CrawlSummary": 510,
    # Objects alive when the spider opens are left out of full collections.
    "newscrawl.gcfreeze.GcFreeze": 520,
    # The progress line replaces Scrapy's "Crawled N pages" line.
    "scrapy.extensions.logstats.LogStats": None,
}
# Freeze what is alive when the spider opens out of the garbage collector's
# full collections (newscrawl/gcfreeze.py).
GC_FREEZE = True
# Write the final stats as JSON to this path (off when empty).
STATS_FILE = os.environ.get("NEWSCRAWL_STATS_FILE", "")

# MongoDB (see README "Configuration").
MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017")
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "oldsite")
MONGO_COLLECTION = "articles"
MONGO_BATCH_SIZE = 100
MONGO_FLUSH_INTERVAL = 5.0
MONGO_CONNECT_TIMEOUT = 10.0
MONGO_WRITE_TIMEOUT = 120.0
# Transient errors (network, failover) are retried this many times, waiting
# MONGO_RETRY_DELAY seconds, then twice as long each time (at most 30 s); then
# pending items go to a JSON Lines file in MONGO_SPILL_DIR for `scrapy loadspill`.
MONGO_RETRY_TIMES = 5
MONGO_RETRY_DELAY = 1.0
MONGO_SPILL_DIR = os.environ.get("MONGO_SPILL_DIR", "data/spill")

# --- storage: the write path and the running crawl's record ---
# Unchanged articles have last_seen_at moved in batched statements: one per
# MONGO_SEEN_BATCH ids, written at least every MONGO_SEEN_INTERVAL seconds
# (so last_seen_at is accurate to that interval) and at close. On FerretDB v1,
# where any update by _id scans the collection, they are written once, at close
# (README "The write path").
MONGO_SEEN_BATCH = 5000
MONGO_SEEN_INTERVAL = 60.0
# A running crawl's `crawls` document (status, counts, progress) is updated
# this often, in seconds.
MONGO_PROGRESS_INTERVAL = 60.0
# `scrapy loadspill`, and `scrapy crawl` exiting 1 when items were spilled.
COMMANDS_MODULE = "newscrawl.commands"

# Development: NEWSCRAWL_HTTPCACHE=1 replays pages from .scrapy/httpcache
# instead of hitting the site again.
HTTPCACHE_ENABLED = os.environ.get("NEWSCRAWL_HTTPCACHE", "") == "1"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGSTATS_INTERVAL = 30.0

# --- progress, site gone, report ---
# One progress line (and `progress/*` stats, copied into the run's `crawls`
# document) every PROGRESS_INTERVAL seconds; 0 turns it off.
PROGRESS_INTERVAL = 60.0
# A site whose start pages do not resolve, refuse the connection or redirect
# to the new site ends the crawl at once as `site_unreachable` (newscrawl/sitegone.py).
SITEGONE_ENABLED = True
# A DNS lookup that takes longer has failed (Scrapy's default waits 60 s; a
# machine without network may hang on lookups rather than fail them).
DNS_TIMEOUT = 10
# `scrapy report`: where the HTML file and its chart images go.
REPORT_DIR = "data/report"

# --- spider: extraction ---
# One Drupal page in so many (chosen by URL: a re-crawl checks the same
# pages) is also read by trafilatura, and the two bodies compared
# (extract/checked, extract/disagreement). A check costs about 2.7 ms of CPU,
# the page's whole extraction twice over: one in 50 is 3,000 checks over
# 150,000 articles, enough to see a template the rules misread on 0.1 % of
# them; 1 checks every page.
EXTRACT_CHECK_EVERY = 50

# --- spider: site-wide blocks ---
# A pager of a block that is the same on every page of an edition (the "Iran
# in Brief" block's ?page=N) is followed "once" per edition and block page;
# "every" follows it from every page (one more request per article).
BLOCK_PAGERS = "once"
# A tag (a term of a node's tags field: a second index of what the sections
# list) is read after everything else, and "productive" ends its pagination
# at the first page that shows no page not seen before; "every" reads all of
# its pages (README "Each page once").
TAG_PAGERS = "productive"

# --- WARC (newscrawl/warc/, README "Archive files") ---
# Every exchange with the site goes to WARC/1.1 files in WARC_DIR
# (<prefix>-<UTC timestamp>-<serial>.warc.gz, a new one at WARC_MAX_SIZE bytes),
# with a CDXJ index beside each when it closes. A payload already in WARC_DIR's
# indexes is written as a revisit record (WARC_REVISITS).
WARC_ENABLED = os.environ.get("NEWSCRAWL_WARC", "1") != "0"
WARC_DIR = os.environ.get("WARC_DIR", "data/warc")
WARC_MAX_SIZE = 1024**3
WARC_PREFIX = "newscrawl"
WARC_REVISITS = True
WARC_CDXJ = True
# Each record's gzip member: levels 0-3 by ISA-L (isal), 4-9 by zlib. Level 1
# takes about 0.07 ms of CPU for a 60 KB page against zlib's 0.62 at level 6,
# for files about 18 % larger (BENCHMARKS.md, "WARC").
WARC_GZIP_LEVEL = 1
# Set by `-a source=warc -a warc=PATH`: answer every request from these files.
WARC_REPLAY = ""
# Next to the download handler: sees what was sent and what came back, before
# HttpCompressionMiddleware (590) decodes the body.
DOWNLOADER_MIDDLEWARES["newscrawl.warc.middleware.WarcMiddleware"] = 950
SPIDER_MIDDLEWARES = {
    **globals().get("SPIDER_MIDDLEWARES", {}),
    # item["warc"]: the record the item's page came from.
    "newscrawl.warc.middleware.WarcProvenanceMiddleware": 950,
}
