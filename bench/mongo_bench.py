"""The database stage: what writing costs per document as the archive grows.

For each size, on fresh databases and generated documents (three editions,
about the size of the bench site's articles; no crawl, no site needed):

* ``first``: ``MongoPipeline`` fed every document once (all new);
* ``recrawl``: the same documents again (all unchanged: only ``last_seen_at`` moves);
* ``loadspill``: a spill file of every document loaded by ``newscrawl.spill.load``,
  the code ``scrapy loadspill`` runs (in-process, so the command's start-up
  does not count), into a fresh database;
* ``reload``: the same file again (a replay: nothing changes).

Timed: everything a crawl pays for writing, from ``open_spider`` (with the
one read of what is stored) to ``spider_closed`` (with the final flush of
``last_seen_at``). The target (issue #12): ms per document at 50,000 at most
1.5 times the figure at 1,000, on FerretDB, for the first crawl and the re-crawl.

``known_map`` is the memory of the pipeline's in-memory map of what is stored
(``storage.load_known``), measured with tracemalloc at 150,000 documents.

Run alone: ``python -m bench.mongo_bench [--uri URI] [--sizes 1000,10000]``
(without ``--uri`` it starts a FerretDB of its own with scripts/ferretdb.sh).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pymongo

from newscrawl.items import ArticleItem

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1000, 10_000, 50_000)
STEPS = ("first", "recrawl", "loadspill", "reload")
KNOWN_MAP_DOCS = 150_000

WORDS = {
    "en": (
        "iran",
        "tehran",
        "government",
        "protest",
        "sanctions",
        "minister",
        "report",
        "economy",
        "oil",
        "election",
        "court",
        "women",
        "rights",
        "nuclear",
        "talks",
    ),
    "fa": (
        "ایران",
        "تهران",
        "دولت",
        "اعتراض",
        "تحریم",
        "وزیر",
        "گزارش",
        "اقتصاد",
        "نفت",
        "انتخابات",
        "دادگاه",
        "زنان",
        "حقوق",
        "هسته‌ای",
        "مذاکره",
    ),
    "ar": (
        "إيران",
        "طهران",
        "الحكومة",
        "احتجاج",
        "العقوبات",
        "وزير",
        "تقرير",
        "الاقتصاد",
        "النفط",
        "الانتخابات",
        "المحكمة",
        "النساء",
        "حقوق",
        "النووي",
    ),
}
SECTIONS = {"en": "politics", "fa": "سیاسی", "ar": "إيران"}
PREFIX = {"en": "/en", "fa": "", "ar": "/ar"}


def _text(rng: random.Random, lang: str, words: int) -> str:
    return " ".join(rng.choices(WORDS[lang], k=words))


def synthetic_docs(n: int, seed: int = 12) -> Iterator[dict[str, Any]]:
    """*n* article documents as the cleaning pipelines hand them over, made
    one at a time (a crawl does not hold its items either), the same for a
    seed: English, Persian and Arabic in turn, bodies of about 3 kB,
    canonical URLs percent-encoded as the site's are."""
    start = datetime(2017, 1, 1, tzinfo=UTC)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        lang = ("en", "fa", "ar")[i % 3]
        title = _text(rng, lang, rng.randint(6, 11))
        slug = "-".join(title.split()[:8]) + f"-{100000 + i}"
        path = f"{PREFIX[lang]}/{quote(SECTIONS[lang])}/{quote(slug)}"
        body = "\n\n".join(_text(rng, lang, rng.randint(60, 110)) for _ in range(4))
        published = start + timedelta(hours=7 * i)
        yield {
            "url": f"https://old.iranintl.com{path}",
            "language": lang,
            "kind": "brief" if i % 10 == 0 else "article",
            "title": title,
            "body": body,
            "summary": _text(rng, lang, 20),
            "section": SECTIONS[lang],
            "tags": rng.sample(WORDS[lang], 3),
            "authors": [],
            "published_at": published,
            "published_raw": published.strftime("%Y-%m-%d %H:%M"),
            "published_precision": "datetime",
            "image_urls": [f"https://old.iranintl.com/sites/default/files/{i}.jpg"],
            "captions": [],
            "search_text": (title + " " + body)[:4000],
            "source": "live",
            "capture_timestamp": None,
        }


def to_item(doc: dict[str, Any]) -> ArticleItem:
    return ArticleItem(**{k: v for k, v in doc.items() if k in ArticleItem.fields})


def drop(mongo_uri: str, database: str) -> None:
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        client.drop_database(database)
    finally:
        client.close()


def server_name(mongo_uri: str) -> str:
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        info = client.admin.command("buildInfo")
    finally:
        client.close()
    if info.get("ferretdbVersion"):
        return f"FerretDB {info['ferretdbVersion']}"
    return f"MongoDB {info.get('version')}"


async def _pipeline_pass(
    mongo_uri: str, database: str, size: int, spill_dir: Path
) -> dict[str, Any]:
    from scrapy.utils.test import get_crawler

    from newscrawl.pipelines.mongo import MongoPipeline
    from newscrawl.spiders.oldsite import OldsiteSpider

    crawler = get_crawler(
        OldsiteSpider,
        settings_dict={
            "MONGO_URI": mongo_uri,
            "MONGO_DATABASE": database,
            "MONGO_FLUSH_INTERVAL": 3600.0,
            "MONGO_SPILL_DIR": str(spill_dir),
            "MONGO_RETRY_TIMES": 0,
            "MONGO_PROGRESS_INTERVAL": 3600.0,
        },
    )
    spider = OldsiteSpider(base_url="http://127.0.0.1")
    spider.crawler = crawler
    crawler.spider = spider
    pipeline = MongoPipeline.from_crawler(crawler)
    started = time.perf_counter()
    await pipeline.open_spider()
    opened = time.perf_counter()
    for doc in synthetic_docs(size):
        await pipeline.process_item(to_item(doc))
    await pipeline.close_spider()
    await pipeline.spider_closed(spider, "finished")
    seconds = time.perf_counter() - started
    stats = {
        k: v for k, v in crawler.stats.get_stats().items() if k.startswith(("mongo/", "dropped/"))
    }
    return {"seconds": seconds, "open_s": round(opened - started, 3), "stats": stats}


def write_spill_file(size: int, path: Path, database: str) -> Path:
    from bson import ObjectId

    from newscrawl import spill, storage

    crawl_id, seen = ObjectId(), datetime.now(UTC)
    file = spill.SpillFile(path.parent, path.name)
    records = []
    for i, doc in enumerate(synthetic_docs(size)):
        entry = storage.Entry(storage.document(to_item(doc)), seen + timedelta(milliseconds=i))
        records.append(spill.article_record(database, "articles", crawl_id, entry))
        if len(records) == 1000:
            file.write(records)
            records = []
    file.write(records)
    return file.path


async def _loadspill_pass(mongo_uri: str, path: Path, database: str) -> dict[str, Any]:
    from scrapy.settings import Settings

    from newscrawl import spill
    from newscrawl.mongo import MongoConfig

    config = MongoConfig.from_settings(Settings())  # the project's defaults
    client = pymongo.AsyncMongoClient(mongo_uri, tz_aware=True, appname="bench-loadspill")
    started = time.perf_counter()
    try:
        counts = await spill.load(client, path, config, database)
    finally:
        await client.close()
    return {"seconds": time.perf_counter() - started, "stats": dict(counts)}


def known_map_memory(n: int = KNOWN_MAP_DOCS) -> dict[str, Any]:
    """MB taken by the writer's map of *n* stored articles (tracemalloc)."""
    from newscrawl import storage

    rng = random.Random(5)
    now = datetime.now(UTC)
    stored = []
    for i in range(n):
        lang = ("en", "fa", "ar")[i % 3]
        slug = "-".join(rng.choices(WORDS[lang], k=8)) + f"-{100000 + i}"
        url = f"https://old.iranintl.com{PREFIX[lang]}/{quote(SECTIONS[lang])}/{quote(slug)}"
        stored.append(
            {
                "_id": url.encode(),
                "content_hash": hashlib.sha256(str(i).encode()).hexdigest(),
                "version": 1,
                "first_seen_at": now,
                "last_seen_at": now,
            }
        )
    # What the driver hands over is dropped after each document: the map owns
    # its URL strings (decoded inside the measurement), digests and dates.
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    known = {doc["_id"].decode(): storage.known_entry(doc) for doc in stored}
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del stored
    url_chars = sum(len(url) for url in known) / n
    return {
        "docs": n,
        "mb": round((after - before) / 2**20, 1),
        "bytes_per_doc": round((after - before) / n),
        "mean_url_chars": round(url_chars),
    }


def run_db_stage(
    mongo_uri: str,
    sizes: tuple[int, ...] = SIZES,
    workdir: str | Path | None = None,
    mongo_cpu: Callable[[], float] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Measure the database stage; see the module docstring and the dict below."""
    work = Path(workdir or tempfile.mkdtemp(prefix="db-stage-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "sizes": list(sizes),
        "server": server_name(mongo_uri),
        "steps": {step: {} for step in STEPS},
        "errors": [],
    }
    for size in sizes:
        pipeline_db, spill_db = f"bench_db_{size}_pipeline", f"bench_db_{size}_loadspill"
        drop(mongo_uri, pipeline_db)
        drop(mongo_uri, spill_db)
        path = write_spill_file(size, work / f"spill-{size}.jsonl", spill_db)
        for step in STEPS:
            cpu = mongo_cpu() if mongo_cpu else None
            client_cpu = time.process_time()  # this process: the pipeline and the driver
            try:
                if step in ("first", "recrawl"):
                    entry = asyncio.run(_pipeline_pass(mongo_uri, pipeline_db, size, work))
                else:
                    entry = asyncio.run(_loadspill_pass(mongo_uri, path, spill_db))
            except Exception as exc:
                result["errors"].append(f"{size}/{step}: {type(exc).__name__}: {exc}")
                log(f"db stage {size}/{step}: failed: {exc}")
                continue
            seconds = entry.pop("seconds")
            entry = {
                "docs": size,
                "seconds": round(seconds, 3),
                "ms_per_doc": round(1000 * seconds / size, 3),
                **entry,
            }
            if mongo_cpu:
                entry["server_cpu_ms_per_doc"] = round(1000 * (mongo_cpu() - cpu) / size, 3)
            entry["client_cpu_ms_per_doc"] = round(
                1000 * (time.process_time() - client_cpu) / size, 3
            )
            result["steps"][step][str(size)] = entry
            log(
                f"db stage {size}/{step}: {entry['ms_per_doc']} ms per document "
                f"({entry['seconds']} s)"
            )
        drop(mongo_uri, pipeline_db)
        drop(mongo_uri, spill_db)
        path.unlink(missing_ok=True)
    small, large = str(min(sizes)), str(max(sizes))
    result["ratio_50k_to_1k"] = {
        step: round(runs[large]["ms_per_doc"] / runs[small]["ms_per_doc"], 2)
        for step, runs in result["steps"].items()
        if small in runs and large in runs
    }
    result["known_map"] = known_map_memory()
    log(f"db stage: in-memory map of {KNOWN_MAP_DOCS} documents: {result['known_map']['mb']} MB")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", help="a MongoDB-wire server (default: a FerretDB of its own)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json", dest="json_out", help="also write the result to this file")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    work = Path(args.workdir or tempfile.mkdtemp(prefix="db-stage-"))
    uri, data = args.uri, None
    if not uri:
        from tests.conftest import free_port

        data, port = work / "ferretdb", free_port()
        subprocess.run(
            [str(ROOT / "scripts/ferretdb.sh"), "start", str(data), str(port)], check=True
        )
        uri = f"mongodb://127.0.0.1:{port}/"
    try:
        result = run_db_stage(uri, sizes, work, log=lambda m: print(m, file=sys.stderr))
    finally:
        if data is not None:
            subprocess.run([str(ROOT / "scripts/ferretdb.sh"), "stop", str(data)], check=False)
    text = json.dumps(result, indent=2, default=str)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
