"""The benchmark keeps working: ``python -m bench.run`` at N = 200, one run,
without news-please and the profile, against the test session's MongoDB.

Nothing here is about speed (the benchmark prints its PASS/FAIL lines and
never fails on them); it checks that every stage completes, that each crawl
got the whole generated site, and that the results file has the keys
BENCHMARKS.md and the report are written from.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent

TOP_KEYS = {"date", "command", "config", "machine", "site", "site_2n", "server", "server_check",
            "mongo_server", "runs", "median", "ratios", "targets", "mongo", "total_s", "broken"}
CRAWLS = ("bare_n", "full_n", "nodb_n", "full_2n")
METRICS = {"crawl_s", "wall_s", "pages", "items", "pages_per_s", "articles_per_s", "cpu_s",
           "cpu_s_per_1000_articles", "peak_rss_mb", "server_cpu_s", "mongo_cpu_s"}
RATIOS = {"full_vs_bare_pages_per_s", "time_2n_vs_n", "peak_rss_2n_vs_n", "mongo_batched_vs_per_item",
          "server_vs_bare_pages_per_s", "server_vs_full_pages_per_s"}


def test_benchmark_smoke(mongo_uri, tmp_path):
    results = tmp_path / "results"
    command = [sys.executable, "-m", "bench.run", "--n", "200", "--runs", "1", "--no-peer",
               "--no-profile", "--mongo-docs", "100", "--work", str(tmp_path / "work"),
               "--results-dir", str(results)]
    proc = subprocess.run(command, cwd=ROOT, env={**os.environ, "MONGO_URI": mongo_uri},
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]

    files = sorted(results.glob("*.json"))
    assert len(files) == 1, files
    data = json.loads(files[0].read_text())
    assert TOP_KEYS <= data.keys(), TOP_KEYS - data.keys()
    assert data["broken"] == []
    assert data["site"]["documents"] == 200 and data["site_2n"]["documents"] == 400
    for crawl in CRAWLS:
        median = data["median"][crawl]
        assert METRICS <= median.keys(), (crawl, METRICS - median.keys())
        assert median["runs"] == 1
        assert median["complete"], (crawl, data["runs"][crawl])
    assert RATIOS <= data["ratios"].keys(), RATIOS - data["ratios"].keys()
    assert {"pipeline", "driver"} == data["mongo"]["median"].keys()
    assert [t["line"].split()[0] for t in data["targets"]][:4] == [
        "PASS" if t["pass"] else "FAIL" for t in data["targets"][:4]]
    assert data["targets"][4]["line"].startswith("SKIP")  # news-please was not run
    assert (results / files[0].with_suffix(".md").name).exists()
    assert "PASS" in proc.stdout or "FAIL" in proc.stdout
