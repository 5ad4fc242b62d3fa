"""Article-body quality of ``newscrawl.extract`` against plain trafilatura.

    python -m bench.extract_eval DIR [--truth FILE] [--repeat N] [--pages]

*DIR* holds one HTML page per id (``<id>.html`` or ``<id>.html.gz``) and a
ground truth ``ground-truth.json`` of the public article-extraction
benchmark's shape: ``{"<id>": {"articleBody": "..."}}``. For each page the
project's body (``extract()`` followed by the clean pipeline's text rules)
and ``trafilatura.extract()`` with its default options are scored with
token-level precision and recall (bags of ``\\w+`` tokens, case folded);
the table gives their means over the pages, F1 of those means, and the time
per page (each page's best of ``--repeat`` interleaved runs). ``--pages`` also lists each page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str | None) -> Counter:
    return Counter(_TOKEN_RE.findall((text or "").casefold()))


def precision_recall(expected: str, found: str | None) -> tuple[float, float]:
    """Token precision and recall of *found* against *expected* (both 1.0 when
    both are empty)."""
    truth, got = tokens(expected), tokens(found)
    common = sum((truth & got).values())
    precision = common / sum(got.values()) if got else float(not truth)
    recall = common / sum(truth.values()) if truth else float(not got)
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Page:
    id: str
    html: bytes
    expected: str


def load(directory: Path, truth: Path | None = None) -> list[Page]:
    truth = truth or directory / "ground-truth.json"
    expected = json.loads(truth.read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(expected.items()):
        plain, packed = directory / f"{page_id}.html", directory / f"{page_id}.html.gz"
        if plain.exists():
            html = plain.read_bytes()
        elif packed.exists():
            html = gzip.decompress(packed.read_bytes())
        else:
            print(f"{page_id}: no {plain.name} or {packed.name}, skipped", file=sys.stderr)
            continue
        pages.append(Page(page_id, html, item.get("articleBody") or ""))
    return pages


def _language(html: bytes) -> str:
    match = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", html[:4000])
    language = match.group(1).decode().lower() if match else "en"
    return language if language in ("fa", "ar") else "en"


def newscrawl_body(page: Page) -> str:
    """The body the crawl would store: extract(), then the clean pipeline's rules."""
    from scrapy.http import HtmlResponse, Request

    from newscrawl.extract import extract
    from newscrawl.text.normalize import normalize_body

    url = f"https://example.org/{page.id}"
    response = HtmlResponse(url, body=page.html, request=Request(url))
    fields = extract(response)
    return normalize_body(
        fields.get("body") or [], _language(page.html), captions=fields.get("captions") or []
    )


def trafilatura_body(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html.decode("utf-8", "replace")) or ""


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "newscrawl (extract + clean)": newscrawl_body,
    "trafilatura extract()": trafilatura_body,
}


@dataclass
class Result:
    name: str
    scores: dict[str, tuple[float, float]]
    times: dict[str, float]  # seconds per page, best run

    @property
    def seconds(self) -> float:
        return sum(self.times.values())

    @property
    def precision(self) -> float:
        return sum(p for p, _ in self.scores.values()) / max(len(self.scores), 1)

    @property
    def recall(self) -> float:
        return sum(r for _, r in self.scores.values()) / max(len(self.scores), 1)


def evaluate(
    pages: list[Page], systems: Iterable[str] = tuple(SYSTEMS), repeat: int = 1
) -> list[Result]:
    """Score and time each system. Runs are interleaved (each page by every
    system in turn) and each page's time is its best over *repeat* runs, so
    that load from elsewhere on the machine weighs on all systems alike."""
    names = list(systems)
    for name in names:
        SYSTEMS[name](pages[0])  # imports and lazy setup outside the clock
    best = {name: {page.id: float("inf") for page in pages} for name in names}
    bodies: dict[str, dict[str, str]] = {name: {} for name in names}
    for _ in range(max(repeat, 1)):
        for page in pages:
            for name in names:
                start = time.perf_counter()
                bodies[name][page.id] = SYSTEMS[name](page)
                elapsed = time.perf_counter() - start
                best[name][page.id] = min(best[name][page.id], elapsed)
    return [
        Result(
            name,
            {page.id: precision_recall(page.expected, bodies[name][page.id]) for page in pages},
            best[name],
        )
        for name in names
    ]


def table(results: list[Result], pages: int) -> str:
    lines = ["| | precision | recall | F1 | time per page |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(
            f"| {r.name} | {r.precision:.3f} | {r.recall:.3f} | "
            f"**{f1(r.precision, r.recall):.3f}** | {1000 * r.seconds / pages:.1f} ms |"
        )
    return "\n".join(lines)


def page_table(results: list[Result]) -> str:
    header = "| page | " + " | ".join(f"{r.name} P / R, time" for r in results) + " |"
    lines = [header, "| --- |" + " --- |" * len(results)]
    for page_id in results[0].scores:
        cells = [
            f"{r.scores[page_id][0]:.2f} / {r.scores[page_id][1]:.2f}, "
            f"{1000 * r.times[page_id]:.1f} ms"
            for r in results
        ]
        lines.append(f"| {page_id} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument(
        "--truth", type=Path, help="ground truth JSON (default: DIR/ground-truth.json)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--pages", action="store_true", help="also print each page's scores")
    args = parser.parse_args(argv)
    pages = load(args.directory, args.truth)
    if not pages:
        parser.error(f"no pages with ground truth in {args.directory}")
    results = evaluate(pages, repeat=args.repeat)
    print(f"{len(pages)} pages\n\n{table(results, len(pages))}")
    if args.pages:
        print("\n" + page_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
