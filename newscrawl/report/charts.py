"""The report's charts: matplotlib (Agg), written as SVG with the text as
paths, so that a chart needs no font and no network to show.

Persian and Arabic labels are shaped (arabic-reshaper joins the letters into
their contextual forms) and put in visual order (python-bidi), since
matplotlib draws text left to right, glyph by glyph. The font is
matplotlib's own DejaVu Sans, which has the Arabic and Persian letters and
their presentation forms.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import arabic_reshaper
from bidi.algorithm import get_display
from matplotlib import pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from newscrawl.report.queries import Timeline
from newscrawl.text.chars import INVISIBLE, ZWJ, ZWNJ

RC: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "path",
    "svg.hashsalt": "newscrawl-report",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = {
    "en": "#1f77b4",
    "fa": "#2ca02c",
    "ar": "#9467bd",
    "live": "#1f77b4",
    "wayback": "#ff7f0e",
    "warc": "#8c564b",
}
MISSING = "#d62728"  # a month with nothing
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Left out of a drawn label: the text's invisible marks (``text.chars``; the
# bidi algorithm chokes on isolates), before shaping; ZWNJ and ZWJ once their
# work is done, after it (DejaVu Sans would draw them as boxes).
INVISIBLE_MARKS = dict.fromkeys(map(ord, INVISIBLE))
JOINERS = dict.fromkeys(map(ord, ZWNJ + ZWJ))
SECTION_ROWS = 30  # sections in the heatmap (all of them are in the table)


def label(text: object) -> str:
    """*text* as matplotlib must draw it: Persian and Arabic shaped and in
    visual order, the rest as it is."""
    text = str(text)
    if not ARABIC_SCRIPT.search(text):
        return text
    shaped = arabic_reshaper.reshape(text.translate(INVISIBLE_MARKS))
    return get_display(shaped).translate(JOINERS)


def svg(fig: Figure) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def _figure(width: float, height: float, nrows: int = 1, **kwargs):
    with plt.rc_context(RC):
        return plt.subplots(nrows, 1, figsize=(width, height), squeeze=False, **kwargs)


def _tick_months(ax, months: Sequence[str]) -> None:
    step = max(1, len(months) // 24)
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=90, fontsize=7)


def empty_chart(title: str, text: str = "nothing to show") -> str:
    """A chart's place when there is nothing to draw (an empty archive)."""
    with plt.rc_context(RC):
        fig, axes = _figure(7, 1.2)
        ax = axes[0, 0]
        ax.axis("off")
        ax.set_title(title)
        ax.text(0.5, 0.4, text, ha="center", va="center", color="#777", transform=ax.transAxes)
        return svg(fig)


def months_chart(tl: Timeline) -> str:
    """Articles per month, one strip per edition; a month with nothing
    inside an edition's span is a red mark under its strip."""
    rows = [row for row in tl.rows if any(tl.rows[row])]
    if not tl.months or not rows:
        return empty_chart("Articles per month", "no article has a publication date")
    with plt.rc_context(RC):
        fig, axes = _figure(9, 1.2 + 1.4 * max(1, len(rows)), max(1, len(rows)), sharex=True)
        months = tl.months or ["-"]
        for ax, row in zip(axes[:, 0], rows or ["-"], strict=True):
            values = tl.rows.get(row, [0] * len(months)) or [0] * len(months)
            ax.bar(range(len(values)), values, color=COLOURS.get(row, "#555"), width=0.85)
            gaps = [months.index(m) for m in tl.missing.get(row, []) if m in months]
            if gaps:
                ax.scatter(
                    gaps,
                    [0] * len(gaps),
                    marker="|",
                    s=120,
                    color=MISSING,
                    zorder=3,
                    clip_on=False,
                    label="no article that month",
                )
                ax.legend(loc="upper left", fontsize=7, frameon=False)
            ax.set_ylabel(label(row), rotation=0, ha="right", va="center")
        _tick_months(axes[-1, 0], months)
        axes[0, 0].set_title("Articles per month (by publication date, Tehran time)")
        return svg(fig)


def sections_chart(tl: Timeline) -> str:
    """A heatmap: sections (the largest SECTION_ROWS) by month; red cells are
    months with nothing inside a section's span, grey is outside it."""
    import numpy as np

    ranked = [r for r in sorted(tl.rows, key=lambda r: -sum(tl.rows[r])) if sum(tl.rows[r])]
    ranked = ranked[:SECTION_ROWS]
    if not tl.months or not ranked:
        return empty_chart("Articles per month and section", "no article has a publication date")
    ranked.sort(key=lambda r: (str(r[0]), -sum(tl.rows[r])))
    months = tl.months or ["-"]
    grid = np.full((max(1, len(ranked)), len(months)), np.nan)
    for i, row in enumerate(ranked):
        values = tl.rows[row]
        nonzero = [j for j, v in enumerate(values) if v]
        if not nonzero:
            continue
        for j in range(nonzero[0], nonzero[-1] + 1):
            grid[i, j] = values[j]
    with plt.rc_context(RC):
        fig, axes = _figure(9, 1.5 + 0.28 * max(1, len(ranked)))
        ax = axes[0, 0]
        masked = np.ma.masked_invalid(grid)
        cmap = plt.get_cmap("Blues").with_extremes(bad="#f0f0f0")
        peak = max(1.0, float(np.nanmax(grid)) if ranked and not np.all(np.isnan(grid)) else 1.0)
        ax.imshow(
            np.ma.masked_where(masked == 0, masked),
            aspect="auto",
            cmap=cmap,
            vmin=-0.3 * peak,
            vmax=peak,
            interpolation="nearest",
        )
        zeros = np.ma.masked_where(~(grid == 0), np.ones_like(grid))
        ax.imshow(zeros, aspect="auto", cmap=ListedColormap([MISSING]), interpolation="nearest")
        ax.set_yticks(range(len(ranked)), [f"{row[0]}: {label(row[1])}" for row in ranked] or ["-"])
        _tick_months(ax, months)
        ax.set_title("Articles per month and section (red: a month with nothing)")
        return svg(fig)


def bars_chart(title: str, groups: dict[str, dict[str, int]], colours=None) -> str:
    """Horizontal bars, one per group, stacked by part."""
    parts = sorted({p for g in groups.values() for p, n in g.items() if n}, key=str)
    names = list(groups)
    if not parts:
        return empty_chart(title, "nothing recorded")
    with plt.rc_context(RC):
        fig, axes = _figure(7, 0.9 + 0.24 * max(1, len(names)))
        ax = axes[0, 0]
        left = [0] * len(names)
        for part in parts:
            values = [groups[n].get(part, 0) for n in names]
            ax.barh(
                range(len(names)),
                values,
                left=left,
                label=label(part),
                color=(colours or {}).get(part),
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(range(len(names)), [label(n) for n in names] or ["-"])
        ax.invert_yaxis()
        if parts:
            ax.legend(fontsize=7, frameon=False, loc="lower right")
        ax.set_title(title)
        return svg(fig)
