"""The benchmark, in one command: ``python -m bench.run`` (``make bench``).

On a generated site of N documents (and 2N), served by nginx on loopback,
with one MongoDB-wire server (``MONGO_URI``, else FerretDB on a free port):

* ``bare``: bare Scrapy on N (bench/bare_spider.py), the reference;
* ``full``: ``scrapy crawl oldsite`` on N, every pipeline, MongoDB;
* ``scale``: the same full crawl on 2N;
* ``warc``: the full crawl on N with WARC writing switched the other way
  (when the project has ``WARC_ENABLED``): its overhead and disk per page;
* ``db``: the database stage alone (bench/mongo_bench.py): MongoPipeline
  and ``scrapy loadspill`` at 1,000, 10,000 and 50,000 documents;
* ``profile``: one full crawl on N under pyinstrument's command line;
* ``peer`` (only with ``--peer``): news-please on N (bench/peer_newsplease.py).

The crawls run ``--runs`` times, interleaved, so that a noisy neighbour hurts
all of them alike; a figure is the median of its runs, a comparison the
median of the ratios of runs made back to back. Everything goes to
``bench/results/<stamp>.json``, and the report is built from that file alone
(bench/report.py). Targets are printed as PASS/FAIL and never fail the
command: the exit status is 1 only when a stage broke.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import process, report, sitegen
from bench.servers import FerretDB, Nginx, free_port

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
STAGES = ("bare", "full", "scale", "warc", "db", "profile", "peer")
# The settings every crawl runs with (bare, full and the peer alike), and why:
CRAWL_SETTINGS = {
    # Politeness is for the real site: a delay would measure our sleeping.
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    # One host: its limit (4, to be polite) is raised to the global one.
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}
# Targets as data: (figure, limit, text); a figure passes when <= its limit.
TARGETS = (
    ("db_growth_first", 1.5, "write time per document, largest size / smallest, first crawl"),
    ("db_growth_recrawl", 1.5, "write time per document, largest size / smallest, re-crawl"),
    ("requests_per_doc", 1.3, "requests per stored document"),
    ("full_vs_bare_time", 1.0, "full crawl wall time / bare Scrapy's"),
    ("time_2n_vs_n", 2.1, "time at 2N / time at N"),
    ("rss_2n_vs_n", 1.2, "peak RSS at 2N / at N"),
    ("warc_overhead_pct", 10.0, "WARC writing, % added to the crawl's wall time"),
)


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def rel(path, work=None):
    """*path* relative to the repository (or ``<work>/…`` outside it): results
    never name this machine's directories."""
    path = Path(path).resolve()
    for base, prefix in ((ROOT, ""), (work, "<work>/")):
        if base is not None and path.is_relative_to(base):
            return prefix + str(path.relative_to(base))
    return path.name


def median(values):
    values = [v for v in values if isinstance(v, int | float)]
    return round(statistics.median(values), 3) if values else None


def paired(a_runs, b_runs, key):
    """Median of a[key] / b[key] over runs made back to back."""
    pairs = zip(a_runs, b_runs, strict=False)
    return median([a[key] / b[key] for a, b in pairs if a.get(key) is not None and b.get(key)])


@dataclass
class Bench:
    """What every stage needs: options, directories, sites and servers."""

    args: argparse.Namespace
    work: Path
    sites: dict = field(default_factory=dict)
    mongo_uri: str = ""
    mongo: FerretDB | None = None
    server: Nginx | None = None
    warc_default: bool | None = None  # the project's WARC_ENABLED, None without WARC
    broken: list = field(default_factory=list)


# ------------------------------------------------------------------ setup
def machine():
    def first(path, prefix):
        lines = Path(path).read_text().splitlines() if Path(path).exists() else []
        found = (ln.split(prefix, 1)[1].strip(' :=\t"') for ln in lines if ln.startswith(prefix))
        return next(found, None)

    mem_kb = first("/proc/meminfo", "MemTotal") or "0"
    return {
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem_kb.split()[0]) / 1024**2, 1),
        "os": first("/etc/os-release", "PRETTY_NAME") or platform.platform(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("scrapy", "twisted", "lxml", "pymongo")},
        "nginx": Nginx.version(),
    }


def make_sites(b, sizes):
    """Generate (or reuse) the site of each size, each on its own port (the
    origin is written into the pages: canonical links, og:url)."""
    for key, n in sizes.items():
        port = free_port(18501 + len(b.sites))
        while port in (s["port"] for s in b.sites.values()):
            port = free_port()
        m = sitegen.generate(b.work / "sites" / f"site-{n}", n, f"http://127.0.0.1:{port}")
        log(f"site {key}: {n} documents, {m['files']} pages on port {port}")
        b.sites[key] = {
            **{k: m[k] for k in ("n", "origin", "www", "documents", "files", "page_kb")},
            "port": port,
            "mb": round(m["bytes"] / 1e6, 1),
            "expected_requests_every_pager": m["expected_requests"],
            # each page of the site once, and robots.txt: what "each page once" can reach
            "floor_requests_per_doc": round((m["files"] + 1) / m["documents"], 3),
            "docs": str(b.work / "sites" / f"site-{n}" / "docs.txt"),
        }


def git(*args):
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return out.stdout.strip()


def mongo(uri, action, database=None):
    """``version`` of the server, ``drop`` a database, or ``count`` its articles."""
    import pymongo

    from newscrawl import settings

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        if action == "drop":
            return client.drop_database(database)
        if action == "count":
            return client[database][settings.MONGO_COLLECTION].count_documents({})
        info = client.admin.command("buildInfo")
    ferret = info.get("ferretdbVersion") or (info.get("ferretdb") or {}).get("version")
    return f"FerretDB {ferret}" if ferret else f"MongoDB {info.get('version')}"


# ------------------------------------------------------------------ crawls
def env(b):
    skip = ("LOG_LEVEL", "MONGO_DATABASE", "WARC_DIR")
    out = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_") and k not in skip}
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return out | {"MONGO_URI": b.mongo_uri, "PYTHONPATH": pythonpath}


def scrapy_args(kind, site, database=None, extra=None):
    """Arguments of ``scrapy`` for a ``bare`` or ``full`` crawl of *site*."""
    if kind == "bare":
        args = ["runspider", str(BENCH / "bare_spider.py"), "-a", f"docs={site['docs']}"]
    else:
        args = ["crawl", "oldsite", "-a", "render=never", "-s", f"MONGO_DATABASE={database}"]
    args += ["-a", f"base_url={site['origin']}"]
    for name, value in {**CRAWL_SETTINGS, **(extra or {})}.items():
        args += ["-s", f"{name}={value}"]
    return args


def crawl(b, kind, size, label, warc=None):
    """One crawl of the site *size* (``n``, ``2n``); *warc* True/False
    switches WARC writing (None: the project's default)."""
    site, database, warc_dir = b.sites[size], "bench_" + label.replace("-", "_"), b.work / "warc"
    stats_file, log_path = b.work / "stats" / f"{label}.json", b.work / "logs" / f"{label}.log"
    for path in (stats_file, log_path, warc_dir):
        path.parent.mkdir(parents=True, exist_ok=True)
    stats_file.unlink(missing_ok=True)
    shutil.rmtree(warc_dir, ignore_errors=True)
    extra = {"STATS_FILE": stats_file}
    if kind == "full" and b.warc_default is not None:
        extra |= {"WARC_ENABLED": b.warc_default if warc is None else warc, "WARC_DIR": warc_dir}
    if kind == "full":
        mongo(b.mongo_uri, "drop", database)
    command = [sys.executable, "-m", "scrapy", *scrapy_args(kind, site, database, extra)]
    cpu = b.server.cpu_seconds(), b.mongo.cpu_seconds()
    code, wall, usage, _ = process.run_process(
        command, log_path, env(b), b.args.crawl_timeout, ROOT
    )
    cpu = b.server.cpu_seconds() - cpu[0], b.mongo.cpu_seconds() - cpu[1]
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    if kind == "full":
        docs = mongo(b.mongo_uri, "count", database)
        mongo(b.mongo_uri, "drop", database)
    else:
        docs = stats.get("bench/documents", 0)
    warc_bytes = sum(p.stat().st_size for p in warc_dir.rglob("*") if p.is_file())
    shutil.rmtree(warc_dir, ignore_errors=True)
    elapsed = stats.get("elapsed_time_seconds") or wall
    requests, pages = (
        stats.get("downloader/request_count", 0),
        stats.get("response_received_count", 0),
    )
    r = {
        "label": label,
        "returncode": code,
        "finish_reason": stats.get("finish_reason"),
        "wall_s": round(wall, 2),
        "crawl_s": round(elapsed, 2),
        "requests": requests,
        "pages": pages,
        "items": stats.get("item_scraped_count"),
        "stored": docs,
        "complete": docs == site["documents"],
        "requests_per_doc": round(requests / docs, 3) if docs else None,
        "pages_per_s": round(pages / elapsed, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "server_cpu_s": round(cpu[0], 2),
        "mongo_cpu_s": round(cpu[1], 2),
        "log": rel(log_path, b.work),
    }
    if "WARC_ENABLED" in extra:
        r |= {"warc": bool(extra["WARC_ENABLED"]), "warc_mb": round(warc_bytes / 1e6, 2)}
        # The WARC writer's own process (in cpu_s too: it is the crawl's child).
        r["warc_writer_cpu_s"] = stats.get("warc/writer_cpu_s")
    log(
        f"{label}: {requests} requests, {docs} documents, {r['wall_s']} s, RSS {r['peak_rss_mb']} MB"
    )
    if code != 0 or not r["complete"]:
        log(f"{label}: exit {code}, {docs} of {site['documents']} documents; see {r['log']}")
        b.broken.append(label)
    return r


def stage_bare(b, rep):
    return {"bare_n": crawl(b, "bare", "n", f"bare_n-{rep}")}


def stage_full(b, rep):
    return {"full_n": crawl(b, "full", "n", f"full_n-{rep}")}


def stage_scale(b, rep):
    return {"full_2n": crawl(b, "full", "2n", f"full_2n-{rep}")}


def stage_warc(b, rep):
    """The full crawl of N with WARC writing the other way round than in
    ``full``: with the default on, this is the crawl without WARC."""
    if b.warc_default is None:
        return {}
    key = "nowarc_n" if b.warc_default else "warc_n"
    return {key: crawl(b, "full", "n", f"{key}-{rep}", warc=not b.warc_default)}


CRAWL_STAGES = {"bare": stage_bare, "full": stage_full, "scale": stage_scale, "warc": stage_warc}


# ------------------------------------------------------------------ other stages
def stage_db(b):
    """The database stage alone (bench/mongo_bench.py): MongoPipeline and
    ``scrapy loadspill``'s loader at each size, first write and again;
    ``--runs`` times, each figure the median of the runs."""
    from bench import mongo_bench

    sizes, cpu = (
        tuple(b.args.db_sizes),
        None if os.environ.get("MONGO_URI") else b.mongo.cpu_seconds,
    )
    runs = []
    for rep in range(1, b.args.runs + 1):
        log(f"db stage, run {rep}: {', '.join(f'{n:,}' for n in sizes)} documents")
        try:
            work = b.work / "db"
            runs.append(mongo_bench.run_db_stage(b.mongo_uri, sizes, work, cpu, log=log))
        except Exception as exc:  # one broken stage must not lose the others' figures
            runs.append({"errors": [f"{type(exc).__name__}: {exc}"[:500]]})
    db = runs[-1] | {"errors": [e for r in runs for e in r.get("errors", [])]}
    if len(runs) > 1 and db.get("steps"):
        keys = ("seconds", "ms_per_doc", "server_cpu_ms_per_doc", "client_cpu_ms_per_doc")
        step_runs = {s: [r["steps"][s] for r in runs if r.get("steps")] for s in db["steps"]}
        db["steps"] = {
            step: {
                size: {k: median([r.get(size, {}).get(k) for r in rs]) for k in keys}
                for size in map(str, sizes)
            }
            for step, rs in step_runs.items()
        }
        small, large = str(min(sizes)), str(max(sizes))
        db["ratio_50k_to_1k"] = {
            step: round(v[large]["ms_per_doc"] / v[small]["ms_per_doc"], 2)
            for step, v in db["steps"].items()
            if v[large]["ms_per_doc"] and v[small]["ms_per_doc"]
        }
        db["runs"] = step_runs
    if db["errors"]:
        b.broken.append("db")
        log(f"db stage: {'; '.join(db['errors'])}")
    return db


def flat(session, mode, where="", top=25):
    """pyinstrument's own flat view (*mode* ``self`` or ``total``): its first
    *top* functions (in files whose path contains *where*)."""
    from pyinstrument.renderers import ConsoleRenderer

    text = ConsoleRenderer(flat=True, flat_time=mode, time="percent_of_total").render(session)
    rows = [line.strip().split("% ", 1) for line in text.splitlines() if "% " in line]
    rows = [(float(pct), name) for pct, name in rows if pct.replace(".", "").isdigit()]
    return [
        {"pct": pct, "s": round(pct * session.duration / 100, 3), "function": name}
        for pct, name in rows
        if where in name
    ][:top]


def stage_profile(b):
    """One full crawl of N under pyinstrument (5 ms samples: at N = 5,000, 1 ms
    makes the crawl 4.6 times as long and its session file 400 MB)."""
    from importlib.util import find_spec

    if not find_spec("pyinstrument"):
        return {"error": "pyinstrument is not installed: pip install -r bench/requirements.txt"}
    from pyinstrument.renderers import HTMLRenderer
    from pyinstrument.session import Session

    database, out = "bench_profile", b.work / "profile"
    out.mkdir(parents=True, exist_ok=True)
    (out / "full.pyisession").unlink(missing_ok=True)
    extra = {"WARC_DIR": b.work / "warc"} if b.warc_default is not None else {}
    profiler = [
        "-m",
        "pyinstrument",
        "-i",
        "0.005",
        "-r",
        "pyisession",
        "-o",
        out / "full.pyisession",
    ]
    command = [
        sys.executable,
        *profiler,
        "-m",
        "scrapy",
        *scrapy_args("full", b.sites["n"], database, extra),
    ]
    log("profile: one full crawl of N under pyinstrument")
    (b.work / "logs").mkdir(parents=True, exist_ok=True)  # the stage may run alone
    mongo(b.mongo_uri, "drop", database)
    code, *_ = process.run_process(
        [str(c) for c in command],
        b.work / "logs" / "profile.log",
        env(b),
        b.args.crawl_timeout * 3,
        ROOT,
    )
    mongo(b.mongo_uri, "drop", database)
    shutil.rmtree(b.work / "warc", ignore_errors=True)
    if not (out / "full.pyisession").exists():
        b.broken.append("profile")
        return {"error": f"no profile written (exit {code}); see <work>/logs/profile.log"}
    session = Session.load(out / "full.pyisession")
    (out / "full.html").write_text(HTMLRenderer().render(session), encoding="utf-8")
    return {
        "returncode": code,
        "duration_s": round(session.duration, 3),
        "cpu_s": round(session.cpu_time, 3),
        "top_self": flat(session, "self"),
        "top_total": flat(session, "total", where="newscrawl/"),
        "html": rel(out / "full.html", b.work),
    }


def stage_peer(b, peer_origin):
    from bench import peer_newsplease as peer

    if peer_origin is None:
        return {"status": "not run: port 80 is not free (news-please needs it)"}
    docs = set(Path(b.sites["n"]["docs"]).read_text(encoding="utf-8").splitlines())
    runs = []
    try:
        package = peer.ensure_installed(log=b.work / "logs" / "newsplease-install.log")
        for rep in range(1, b.args.runs + 1):
            work = b.work / "newsplease" / f"run-{rep}"
            r = peer.crawl(package, work, peer_origin, b.args.peer_timeout, docs)
            log(f"news-please-{rep}: {r['pages']} pages, {r['items']} documents, {r['crawl_s']} s")
            runs.append(r | {"log": rel(r["log"], b.work)})
    except Exception as exc:  # the peer is a comparison, not ours: say why, go on
        return {"status": f"not run: {type(exc).__name__}: {exc}"[:500]}
    keys = ("crawl_s", "pages", "items", "docs_per_s", "cpu_s", "peak_rss_mb")
    median_run = {k: median([r[k] for r in runs]) for k in keys}
    return {"status": "ok", "version": peer.PIN.split("==")[1], "runs": runs, "median": median_run}


# ------------------------------------------------------------------ figures
def figures(results):
    """The figures the targets are about, from the runs."""
    runs, db = results["runs"], results.get("db") or {}
    full, bare, big = runs.get("full_n", []), runs.get("bare_n", []), runs.get("full_2n", [])
    growth = db.get("ratio_50k_to_1k") or {}
    out = {
        "requests_per_doc": median([r["requests_per_doc"] for r in full]),
        "full_vs_bare_time": paired(full, bare, "wall_s"),
        "full_vs_bare_requests": paired(full, bare, "requests"),
        "time_2n_vs_n": paired(big, full, "crawl_s"),
        "rss_2n_vs_n": paired(big, full, "peak_rss_mb"),
        "mongo_cpu_2n_vs_n": paired(big, full, "mongo_cpu_s"),
        **{f"db_growth_{step}": growth.get(step) for step in report.DB_STEPS},
    }
    if other := runs.get("nowarc_n") or runs.get("warc_n"):
        on, off = (full, other) if runs.get("nowarc_n") else (other, full)
        ratio = paired(on, off, "wall_s")
        out["warc_overhead_pct"] = round(100 * (ratio - 1), 1) if ratio else None
        cpu = paired(on, off, "cpu_s")  # steadier than wall time on a shared machine
        out["warc_cpu_overhead_pct"] = round(100 * (cpu - 1), 1) if cpu else None
        per_page = [1000 * r["warc_mb"] / r["pages"] for r in on if r.get("pages")]
        out["warc_mb_per_1000_pages"] = median(per_page)
    return out


def targets(fig):
    out = []
    for key, limit, text in TARGETS:
        value = fig.get(key)
        ok = None if value is None else value <= limit
        word = {None: "SKIP", True: "PASS", False: "FAIL"}[ok]
        line = f"{word}  {text} <= {limit}: {'not measured' if value is None else value}"
        out.append({"figure": key, "value": value, "limit": limit, "pass": ok, "line": line})
    return out


# ------------------------------------------------------------------ main
def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=5000, help="documents in the site (default 5000)")
    p.add_argument("--runs", type=int, default=1, help="runs per crawl figure (default 1)")
    default = ",".join(STAGES[:-1])
    p.add_argument("--stages", default=default, help=f"a subset of {default} (default: all)")
    p.add_argument("--peer", action="store_true", help="also run news-please (needs port 80)")
    p.add_argument(
        "--db-sizes",
        default=[1000, 10000, 50000],
        type=lambda s: [int(x) for x in s.split(",")],
        help="documents in the database stage (default 1000,10000,50000)",
    )
    p.add_argument("--work", default=str(BENCH / ".work"), help="sites, logs, databases")
    p.add_argument("--results-dir", default=str(BENCH / "results"))
    p.add_argument("--markdown", help="rewrite the results section of this file (BENCHMARKS.md)")
    p.add_argument("--peer-timeout", type=float, default=300, help="news-please's time limit, s")
    p.add_argument("--crawl-timeout", type=float, default=1800, help="a crawl's time limit, s")
    args = p.parse_args(argv)
    args.stages = [s for s in STAGES if s in args.stages.split(",") or (s == "peer" and args.peer)]
    return args


def run(args, argv):
    now, work = datetime.now(UTC), Path(args.work).resolve()
    b = Bench(args, work)
    from newscrawl import settings

    b.warc_default = getattr(settings, "WARC_ENABLED", None)
    results = {
        "date": now.isoformat(timespec="seconds"),
        "stamp": now.strftime("%Y-%m-%dT%H%M%SZ"),
        "command": " ".join(
            ["python -m bench.run", *(rel(a, work) if a[:1] == "/" else a for a in argv)]
        ),
        "config": {
            "n": args.n,
            "runs": args.runs,
            "stages": args.stages,
            "db_sizes": args.db_sizes,
            "crawl_settings": CRAWL_SETTINGS,
            "warc_default": b.warc_default,
        },
        "commit": git("rev-parse", "--short", "HEAD")
        + (" (modified)" if git("status", "-s") else ""),
        "machine": machine(),
        "load_at_start": list(os.getloadavg()),
        "runs": {},
    }
    started = time.perf_counter()
    if set(args.stages) - {"db"}:  # the database stage alone needs no site
        make_sites(b, {"n": args.n, **({"2n": 2 * args.n} if "scale" in args.stages else {})})
    results["sites"] = {
        k: {x: v for x, v in s.items() if x not in ("www", "docs")} for k, s in b.sites.items()
    }
    b.mongo = FerretDB(work / "ferretdb")
    b.mongo_uri = os.environ.get("MONGO_URI") or b.mongo.start()
    try:
        results["mongo_server"] = mongo(b.mongo_uri, "version")
        served, peer_origin = {s["port"]: s["www"] for s in b.sites.values()}, None
        if "peer" in args.stages and free_port(80) == 80:
            served[80], peer_origin = b.sites["n"]["www"], "http://127.0.0.1"
        if served:
            b.server = Nginx(served, work / "server").start()
        log(f"nginx {Nginx.version()}; {results['mongo_server']}")
        for rep in range(1, args.runs + 1):
            for stage in (s for s in args.stages if s in CRAWL_STAGES):
                for key, r in CRAWL_STAGES[stage](b, rep).items():
                    results["runs"].setdefault(key, []).append(r)
        if "db" in args.stages:
            results["db"] = stage_db(b)
        if "profile" in args.stages:
            results["profile"] = stage_profile(b)
        if "peer" in args.stages:
            results["peer"] = stage_peer(b, peer_origin)
    finally:
        if b.server is not None:
            b.server.stop()
        if not os.environ.get("MONGO_URI"):
            b.mongo.stop()
    results["median"] = {
        key: {k: median([r.get(k) for r in runs]) for k in report.COLUMNS}
        | {"runs": len(runs), "complete": all(r["complete"] for r in runs)}
        for key, runs in results["runs"].items()
    }
    results["figures"] = figures(results)
    results["targets"] = targets(results["figures"])
    results["load_at_end"] = list(os.getloadavg())
    results["total_s"] = round(time.perf_counter() - started)
    results["broken"] = b.broken
    return results


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    results = run(args, argv)
    out = Path(args.results_dir) / f"{results['stamp']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"results: {rel(out)} ({results['total_s']} s)")
    section = report.markdown(results)
    if args.markdown:
        report.update_markdown(args.markdown, section)
    print(section)
    return 1 if results["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
