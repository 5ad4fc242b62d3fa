"""What if: the crawl with a suggested fix patched in, against the crawl as it is.

Not a stage of the benchmark but the experiment behind the before/after
figures of the fixes BENCHMARKS.md suggests, so that they can be checked
again. The project's code is not changed: the crawl process applies the
fixes to the imported modules before Scrapy starts.

* ``lru``: ``functools.lru_cache`` on ``clean_url``, ``should_follow`` and
  ``article_key`` as the spider calls them (pure functions of a string; the
  same few hundred links are on every page);
* ``idkey``: the article upserts filtered on ``_id`` (= the canonical URL)
  instead of ``url``, and the stored versions read with one ``_id`` lookup
  per URL instead of ``{"url": {"$in": [...]}}`` (FerretDB v1 pushes ``_id``
  equality down to SQLite's primary key; ``url`` filters and ``$in`` scan
  the whole collection).

    python -m bench.whatif --fixes lru --kind nodb --n 1000 --runs 3
    python -m bench.whatif --fixes idkey --kind full --n 200 --scale --runs 2
"""

import argparse
import asyncio
import functools
import os
import sys
from pathlib import Path

FIXES = ("lru", "idkey")


def apply(fixes):
    if "lru" in fixes:
        import newscrawl.spiders.oldsite as spider

        for name in ("clean_url", "should_follow", "article_key"):
            setattr(spider, name, functools.lru_cache(maxsize=1 << 16)(getattr(spider, name)))
    if "idkey" in fixes:
        from newscrawl import storage

        plan = storage.plan

        def plan_by_id(entries, existing):
            steps = []
            for step in plan(entries, existing):
                where = dict(step.op.filter)
                if set(where) == {"url"}:
                    where = {"_id": where["url"]}
                steps.append(step._replace(op=storage.Write(where, step.op.update, step.op.upsert)))
            return steps

        async def existing_by_id(self, urls):
            docs = await asyncio.gather(*(self.articles.find_one({"_id": url}, list(storage.PLAN_FIELDS))
                                          for url in urls))
            return {doc["url"]: doc for doc in docs if doc}

        storage.plan = plan_by_id
        storage.Writer._existing = existing_by_id


def child(argv):
    """``--child FIXES scrapy-args...``: the patched crawl process."""
    apply(set(filter(None, argv[0].split(","))))
    from scrapy.cmdline import execute

    execute(["scrapy", *argv[1:]])


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.whatif", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixes", required=True, help=f"comma-separated: {', '.join(FIXES)}")
    parser.add_argument("--kind", choices=("full", "nodb"), default="full")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--scale", action="store_true", help="also at 2N")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=str(Path(__file__).resolve().parent / ".work"))
    args = parser.parse_args(argv)
    from bench import run as R
    from bench import sitegen
    from bench.servers import FerretDB, free_port, start_server

    work = Path(args.work).resolve() / "whatif"
    sizes = [args.n] + ([2 * args.n] if args.scale else [])
    sites, used = {}, set()
    for n in sizes:
        port = free_port(18511 + len(sites))
        while port in used:
            port = free_port()
        used.add(port)
        manifest = sitegen.generate(work / f"site-{n}", n, f"http://127.0.0.1:{port}")
        sites[n] = {"port": port, "www": manifest["www"], "dir": str(work / f"site-{n}"),
                    "documents": manifest["documents"], "base_url": manifest["origin"]}
    mongo = FerretDB(work / "ferretdb")
    mongo_uri = os.environ.get("MONGO_URI") or mongo.start()
    server = start_server("auto", {s["port"]: s["www"] for s in sites.values()}, work / "server")
    results = {}
    try:
        for rep in range(args.runs):
            for n in sizes:
                for fixes in ("", args.fixes):
                    label = f"{'+'.join(fixes.split(',')) if fixes else 'as-is'}-{n}"
                    database = f"bench_whatif_{rep}"
                    R.drop_database(mongo_uri, database)
                    r = R.crawl(args.kind, sites[n], sites[n]["base_url"], mongo_uri, database, work, server,
                                mongo, 900, f"{label}-{rep + 1}", launcher=("-m", "bench.whatif", "--child", fixes))
                    R.drop_database(mongo_uri, database)
                    R.log(f"{label} run {rep + 1}: {r['pages_per_s']} pages/s, {r['crawl_s']} s, CPU {r['cpu_s']} s, "
                          f"MongoDB CPU {r['mongo_cpu_s']} s, complete {r['complete']}")
                    results.setdefault(label, []).append(r)
    finally:
        server.stop()
        if not os.environ.get("MONGO_URI"):
            mongo.stop()
    print("| crawl | pages/s | crawl s | CPU s | MongoDB CPU s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, runs in results.items():
        m = R.median_of(runs)
        print(f"| {args.kind} {label} | {m['pages_per_s']} | {m['crawl_s']} | {m['cpu_s']} | "
              f"{m['mongo_cpu_s']} | {m['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
