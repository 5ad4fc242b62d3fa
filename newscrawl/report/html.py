"""The report as one self-contained HTML file: every chart inline (an SVG in
a ``data:`` URL), the styles inline, no script; a plain table beside each
chart, and ``data-key`` attributes on the figures tests and scripts read."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from newscrawl.report.queries import (
    EDITIONS,
    KINDS,
    NOT_STORED,
    SOURCES,
    UNDATED_REASONS,
    Report,
    not_stored_totals,
)

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1rem auto;padding:0 1.5rem;max-width:1500px;color:#222}
p.overview{font-size:1.05rem}nav a{color:#1f5fa0}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-bottom:1px solid #ccc;margin-top:2.2rem}
section>div.pair{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:0;flex:1 1 560px;max-width:820px}figure img{width:100%;height:auto}
.table{flex:1 1 380px;max-height:36rem;overflow:auto}
table{border-collapse:collapse;font-size:13px}th,td{padding:2px 8px;border-bottom:1px solid #eee}
th{text-align:left;background:#fafafa;position:sticky;top:0}td.n{text-align:right}
td.missing{background:#fde0e0;color:#a00}p.note{color:#555;max-width:60rem}
"""


def img(svg_text: str, alt: str, name: str) -> str:
    data = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    return (
        f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}" '
        f'data-chart="{escape(name)}"></figure>'
    )


def cell(value: Any, key: str | None = None, cls: str | None = None) -> str:
    attrs = ""
    if key:
        attrs += f' data-key="{escape(key)}"'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cls = f"n {cls}" if cls else "n"
        text = f"{value:,}" if isinstance(value, int) else f"{value:.1%}"
    else:
        text = escape("" if value is None else str(value))
    if cls:
        attrs += f' class="{cls}"'
    return f'<td dir="auto"{attrs}>{text}</td>'


def table(head: Sequence[str], rows: Iterable[str], key: str) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (
        f'<div class="table"><table data-table="{escape(key)}"><thead><tr>{header}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def row(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def section(title: str, body: str, note: str = "", anchor: str = "") -> str:
    note = f'<p class="note">{note}</p>' if note else ""
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{note}{body}</section>'


def pair(chart: str, tbl: str) -> str:
    return f'<div class="pair">{chart}{tbl}</div>'


def render(report: Report, charts: dict[str, str]) -> str:
    r = report
    editions = ", ".join(
        f'{lang} <span data-key="edition-{lang}">'
        f"{sum(sum(c.values()) for (e, _), c in r.counts.items() if e == lang):,}</span>"
        for lang in EDITIONS
    )
    nav = " · ".join(
        f'<a href="#{anchor}">{escape(title)}</a>'
        for anchor, title in (
            ("months", "per month"),
            ("sections", "per section"),
            ("counts", "counts"),
            ("undated", "without date"),
            ("notstored", "not stored"),
            ("versions", "versions"),
            ("wayback", "Wayback"),
        )
    )
    parts = [
        f"<h1>newscrawl archive report: {escape(r.database)}, {escape(r.scope)}</h1>",
        f'<p class="overview"><span data-key="total">{r.total:,}</span> articles '
        f'({editions}); <span data-key="crawls">{len(r.crawls)}</span> crawls; '
        f"generated {when(r.generated_at)}</p><nav>{nav}</nav>",
    ]

    # Per month and edition.
    tl = r.editions
    columns = list(tl.rows)
    rows = [
        row(
            cell(m),
            *(
                cell(
                    tl.rows[e][i],
                    f"month-{e}-{m}",
                    "missing" if m in tl.missing.get(e, ()) else None,
                )
                for e in columns
            ),
        )
        for i, m in enumerate(tl.months)
    ]
    rows.append(
        row(cell("no date"), *(cell(tl.undated.get(e, 0), f"month-{e}-undated") for e in columns))
    )
    gaps = "; ".join(f"{e}: {len(tl.missing.get(e, []))} months with nothing" for e in columns)
    parts.append(
        section(
            "Articles per month and edition",
            pair(
                img(charts["months"], "articles per month and edition", "months"),
                table(["month", *columns], rows, "months"),
            ),
            note=(
                "By publication date on the site's calendar (Tehran time). A red mark, and a "
                "red cell, is a month with no article inside the edition's first and last "
                f"month: a hole in the archive or in the site. {escape(gaps)}."
            ),
            anchor="months",
        )
    )

    # Per section.
    tl = r.sections
    rows = []
    for (lang, name), values in sorted(tl.rows.items(), key=lambda kv: (kv[0][0], -sum(kv[1]))):
        dated = [m for m, v in zip(tl.months, values, strict=True) if v]
        missing = tl.missing.get((lang, name), [])
        rows.append(
            row(
                cell(lang),
                cell(name),
                cell(sum(values) + tl.undated.get((lang, name), 0), f"section-{lang}-{name}"),
                cell(dated[0] if dated else None),
                cell(dated[-1] if dated else None),
                cell(len(missing), cls="missing" if missing else None),
                cell(", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")),
            )
        )
    parts.append(
        section(
            "Articles per month and section",
            pair(
                img(charts["sections"], "articles per month and section", "sections"),
                table(
                    [
                        "edition",
                        "section",
                        "articles",
                        "first month",
                        "last month",
                        "months with nothing",
                        "which",
                    ],
                    rows,
                    "sections",
                ),
            ),
            note="The chart shows the largest sections; the table has all of them.",
            anchor="sections",
        )
    )

    # Counts by edition, kind and source.
    sources = list(SOURCES) + sorted({s for c in r.counts.values() for s in c} - set(SOURCES))
    rows = []
    for (lang, kind), c in r.counts.items():
        rows.append(
            row(
                cell(lang),
                cell(kind),
                *(cell(c.get(s, 0), f"count-{lang}-{kind}-{s}") for s in sources),
                cell(sum(c.values()), f"count-{lang}-{kind}"),
            )
        )
    parts.append(
        section(
            "Articles by edition, kind and source",
            pair(
                img(charts["counts"], "articles by edition, kind and source", "counts"),
                table(["edition", "kind", *sources, "total"], rows, "counts"),
            ),
            anchor="counts",
        )
    )

    # Undated.
    rows = []
    for lang, c in r.undated.items():
        total = c.get("total", 0)
        without = total - c.get("dated", 0)
        rows.append(
            row(
                cell(lang),
                cell(total),
                cell(without, f"undated-{lang}"),
                cell(without / total if total else 0.0),
                *(
                    cell(c.get(reason, 0), f"undated-{lang}-{i}")
                    for i, reason in enumerate(UNDATED_REASONS)
                ),
            )
        )
    parts.append(
        section(
            "Articles without published_at",
            pair(
                img(charts["undated"], "articles without a publication date, by reason", "undated"),
                table(
                    ["edition", "articles", "without date", "share", *UNDATED_REASONS],
                    rows,
                    "undated",
                ),
            ),
            note=(
                "The dates pipeline stores no reason on the document; the reason is read back "
                "from <code>published_raw</code>: empty (no date on the page), a relative time "
                "(“2 hours ago”), or a date the parsers did not understand."
            ),
            anchor="undated",
        )
    )

    # Seen but not stored.
    totals = not_stored_totals(r.crawls)
    rows = [
        row(cell(heading), cell(name), cell(n, f"notstored-{heading}-{name}"))
        for heading, c in totals.items()
        for name, n in sorted(c.items())
    ]
    crawl_rows = []
    for c in r.crawls:
        crawl_rows.append(
            row(
                cell(c.id),
                cell(c.source),
                cell(when(c.started_at)),
                cell(when(c.finished_at)),
                cell(c.finish_reason or "running"),
                *(
                    cell(c.counts.get(k, 0), f"crawl-{c.id}-{k}")
                    for k in ("scraped", "inserted", "updated", "unchanged", "errors", "spilled")
                ),
                *(
                    cell(", ".join(f"{k} {v}" for k, v in sorted(c.groups[h].items())) or "—")
                    for h, _ in NOT_STORED
                ),
            )
        )
    lacking = [c.id for c in r.crawls if not c.has_progress]
    note = (
        "From the <code>crawls</code> documents: the pipeline's counts, and the "
        "<code>progress</code> figures each crawl kept there (dropped items by reason, "
        "pages the crawl could not place by Drupal node type, HTTP errors by status, "
        "failures by kind, renders)."
    )
    if lacking:
        note += (
            f" {len(lacking)} crawl(s) have no <code>progress</code> figures (run before "
            "they were recorded): only their counts and drops are shown."
        )
    parts.append(
        section(
            "What the crawls saw but did not store",
            pair(
                img(charts["notstored"], "what the crawls saw but did not store", "notstored"),
                table(["what", "which", "n"], rows, "notstored"),
            )
            + table(
                [
                    "crawl",
                    "source",
                    "started",
                    "finished",
                    "finish reason",
                    "scraped",
                    "inserted",
                    "updated",
                    "unchanged",
                    "errors",
                    "spilled",
                    *(h for h, _ in NOT_STORED),
                ],
                crawl_rows,
                "crawls",
            ),
            note=note,
            anchor="notstored",
        )
    )

    # Versions.
    v = r.versions
    rows = [
        row(cell(version), cell(n, f"version-{version}")) for version, n in v.by_version.items()
    ]
    examples = []
    for ex in v.examples:
        revs = "".join(
            f"<li>v{rev['version']} (replaced {when(rev['replaced_at'])}): "
            f"<bdi>{escape(rev['title'] or '')}</bdi></li>"
            for rev in ex["revisions"]
        )
        examples.append(
            f'<li><a href="{escape(ex["url"])}">{escape(ex["url"])}</a>, now '
            f"v{ex['version']}: <bdi>{escape(ex['title'] or '')}</bdi>"
            f"<ul>{revs}</ul></li>"
        )
    example_html = (
        f"<h3>Examples</h3><ul>{''.join(examples)}</ul><p class=note>Every previous "
        "version: <code>db.revisions.find({url: URL}).sort({version: 1})</code></p>"
        if examples
        else "<p>No article changed between crawls.</p>"
    )
    parts.append(
        section(
            "Versions",
            pair(
                img(charts["versions"], "articles by version", "versions"),
                table(["version", "articles"], rows, "versions"),
            )
            + example_html,
            note=(
                f'<span data-key="changed">{v.changed:,}</span> of {v.articles:,} articles '
                f'changed between crawls; <span data-key="revisions">{v.revisions:,}</span> '
                "previous versions are kept in <code>revisions</code>."
            ),
            anchor="versions",
        )
    )

    # Wayback.
    wb = [c for c in r.crawls if c.wayback]
    if wb:
        head = list(wb[0].wayback)
        rows = [
            row(
                cell(c.id),
                cell(when(c.started_at)),
                *(cell(c.wayback[k], f"wayback-{c.id}-{k}") for k in head),
            )
            for c in wb
        ]
        body = pair(
            img(charts["wayback"], "Wayback Machine crawls", "wayback"),
            table(["crawl", "started", *head], rows, "wayback"),
        )
    else:
        body = "<p>No crawl of the Wayback Machine (<code>-a source=wayback</code>) yet.</p>"
    parts.append(
        section(
            "Wayback Machine crawls",
            body,
            note="Captures listed by the CDX API, pages chosen (the best capture "
            "of each), replays fetched, and articles stored.",
            anchor="wayback",
        )
    )

    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>newscrawl report: {escape(r.database)}</title><style>{STYLE}</style>"
        f"</head><body>{''.join(parts)}</body></html>\n"
    )


def kinds_groups(report: Report) -> dict[str, dict[str, int]]:
    return {
        f"{lang} {kind}": dict(c)
        for (lang, kind), c in report.counts.items()
        if lang in EDITIONS and kind in KINDS or sum(c.values())
    }
