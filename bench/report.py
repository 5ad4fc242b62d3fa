"""The benchmark's report: Markdown built from a results file alone.

    python -m bench.report bench/results/STAMP.json [...] [--markdown BENCHMARKS.md]

prints the section (one per results file, in order: stages run at different
times, e.g. the database stage alone and then the crawls) and, with
``--markdown``, rewrites the part of that file between the two markers
(``python -m bench.run --markdown`` does the same after a run).
"""

import argparse
import json
import sys
from pathlib import Path

BEGIN = "<!-- bench:results:begin (written by python -m bench.run --markdown BENCHMARKS.md) -->"
END = "<!-- bench:results:end -->"
CRAWLS = {
    "bare_n": "bare Scrapy, N",
    "full_n": "full crawl, N",
    "nowarc_n": "full crawl without WARC, N",
    "warc_n": "full crawl with WARC, N",
    "full_2n": "full crawl, 2N",
}
COLUMNS = {  # median key -> (column, digits)
    "requests": ("requests", 0),
    "stored": ("documents", 0),
    "requests_per_doc": ("requests / document", 2),
    "wall_s": ("wall s", 1),
    "crawl_s": ("crawl s", 1),
    "pages_per_s": ("pages/s", 1),
    "cpu_s": ("CPU s", 1),
    "peak_rss_mb": ("peak RSS MB", 1),
    "server_cpu_s": ("nginx CPU s", 2),
    "mongo_cpu_s": ("MongoDB CPU s", 2),
}
DB_STEPS = {
    "first": "first crawl",
    "recrawl": "re-crawl",
    "loadspill": "loadspill",
    "reload": "loadspill again",
}


def num(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float) and digits == 0:
        value = round(value)
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def row(cells):
    return "| " + " | ".join(cells) + " |"


def crawl_table(results):
    lines = [
        row(["crawl", *(name for name, _ in COLUMNS.values())]),
        "| --- |" + " ---: |" * len(COLUMNS),
    ]
    for key, name in CRAWLS.items():
        if m := results["median"].get(key):
            lines.append(row([name, *(num(m.get(k), d) for k, (_, d) in COLUMNS.items())]))
    peer = results.get("peer")
    if peer and peer.get("median"):
        m = {**peer["median"], "stored": peer["median"]["items"]}
        cells = (num(m.get(k), d) if k in m else "–" for k, (_, d) in COLUMNS.items())
        lines.append(row([f"news-please {peer['version']}, N", *cells]))
    elif peer:
        lines.append(row([f"news-please: {peer.get('status')}", *("",) * len(COLUMNS)]))
    return lines + [""]


def db_table(db):
    """The database stage: write time per document at each size."""
    if not db.get("steps"):
        return [f"Database stage: {'; '.join(db.get('errors') or ['not run'])}", ""]
    sizes, ratio = db["sizes"], db.get("ratio_50k_to_1k") or {}
    lines = [
        f"Database stage alone ({db.get('server')}), ms per document: MongoPipeline into an "
        "empty database (first crawl) and the same documents again (re-crawl, all unchanged), "
        "then the loader of `scrapy loadspill` into another database, and again; in brackets "
        "the CPU ms per document of the server + of the writing process.",
        "",
        row(["documents", *DB_STEPS.values()]),
        "| ---: |" + " ---: |" * len(DB_STEPS),
    ]
    for n in sizes:
        cells = []
        for step in DB_STEPS:
            r = db["steps"].get(step, {}).get(str(n)) or {}
            cpu = [num(r.get(k), 2) for k in ("server_cpu_ms_per_doc", "client_cpu_ms_per_doc")]
            cells.append(f"{num(r.get('ms_per_doc'), 2)} ({' + '.join(cpu)})")
        lines.append(row([f"{n:,}", *cells]))
    lines.append(
        row([f"{sizes[-1]:,} / {sizes[0]:,}", *(f"{num(ratio.get(s), 2)} ×" for s in DB_STEPS)])
    )
    if known := db.get("known_map"):
        lines += [
            "",
            f"The pipeline's in-memory map of what is stored: {num(known.get('mb'))} "
            f"MB at {num(known.get('docs'), 0)} documents.",
        ]
    return lines + [""]


def profile_table(prof):
    lines = [
        f"Profile of one full crawl of N (pyinstrument, its flat view): "
        f"{prof['duration_s']} s, CPU {prof['cpu_s']} s.",
        "",
        "| function (self time) | s | % | newscrawl function (total time) | s | % |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for a, t in zip(prof["top_self"][:15], prof["top_total"][:15], strict=False):
        lines.append(
            row(
                [
                    f"`{a['function']}`",
                    str(a["s"]),
                    str(a["pct"]),
                    f"`{t['function']}`",
                    str(t["s"]),
                    str(t["pct"]),
                ]
            )
        )
    return lines + [""]


def site_line(results):
    n, big = results["sites"]["n"], results["sites"].get("2n")
    every = n["expected_requests_every_pager"] / n["documents"]
    line = (
        f"Site: N = {n['documents']:,} documents, {n['files']:,} pages ({n['mb']} MB; each page "
        f"once is {n['floor_requests_per_doc']} requests per document, following every pager "
        f"link {every:.2f})"
    )
    return line + (
        f"; 2N = {big['documents']:,} documents, {big['files']:,} pages." if big else "."
    )


def markdown(results):
    m, fig, stages = results["machine"], results["figures"], results["config"]["stages"]
    load = {k: ", ".join(f"{x:.2f}" for x in results[k]) for k in ("load_at_start", "load_at_end")}
    lines = [
        f"**Stages {', '.join(stages)}**: run of {results['date']} (`{results['command']}`; "
        f"{results['config']['runs']} run(s), medians; {results['total_s']:,} s in all; "
        f"commit {results.get('commit', '?')}), "
        f"results in `bench/results/{results['stamp']}.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}, Python "
        f"{m['python']}, Scrapy {m['scrapy']}, Twisted {m['twisted']}, lxml {m['lxml']}, pymongo "
        f"{m['pymongo']}, nginx {m['nginx']}, {results['mongo_server']}. Load average (1, 5, 15 "
        f"min) at start {load['load_at_start']}, at end {load['load_at_end']}.",
        "",
    ]
    if results["runs"]:
        lines += [site_line(results), "", *crawl_table(results)]
    if fig.get("warc_overhead_pct") is not None:
        lines += [
            f"WARC: {num(fig['warc_overhead_pct'])} % on the full crawl's wall time "
            f"({num(fig.get('warc_cpu_overhead_pct'))} % on its CPU time), "
            f"{num(fig['warc_mb_per_1000_pages'])} MB per 1,000 pages.",
            "",
        ]
    if results.get("db"):
        lines += db_table(results["db"])
    measured = [t["line"] for t in results["targets"] if t["pass"] is not None]
    lines += ["Targets:", "", "```", *measured, "```", ""]
    if (results.get("profile") or {}).get("top_self"):
        lines += profile_table(results["profile"])
    return "\n".join(lines)


def update_markdown(path, section):
    """Put *section* between the markers of *path* (at its end without them)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("results", nargs="+", help="results files of python -m bench.run")
    parser.add_argument("--markdown", help="rewrite the results section of this file")
    args = parser.parse_args(argv)
    runs = [json.loads(Path(path).read_text(encoding="utf-8")) for path in args.results]
    section = "\n".join(markdown(results) for results in runs)
    if args.markdown:
        update_markdown(args.markdown, section)
    print(section)


if __name__ == "__main__":
    sys.exit(main())
