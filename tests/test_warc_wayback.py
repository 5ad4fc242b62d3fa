"""A crawl of the Wayback Machine (the fake archive on loopback) reads, in its
WARC files, as captures of the old site; re-extracted, it gives its documents
back with their capture times."""

from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from newscrawl.warc import records
from newscrawl.warc.reader import warc_files
from tests.replica.wayback import start
from tests.test_wayback import BASE, FAST


def test_wayback_replays_are_archived_as_captures_and_re_extracted(
    crawl, module_db, mongo_db, tmp_path
):
    warc_dir = tmp_path / "warc"
    with start() as archive:
        live = crawl(
            BASE,
            module_db.name,
            "-a",
            "source=wayback",
            settings={**archive.settings(), **FAST, "WARC_DIR": str(warc_dir)},
        )
        replay_host = urlsplit(archive.settings()["WAYBACK_REPLAY_URL"]).netloc
    assert live.returncode == 0, live
    captures = []
    for path in warc_files(warc_dir):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                headers = record.rec_headers
                assert (
                    urlsplit(headers.get_header("WARC-Target-URI") or "http://x").netloc
                    != replay_host
                )  # never the archive's own URL
                if record.rec_type in ("response", "revisit") and headers.get_header(
                    records.SOURCE_URI
                ):
                    captures.append(headers)
    assert len(captures) == live.stats["wayback/replays"]
    for headers in captures:
        source = headers.get_header(records.SOURCE_URI)
        ts = iso_date_to_timestamp(headers.get_header("WARC-Date"))
        assert f"/{ts}id_/" in source
        assert source.endswith(headers.get_header("WARC-Target-URI"))
        assert headers.get_header(records.CREATION_DATE) > headers.get_header("WARC-Date")

    # The archive is gone: the files alone give the documents back.
    again = crawl(BASE, mongo_db.name, "-a", "source=warc", "-a", f"warc={warc_dir}")
    assert again.returncode == 0, again
    assert "warc/replay/missing" not in again.stats
    before = {d["url"]: d for d in module_db.articles.find()}
    after = {d["url"]: d for d in mongo_db.articles.find()}
    assert after.keys() == before.keys() and before
    for url, doc in after.items():
        assert doc["content_hash"] == before[url]["content_hash"], url
        assert doc["capture_timestamp"] == before[url]["capture_timestamp"], url
        assert doc["source"] == "warc"
