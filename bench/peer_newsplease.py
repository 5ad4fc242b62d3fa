"""The peer: news-please (https://github.com/fhamborg/news-please) on the
same replica, in its own virtual environment, with its recursive crawler and
its default pipelines (extraction with newspaper4k/readability/date and
language detection, then HTML and JSON file storage).

Only what a fair comparison needs is changed in its default configuration:
``RecursiveCrawler`` as the crawler, the working directory, and the same
concurrency as our crawl (16 requests, 16 per host, no delay). Its other
defaults stay (robots.txt obeyed, its heuristics deciding what is an
article, its on-disk JOBDIR queue for resuming).

The crawler process is news-please's own ``single_crawler.py`` (what the
``news-please`` command starts for each site, without the command's 10 s
polling loop around it).

news-please takes the allowed domain from the start URL with its port
(``127.0.0.1:18501``), which Scrapy's offsite filter ignores, so every link
is dropped as offsite: the site must be served without a port, on
``http://127.0.0.1`` (port 80). It also stores the brief block's ``?page=1``
copy of each article as another article: ``items`` counts the distinct
documents of the site it stored (``files`` the JSON files it wrote).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.process import run_process

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-newsplease"
PIN = "news-please==1.6.16"
STAT_RE = r"'{name}': ([0-9.]+)"


def _python(venv):
    return Path(venv) / "bin" / "python"


def installed(venv=VENV):
    """news-please's package directory and version, or None."""
    python = _python(venv)
    if not python.exists():
        return None
    out = subprocess.run(
        [
            str(python),
            "-c",
            "import os, importlib.metadata as m, newsplease; "
            "print(os.path.dirname(newsplease.__file__)); print(m.version('news-please'))",
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        return None
    directory, version = out.stdout.split()
    return {"package": directory, "version": version}


def ensure_installed(venv=VENV, log=None):
    """Install news-please from PyPI into *venv* once; returns ``installed()``
    or raises RuntimeError with pip's last lines."""
    found = installed(venv)
    if found:
        return found
    python = _python(venv)
    if not python.exists():
        base = (
            sys.executable
            if sys.prefix == sys.base_prefix
            else os.path.join(
                sys.base_prefix, "bin", f"python{sys.version_info.major}.{sys.version_info.minor}"
            )
        )
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
    print(f"bench: installing {PIN} into {venv} (once)", file=sys.stderr, flush=True)
    out = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIN],
        capture_output=True,
        text=True,
    )
    if log is not None:
        Path(log).write_text(out.stdout + out.stderr)
    found = installed(venv)
    if out.returncode != 0 or not found:
        raise RuntimeError("pip install news-please failed: " + (out.stderr or out.stdout)[-1500:])
    return found


def prepare(package, work, base_url, concurrency=16):
    """Config file and site list for one crawl of *base_url* in *work*."""
    work = Path(work)
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    (work / "config").mkdir(parents=True)
    text = (Path(package) / "config" / "config.cfg").read_text(encoding="utf-8")
    replacements = (
        (r"(?m)^default = \w+$", "default = RecursiveCrawler"),
        (r"(?m)^working_path = .*$", f"working_path = {work}/"),
        (r"(?m)^CONCURRENT_REQUESTS=\d+$", f"CONCURRENT_REQUESTS={concurrency}"),
        (
            r"(?m)^CONCURRENT_REQUESTS_PER_DOMAIN=\d+$",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
        ),
        (
            r"(?m)^\[Scrapy\]$",
            "[Scrapy]\nDOWNLOAD_DELAY=0\nAUTOTHROTTLE_ENABLED=False\nTELNETCONSOLE_ENABLED=False",
        ),
    )
    for pattern, value in replacements:
        text, count = re.subn(pattern, value, text)
        if not count:
            raise RuntimeError(f"news-please's config.cfg has no line matching {pattern!r}")
    cfg = work / "config" / "config.cfg"
    cfg.write_text(text, encoding="utf-8")
    sites = work / "config" / "sitelist.hjson"
    sites.write_text(
        json.dumps(
            {"base_urls": [{"url": base_url.rstrip("/") + "/", "crawler": "RecursiveCrawler"}]},
            indent=2,
        )
    )
    return cfg, sites


def _stat(log_text, name):
    found = re.findall(STAT_RE.format(name=re.escape(name)), log_text)
    return float(found[-1]) if found else None


def stored_documents(data_dir, docs):
    """(distinct documents of *docs* among the stored articles, JSON files)."""
    found, files = set(), 0
    for path in Path(data_dir).rglob("*.json") if Path(data_dir).exists() else ():
        files += 1
        try:
            url = json.loads(path.read_text(encoding="utf-8")).get("url") or ""
        except (OSError, ValueError):
            continue
        document = unquote(urlsplit(url).path).rstrip("/") or "/"
        if document in docs:
            found.add(document)
    return len(found), files


def crawl(package, venv, work, base_url, timeout, docs, concurrency=16):
    """One news-please crawl; returns its measurements. Stopped with SIGINT
    (Scrapy's graceful stop) after *timeout* seconds: the rates then cover
    what it did until then."""
    cfg, sites = prepare(package, work, base_url, concurrency)
    log_path = Path(work) / "newsplease.log"
    command = [
        str(_python(venv)),
        str(Path(package) / "single_crawler.py"),
        str(cfg),
        str(sites),
        "0",
        "False",
        "False",
    ]
    returncode, wall, usage, stopped = run_process(
        command, log_path, timeout=timeout, cwd=work, graceful=True
    )
    text = log_path.read_text(errors="replace")
    articles, files = stored_documents(Path(work) / "data", docs)
    elapsed = _stat(text, "elapsed_time_seconds") or wall
    pages = _stat(text, "response_received_count") or 0
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "returncode": returncode,
        "stopped_at_timeout": stopped,
        "wall_s": round(wall, 2),
        "crawl_s": round(elapsed, 2),
        "pages": int(pages),
        "items": articles,
        "files": files,
        "pages_per_s": round(pages / elapsed, 2) if elapsed else None,
        "articles_per_s": round(articles / elapsed, 2) if elapsed else None,
        "cpu_s": round(cpu, 2),
        "cpu_s_per_1000_articles": round(1000 * cpu / articles, 1) if articles else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "log": str(log_path),
    }
