"""The broken corner of the replica (bad encodings, truncated and binary pages,
errors, redirects off the site, resets) re-extracted from its WARC files:
the same documents as the live crawl, and nothing reaches the network."""

from tests.replica import broken
from tests.replica.server import start


def test_the_broken_corner_re_extracts_to_the_same_documents(crawl, module_db, mongo_db, tmp_path):
    warc_dir = tmp_path / "warc"
    with start() as server:
        broken.install(server)
        live = crawl(
            server.base_url,
            module_db.name,
            "-a",
            "render=never",
            settings={"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "2", "WARC_DIR": str(warc_dir)},
        )
        assert live.returncode == 0, live
        base_url = server.base_url
    again = crawl(base_url, mongo_db.name, "-a", "source=warc", "-a", f"warc={warc_dir}")
    assert again.returncode == 0, again
    assert "Traceback" not in again.log
    assert not any(
        k.startswith("oldsite/errors/") and "NotInArchive" not in k for k in again.stats
    ), again.stats
    before = {d["url"]: d["content_hash"] for d in module_db.articles.find()}
    after = {d["url"]: d["content_hash"] for d in mongo_db.articles.find()}
    assert after == before
    # The pages the live crawl counted as damaged are counted alike.
    for key, value in live.stats.items():
        if key.startswith(("oldsite/malformed/", "oldsite/http_status/", "oldsite/redirects/")):
            assert again.stats.get(key) == value, key
