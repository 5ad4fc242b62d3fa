"""``scrapy report``: the queries on documents built here, the charts' labels,
and the report of a replica crawl opened in a real browser."""

import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bson import ObjectId

from newscrawl.render import find_chromium
from newscrawl.report import charts, make, queries, write
from newscrawl.report.queries import UNDATED_REASONS

ROOT = Path(__file__).resolve().parent.parent


def art(
    lang="en",
    kind="article",
    when=None,
    source="live",
    section="Iran",
    raw="x",
    version=1,
    seen=None,
    url=None,
):
    seen = seen or datetime(2024, 1, 1, tzinfo=UTC)
    return {
        "url": url or f"u{id(object())}",
        "language": lang,
        "kind": kind,
        "source": source,
        "section": section,
        "published_at": when,
        "published_raw": raw if when else raw,
        "version": version,
        "first_seen_at": seen,
        "last_seen_at": seen,
    }


def test_missing_months_stand_out_per_edition():
    docs = [
        art(when=datetime(2020, 1, 5, tzinfo=UTC)),
        art(when=datetime(2020, 4, 2, tzinfo=UTC)),
        art("fa", when=datetime(2020, 2, 1, tzinfo=UTC)),
        art("fa", when=None, raw=""),
    ]
    tl = queries.per_edition(docs)
    assert tl.months == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert tl.rows["en"] == [1, 0, 0, 1] and tl.rows["fa"] == [0, 1, 0, 0]
    assert tl.missing == {"en": ["2020-02", "2020-03"], "fa": []}  # each edition's own span
    assert tl.undated == {"fa": 1}


def test_months_are_tehran_months():
    # A date-only value is 00:00 in Tehran: 20:30 UTC the day before.
    first_of_march = datetime(2020, 2, 29, 20, 30, tzinfo=UTC)
    assert queries.month_of(first_of_march) == "2020-03"


def test_sections_by_edition():
    docs = [art("fa", section="سیاست", when=datetime(2021, m, 1, tzinfo=UTC)) for m in (1, 3)]
    tl = queries.per_section(
        docs + [art("ar", section=None, when=datetime(2021, 2, 9, tzinfo=UTC))]
    )
    assert tl.rows[("fa", "سیاست")] == [1, 0, 1]
    assert tl.missing[("fa", "سیاست")] == ["2021-02"]
    assert tl.rows[("ar", "(none)")] == [0, 1, 0]


def test_counts_by_edition_kind_and_source():
    docs = [art(), art(source="wayback"), art("ar", "video", source="warc")]
    table = queries.counts(docs)
    assert table[("en", "article")] == Counter(live=1, wayback=1)
    assert table[("ar", "video")] == Counter(warc=1)
    assert table[("fa", "brief")] == Counter()  # every edition and kind, zeros included


def test_undated_by_reason():
    docs = [
        art(when=datetime(2020, 1, 1, tzinfo=UTC)),
        art(raw=None),
        art(raw="۲ ساعت پیش"),
        art(raw="someday soon"),
    ]
    row = queries.undated(docs)["en"]
    assert row["total"] == 4 and row["dated"] == 1
    assert [row[r] for r in UNDATED_REASONS] == [1, 1, 1]


def test_what_the_crawls_did_not_store_nested_or_flat():
    flat = {
        "_id": "a",
        "arguments": {"source": "live"},
        "counts": {"dropped": {"empty_body": 2}},
        "progress": {
            "http/404": 3,
            "unplaced/webform": 1,
            "pages/other": 1,
            "errors/timeout": 4,
            "render/failed": 1,
        },
    }
    nested = {
        **flat,
        "progress": {
            "http": {"404": 3},
            "unplaced": {"webform": 1},
            "pages": {"other": 1},
            "errors": {"timeout": 4},
            "render": {"failed": 1},
        },
    }
    for doc in (flat, nested):
        seen = queries.crawl_seen(doc)
        assert seen.groups["HTTP errors"] == {"404": 3}
        assert seen.groups["pages not placed"] == {"webform": 1}
        assert seen.groups["failures"] == {"timeout": 4}
        assert seen.groups["renders"] == {"failed": 1}
        assert seen.groups["dropped"] == {"empty_body": 2}


def test_wayback_crawl_figures():
    doc = {
        "_id": "w",
        "arguments": {"source": "wayback"},
        "counts": {"inserted": 5, "updated": 1, "unchanged": 2},
        "progress": {"wayback/captures_listed": 900, "wayback/urls": 10, "wayback/replays": 9},
    }
    w = queries.crawl_seen(doc).wayback
    assert (w["captures listed"], w["pages chosen"], w["replayed"], w["stored"]) == (900, 10, 9, 8)


def test_versions_and_examples():
    docs = [art(url="a", version=3), art(url="b", version=2), art(url="c")]
    revisions = [
        {"url": "a", "version": 1, "content": {"title": "Old"}},
        {"url": "a", "version": 2, "content": {"title": "Older?"}},
        {"url": "b", "version": 1, "content": {"title": "B"}},
    ]
    v = queries.versions(docs, revisions)
    assert (v.articles, v.changed, v.revisions) == (3, 2, 3)
    assert v.by_version == {1: 1, 2: 1, 3: 1}
    assert [e["url"] for e in v.examples] == ["a", "b"]
    assert [r["title"] for r in v.examples[0]["revisions"]] == ["Old", "Older?"]


def test_one_crawl_is_what_it_saw():
    start = datetime(2024, 5, 1, tzinfo=UTC)
    crawl = {"_id": "c1", "started_at": start, "finished_at": start + timedelta(hours=1)}
    docs = [art(seen=start + timedelta(minutes=5)), art(seen=start - timedelta(days=1))]
    report = queries.build("db", docs, [], [crawl], crawl)
    assert report.total == 1 and report.scope == "crawl c1"


def test_persian_and_arabic_labels_are_shaped_right_to_left():
    assert charts.label("Iran") == "Iran"
    shaped = charts.label("سیاست")
    # Joined letter forms (presentation forms), in visual order: the last
    # letter (ت, final form) comes first.
    assert all("\ufb50" <= ch <= "\ufeff" for ch in shaped)
    assert shaped[0] == "\ufe96" and len(shaped) == 5
    # ZWNJ keeps می and گوید apart (گ in its initial form), then is not drawn;
    # nor are bidi marks and isolates (which the bidi algorithm cannot take).
    apart = charts.label("می\u200cگوید")
    assert "\ufb94" in apart and apart != charts.label("میگوید") and len(apart) == 6
    assert charts.label("\u2067می\u200cگوید\u200f\u2069") == apart


def test_html_is_self_contained(tmp_path):
    docs = [art(when=datetime(2020, 1, 5, tzinfo=UTC)), art("fa", section="سیاست", raw="")]
    page = write(queries.build("db", docs, [], []), tmp_path)
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and 'src="http' not in text and "<link" not in text
    assert text.count('src="data:image/svg+xml;base64,') >= 6
    assert sorted(p.name for p in (tmp_path / "report-charts").iterdir())[:2] == [
        "counts.svg",
        "months.svg",
    ]


def test_an_empty_or_undated_archive_still_has_a_report(tmp_path):
    undated = [art("fa", section="سیاست", raw=None)]
    for docs in ([], undated):
        text = write(queries.build("db", docs, [], []), tmp_path).read_text("utf-8")
        assert f'data-key="total">{len(docs)}<' in text


def test_report_of_one_crawl_from_mongodb(mongo_db, tmp_path):
    start = datetime(2024, 5, 1, tzinfo=UTC)
    ours, earlier = ObjectId(), ObjectId()
    mongo_db.crawls.insert_many(
        [
            {
                "_id": earlier,
                "started_at": start - timedelta(days=7),
                "finished_at": start - timedelta(days=7) + timedelta(hours=1),
                "arguments": {},
                "counts": {"scraped": 1},
            },
            {
                "_id": ours,
                "started_at": start,
                "finished_at": start + timedelta(hours=1),
                "arguments": {},
                "counts": {"scraped": 2},
                "progress": {"http/404": 3},
            },
        ]
    )
    docs = [
        art(url="new", seen=start + timedelta(minutes=1)),
        art(url="old", seen=start - timedelta(days=7) + timedelta(minutes=1)),
    ]
    mongo_db.articles.insert_many([{"_id": d["url"], **d} for d in docs])
    path, one = make(mongo_db, tmp_path, crawl_id=str(ours))
    assert path.name == f"report-{ours}.html" and one.scope == f"crawl {ours}"
    assert one.total == 1 and [c.id for c in one.crawls] == [str(ours)]
    assert re.search(r'data-key="notstored-HTTP errors-404"[^>]*>3<', path.read_text("utf-8"))
    _, whole = make(mongo_db, tmp_path)
    assert whole.total == 2 and len(whole.crawls) == 2
    with pytest.raises(LookupError):
        make(mongo_db, tmp_path, crawl_id="no-such-crawl")


@pytest.mark.browser
def test_report_of_a_replica_crawl_in_a_browser(replica, mongo_db, mongo_uri, crawl, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = find_chromium("")
    if not chromium:
        pytest.skip("Chromium is not installed")
    for _ in range(2):  # two crawls: the report lists both
        result = crawl(replica.base_url, mongo_db.name, "-a", "render=never")
        assert result.returncode == 0, result
    out = tmp_path / "report"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "report",
            "-o",
            str(out),
            "-s",
            f"MONGO_URI={mongo_uri}",
            "-s",
            f"MONGO_DATABASE={mongo_db.name}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    page_path = out / "report.html"
    assert page_path.exists(), run.stdout
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri())
        images = page.evaluate(
            "[...document.images].map(i => [i.dataset.chart, i.complete, i.naturalWidth])"
        )
        figures = {
            el.get_attribute("data-key"): el.inner_text()
            for el in page.query_selector_all("[data-key]")
        }
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"\nreport: {page_path}\nscreenshot: {shot}")
    assert not errors
    assert len(images) >= 6 and all(done and width > 0 for _, done, width in images), images

    def number(key):
        return int(figures[key].replace(",", ""))

    articles = mongo_db.articles
    assert number("total") == articles.count_documents({})
    assert number("crawls") == mongo_db.crawls.count_documents({}) == 2
    for lang in ("en", "fa", "ar"):
        assert number(f"edition-{lang}") == articles.count_documents({"language": lang})
        for kind in ("article", "brief", "video"):
            for source in ("live", "wayback"):
                stored = articles.count_documents(
                    {"language": lang, "kind": kind, "source": source}
                )
                assert number(f"count-{lang}-{kind}-{source}") == stored
        assert number(f"undated-{lang}") == articles.count_documents(
            {"language": lang, "published_at": None}
        )
    for doc in articles.find({"published_at": {"$ne": None}}, {"language": 1, "published_at": 1}):
        assert f"month-{doc['language']}-{queries.month_of(doc['published_at'])}" in figures
    crawl_id = str(mongo_db.crawls.find_one(sort=[("started_at", -1)])["_id"])
    assert number(f"crawl-{crawl_id}-unchanged") == articles.count_documents({})
    assert number("changed") == articles.count_documents({"version": {"$gt": 1}})
    # What the crawls saw and did not store: the figures of their crawls documents.
    statuses = Counter()
    for doc in mongo_db.crawls.find():
        for key, n in (doc.get("progress") or {}).items():
            if key.startswith("http/"):
                statuses[key[len("http/") :]] += n
    for status, n in statuses.items():
        assert number(f"notstored-HTTP errors-{status}") == n
