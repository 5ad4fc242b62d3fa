"""MongoDB going away: a short outage is ridden out with retries; a long one
ends the crawl with every item either stored or in a spill file, and
``scrapy loadspill`` completes the archive. Each test runs its own FerretDB,
so it can be stopped without disturbing the others."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pymongo
import pytest

from newscrawl import spill
from tests.conftest import ROOT, free_port
from tests.replica.site import EXPECTED_DOCS
from tests.test_mongo_pipeline import article, make_pipeline, stat

FERRETDB = ROOT / "scripts/ferretdb.sh"
SECRET = "0utage-Pa55-e41c"


class Server:
    """A FerretDB of our own that can be stopped and started again."""

    def __init__(self, data):
        self.data, self.port = data, free_port()
        self.uri = f"mongodb://127.0.0.1:{self.port}/"

    def start(self):
        subprocess.run(
            [FERRETDB, "start", str(self.data), str(self.port)], check=True, capture_output=True
        )

    def crash(self):
        """Kill the server outright: a SIGTERM'd FerretDB keeps serving the
        connections it has until they close, a crashed one does not."""
        pidfile = self.data / "ferretdb.pid"
        os.kill(int(pidfile.read_text()), signal.SIGKILL)
        pidfile.unlink()
        self.wait_until_gone()

    def stop(self):
        subprocess.run([FERRETDB, "stop", str(self.data)], check=True)
        self.wait_until_gone()

    def wait_until_gone(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=200).admin.command("ping")
            except pymongo.errors.PyMongoError:
                return
            time.sleep(0.1)


@pytest.fixture
def server(tmp_path):
    if subprocess.run([FERRETDB, "build"], capture_output=True).returncode != 0:
        pytest.skip("FerretDB cannot be built here (no Go): the outage tests need their own server")
    srv = Server(tmp_path / "ferretdb")
    srv.start()
    yield srv
    srv.stop()


def test_a_short_outage_is_retried_and_loses_nothing(server, tmp_path):
    db = pymongo.MongoClient(server.uri, tz_aware=True)["blip"]
    pipe = make_pipeline(
        server.uri,
        db,
        tmp_path,
        MONGO_CONNECT_TIMEOUT=0.5,
        MONGO_RETRY_TIMES=10,
        MONGO_RETRY_DELAY=0.2,
    )

    async def go():
        await pipe.open_spider()
        for n in range(5):
            await pipe.process_item(article(n))
        await pipe.flush()
        for n in range(5, 10):
            await pipe.process_item(article(n))
        server.crash()
        restart = asyncio.get_running_loop().run_in_executor(
            None, lambda: (time.sleep(1.5), server.start())
        )
        await pipe.flush()  # retries until the server is back
        await restart
        await pipe.close_spider()
        await pipe.client.close()

    asyncio.run(go())
    assert stat(pipe, "mongo/retries") >= 1
    assert stat(pipe, "mongo/inserted") == 10 and stat(pipe, "mongo/spilled") == 0
    assert db.articles.count_documents({}) == 10
    assert pipe.spill.path is None


def loadspill(uri, path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "loadspill", str(path)],
        cwd=ROOT,
        env={**os.environ, "MONGO_URI": uri},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_a_long_outage_spills_and_loadspill_completes_the_archive(server, replica, crawl, tmp_path):
    # A password in the URI: it must show nowhere (FerretDB v1 takes PLAIN).
    uri = f"mongodb://archiver:{SECRET}@127.0.0.1:{server.port}/?authMechanism=PLAIN"
    db = pymongo.MongoClient(server.uri, tz_aware=True, serverSelectionTimeoutMS=500)["outage"]
    spill_dir = tmp_path / "spill"
    results = []
    slow_and_fragile = {
        "DOWNLOAD_DELAY": "0.1",
        "MONGO_BATCH_SIZE": "2",
        "MONGO_FLUSH_INTERVAL": "0.5",
        "MONGO_CONNECT_TIMEOUT": "1",
        "MONGO_RETRY_TIMES": "2",
        "MONGO_RETRY_DELAY": "0.2",
        "MONGO_SPILL_DIR": str(spill_dir),
    }
    thread = threading.Thread(
        target=lambda: results.append(
            crawl(replica.base_url, db.name, settings=slow_and_fragile, env={"MONGO_URI": uri})
        )
    )
    thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and thread.is_alive():
        try:
            if db.articles.count_documents({}) >= 6:
                break
        except pymongo.errors.PyMongoError:
            pass
        time.sleep(0.1)
    server.crash()
    thread.join(120)
    (result,) = results

    assert result.returncode != 0, result
    assert result.stats["finish_reason"] == "mongo_unavailable", result
    spilled, scraped = result.stats["mongo/spilled"], result.stats["item_scraped_count"]
    assert 0 < scraped < len(EXPECTED_DOCS), result
    (path,) = spill_dir.glob("*.jsonl")
    assert f"scrapy loadspill {path}" in result.log
    assert SECRET not in result.log + str(result.stats) + path.read_text()

    server.start()
    stored = {d["url"] for d in db.articles.find({}, {"url": 1})}
    records = [r for _, r in spill.read(path)]
    in_file = {r["document"]["url"] for r in records if r["type"] == "article"}
    assert len(in_file) == spilled
    # Every item the crawl produced is in MongoDB or in the file.
    assert len(stored | in_file) == scraped
    print(f"\noutage: {scraped} items scraped, {len(stored)} in MongoDB, {spilled} spilled")

    status, output = loadspill(uri, path)
    assert status == 0, output
    assert SECRET not in output
    assert db.articles.count_documents({}) == scraped
    loaded = {d["url"]: d for d in db.articles.find()}
    status, output = loadspill(uri, path)
    assert status == 0, output
    assert f"0 inserted, 0 updated, {len(in_file)} unchanged" in output
    assert {d["url"]: d for d in db.articles.find()} == loaded
    (run,) = db.crawls.find()
    assert run["finish_reason"] == "mongo_unavailable" and run["counts"]["spilled"] == spilled
    print(f"after loadspill: {len(loaded)} in MongoDB")

    # The next crawl tops the archive up to every article of the site.
    again = crawl(replica.base_url, db.name, env={"MONGO_URI": uri})
    assert again.returncode == 0, again
    assert db.articles.count_documents({}) == len(EXPECTED_DOCS)
    assert again.stats["mongo/unchanged"] == scraped
    for url, doc in loaded.items():
        assert db.articles.find_one({"url": url})["first_seen_at"] == doc["first_seen_at"]
