"""Fixtures: a real MongoDB-wire server, the replica site, and a crawl runner.

The server is ``MONGO_URI`` when set, else a FerretDB (SQLite backend) started
for the session by ``scripts/ferretdb.sh`` on a free loopback port.
"""

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pymongo
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(config, items):
    """Mark tests by what they need, from the fixtures they use: ``db`` (a
    MongoDB-wire server) and ``e2e`` (a real crawl or the replica server), so
    that ``pytest -m "not (db or e2e or browser or deploy)"`` is the fast loop."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "mongo_uri" in names:
            item.add_marker(pytest.mark.db)
        if names & {"crawl", "replica"}:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    build = subprocess.run([ROOT / "scripts/ferretdb.sh", "build"], capture_output=True, text=True)
    if build.returncode != 0:
        reason = (build.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(
            f"no MongoDB-wire server: MONGO_URI is not set and FerretDB cannot be built ({reason})"
        )
    data = tmp_path_factory.mktemp("ferretdb")
    port = free_port()
    subprocess.run([ROOT / "scripts/ferretdb.sh", "start", str(data), str(port)], check=True)
    try:
        yield f"mongodb://127.0.0.1:{port}/"
    finally:
        subprocess.run([ROOT / "scripts/ferretdb.sh", "stop", str(data)], check=False)


def fresh_database(mongo_uri):
    """A new, empty database (a generator: dropped when closed)."""
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def mongo_db(mongo_uri):
    """A fresh database for one test."""
    yield from fresh_database(mongo_uri)


@pytest.fixture(scope="module")
def module_db(mongo_uri):
    """A fresh database shared by the tests of one module."""
    yield from fresh_database(mongo_uri)


@pytest.fixture(scope="session")
def replica():
    from tests.replica.server import start

    server = start()
    yield server
    server.stop()


class CrawlResult:
    def __init__(self, returncode, log, stats):
        self.returncode, self.log, self.stats = returncode, log, stats

    def __repr__(self):
        return f"<crawl rc={self.returncode} stats={self.stats}>\n{self.log[-4000:]}"


class RunningCrawl:
    """A ``scrapy crawl`` process started in the background."""

    def __init__(self, command, env, stats_file):
        self.stats_file = stats_file
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def wait(self, timeout=600):
        _, log = self.proc.communicate(timeout=timeout)
        stats = json.loads(self.stats_file.read_text()) if self.stats_file.exists() else {}
        return CrawlResult(self.proc.returncode, log, stats)


@pytest.fixture(scope="session")
def crawl(mongo_uri, tmp_path_factory):
    """Run the real ``scrapy crawl oldsite`` command; returns a CrawlResult.
    ``crawl.start(...)`` starts it in the background instead (a RunningCrawl)."""

    def start(base_url, database, *args, settings=None, env=None):
        stats_file = tmp_path_factory.mktemp("crawl") / "stats.json"
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "oldsite",
            "-a",
            f"base_url={base_url}",
            *args,
        ]
        options = {
            "MONGO_DATABASE": database,
            "STATS_FILE": str(stats_file),
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "False",
            "LOG_LEVEL": "INFO",
            "WARC_DIR": str(stats_file.parent / "warc"),  # each crawl its own, unless told
            **(settings or {}),
        }
        for name, value in options.items():
            command += ["-s", f"{name}={value}"]
        environ = {**os.environ, "MONGO_URI": mongo_uri, **(env or {})}
        return RunningCrawl(command, environ, stats_file)

    def run(*args, **kwargs):
        return start(*args, **kwargs).wait()

    run.start = start
    return run
