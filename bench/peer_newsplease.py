"""The peer (``python -m bench.run --peer``): news-please
(https://github.com/fhamborg/news-please) on the same site, in its own
virtualenv, with its ``RecursiveCrawler`` and its default pipelines
(newspaper4k, readability, date and language detection; HTML and JSON files).

Only what a fair comparison needs is changed in its configuration: the
crawler, the working directory, the same concurrency as our crawl and no
delay; robots.txt, its article heuristics and its JOBDIR queue stay. The
process is its own ``single_crawler.py`` (what the ``news-please`` command
starts for each site, without the command's polling loop).

news-please takes the allowed domain with its port from the start URL, which
Scrapy's offsite filter then ignores (every link is dropped): the site must
be served on ``http://127.0.0.1`` (port 80). It stores the brief block's
``?page=1`` copy of an article as another article: ``items`` counts the
distinct documents of the site among its JSON files.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.process import run_process

VENV = Path(__file__).resolve().parent / ".venv-newsplease"
PIN = "news-please==1.6.16"
PROBE = (
    "import os, importlib.metadata as m, newsplease; print(os.path.dirname(newsplease.__file__))"
)
SETTINGS = "[Scrapy]\nDOWNLOAD_DELAY=0\nAUTOTHROTTLE_ENABLED=False\nTELNETCONSOLE_ENABLED=False"


def ensure_installed(venv=VENV, log=None):
    """news-please's package directory, installed from PyPI into *venv* the
    first time; RuntimeError with pip's last lines when that fails."""
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, check=False)
    if probe.returncode == 0:
        return probe.stdout.strip()
    print(f"bench: installing {PIN} into {venv} (once)", file=sys.stderr, flush=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIN]
    out = subprocess.run(pip, capture_output=True, text=True, check=False)
    if log is not None:
        Path(log).write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        raise RuntimeError("pip install news-please failed: " + (out.stderr or out.stdout)[-1500:])
    return ensure_installed(venv, log)


def prepare(package, work, base_url, concurrency=16):
    """Config file and site list for one crawl of *base_url* in *work*."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "config").mkdir(parents=True)
    text = (Path(package) / "config" / "config.cfg").read_text(encoding="utf-8")
    for pattern, value in (
        (r"^default = \w+$", "default = RecursiveCrawler"),
        (r"^working_path = .*$", f"working_path = {work}/"),
        (r"^CONCURRENT_REQUESTS=\d+$", f"CONCURRENT_REQUESTS={concurrency}"),
        (r"^CONCURRENT_REQUESTS_PER_DOMAIN=\d+$", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"),
        (r"^\[Scrapy\]$", SETTINGS),
    ):
        text, count = re.subn(pattern, value, text, flags=re.M)
        if not count:
            raise RuntimeError(f"news-please's config.cfg has no line matching {pattern!r}")
    (cfg := work / "config" / "config.cfg").write_text(text, encoding="utf-8")
    sites = {"base_urls": [{"url": base_url.rstrip("/") + "/", "crawler": "RecursiveCrawler"}]}
    (site_list := work / "config" / "sitelist.hjson").write_text(json.dumps(sites))
    return cfg, site_list


def stored_documents(data_dir, docs):
    """(distinct documents of *docs* among the stored articles, JSON files)."""
    found, files = set(), list(Path(data_dir).rglob("*.json"))
    for path in files:
        try:
            url = json.loads(path.read_text(encoding="utf-8")).get("url") or ""
        except (OSError, ValueError):
            continue
        found.add(unquote(urlsplit(url).path).rstrip("/") or "/")
    return len(found & docs), len(files)


def crawl(package, work, base_url, timeout, docs, concurrency=16):
    """One news-please crawl, stopped with SIGINT (Scrapy's graceful stop)
    after *timeout* seconds: its figures then cover what it did until then."""
    cfg, sites = prepare(package, Path(work), base_url, concurrency)
    log_path = Path(work) / "newsplease.log"
    command = [VENV / "bin" / "python", Path(package) / "single_crawler.py", cfg, sites]
    code, wall, usage, stopped = run_process(
        [*map(str, command), "0", "False", "False"], log_path, None, timeout, work, graceful=True
    )
    text = log_path.read_text(errors="replace")
    stats = dict(re.findall(r"'(elapsed_time_seconds|response_received_count)': ([0-9.]+)", text))
    items, files = stored_documents(Path(work) / "data", docs)
    elapsed = float(stats.get("elapsed_time_seconds") or wall)
    return {
        "returncode": code,
        "stopped_at_timeout": stopped,
        "wall_s": round(wall, 2),
        "crawl_s": round(elapsed, 2),
        "pages": int(float(stats.get("response_received_count", 0))),
        "items": items,
        "files": files,
        "docs_per_s": round(items / elapsed, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "log": str(log_path),
    }
