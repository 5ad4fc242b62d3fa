"""The benchmark keeps working: ``python -m bench.run`` at N = 200, one run,
without the profile and news-please, the database stage at small sizes,
against the test session's MongoDB (``make bench-smoke``; not in the default
suite).

Nothing here is about speed (the benchmark prints PASS/FAIL and never fails
on them): every stage completes, each crawl stores the whole generated site,
the results file has what the report is written from and names no directory
of this machine, and the report is rebuilt from that file alone.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.servers import Nginx

pytestmark = [
    pytest.mark.bench,
    pytest.mark.skipif(
        not Nginx.binary(),
        reason="nginx is not installed (make bench-smoke installs it when run as root)",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
CRAWLS = ("bare_n", "full_n", "full_2n")
METRICS = {
    "crawl_s",
    "requests",
    "stored",
    "requests_per_doc",
    "cpu_s",
    "peak_rss_mb",
    "server_cpu_s",
    "mongo_cpu_s",
}
FIGURES = {
    "requests_per_doc",
    "full_vs_bare_time",
    "time_2n_vs_n",
    "rss_2n_vs_n",
    "db_growth_first",
    "db_growth_recrawl",
}


def bench(module, *args, mongo_uri):
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, "MONGO_URI": mongo_uri},
        capture_output=True,
        text=True,
        timeout=1200,
    )


def test_benchmark_smoke(mongo_uri, tmp_path):
    results = tmp_path / "results"
    proc = bench(
        "bench.run",
        "--n",
        "200",
        "--stages",
        "bare,full,scale,warc,db",
        "--db-sizes",
        "100,300",
        "--work",
        str(tmp_path / "work"),
        "--results-dir",
        str(results),
        mongo_uri=mongo_uri,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]

    [path] = results.glob("*.json")
    text = path.read_text()
    assert str(tmp_path) not in text and str(ROOT) not in text  # no paths of this machine
    data = json.loads(text)
    assert data["broken"] == []
    assert data["sites"]["n"]["documents"] == 200 and data["sites"]["2n"]["documents"] == 400
    for crawl in CRAWLS:
        median = data["median"][crawl]
        assert median.keys() >= METRICS, (crawl, METRICS - median.keys())
        size = data["sites"][crawl.rsplit("_", 1)[1]]
        assert median["complete"] and median["stored"] == size["documents"], data["runs"][crawl]
    if data["config"]["warc_default"] is not None:  # the project writes WARC
        assert data["median"]["nowarc_n" if data["config"]["warc_default"] else "warc_n"]
        assert data["figures"]["warc_mb_per_1000_pages"] > 0
    assert data["figures"].keys() >= FIGURES
    assert data["figures"]["db_growth_first"] is not None, data["db"]
    for target in data["targets"]:
        if target["figure"] in FIGURES:  # measured at any size
            assert target["pass"] is not None, target
        if target["pass"] is not None:
            word = "PASS" if target["pass"] else "FAIL"
            assert target["line"].startswith(word) and target["line"] in proc.stdout

    # The report is built from the results file alone.
    again = bench("bench.report", str(path), mongo_uri=mongo_uri)
    assert again.returncode == 0 and again.stdout == proc.stdout
