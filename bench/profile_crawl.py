"""Run a Scrapy command under pyinstrument and summarize where the time went.

    python -m bench.profile_crawl OUT_PREFIX crawl oldsite -a base_url=... -s ...

Writes ``OUT_PREFIX.html`` (pyinstrument's interactive tree) and
``OUT_PREFIX.json``: the wall and CPU time, the time inside selected
functions (inclusive, counted once however deep the recursion), the
functions with the most self time, and the time by package.
"""

import json
import sys
from collections import defaultdict

# Functions to report, by (file path fragment, function name); inclusive time.
WATCH = {
    "spider: parse (whole callback)": ("newscrawl/spiders/oldsite.py", "parse"),
    "spider: page_kind": ("newscrawl/spiders/oldsite.py", "page_kind"),
    "spider: canonical_url": ("newscrawl/spiders/oldsite.py", "canonical_url"),
    "spider: follow_links": ("newscrawl/spiders/oldsite.py", "follow_links"),
    "spider: _more_links": ("newscrawl/spiders/oldsite.py", "_more_links"),
    "urls: clean_url": ("newscrawl/urls.py", "clean_url"),
    "urls: should_follow": ("newscrawl/urls.py", "should_follow"),
    "urls: article_key": ("newscrawl/urls.py", "article_key"),
    "extract: extract (all)": ("newscrawl/extract/__init__.py", "extract"),
    "extract: metadata_fields": ("newscrawl/extract/metadata.py", "metadata_fields"),
    "extract: jsonld (json.loads)": ("newscrawl/extract/metadata.py", "jsonld_article"),
    "extract: drupal_fields": ("newscrawl/extract/drupal.py", "drupal_fields"),
    "extract: main_node": ("newscrawl/extract/drupal.py", "main_node"),
    "extract: paragraphs": ("newscrawl/extract/html.py", "paragraphs"),
    "extract: fallback_fields (trafilatura)": ("newscrawl/extract/fallback.py", "fallback_fields"),
    "render: needs_render": ("newscrawl/render.py", "needs_render"),
    "pipeline: clean": ("newscrawl/pipelines/clean.py", "process_item"),
    "text: normalize_text": ("newscrawl/text/normalize.py", "normalize_text"),
    "text: search_text": ("newscrawl/text/normalize.py", "search_text"),
    "text: fix_mojibake": ("newscrawl/text/mojibake.py", "fix_mojibake"),
    "pipeline: dates": ("newscrawl/pipelines/dates.py", "process_item"),
    "pipeline: validate": ("newscrawl/pipelines/validate.py", "process_item"),
    "pipeline: mongo process_item": ("newscrawl/pipelines/mongo.py", "process_item"),
    "pipeline: mongo flush": ("newscrawl/pipelines/mongo.py", "flush"),
    "storage: document": ("newscrawl/storage.py", "document"),
    "storage: content_hash": ("newscrawl/storage.py", "content_hash"),
    "storage: plan": ("newscrawl/storage.py", "plan"),
    "bson.encode": ("bson/__init__.py", "encode"),
    "json.dumps": ("json/__init__.py", "dumps"),
    "json.loads": ("json/__init__.py", "loads"),
    "re.compile / re._compile": ("re/__init__.py", "_compile"),
    "copy.deepcopy": ("copy.py", "deepcopy"),
    "parsel: Selector() (HTML parse)": ("parsel/selector.py", "__init__"),
    "parsel: xpath": ("parsel/selector.py", "xpath"),
    "parsel: css": ("parsel/selector.py", "css"),
    "scrapy: Request()": ("scrapy/http/request/__init__.py", "__init__"),
    "scrapy: response.follow": ("scrapy/http/response/text.py", "follow"),
    "scrapy: fingerprint": ("scrapy/utils/request.py", "fingerprint"),
    "w3lib: canonicalize_url": ("w3lib/url.py", "canonicalize_url"),
    "bare spider: parse": ("bench/bare_spider.py", "parse"),
}
IDLE = {("selectors.py", "select"), ("selectors.py", "poll")}
PACKAGES = ("newscrawl", "trafilatura", "justext", "htmldate", "courlan", "lxml", "parsel",
            "cssselect", "scrapy", "twisted", "asyncio", "pymongo", "bson", "w3lib", "urllib",
            "json", "re", "hashlib", "importlib", "persiantools", "itemadapter")


def _package(path):
    path = path or ""
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0].split(".", 1)[0]
    for name in ("newscrawl", "bench"):
        if f"/{name}/" in path:
            return name
    tail = path.rsplit("/lib/python", 1)[-1]
    parts = tail.split("/")
    if len(parts) > 1:
        return parts[1].removesuffix(".py")
    return path or "?"


def summarize(session, top=40):
    root = session.root_frame()
    inclusive = defaultdict(float)
    self_time = defaultdict(float)
    by_package = defaultdict(float)
    idle = 0.0
    watched = {label: 0.0 for label in WATCH}

    def key(frame):
        return (frame.file_path or "", frame.function or "")

    def walk(frame, active, active_watch):
        nonlocal idle
        if frame.is_synthetic:  # [self] / [await] pseudo-frames: counted in their parent
            return
        k = key(frame)
        short = f"{_package(k[0])}:{k[0].rsplit('/', 1)[-1]}:{k[1]}"
        if short not in active:
            inclusive[short] += frame.time
        own = frame.total_self_time
        self_time[short] += own
        by_package[_package(k[0])] += own
        if any(k[0].endswith(f) and k[1] == fn for f, fn in IDLE):
            idle += frame.time
        hits = set()
        for label, (fragment, function) in WATCH.items():
            if k[1] == function and k[0].endswith(fragment) and label not in active_watch:
                watched[label] += frame.time
                hits.add(label)
        for child in frame.children:
            walk(child, active | {short}, active_watch | hits)

    if root is not None:
        walk(root, frozenset(), frozenset())
    total = root.time if root is not None else 0.0
    pct = lambda t: round(100 * t / total, 1) if total else 0.0
    return {
        "duration_s": round(session.duration, 3),
        "cpu_s": round(session.cpu_time, 3),
        "sampled_s": round(total, 3),
        "idle_s": round(idle, 3),
        "idle_pct": pct(idle),
        "watched": {label: {"s": round(t, 3), "pct": pct(t)} for label, t in
                    sorted(watched.items(), key=lambda kv: -kv[1]) if t > 0},
        "top_self": [{"function": name, "s": round(t, 3), "pct": pct(t)} for name, t in
                     sorted(self_time.items(), key=lambda kv: -kv[1])[:top]],
        "by_package": {name: {"s": round(t, 3), "pct": pct(t)} for name, t in
                       sorted(by_package.items(), key=lambda kv: -kv[1])[:25]},
    }


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    prefix, args = argv[0], argv[1:]
    from pyinstrument import Profiler
    from scrapy.cmdline import execute

    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    code = 0
    try:
        execute(["scrapy", *args])
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        session = profiler.stop()
        with open(prefix + ".html", "w", encoding="utf-8") as f:
            f.write(profiler.output_html())
        with open(prefix + ".json", "w", encoding="utf-8") as f:
            json.dump(summarize(session), f, indent=2)
    sys.exit(code)


if __name__ == "__main__":
    main()
