"""``scrapy report``: the archive's coverage as one HTML file with charts.

``queries`` computes (pure functions over documents, one projected pass
over each collection), ``charts`` draws (matplotlib, SVG), ``html`` lays out
(a self-contained page: charts inline, a table beside each)."""

from __future__ import annotations

import time
from pathlib import Path

from newscrawl.report import charts, html, queries
from newscrawl.report.queries import UNDATED_REASONS, Report, not_stored_totals


def draw(report: Report) -> dict[str, str]:
    """Every chart of *report*, as SVG text by name."""
    wayback = {
        f"{c.id[-6:]} {metric}": {"n": n}
        for c in report.crawls
        if c.wayback
        for metric, n in list(c.wayback.items())[:4]
    }
    undated = {
        lang: {reason: c.get(reason, 0) for reason in UNDATED_REASONS}
        for lang, c in report.undated.items()
    }
    totals = not_stored_totals(report.crawls)
    return {
        "counts": charts.bars_chart(
            "Articles by edition and kind, by source", html.kinds_groups(report), charts.COLOURS
        ),
        "months": charts.months_chart(report.editions),
        "sections": charts.sections_chart(report.sections),
        "undated": charts.bars_chart("Articles without published_at, by reason", undated),
        "notstored": charts.bars_chart(
            "Seen by the crawls, not stored", {h: dict(c) for h, c in totals.items()}
        ),
        "versions": charts.bars_chart(
            "Articles by version",
            {f"version {v}": {"articles": n} for v, n in report.versions.by_version.items()},
        ),
        "wayback": charts.bars_chart("Wayback Machine: listed, chosen, replayed, stored", wayback)
        if wayback
        else "",
    }


def write(report: Report, out_dir: str | Path, name: str = "report") -> Path:
    """Write ``<out_dir>/<name>.html`` and its charts as
    ``<out_dir>/<name>-charts/*.svg``; return the HTML file's path."""
    out = Path(out_dir)
    chart_dir = out / f"{name}-charts"
    chart_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    svgs = draw(report)
    report.timings["charts"] = time.perf_counter() - started
    for chart, text in svgs.items():
        if text:
            (chart_dir / f"{chart}.svg").write_text(text, encoding="utf-8")
    page = out / f"{name}.html"
    page.write_text(html.render(report, svgs), encoding="utf-8")
    return page


def make(
    db, out_dir: str | Path, collection: str = "articles", crawl_id: str | None = None
) -> tuple[Path, Report]:
    """Read *db*, build the report (of one crawl with *crawl_id*) and write it."""
    started = time.perf_counter()
    articles, revisions, crawls, crawl = queries.load(db, collection, crawl_id)
    read = time.perf_counter() - started
    report = queries.build(db.name, articles, revisions, crawls, crawl)
    queries.fill_titles(report, db, collection)
    report.timings["read"] = read
    report.timings["compute"] = time.perf_counter() - started - read
    name = f"report-{crawl_id}" if crawl_id else "report"
    return write(report, out_dir, name), report
