"""Stop a crawl midway, resume it, and top up an archive cheaply."""

import signal
import time

from tests.replica.server import start
from tests.replica.site import EXPECTED_DOCS


def snapshot(db):
    return {d["url"]: d["content_hash"] for d in db.articles.find()}


def test_interrupted_crawl_resumes_to_the_same_archive(
    mongo_uri, mongo_db, crawl, tmp_path, module_db
):
    with start() as site:
        reference = crawl(site.base_url, module_db.name, "-a", "render=never")
        assert reference.returncode == 0, reference
        site.hits.clear()

        jobdir = tmp_path / "job"
        slow = {"JOBDIR": str(jobdir), "DOWNLOAD_DELAY": "0.1", "CONCURRENT_REQUESTS": "1"}
        running = crawl.start(site.base_url, mongo_db.name, "-a", "render=never", settings=slow)
        deadline = time.monotonic() + 60
        while sum(site.hits.values()) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        running.proc.send_signal(signal.SIGINT)
        first = running.wait()
        assert first.stats["finish_reason"] == "shutdown", first
        partial = mongo_db.articles.count_documents({})
        assert 0 < partial < len(EXPECTED_DOCS)

        second = crawl(
            site.base_url, mongo_db.name, "-a", "render=never", settings={"JOBDIR": str(jobdir)}
        )
        assert second.returncode == 0, second
        assert second.stats["finish_reason"] == "finished"
        assert snapshot(mongo_db) == snapshot(module_db)
        fetched_twice = {p: n for p, n in site.hits.items() if n > 1 and p != "/robots.txt"}
        assert not fetched_twice


def test_skip_known_fetches_only_listings_and_new_articles(replica, mongo_db, crawl):
    first = crawl(replica.base_url, mongo_db.name, "-a", "render=never")
    assert first.returncode == 0, first
    removed = mongo_db.articles.find_one_and_delete({"kind": "article", "language": "fa"})
    before = dict(replica.hits)
    top_up = crawl(replica.base_url, mongo_db.name, "-a", "render=never", "-a", "skip_known=1")
    assert top_up.returncode == 0, top_up
    assert top_up.stats["mongo/inserted"] == 1
    assert mongo_db.articles.find_one({"url": removed["url"]}) is not None
    assert top_up.stats["oldsite/skipped_known"] >= len(EXPECTED_DOCS) - 1
    fetched = {p for p, n in replica.hits.items() if n > before.get(p, 0)}
    stored_paths = {e["path"] for e in EXPECTED_DOCS}
    assert len(fetched & stored_paths) == 1


def test_exit_status_says_when_nothing_was_done(mongo_db, crawl):
    result = crawl(
        "http://127.0.0.1:9", mongo_db.name, "-a", "render=never", settings={"RETRY_TIMES": "0"}
    )
    assert result.returncode != 0
    assert "no page could be fetched" in result.log
