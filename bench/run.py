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
* ``profile``: one full crawl on N under pyinstrument (bench/profile_crawl.py);
* ``peer`` (only with ``--peer``): news-please on N (bench/peer_newsplease.py).

The crawls run ``--runs`` times, interleaved, so that a noisy neighbour hurts
all of them alike; a figure is the median of its runs, a comparison the
median of the ratios of runs made back to back. Results go to
``bench/results/<stamp>.json``; the Markdown is built from that file alone
(``--markdown FILE`` rewrites the results section of FILE, ``--report JSON``
only does that). Targets are printed as PASS/FAIL and never fail the
command: the exit status is 1 only when a stage broke.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import process, sitegen
from bench.servers import FerretDB, Nginx, free_port, port_free, start_server

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
STAGES = ("bare", "full", "scale", "warc", "db", "profile", "peer")
DEFAULT_STAGES = ("bare", "full", "scale", "warc", "db", "profile")
MARK_BEGIN = (
    "<!-- bench:results:begin (written by python -m bench.run --markdown BENCHMARKS.md) -->"
)
MARK_END = "<!-- bench:results:end -->"

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
# Per-run figures that get a median.
METRICS = (
    "crawl_s",
    "wall_s",
    "requests",
    "stored",
    "requests_per_doc",
    "pages_per_s",
    "docs_per_s",
    "cpu_s",
    "peak_rss_mb",
    "server_cpu_s",
    "mongo_cpu_s",
    "warc_mb",
)
# Targets as data: (text, figure, limit); a figure passes when <= its limit.
TARGETS = (
    (
        "write time per document at the largest size <= 1.5 x at the smallest, first crawl",
        "db_growth_first",
        1.5,
    ),
    (
        "write time per document at the largest size <= 1.5 x at the smallest, re-crawl",
        "db_growth_recrawl",
        1.5,
    ),
    ("requests per stored document <= 1.3", "requests_per_doc", 1.3),
    ("full crawl wall time <= bare Scrapy's", "full_vs_bare_time", 1.0),
    ("time at 2N <= 2.1 x time at N", "time_2n_vs_n", 2.1),
    ("peak RSS at 2N <= 1.2 x at N", "rss_2n_vs_n", 1.2),
    ("WARC writing adds <= 10 % to the crawl's time", "warc_overhead_pct", 10.0),
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
    values = [v for v in values if isinstance(v, (int, float))]
    return round(statistics.median(values), 3) if values else None


def paired(a_runs, b_runs, key):
    """Median of a[key] / b[key] over runs made back to back."""
    return median(
        [
            a[key] / b[key]
            for a, b in zip(a_runs, b_runs, strict=False)
            if isinstance(a.get(key), (int, float)) and b.get(key)
        ]
    )


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
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            return None
        return next(
            (ln.split(prefix, 1)[1].strip(' :=\t"') for ln in lines if ln.startswith(prefix)), None
        )

    from importlib.metadata import version

    mem_kb = first("/proc/meminfo", "MemTotal")
    return {
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem_kb.split()[0]) / 1024**2, 1) if mem_kb else None,
        "os": first("/etc/os-release", "PRETTY_NAME") or platform.platform(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("scrapy", "twisted", "lxml", "pymongo")},
        "nginx": Nginx.version(),
    }


def make_sites(b, sizes):
    """Generate (or reuse) the site of each size, each on its own port (the
    origin is written into the pages: canonical links, og:url)."""
    used = set()
    for key, n in sizes.items():
        port = free_port(18501 + len(used))
        while port in used:
            port = free_port()
        used.add(port)
        started = time.perf_counter()
        m = sitegen.generate(b.work / "sites" / f"site-{n}", n, f"http://127.0.0.1:{port}")
        log(
            f"site {key}: {n} documents, {m['files']} pages on port {port} "
            f"({'reused' if m['reused'] else f'{time.perf_counter() - started:.0f} s'})"
        )
        b.sites[key] = {
            "n": n,
            "port": port,
            "origin": m["origin"],
            "www": m["www"],
            "documents": m["documents"],
            "files": m["files"],
            "expected_requests_every_pager": m["expected_requests"],
            # each page of the site once, and robots.txt: what "each page once" can reach
            "floor_requests_per_doc": round((m["files"] + 1) / m["documents"], 3),
            "mb": round(m["bytes"] / 1e6, 1),
            "page_kb": m["page_kb"],
            "docs": str(b.work / "sites" / f"site-{n}" / "docs.txt"),
        }


def warc_default():
    from newscrawl import settings

    return getattr(settings, "WARC_ENABLED", None)


def mongo_server(uri):
    import pymongo

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        info = client.admin.command("buildInfo")
    ferret = info.get("ferretdbVersion") or (info.get("ferretdb") or {}).get("version")
    return f"FerretDB {ferret}" if ferret else f"MongoDB {info.get('version')}"


def drop(uri, database):
    import pymongo

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        client.drop_database(database)


def stored(uri, database):
    import pymongo

    from newscrawl import settings

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        return client[database][settings.MONGO_COLLECTION].count_documents({})


# ------------------------------------------------------------------ crawls
def env(b):
    out = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NEWSCRAWL_") and k not in ("LOG_LEVEL", "MONGO_DATABASE")
    }
    out["MONGO_URI"] = b.mongo_uri
    out["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return out


def scrapy_args(kind, site, database=None, extra=None):
    """Arguments of ``scrapy`` for a ``bare`` or ``full`` crawl of *site*."""
    if kind == "bare":
        args = [
            "runspider",
            str(BENCH / "bare_spider.py"),
            "-a",
            f"base_url={site['origin']}",
            "-a",
            f"docs={site['docs']}",
        ]
    else:
        args = [
            "crawl",
            "oldsite",
            "-a",
            f"base_url={site['origin']}",
            "-a",
            "render=never",
            "-s",
            f"MONGO_DATABASE={database}",
        ]
    for name, value in {**CRAWL_SETTINGS, **(extra or {})}.items():
        args += ["-s", f"{name}={value}"]
    return args


def crawl(b, kind, size, label, warc=None):
    """One crawl of the site *size* (``n``, ``2n``); *warc* True/False
    switches WARC writing (None: the project's default)."""
    site = b.sites[size]
    stats_file, log_path = b.work / "stats" / f"{label}.json", b.work / "logs" / f"{label}.log"
    for d in (stats_file.parent, log_path.parent):
        d.mkdir(parents=True, exist_ok=True)
    stats_file.unlink(missing_ok=True)
    database = "bench_" + label.replace("-", "_")
    extra = {"STATS_FILE": stats_file}
    warc_dir = b.work / "warc" / label
    if kind == "full" and b.warc_default is not None:
        shutil.rmtree(warc_dir, ignore_errors=True)
        extra.update(WARC_ENABLED=b.warc_default if warc is None else warc, WARC_DIR=warc_dir)
    if kind == "full":
        drop(b.mongo_uri, database)
    command = [sys.executable, "-m", "scrapy", *scrapy_args(kind, site, database, extra)]
    server_cpu, mongo_cpu = b.server.cpu_seconds(), b.mongo.cpu_seconds()
    code, wall, usage, _ = process.run_process(
        command, log_path, env(b), b.args.crawl_timeout, cwd=ROOT
    )
    server_cpu, mongo_cpu = b.server.cpu_seconds() - server_cpu, b.mongo.cpu_seconds() - mongo_cpu
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    if kind == "full":
        docs = stored(b.mongo_uri, database)
        drop(b.mongo_uri, database)
    else:
        docs = stats.get("bench/documents", 0)
    warc_bytes = (
        sum(p.stat().st_size for p in warc_dir.rglob("*") if p.is_file())
        if warc_dir.exists()
        else 0
    )
    shutil.rmtree(warc_dir, ignore_errors=True)
    elapsed = stats.get("elapsed_time_seconds") or wall
    requests = stats.get("downloader/request_count", 0)
    pages = stats.get("response_received_count", 0)
    r = {
        "label": label,
        "returncode": code,
        "finish_reason": stats.get("finish_reason"),
        "crawl_s": round(elapsed, 2),
        "wall_s": round(wall, 2),
        "requests": requests,
        "pages": pages,
        "items": stats.get("item_scraped_count"),
        "stored": docs,
        "complete": docs == site["documents"],
        "requests_per_doc": round(requests / docs, 3) if docs else None,
        "pages_per_s": round(pages / elapsed, 1),
        "docs_per_s": round(docs / elapsed, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "server_cpu_s": round(server_cpu, 2),
        "mongo_cpu_s": round(mongo_cpu, 2),
        "log": rel(log_path, b.work),
    }
    if "WARC_ENABLED" in extra:
        r["warc"] = bool(extra["WARC_ENABLED"])
        r["warc_mb"] = round(warc_bytes / 1e6, 2)
    log(
        f"{label}: {requests} requests, {docs} documents in {r['crawl_s']} s, "
        f"CPU {r['cpu_s']} s, RSS {r['peak_rss_mb']} MB"
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
    ``scrapy loadspill``'s loader at each size, first write and again."""
    from bench import mongo_bench

    log(f"db stage: {', '.join(f'{n:,}' for n in b.args.db_sizes)} documents")
    cpu = None if os.environ.get("MONGO_URI") else b.mongo.cpu_seconds
    try:
        db = mongo_bench.run_db_stage(
            b.mongo_uri, sizes=tuple(b.args.db_sizes), workdir=b.work / "db", mongo_cpu=cpu
        )
    except Exception as exc:
        db = {"errors": [f"{type(exc).__name__}: {exc}"[:500]]}
    if db.get("errors"):
        b.broken.append("db")
        log(f"db stage: {'; '.join(db['errors'])}")
    return db


def stage_profile(b):
    from importlib.util import find_spec

    if not find_spec("pyinstrument"):
        return {"error": "pyinstrument is not installed: pip install -r bench/requirements.txt"}
    database, prefix = "bench_profile", b.work / "profile" / "full"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    extra = {"WARC_DIR": b.work / "warc" / "profile"} if b.warc_default is not None else {}
    command = [
        sys.executable,
        "-m",
        "bench.profile_crawl",
        str(prefix),
        *scrapy_args("full", b.sites["n"], database, extra),
    ]
    drop(b.mongo_uri, database)
    log("profile: one full crawl of N under pyinstrument")
    code, *_ = process.run_process(
        command, b.work / "logs" / "profile.log", env(b), b.args.crawl_timeout * 3, cwd=ROOT
    )
    drop(b.mongo_uri, database)
    shutil.rmtree(b.work / "warc" / "profile", ignore_errors=True)
    summary_file = prefix.with_suffix(".json")
    if not summary_file.exists():
        b.broken.append("profile")
        return {"error": f"no profile written (exit {code}); see <work>/logs/profile.log"}
    return {
        **json.loads(summary_file.read_text()),
        "returncode": code,
        "html": rel(prefix.with_suffix(".html"), b.work),
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
    except Exception as exc:
        return {"status": f"not run: {type(exc).__name__}: {exc}"[:500]}
    keys = ("crawl_s", "pages", "items", "docs_per_s", "cpu_s", "peak_rss_mb")
    return {
        "status": "ok",
        "version": peer.PIN.split("==")[1],
        "runs": runs,
        "median": {k: median([r[k] for r in runs]) for k in keys},
    }


# ------------------------------------------------------------------ figures
def figures(results):
    """The figures the targets and the report are about, from the runs."""
    runs, db = results["runs"], results.get("db") or {}
    full, bare, big = runs.get("full_n", []), runs.get("bare_n", []), runs.get("full_2n", [])
    other = runs.get("nowarc_n") or runs.get("warc_n") or []
    f = {
        "requests_per_doc": median([r["requests_per_doc"] for r in full]),
        "full_vs_bare_time": paired(full, bare, "wall_s"),
        "full_vs_bare_requests": paired(full, bare, "requests"),
        "time_2n_vs_n": paired(big, full, "crawl_s"),
        "rss_2n_vs_n": paired(big, full, "peak_rss_mb"),
        "mongo_cpu_2n_vs_n": paired(big, full, "mongo_cpu_s"),
        **{f"db_growth_{step}": (db.get("ratio_50k_to_1k") or {}).get(step) for step in DB_STEPS},
    }
    if other:
        on, off = (full, other) if runs.get("nowarc_n") else (other, full)
        ratio = paired(on, off, "crawl_s")
        f["warc_overhead_pct"] = round(100 * (ratio - 1), 1) if ratio else None
        f["warc_mb_per_1000_pages"] = median(
            [1000 * r["warc_mb"] / r["pages"] for r in on if r.get("pages")]
        )
    return f


def targets(fig):
    out = []
    for text, key, limit in TARGETS:
        value = fig.get(key)
        ok = None if value is None else value <= limit
        word = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        out.append(
            {
                "name": text,
                "figure": key,
                "value": value,
                "limit": limit,
                "pass": ok,
                "line": f"{word}  {text}: {'not measured' if value is None else value}",
            }
        )
    return out


# ------------------------------------------------------------------ report
def _n(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


DB_STEPS = {
    "first": "first crawl",
    "recrawl": "re-crawl",
    "loadspill": "loadspill",
    "reload": "loadspill again",
}
CRAWL_ROWS = {
    "bare_n": "bare Scrapy, N",
    "full_n": "full crawl, N",
    "nowarc_n": "full crawl without WARC, N",
    "warc_n": "full crawl with WARC, N",
    "full_2n": "full crawl, 2N",
}


def crawl_table(results):
    lines = [
        "| crawl | requests | documents | requests / document | wall s | crawl s | pages/s | "
        "CPU s | peak RSS MB | nginx CPU s | MongoDB CPU s |",
        "| --- |" + " ---: |" * 10,
    ]
    for key, name in CRAWL_ROWS.items():
        m = results["median"].get(key)
        if m:
            lines.append(
                f"| {name} | {_n(m['requests'], 0)} | {_n(m['stored'], 0)} | "
                f"{_n(m['requests_per_doc'], 2)} | {_n(m['wall_s'])} | {_n(m['crawl_s'])} | "
                f"{_n(m['pages_per_s'])} | {_n(m['cpu_s'])} | {_n(m['peak_rss_mb'])} | "
                f"{_n(m['server_cpu_s'], 2)} | {_n(m['mongo_cpu_s'], 2)} |"
            )
    peer = results.get("peer")
    if peer and peer.get("median"):
        m = peer["median"]
        lines.append(
            f"| news-please {peer['version']}, N | – | {_n(m['items'], 0)} | – | – | "
            f"{_n(m['crawl_s'])} | – | {_n(m['cpu_s'])} | {_n(m['peak_rss_mb'])} | – | – |"
        )
    elif peer:
        lines.append(f"| news-please | {peer.get('status')} |" + " |" * 10)
    return lines


def db_table(db):
    """The database stage: write time per document at each size."""
    steps = db.get("steps") or {}
    if not steps:
        return [f"Database stage: {'; '.join(db.get('errors') or ['not run'])}", ""]
    sizes = db["sizes"]
    lines = [
        f"Database stage alone ({db.get('server')}; ms per document, written through "
        "MongoPipeline into an empty database and again (re-crawl: all unchanged), then "
        "through `scrapy loadspill`'s loader into another, and again; "
        "in brackets the server's CPU ms per document):",
        "",
        "| documents | " + " | ".join(DB_STEPS.values()) + " |",
        "| ---: |" + " ---: |" * len(DB_STEPS),
    ]
    for n in sizes:
        cells = []
        for step in DB_STEPS:
            r = steps.get(step, {}).get(str(n)) or {}
            cpu = r.get("server_cpu_ms_per_doc")
            cells.append(
                _n(r.get("ms_per_doc"), 2) + (f" ({_n(cpu, 2)})" if cpu is not None else "")
            )
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    ratio = db.get("ratio_50k_to_1k") or {}
    lines.append(
        f"| {sizes[-1]:,} / {sizes[0]:,} | "
        + " | ".join(f"{_n(ratio.get(step), 2)} ×" for step in DB_STEPS)
        + " |"
    )
    known = db.get("known_map")
    if known:
        lines += [
            "",
            f"The pipeline's in-memory map of what is stored: {_n(known.get('mb'))} MB "
            f"at {_n(known.get('docs'), 0)} documents.",
        ]
    return lines + [""]


def markdown(results):
    m, cfg = results["machine"], results["config"]
    site, big = results["sites"].get("n", {}), results["sites"].get("2n", {})
    fig = results["figures"]
    load = lambda key: ", ".join(f"{x:.2f}" for x in results.get(key) or [])  # noqa: E731
    lines = [
        f"Run of {results['date']} (`{results['command']}`, {cfg['runs']} run(s) per figure, "
        f"medians), results in `bench/results/{results['stamp']}.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}, Python "
        f"{m['python']}, Scrapy {m['scrapy']}, Twisted {m['twisted']}, lxml {m['lxml']}, "
        f"pymongo {m['pymongo']}, nginx {m['nginx']}, {results['mongo_server']}. Load average "
        f"(1, 5, 15 min) at start {load('load_at_start')}, at end {load('load_at_end')}: the "
        "machine is shared, read the ratios rather than the absolute times.",
        "",
        f"Site: N = {site.get('n', 0):,} documents ({site.get('files', 0):,} pages, "
        f"{site.get('mb')} MB, pages {site.get('page_kb', {}).get('min')}–"
        f"{site.get('page_kb', {}).get('max')} KB; each page once is "
        f"{site.get('floor_requests_per_doc')} requests per document, following every pager "
        f"link {_n(site.get('expected_requests_every_pager', 0) / site.get('documents', 1), 2)}); "
        f"2N = {big.get('n', 0):,} ({big.get('files', 0):,} pages).",
        "",
        *crawl_table(results),
        "",
    ]
    if fig.get("warc_overhead_pct") is not None:
        lines += [
            f"WARC: {_n(fig['warc_overhead_pct'])} % on the full crawl's time, "
            f"{_n(fig['warc_mb_per_1000_pages'])} MB per 1,000 pages.",
            "",
        ]
    if results.get("db"):
        lines += db_table(results["db"])
    lines += ["Targets:", "", "```", *[t["line"] for t in results["targets"]], "```", ""]
    prof = results.get("profile") or {}
    if prof.get("top_self"):
        lines += [
            f"Profile of one full crawl of N (pyinstrument, 1 ms samples, its flat view): "
            f"{prof['duration_s']} s, CPU {prof['cpu_s']} s.",
            "",
            "| function (self time) | s | % | newscrawl function (total time) | s | % |",
            "| --- | ---: | ---: | --- | ---: | ---: |",
        ]
        for a, t in zip(prof["top_self"][:15], prof["top_total"][:15], strict=False):
            lines.append(
                f"| `{a['function']}` | {a['s']} | {a['pct']} | "
                f"`{t['function']}` | {t['s']} | {t['pct']} |"
            )
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
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=5000, help="documents in the site (default 5000)")
    p.add_argument("--runs", type=int, default=1, help="runs per crawl figure (default 1)")
    p.add_argument(
        "--stages",
        default=",".join(DEFAULT_STAGES),
        help=f"comma-separated subset of {','.join(STAGES)} (default {','.join(DEFAULT_STAGES)})",
    )
    p.add_argument("--peer", action="store_true", help="also run news-please (needs port 80)")
    p.add_argument(
        "--db-sizes",
        default="1000,10000,50000",
        type=lambda s: [int(x) for x in s.split(",")],
        help="document counts of the database stage (default 1000,10000,50000)",
    )
    p.add_argument("--work", default=str(BENCH / ".work"), help="sites, logs, databases")
    p.add_argument("--results-dir", default=str(BENCH / "results"))
    p.add_argument("--markdown", help="rewrite the results section of this file (BENCHMARKS.md)")
    p.add_argument("--report", metavar="JSON", help="only build the Markdown from a results file")
    p.add_argument("--peer-timeout", type=float, default=300, help="news-please's time limit, s")
    p.add_argument("--crawl-timeout", type=float, default=1800, help="a crawl's time limit, s")
    args = p.parse_args(argv)
    args.stages = [s for s in STAGES if s in args.stages.split(",") or (s == "peer" and args.peer)]
    return args


def run(args, argv):
    now = datetime.now(UTC)
    work = Path(args.work).resolve()
    b = Bench(args, work, warc_default=warc_default())
    results = {
        "date": now.isoformat(timespec="seconds"),
        "stamp": now.strftime("%Y-%m-%dT%H%M%SZ"),
        "command": " ".join(
            ["python -m bench.run", *(rel(a, work) if os.path.isabs(a) else a for a in argv)]
        ),
        "config": {
            "n": args.n,
            "runs": args.runs,
            "stages": args.stages,
            "db_sizes": args.db_sizes,
            "crawl_settings": CRAWL_SETTINGS,
            "warc_default": b.warc_default,
        },
        "machine": machine(),
        "load_at_start": list(os.getloadavg()),
        "runs": {},
    }
    started = time.perf_counter()
    make_sites(b, {"n": args.n, **({"2n": 2 * args.n} if "scale" in args.stages else {})})
    results["sites"] = {
        k: {x: v for x, v in s.items() if x not in ("www", "docs")} for k, s in b.sites.items()
    }
    b.mongo = FerretDB(work / "ferretdb")
    b.mongo_uri = os.environ.get("MONGO_URI") or b.mongo.start()
    try:
        results["mongo_server"] = mongo_server(b.mongo_uri)
        served = {s["port"]: s["www"] for s in b.sites.values()}
        peer_origin = None
        if "peer" in args.stages and port_free(80):
            served[80], peer_origin = b.sites["n"]["www"], "http://127.0.0.1"
        b.server = start_server(served, work / "server")
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
        key: {k: median([r.get(k) for r in runs]) for k in METRICS}
        | {"runs": len(runs), "complete": all(r["complete"] for r in runs)}
        for key, runs in results["runs"].items()
    }
    results["figures"] = figures(results)
    results["targets"] = targets(results["figures"])
    results |= {
        "load_at_end": list(os.getloadavg()),
        "total_s": round(time.perf_counter() - started),
        "broken": b.broken,
    }
    return results


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.report:
        results = json.loads(Path(args.report).read_text(encoding="utf-8"))
    else:
        results = run(args, argv)
        out = Path(args.results_dir) / f"{results['stamp']}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
        log(f"results: {rel(out)} ({results['total_s']} s)")
    section = markdown(results)
    if args.markdown:
        update_markdown(args.markdown, section)
    print(section)
    return 1 if results.get("broken") else 0


if __name__ == "__main__":
    sys.exit(main())
