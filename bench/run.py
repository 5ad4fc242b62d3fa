"""The benchmark, in one command: ``python -m bench.run`` (``make bench``).

In one session, against one generated site (N documents, and 2N for the
scaling runs) served by nginx on loopback, and one MongoDB-wire server
(``MONGO_URI``, else FerretDB started by scripts/ferretdb.sh on a free port):

1. ``server``: the static server's throughput and CPU cost per page;
2. ``bare``: bare Scrapy (bench/bare_spider.py) on N, the ceiling;
3. ``full``: ``scrapy crawl oldsite`` on N with every pipeline and MongoDB;
   ``nodb``: the same without MongoPipeline (a diagnostic: the crawler's own
   cost, without the database server's);
4. ``scale``: the same full crawl on 2N;
5. ``mongo``: MongoPipeline alone, batched versus one upsert per item, on the
   documents the first full crawl stored (bench/mongo_bench.py);
6. ``peer``: news-please's recursive crawler on N (bench/peer_newsplease.py);
7. ``profile``: one full crawl on N under pyinstrument (bench/profile_crawl.py).

Crawls 2-4 run ``--runs`` times (default 3), interleaved (bare, full, full 2N,
bare, …) so that a noisy neighbour hurts all of them alike; every figure is
the median of the runs, and every comparison a ratio. Results go to
``bench/results/<date>.json`` (and ``.md``); ``--markdown BENCHMARKS.md``
also rewrites the results section of that file. Targets are printed as
PASS/FAIL; the exit status is 0 whatever they say (1 only when a stage broke).
"""

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import mongo_bench, process, sitegen
from bench.servers import FerretDB, Nginx, free_port, load_test, port_free, start_server

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
STAGES = ("server", "bare", "full", "nodb", "scale", "mongo", "peer", "profile")
MARK_BEGIN = "<!-- bench:results:begin (written by python -m bench.run --markdown BENCHMARKS.md) -->"
MARK_END = "<!-- bench:results:end -->"

# The settings every crawl of the benchmark runs with, and why:
CRAWL_SETTINGS = {
    # Politeness is for the real site: a delay or AutoThrottle would measure
    # our sleeping, not our speed.
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    # Everything is one host, so the per-host limit (4 by default, polite) is
    # raised to the global one: 16 requests in flight, for every crawler.
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}
# Crawl-level figures that get a median.
METRICS = ("crawl_s", "wall_s", "pages", "items", "pages_per_s", "articles_per_s", "cpu_s",
           "cpu_s_per_1000_articles", "net_cpu_s_per_1000_articles", "peak_rss_mb", "server_cpu_s",
           "mongo_cpu_s", "files")


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ machine
def _first(path, pattern):
    try:
        found = re.search(pattern, Path(path).read_text(), re.M)
    except OSError:
        return None
    return found.group(1).strip() if found else None


def _version(module):
    try:
        from importlib.metadata import version
        return version(module)
    except Exception:
        return None


def machine():
    mem_kb = _first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    return {
        "cpu": _first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem_kb) / 1024 / 1024, 1) if mem_kb else None,
        "os": _first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]+)') or platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "scrapy": _version("scrapy"), "twisted": _version("twisted"), "lxml": _version("lxml"),
        "pymongo": _version("pymongo"), "trafilatura": _version("trafilatura"),
        "nginx": Nginx.version(),
        "load_average_at_start": list(os.getloadavg()),
    }


# ------------------------------------------------------------------ crawls
def _env(mongo_uri):
    env = {k: v for k, v in os.environ.items()
           if k not in ("NEWSCRAWL_HTTPCACHE", "NEWSCRAWL_STATS_FILE", "NEWSCRAWL_RENDER", "LOG_LEVEL")}
    env["MONGO_URI"] = mongo_uri
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def pipelines_without_mongo():
    """The project's ITEM_PIPELINES minus the MongoDB one, as JSON for -s."""
    from newscrawl import settings

    return json.dumps({path: order for path, order in settings.ITEM_PIPELINES.items()
                       if ".mongo." not in path})


def scrapy_args(kind, base_url, site_dir, database=None, stats_file=None):
    """Arguments of ``scrapy`` for a ``bare``, ``full`` or ``nodb`` crawl."""
    if kind == "bare":
        args = ["runspider", str(BENCH / "bare_spider.py"), "-a", f"base_url={base_url}",
                "-a", f"docs={Path(site_dir) / 'docs.txt'}"]
    else:
        args = ["crawl", "oldsite", "-a", f"base_url={base_url}", "-a", "render=never",
                "-s", f"MONGO_DATABASE={database}"]
        if kind == "nodb":
            args += ["-s", f"ITEM_PIPELINES={pipelines_without_mongo()}"]
    for name, value in CRAWL_SETTINGS.items():
        args += ["-s", f"{name}={value}"]
    if stats_file:
        args += ["-s", f"STATS_FILE={stats_file}"]
    return args


def run_process(command, log_path, env, timeout):
    """Run *command* from the project root; returns (returncode, wall seconds,
    rusage). Its process group is stopped after *timeout* seconds."""
    return process.run_process(command, log_path, env, timeout, cwd=ROOT)[:3]


def startup_cpu(work, mongo_uri):
    """CPU seconds of starting Scrapy with the project and doing nothing
    (``scrapy list``): interpreter, imports, settings. Subtracted from a
    crawl's CPU for ``net_cpu_s_per_1000_articles``."""
    code, _, usage = run_process([sys.executable, "-m", "scrapy", "list"], work / "logs" / "startup.log",
                                 _env(mongo_uri), 120)
    return round(usage.ru_utime + usage.ru_stime, 2) if code == 0 else 0.0


def crawl(kind, site, base_url, mongo_uri, database, work, server, mongo, timeout, label, startup=0.0,
          launcher=("-m", "scrapy")):
    stats_file = work / "stats" / f"{label}.json"
    stats_file.parent.mkdir(parents=True, exist_ok=True)
    stats_file.unlink(missing_ok=True)
    log_path = work / "logs" / f"{label}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, *launcher, *scrapy_args(kind, base_url, site["dir"], database, stats_file)]
    server_cpu, mongo_cpu = server.cpu_seconds(), mongo.cpu_seconds()
    code, wall, usage = run_process(command, log_path, _env(mongo_uri), timeout)
    server_cpu, mongo_cpu = server.cpu_seconds() - server_cpu, mongo.cpu_seconds() - mongo_cpu
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    elapsed = stats.get("elapsed_time_seconds") or wall
    pages = stats.get("response_received_count", 0)
    items = stats.get("bench/documents", 0) if kind == "bare" else stats.get("item_scraped_count", 0)
    cpu = usage.ru_utime + usage.ru_stime
    result = {
        "label": label, "returncode": code, "finish_reason": stats.get("finish_reason"),
        "crawl_s": round(elapsed, 3), "wall_s": round(wall, 3), "pages": pages, "items": items,
        "complete": items == site["documents"],
        "pages_per_s": round(pages / elapsed, 2), "articles_per_s": round(items / elapsed, 2),
        "cpu_s": round(cpu, 2), "cpu_s_per_1000_articles": round(1000 * cpu / items, 1) if items else None,
        "net_cpu_s_per_1000_articles": round(1000 * max(cpu - startup, 0) / items, 1) if items else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "server_cpu_s": round(server_cpu, 2), "mongo_cpu_s": round(mongo_cpu, 2),
        "log": str(log_path),
    }
    if kind == "full":
        result["mongo_counts"] = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("mongo/")}
        result["extracted_by"] = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                                  if k.startswith("oldsite/extracted_by/")}
    if code != 0 or not result["complete"]:
        log(f"{label}: exit {code}, {items} of {site['documents']} documents; see {log_path}")
    return result


def median_of(runs):
    out = {}
    for key in METRICS:
        values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        if values:
            out[key] = round(statistics.median(values), 3)
    out["runs"] = len(runs)
    out["complete"] = all(r.get("complete") for r in runs) if runs else False
    return out


def paired_ratio(a_runs, b_runs, key):
    """Median over repetitions of a[key] / b[key] (runs of the same
    repetition ran back to back)."""
    ratios = [a[key] / b[key] for a, b in zip(a_runs, b_runs)
              if isinstance(a.get(key), (int, float)) and b.get(key)]
    return round(statistics.median(ratios), 3) if ratios else None


# ------------------------------------------------------------------ stages
def drop_database(mongo_uri, name):
    mongo_bench.drop(mongo_uri, name)


def mongo_server_version(mongo_uri):
    import pymongo
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        info = client.admin.command("buildInfo")
        ferret = info.get("ferretdbVersion") or (info.get("ferretdb") or {}).get("version")
        return f"FerretDB {ferret}" if ferret else f"MongoDB {info.get('version')}"
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"
    finally:
        client.close()


def profile_stage(site, base_url, mongo_uri, work, results_prefix, timeout):
    database = "bench_profile"
    drop_database(mongo_uri, database)
    prefix = work / "profile" / "full"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.profile_crawl", str(prefix),
               *scrapy_args("full", base_url, site["dir"], database)]
    code, wall, usage = run_process(command, work / "logs" / "profile.log", _env(mongo_uri), timeout)
    drop_database(mongo_uri, database)
    summary_file = Path(str(prefix) + ".json")
    if not summary_file.exists():
        return {"error": f"no profile written (exit {code}); see {work / 'logs' / 'profile.log'}"}
    summary = json.loads(summary_file.read_text())
    summary["returncode"] = code
    summary["html"] = str(prefix) + ".html"
    Path(str(results_prefix) + "-profile.json").write_text(json.dumps(summary, indent=2))
    return summary


# ------------------------------------------------------------------ report
def targets(ratios, medians, peer):
    def line(name, value, limit, ok, detail):
        if value is None:
            return {"name": name, "value": None, "target": limit, "pass": None,
                    "line": f"SKIP  {name}: not measured ({detail})"}
        return {"name": name, "value": value, "target": limit, "pass": ok,
                "line": f"{'PASS' if ok else 'FAIL'}  {name}: {detail}"}

    out = []
    r = ratios.get("full_vs_bare_pages_per_s")
    out.append(line("full crawl >= 0.8 x bare Scrapy (pages/s)", r, 0.8, r is not None and r >= 0.8,
                    f"{r} x" if r is not None else "bare or full stage skipped"))
    r = ratios.get("mongo_batched_vs_per_item")
    out.append(line("batched MongoDB writes >= 10 x one upsert per item", r, 10,
                    r is not None and r >= 10, f"{r} x (pipeline level)" if r is not None else "mongo stage skipped"))
    r = ratios.get("time_2n_vs_n")
    out.append(line("time at 2N <= 2.2 x time at N", r, 2.2, r is not None and r <= 2.2,
                    f"{r} x" if r is not None else "scale stage skipped"))
    r = ratios.get("peak_rss_2n_vs_n")
    out.append(line("peak RSS at 2N <= 1.3 x peak RSS at N", r, 1.3, r is not None and r <= 1.3,
                    f"{r} x" if r is not None else "scale stage skipped"))
    r = ratios.get("full_vs_newsplease_articles_per_s")
    detail = (f"{r} x ({medians.get('full_n', {}).get('articles_per_s')} vs "
              f"{peer.get('median', {}).get('articles_per_s')} articles/s)") if r is not None \
        else peer.get("status", "peer stage skipped")
    out.append(line("ahead of news-please in articles/s", r, 1.0, r is not None and r > 1.0, detail))
    return out


RATIO_NAMES = {
    "full_vs_bare_pages_per_s": "full crawl / bare Scrapy, pages/s",
    "nodb_vs_bare_pages_per_s": "full crawl without MongoPipeline / bare Scrapy, pages/s",
    "full_vs_nodb_pages_per_s": "full crawl / full crawl without MongoPipeline, pages/s",
    "full_vs_bare_cpu_per_page": "full crawl / bare Scrapy, crawler CPU per page",
    "time_2n_vs_n": "full crawl, time at 2N / time at N",
    "peak_rss_2n_vs_n": "full crawl, peak RSS at 2N / at N",
    "nodb_time_2n_vs_n": "without MongoPipeline, time at 2N / time at N",
    "nodb_peak_rss_2n_vs_n": "without MongoPipeline, peak RSS at 2N / at N",
    "mongo_batched_vs_per_item": "MongoPipeline batched / one upsert per item, docs/s",
    "mongo_driver_batched_vs_per_item": "pymongo bulk_write / update_one loop, docs/s",
    "full_vs_newsplease_articles_per_s": "full crawl / news-please, articles/s",
    "server_vs_bare_pages_per_s": "static server / bare Scrapy, pages/s",
    "server_vs_full_pages_per_s": "static server / full crawl, pages/s",
}


def _fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results):
    m, cfg, site = results["machine"], results["config"], results["site"]
    lines = [
        f"Run of {results['date']} (`{results['command']}`), results in "
        f"`bench/results/{results['stamp']}.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']} "
        f"(kernel {m['kernel']}), Python {m['python']}, Scrapy {m['scrapy']}, Twisted {m['twisted']}, "
        f"lxml {m['lxml']}, pymongo {m['pymongo']}; static server {results['server']['kind']} "
        f"{m.get('nginx') or ''}; MongoDB-wire server {results['mongo_server']}. "
        f"Load average at start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}, "
        f"at end {', '.join(f'{x:.2f}' for x in results.get('load_average_at_end', []))} "
        "(the machine is shared: ratios, not absolute times).",
        "",
        f"Site: N = {site['n']:,} documents ({site['pages']:,} requests for a complete crawl, "
        f"pages {site['page_kb']['min']}–{site['page_kb']['max']} KB, median {site['page_kb']['median']} KB); "
        f"2N = {results.get('site_2n', {}).get('n', '–')}. Runs per figure: {cfg['runs']} (median). "
        f"Starting Scrapy with the project and doing nothing costs {results.get('startup_cpu_s', '–')} CPU s "
        "(the net column subtracts it).",
        "",
        "| crawl | pages/s | articles/s | crawl s | CPU s / 1,000 articles (net of startup) | peak RSS MB | documents stored or fetched | server CPU s | MongoDB CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = {"bare_n": "bare Scrapy, N", "full_n": "newscrawl `oldsite`, N",
             "nodb_n": "`oldsite` without MongoPipeline, N (diagnostic)",
             "full_2n": "newscrawl `oldsite`, 2N",
             "nodb_2n": "`oldsite` without MongoPipeline, 2N (diagnostic)"}
    for key, name in names.items():
        med = results["median"].get(key)
        if med:
            lines.append(f"| {name} | {_fmt(med.get('pages_per_s'))} | {_fmt(med.get('articles_per_s'))} | "
                         f"{_fmt(med.get('crawl_s'))} | {_fmt(med.get('cpu_s_per_1000_articles'))} "
                         f"({_fmt(med.get('net_cpu_s_per_1000_articles'))}) | "
                         f"{_fmt(med.get('peak_rss_mb'))} | {_fmt(int(med.get('items', 0)))} | "
                         f"{_fmt(med.get('server_cpu_s'), 2)} | {_fmt(med.get('mongo_cpu_s'), 2)} |")
    peer = results.get("peer", {})
    if peer.get("median"):
        med = peer["median"]
        cut = " (stopped at the time limit)" if any(r.get("stopped_at_timeout") for r in peer["runs"]) else ""
        lines.append(f"| news-please {peer.get('version', '')}, N{cut} | {_fmt(med.get('pages_per_s'))} | "
                     f"{_fmt(med.get('articles_per_s'))} | {_fmt(med.get('crawl_s'))} | "
                     f"{_fmt(med.get('cpu_s_per_1000_articles'))} | {_fmt(med.get('peak_rss_mb'))} | "
                     f"{_fmt(int(med.get('items', 0)))} ({_fmt(int(med.get('files', 0)))} files) | – | – |")
    elif peer:
        lines.append(f"| news-please | {peer.get('status', 'not run')} | | | | | | | |")
    lines.append("")
    srv = results.get("server_check")
    if srv:
        lines += [
            f"Static server ({srv['server']}): {_fmt(srv['pages_per_s'], 0)} pages/s to a Python client "
            f"over {srv['concurrency']} keep-alive connections ({_fmt(srv['mb_per_s'], 0)} MB/s), "
            f"{srv['server_cpu_ms_per_page']} ms of server CPU per page (ceiling ≈ "
            f"{_fmt(srv['server_ceiling_pages_per_s'], 0)} pages/s per core): "
            f"{_fmt(results['ratios'].get('server_vs_bare_pages_per_s'))} × what bare Scrapy consumes, "
            f"{_fmt(results['ratios'].get('server_vs_full_pages_per_s'))} × what the full crawl consumes.",
            "",
        ]
    mongo = results.get("mongo")
    if mongo and mongo.get("median"):
        med = mongo["median"]
        lines += [f"MongoDB stage ({mongo['docs']:,} documents from the crawl, fresh database each run):", "",
                  "| level | batched docs/s | one upsert per item docs/s | ratio | server CPU ms/doc batched / per item |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for level in ("pipeline", "driver"):
            b, p = med[level]["batched"], med[level]["per_item"]
            ratio = round(b["docs_per_s"] / p["docs_per_s"], 1) if b.get("docs_per_s") and p.get("docs_per_s") else None
            lines.append(f"| {level} | {_fmt(b.get('docs_per_s'))} | {_fmt(p.get('docs_per_s'))} | "
                         f"{_fmt(ratio)} | {_fmt(b.get('server_cpu_ms_per_doc'), 2)} / "
                         f"{_fmt(p.get('server_cpu_ms_per_doc'), 2)} |")
        lines.append("")
    lines += ["Targets:", "", "```"] + [t["line"] for t in results["targets"]] + ["```", ""]
    named = [(RATIO_NAMES[k], v) for k, v in results["ratios"].items() if k in RATIO_NAMES and v is not None]
    if named:
        lines += ["| ratio (median of the runs) | value |", "| --- | ---: |"]
        lines += [f"| {name} | {value} |" for name, value in named]
        lines.append("")
    prof = results.get("profile")
    if prof and prof.get("watched"):
        lines += [f"Profile of one full crawl of N (pyinstrument, 1 ms samples): {prof['duration_s']} s, "
                  f"CPU {prof['cpu_s']} s, idle in the event loop (waiting for pages or MongoDB) {prof['idle_pct']} %.", "",
                  "| where | s | % of the crawl |", "| --- | ---: | ---: |"]
        for label, value in list(prof["watched"].items())[:24]:
            lines.append(f"| {label} | {value['s']} | {value['pct']} |")
        lines.append("")
    return "\n".join(lines)


def update_markdown(path, section):
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{MARK_BEGIN}\n{section}\n{MARK_END}"
    if MARK_BEGIN in text and MARK_END in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + block + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ main
def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="documents in the site (default 5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure, the median is kept (default 3)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated subset of {','.join(STAGES)} (default: all)")
    parser.add_argument("--no-peer", action="store_true", help="skip news-please")
    parser.add_argument("--no-profile", action="store_true", help="skip the pyinstrument profile")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto",
                        help="static server (auto: nginx when installed, else Python)")
    parser.add_argument("--work", default=str(BENCH / ".work"), help="generated sites, logs, databases")
    parser.add_argument("--results-dir", default=str(BENCH / "results"))
    parser.add_argument("--markdown", help="also rewrite the results section of this file (BENCHMARKS.md)")
    parser.add_argument("--mongo-docs", type=int, default=None,
                        help="documents for the MongoDB stage, at most N (default 2000; 100 on FerretDB, "
                             "whose upserts scan the whole collection: its cost grows with the square)")
    parser.add_argument("--peer-timeout", type=float, default=300,
                        help="stop news-please after this many seconds (default 300)")
    parser.add_argument("--crawl-timeout", type=float, default=900, help="seconds before a crawl is stopped")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    stages = set(s.strip() for s in args.stages.split(",") if s.strip())
    unknown = stages - set(STAGES)
    if unknown:
        sys.exit(f"unknown stages: {', '.join(sorted(unknown))}")
    if args.no_peer:
        stages.discard("peer")
    if args.no_profile:
        stages.discard("profile")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    results_dir = Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H%M%SZ")
    results = {"date": now.isoformat(timespec="seconds"), "stamp": stamp,
               "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
               "config": {"n": args.n, "runs": args.runs, "stages": sorted(stages, key=STAGES.index),
                          "crawl_settings": CRAWL_SETTINGS, "mongo_docs": args.mongo_docs,
                          "peer_timeout_s": args.peer_timeout},
               "machine": machine(), "runs": {}, "median": {}, "ratios": {}}
    broken = []
    started = time.perf_counter()

    # Sites: N, and 2N for the scaling runs; each at its own loopback port
    # (the origin is written into the pages: canonical links, og:url).
    sites = {}
    sizes = {"n": args.n, **({"2n": 2 * args.n} if "scale" in stages else {})}
    used = set()
    for key, n in sizes.items():
        port = free_port(18501 if key == "n" else 18502)
        while port in used:
            port = free_port()
        used.add(port)
        origin = f"http://127.0.0.1:{port}"
        t = time.perf_counter()
        manifest = sitegen.generate(work / "sites" / f"site-{n}", n, origin)
        log(f"site {key}: {n} documents, {manifest['files']} pages at {origin} "
            f"({'reused' if manifest['reused'] else f'generated in {time.perf_counter() - t:.1f} s'})")
        sites[key] = {"n": n, "port": port, "base_url": origin, "dir": str(work / "sites" / f"site-{n}"),
                      "www": manifest["www"], "documents": manifest["documents"],
                      "pages": manifest["expected_requests"], "page_kb": manifest["page_kb"],
                      "bytes": manifest["bytes"], "files": manifest["files"]}
    results["site"] = sites["n"]
    if "2n" in sites:
        results["site_2n"] = sites["2n"]

    mongo = FerretDB(work / "ferretdb")
    mongo_uri = os.environ.get("MONGO_URI")
    server = None
    try:
        if not mongo_uri:
            mongo_uri = mongo.start()
        results["mongo_server"] = mongo_server_version(mongo_uri)
        if args.mongo_docs is None:
            args.mongo_docs = 100 if results["mongo_server"].startswith("FerretDB") else 2000
        results["config"]["mongo_docs"] = min(args.mongo_docs, args.n)
        served = {s["port"]: s["www"] for s in sites.values()}
        peer_origin = None
        if "peer" in stages:
            # news-please needs an origin without a port (see bench/peer_newsplease.py).
            if port_free(80):
                served[80] = sites["n"]["www"]
                peer_origin = "http://127.0.0.1"
            else:
                log("news-please: port 80 is not free (or not ours to bind): the peer stage is skipped")
        server = start_server(args.server, served, work / "server")
        results["server"] = {"kind": server.kind}
        log(f"static server: {server.kind}; MongoDB: {results['mongo_server']}")

        if "server" in stages:
            urls = (Path(sites["n"]["dir"]) / "urls.txt").read_text(encoding="utf-8").split()
            results["server_check"] = load_test(server, urls, concurrency=16, seconds=3.0)
            log(f"server check: {results['server_check']['pages_per_s']} pages/s, "
                f"{results['server_check']['server_cpu_ms_per_page']} ms CPU per page")

        (work / "logs").mkdir(parents=True, exist_ok=True)
        results["startup_cpu_s"] = startup = startup_cpu(work, mongo_uri)
        plan = [("bare_n", "bare", "n")] * ("bare" in stages) + [("full_n", "full", "n")] * ("full" in stages) \
            + [("nodb_n", "nodb", "n")] * ("nodb" in stages) + [("full_2n", "full", "2n")] * ("scale" in stages) \
            + [("nodb_2n", "nodb", "2n")] * ("nodb" in stages and "scale" in stages)
        docs_for_mongo = None
        for rep in range(args.runs):
            for key, kind, size in plan:
                site = sites[size]
                label = f"{key}-{rep + 1}"
                database = f"bench_{key}_{rep + 1}"
                if kind == "full":
                    drop_database(mongo_uri, database)
                r = crawl(kind, site, site["base_url"], mongo_uri, database, work, server, mongo,
                          args.crawl_timeout, label, startup)
                log(f"{label}: {r['pages']} pages, {r['items']} documents in {r['crawl_s']} s: "
                    f"{r['pages_per_s']} pages/s, {r['articles_per_s']} articles/s, CPU {r['cpu_s']} s, "
                    f"RSS {r['peak_rss_mb']} MB")
                results["runs"].setdefault(key, []).append(r)
                if r["returncode"] != 0 or not r["complete"]:
                    broken.append(label)
                if kind == "full":
                    if key == "full_n" and docs_for_mongo is None and "mongo" in stages:
                        docs_for_mongo = mongo_bench.load_documents(mongo_uri, database,
                                                                    min(args.mongo_docs, args.n))
                    drop_database(mongo_uri, database)
        for key, runs in results["runs"].items():
            results["median"][key] = median_of(runs)

        if "mongo" in stages:
            if docs_for_mongo is None:
                # No full crawl this time: crawl once to get the documents.
                database = "bench_mongo_source"
                drop_database(mongo_uri, database)
                crawl("full", sites["n"], sites["n"]["base_url"], mongo_uri, database, work, server, mongo,
                      args.crawl_timeout, "mongo-source")
                docs_for_mongo = mongo_bench.load_documents(mongo_uri, database, min(args.mongo_docs, args.n))
                drop_database(mongo_uri, database)
            log(f"mongo stage: {len(docs_for_mongo)} documents, {args.runs} runs")
            raw = mongo_bench.run(mongo_uri, docs_for_mongo, args.runs, work / "mongo", mongo.cpu_seconds)
            med = {level: {mode: {k: statistics.median([r[k] for r in runs if r.get(k) is not None])
                                  for k in ("docs_per_s", "seconds", "server_cpu_ms_per_doc")
                                  if any(r.get(k) is not None for r in runs)}
                           for mode, runs in modes.items()} for level, modes in raw.items()}
            results["mongo"] = {"docs": len(docs_for_mongo), "runs": raw, "median": med}
            errors = [r["error"] for modes in raw.values() for runs in modes.values() for r in runs if r.get("error")]
            if errors:
                results["mongo"]["errors"] = errors
                broken.append("mongo")
            log(f"mongo stage: pipeline batched {med['pipeline']['batched'].get('docs_per_s')} docs/s, "
                f"per item {med['pipeline']['per_item'].get('docs_per_s')} docs/s")

        if "peer" in stages:
            from bench import peer_newsplease as peer
            info = {}
            docs = set((Path(sites["n"]["dir"]) / "docs.txt").read_text(encoding="utf-8").splitlines())
            try:
                if peer_origin is None:
                    raise RuntimeError("news-please cannot crawl an origin with a port and port 80 is not free")
                found = peer.ensure_installed(log=work / "logs" / "newsplease-install.log")
                info = {"status": "ok", "version": found["version"], "runs": []}
                for rep in range(args.runs):
                    r = peer.crawl(found["package"], peer.VENV, work / "newsplease" / f"run-{rep + 1}",
                                   peer_origin, args.peer_timeout, docs)
                    log(f"news-please-{rep + 1}: {r['pages']} pages, {r['items']} articles in {r['crawl_s']} s: "
                        f"{r['articles_per_s']} articles/s{' (stopped at the time limit)' if r['stopped_at_timeout'] else ''}")
                    info["runs"].append(r)
                info["median"] = median_of(info["runs"])
            except Exception as exc:
                info = {"status": f"not run: {type(exc).__name__}: {exc}"[:500]}
                log(f"news-please: {info['status']}")
            results["peer"] = info

        if "profile" in stages and not _version("pyinstrument"):
            results["profile"] = {"error": "pyinstrument is not installed: pip install -r bench/requirements.txt"}
            log(results["profile"]["error"])
        elif "profile" in stages:
            log("profile: one full crawl of N under pyinstrument")
            results["profile"] = profile_stage(sites["n"], sites["n"]["base_url"], mongo_uri, work,
                                               results_dir / stamp, args.crawl_timeout)
    finally:
        if server is not None:
            server.stop()
        if not os.environ.get("MONGO_URI"):
            mongo.stop()

    # Ratios and targets.
    runs, med, ratios = results["runs"], results["median"], results["ratios"]
    if runs.get("full_n") and runs.get("bare_n"):
        ratios["full_vs_bare_pages_per_s"] = paired_ratio(runs["full_n"], runs["bare_n"], "pages_per_s")
        ratios["full_vs_bare_cpu_per_page"] = paired_ratio(
            [{"x": r["cpu_s"] / max(r["pages"], 1)} for r in runs["full_n"]],
            [{"x": r["cpu_s"] / max(r["pages"], 1)} for r in runs["bare_n"]], "x")
    if runs.get("nodb_n") and runs.get("bare_n"):
        ratios["nodb_vs_bare_pages_per_s"] = paired_ratio(runs["nodb_n"], runs["bare_n"], "pages_per_s")
    if runs.get("full_n") and runs.get("nodb_n"):
        ratios["full_vs_nodb_pages_per_s"] = paired_ratio(runs["full_n"], runs["nodb_n"], "pages_per_s")
    if runs.get("full_2n") and runs.get("full_n"):
        ratios["time_2n_vs_n"] = paired_ratio(runs["full_2n"], runs["full_n"], "crawl_s")
        ratios["peak_rss_2n_vs_n"] = paired_ratio(runs["full_2n"], runs["full_n"], "peak_rss_mb")
    if runs.get("nodb_2n") and runs.get("nodb_n"):
        ratios["nodb_time_2n_vs_n"] = paired_ratio(runs["nodb_2n"], runs["nodb_n"], "crawl_s")
        ratios["nodb_peak_rss_2n_vs_n"] = paired_ratio(runs["nodb_2n"], runs["nodb_n"], "peak_rss_mb")
    mongo_med = results.get("mongo", {}).get("median")
    if mongo_med:
        for level, key in (("pipeline", "mongo_batched_vs_per_item"), ("driver", "mongo_driver_batched_vs_per_item")):
            b, p = mongo_med[level]["batched"].get("docs_per_s"), mongo_med[level]["per_item"].get("docs_per_s")
            ratios[key] = round(b / p, 2) if b and p else None
    peer_med = results.get("peer", {}).get("median")
    if peer_med and med.get("full_n") and peer_med.get("articles_per_s"):
        ratios["full_vs_newsplease_articles_per_s"] = round(
            med["full_n"]["articles_per_s"] / peer_med["articles_per_s"], 2)
    srv = results.get("server_check")
    if srv:
        for key in ("bare_n", "full_n"):
            if med.get(key):
                ratios[f"server_vs_{key.split('_')[0]}_pages_per_s"] = round(
                    srv["pages_per_s"] / med[key]["pages_per_s"], 1)
    results["targets"] = targets(ratios, med, results.get("peer", {}))
    results["load_average_at_end"] = list(os.getloadavg())
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["broken"] = broken

    out = results_dir / f"{stamp}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    section = markdown(results)
    (results_dir / f"{stamp}.md").write_text(section + "\n", encoding="utf-8")
    if args.markdown:
        update_markdown(args.markdown, section)
    print(section)
    print(f"\nresults: {out} ({results['total_s']} s)")
    for t in results["targets"]:
        print(t["line"])
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
