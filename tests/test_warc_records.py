"""The WARC recording in-process, the way Scrapy tests itself: real
``Request``/``Response`` objects through the real middlewares, files read
back with warcio."""

import asyncio
import gzip
import ipaddress
import json
import logging
from datetime import UTC
from io import BytesIO

import pytest
import scrapy
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newscrawl import settings as project
from newscrawl import wayback
from newscrawl.arguments import public_arguments
from newscrawl.items import ArticleItem
from newscrawl.warc import index, records
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.middleware import (
    META_KEY,
    WarcMiddleware,
    WarcProvenanceMiddleware,
)
from newscrawl.warc.reader import ArchiveIndex, NoWarcFiles, scan, warc_files
from newscrawl.warc.recorder import Recorder as WriterSide
from newscrawl.warc.writer import file_name

SITE = "http://old.example"
PAGE = b"<html><head><title>T</title></head><body><h1>T</h1><p>Text.</p></body></html>"


def project_settings(**overrides):
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return {**values, **overrides}


class Recorder:
    """A WarcMiddleware of a crawler whose spider has a few arguments."""

    def __init__(self, directory, **settings):
        self.crawler = get_crawler(
            scrapy.Spider, project_settings(WARC_DIR=str(directory), **settings)
        )
        self.spider = scrapy.Spider("oldsite")
        self.spider.arguments = {
            "base_url": "http://user:secret@old.example",
            "languages": "en",
            "api_token": "t0ps3cret",
        }
        self.crawler.stats.set_value("crawl_id", "65a1b2c3d4e5f60718293a4b")
        self.mw = WarcMiddleware.from_crawler(self.crawler)
        # One loop for the whole exchange, as in a crawl: the writer process
        # is bound to the loop that started it.
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.mw.spider_opened(self.spider))

    def fetch(self, url, body=PAGE, status=200, headers=None, meta=None, request_headers=None):
        request = Request(url, meta=meta or {}, headers=request_headers)
        response = Response(
            url,
            status=status,
            body=body,
            request=request,
            protocol="HTTP/1.1",
            headers=headers or {"Content-Type": "text/html; charset=utf-8"},
            ip_address=ipaddress.ip_address("127.0.0.1"),
        )
        self.respond(request, response)
        return request, response

    def respond(self, request, response):
        """The middleware's ``process_response`` (its writer thread included),
        as the engine calls it."""
        passed = self.loop.run_until_complete(self.mw.process_response(request, response))
        assert passed is response
        return passed

    def close(self):
        try:
            self.loop.run_until_complete(self.mw.spider_closed(self.spider, "finished"))
        finally:
            self.loop.close()


def read(directory):
    found = []
    for path in warc_files(directory):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                found.append(
                    (
                        path.name,
                        record.rec_type,
                        record.rec_headers,
                        record.http_headers,
                        record.raw_stream.read(),
                    )
                )
    return found


def test_the_response_as_it_came_off_the_wire(tmp_path):
    recorder = Recorder(tmp_path)
    raw = gzip.compress(PAGE)
    request, _ = recorder.fetch(
        f"{SITE}/en/world/a?page=2&x=%D8%A7",
        body=raw,
        headers={
            "Content-Type": "text/html",
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
        },
        request_headers={"Referer": f"{SITE}/en"},
        meta={"via_more": True},
    )
    recorder.close()
    found = read(tmp_path)
    assert [kind for _, kind, *_ in found] == ["warcinfo", "response", "request", "metadata"]
    _, _, warc, http, payload = found[1]
    assert payload == raw  # not decoded: what the server sent
    assert http.statusline == "200 OK" and http.get_header("Content-Encoding") == "gzip"
    assert http.get_header("Transfer-Encoding") is None  # the body is de-chunked
    assert http.get_header(records.DECHUNKED_HEADER) == "chunked"
    assert warc.get_header("WARC-Target-URI") == f"{SITE}/en/world/a?page=2&x=%D8%A7"
    assert warc.get_header("WARC-IP-Address") == "127.0.0.1"
    assert warc.get_header("WARC-Payload-Digest") == records.payload_digest(raw)
    _, _, req_warc, req_http, _ = found[2]
    assert req_http.protocol == "GET" and req_http.statusline.startswith("/en/world/a?page=2&x=")
    assert req_http.get_header("Host") == "old.example"
    assert req_warc.get_header("WARC-Concurrent-To") == warc.get_header("WARC-Record-ID")
    meta = found[3][4].decode()
    assert f"via: {SITE}/en" in meta and '"via_more": true' in meta
    assert request.meta[META_KEY]["record_id"] == warc.get_header("WARC-Record-ID")


def test_one_warcinfo_per_file_and_no_credentials(tmp_path):
    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en")
    recorder.close()
    name, kind, _, _, block = read(tmp_path)[0]
    assert kind == "warcinfo"
    info = block.decode()
    assert "isPartOf: 65a1b2c3d4e5f60718293a4b" in info
    assert "software: newscrawl/" in info and "warcio" in info
    arguments = json.loads(info.split("arguments: ", 1)[1].splitlines()[0])
    assert arguments == {"base_url": "http://old.example", "languages": "en"}
    assert "secret" not in info and "t0ps3cret" not in info
    assert public_arguments({"uri": "mongodb://a:b@h:1/db"}) == {"uri": "mongodb://h:1/db"}


def test_identical_payloads_become_revisits_and_errors_never_do(tmp_path):
    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en/a")
    request, _ = recorder.fetch(f"{SITE}/en/a?page=1")
    recorder.fetch(f"{SITE}/en/gone", body=b"Not found", status=404)
    recorder.fetch(f"{SITE}/en/gone-too", body=b"Not found", status=404)
    recorder.close()
    kinds = {
        warc.get_header("WARC-Target-URI"): kind
        for _, kind, warc, *_ in read(tmp_path)
        if kind in ("response", "revisit")
    }
    assert kinds == {
        f"{SITE}/en/a": "response",
        f"{SITE}/en/a?page=1": "revisit",
        f"{SITE}/en/gone": "response",
        f"{SITE}/en/gone-too": "response",
    }
    revisit = next(warc for _, kind, warc, *_ in read(tmp_path) if kind == "revisit")
    assert revisit.get_header("WARC-Refers-To-Target-URI") == f"{SITE}/en/a"
    assert request.meta[META_KEY]["record_id"] == revisit.get_header("WARC-Record-ID")


def test_a_later_crawl_into_the_directory_revisits_what_it_holds(tmp_path):
    first = Recorder(tmp_path)
    first.fetch(f"{SITE}/en/a")
    first.close()
    assert index.cdxj_path(warc_files(tmp_path)[0]).exists()
    second = Recorder(tmp_path)
    second.fetch(f"{SITE}/en/a")
    second.fetch(f"{SITE}/en/b", body=PAGE + b" ")
    second.close()
    paths = warc_files(tmp_path)
    assert len(paths) == 2  # a run never appends to another run's file
    kinds = [kind for name, kind, *_ in read(tmp_path) if name == paths[1].name]
    assert kinds.count("revisit") == 1 and kinds.count("response") == 1


def test_a_new_file_at_the_size_limit(tmp_path):
    recorder = Recorder(tmp_path, WARC_MAX_SIZE=2000)
    for n in range(6):
        recorder.fetch(f"{SITE}/en/{n}", body=PAGE * (n + 2))
    recorder.close()
    paths = warc_files(tmp_path)
    assert len(paths) >= 3
    assert [p.name.rsplit("-", 1)[1] for p in paths][:3] == [
        "00000.warc.gz",
        "00001.warc.gz",
        "00002.warc.gz",
    ]
    for path in paths:
        kinds = [kind for name, kind, *_ in read(tmp_path) if name == path.name]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        assert index.cdxj_path(path).exists()


def test_file_names_like_other_archive_tools():
    from datetime import datetime

    when = datetime(2024, 1, 2, 3, 4, 5, 678900, tzinfo=UTC)
    assert file_name("newscrawl", when, 7) == "newscrawl-20240102030405678-00007.warc.gz"


def test_a_wayback_replay_reads_as_a_capture_of_the_old_site(tmp_path):
    recorder = Recorder(tmp_path)
    original = "https://iranintl.com/en/iran/a-page"
    replay = f"https://web.archive.org/web/20200102030405id_/{original}"
    recorder.fetch(
        replay,
        meta=wayback.meta(
            wayback.REPLAY_SLOT,
            capture_timestamp="20200102030405",
            wayback_url=f"{SITE}/en/iran/a-page",
        ),
    )
    recorder.fetch(
        "https://web.archive.org/cdx/search/cdx?url=x",
        body=b"[]",
        meta=wayback.meta(wayback.CDX_SLOT),
    )
    recorder.close()
    found = [(kind, warc) for _, kind, warc, *_ in read(tmp_path) if kind != "warcinfo"]
    assert [kind for kind, _ in found] == ["response", "request", "metadata"]  # no CDX answer
    warc = found[0][1]
    assert warc.get_header("WARC-Target-URI") == original
    assert warc.get_header("WARC-Date").startswith("2020-01-02T03:04:05")
    assert warc.get_header(records.SOURCE_URI) == replay
    assert warc.get_header(records.CREATION_DATE) > "2024"


def test_the_rendered_dom_is_an_extra_conversion_record(tmp_path):
    recorder = Recorder(tmp_path)
    plain, _ = recorder.fetch(f"{SITE}/en/js")
    request = Request(f"{SITE}/en/js", meta={"playwright": True, "render_reason": "empty_body"})
    dom = HtmlResponse(
        request.url,
        body=b"<html><body><p>Rendered.</p></body></html>",
        request=request,
        encoding="utf-8",
    )
    recorder.respond(request, dom)
    recorder.close()
    found = [(kind, warc, payload) for _, kind, warc, _, payload in read(tmp_path)]
    conversion = next(item for item in found if item[0] == "conversion")
    assert conversion[2] == dom.body
    assert conversion[1].get_header("WARC-Refers-To") == plain.meta[META_KEY]["record_id"]
    assert conversion[1].get_header("Content-Type") == "text/html; charset=utf-8"
    assert request.meta[META_KEY]["record_id"] == conversion[1].get_header("WARC-Record-ID")


def test_cached_responses_are_not_recorded(tmp_path):
    recorder = Recorder(tmp_path)
    request = Request(f"{SITE}/en")
    cached = Response(request.url, body=PAGE, flags=["cached"], request=request)
    recorder.respond(request, cached)
    recorder.close()
    assert not list(tmp_path.glob("*.warc.gz"))
    assert META_KEY not in request.meta and "warc/records" not in recorder.crawler.stats.get_stats()


def test_items_carry_the_location_of_their_record():
    location = {"file": "f.warc.gz", "offset": 10, "length": 20, "record_id": "<urn:uuid:x>"}
    request = Request(f"{SITE}/en/a", meta={META_KEY: location})
    response = HtmlResponse(request.url, body=PAGE, request=request)
    follow = Request(f"{SITE}/en/b")
    out = list(
        WarcProvenanceMiddleware().process_spider_output(
            response, [ArticleItem(url=request.url), follow, {"other": 1}]
        )
    )
    assert out[0]["warc"] == location and out[1] is follow and out[2] == {"other": 1}


def test_replayed_responses_are_the_recorded_ones(tmp_path):
    recorder = Recorder(tmp_path)
    raw = gzip.compress(PAGE)
    recorder.fetch(
        f"{SITE}/en/a", body=raw, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    recorder.fetch(
        f"{SITE}/en/a?page=1",
        body=raw,
        headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
    )
    recorder.close()
    archive = ArchiveIndex(warc_files(tmp_path))
    pages = list(archive.pages())
    assert [p.type for p in pages] == ["response", "revisit"]
    crawler = get_crawler(scrapy.Spider, project_settings())
    decompress = HttpCompressionMiddleware.from_crawler(crawler)
    for entry in pages:
        request = Request(entry.uri, meta={"warc_replay": ArchiveIndex.pointer(entry, entry.uri)})
        assert archive.entry_for(request) is entry
        response = archive.response_for(request, entry)
        assert response.body == raw and "warc" in response.flags
        response = decompress.process_response(request, response)
        assert isinstance(response, HtmlResponse) and response.body == PAGE


def test_a_torn_last_record_is_skipped_and_reported(tmp_path, caplog):
    recorder = Recorder(tmp_path)
    for n in range(3):
        recorder.fetch(f"{SITE}/en/{n}", body=PAGE + str(n).encode())
    recorder.close()
    path = warc_files(tmp_path)[0]
    whole = scan(path)
    assert whole.torn == 0
    last = whole.entries[-1].location
    torn = tmp_path / "torn" / path.name
    torn.parent.mkdir()
    for cut in (last.offset + last.length // 2, last.offset + 30):
        torn.write_bytes(path.read_bytes()[:cut])
        found = scan(torn)
        assert found.torn == 1 and len(found.entries) == len(whole.entries) - 1
    assert "is torn" in caplog.text


def test_warc_paths_are_files_directories_or_globs(tmp_path):
    for name in ("b-00001.warc.gz", "a-00000.warc.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in warc_files(tmp_path)] == ["a-00000.warc.gz", "b-00001.warc.gz"]
    assert [p.name for p in warc_files(tmp_path / "b-*.warc.gz")] == ["b-00001.warc.gz"]
    assert [p.name for p in warc_files(tmp_path / "a-00000.warc.gz")] == ["a-00000.warc.gz"]
    with pytest.raises(NoWarcFiles, match="no WARC file"):
        warc_files(tmp_path / "missing")


def test_source_warc_needs_files():
    from newscrawl.spiders.oldsite import OldsiteSpider

    with pytest.raises(ValueError, match="needs -a warc=PATH"):
        OldsiteSpider(source="warc")
    with pytest.raises(ValueError, match="no WARC file"):
        OldsiteSpider(source="warc", warc="/nonexistent/dir")


def test_source_warc_takes_the_crawl_origin_from_the_files(tmp_path):
    from newscrawl.spiders.oldsite import OldsiteSpider

    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en")
    recorder.close()
    spider = OldsiteSpider(source="warc", warc=str(tmp_path))
    assert spider.base_url == SITE and spider.allowed_domains == ["old.example"]
    assert [spider.source.page_of(e)[0] for e in spider.source.archive.pages()] == [f"{SITE}/en"]


def test_warcio_reads_a_record_written_in_memory():
    record = records.exchange(
        Request(f"{SITE}/x"),
        Response(f"{SITE}/x", body=b"abc"),
        __import__("datetime").datetime.now(),
    )[0]
    from warcio.warcwriter import WARCWriter

    buffer = BytesIO()
    WARCWriter(buffer, gzip=True, warc_version="1.1").write_record(record)
    buffer.seek(0)
    read_back = next(iter(ArchiveIterator(buffer, check_digests="raise")))
    assert read_back.content_stream().read() == b"abc"


def test_a_page_only_the_browser_fetched_is_replayed_from_its_dom(tmp_path):
    recorder = Recorder(tmp_path)
    request = Request(f"{SITE}/en/always", meta={"playwright": True, "render_reason": "always"})
    dom = HtmlResponse(request.url, body=PAGE, request=request, encoding="utf-8")
    recorder.respond(request, dom)
    recorder.close()
    archive = ArchiveIndex(warc_files(tmp_path))
    (entry,) = archive.pages()
    assert entry.type == "conversion"
    replayed = archive.response_for(Request(entry.uri), archive.entry_for(Request(entry.uri)))
    assert isinstance(replayed, HtmlResponse) and replayed.body == PAGE


def test_a_body_cut_off_by_the_connection_is_marked_truncated(tmp_path):
    recorder = Recorder(tmp_path)
    request = Request(f"{SITE}/en/cut")
    cut = Response(request.url, body=PAGE[:30], flags=["dataloss"], request=request)
    recorder.respond(request, cut)
    recorder.close()
    (warc,) = [w for _, kind, w, *_ in read(tmp_path) if kind == "response"]
    assert warc.get_header("WARC-Truncated") == "disconnect"


def test_the_index_made_while_writing_is_cdxj_indexers(tmp_path):
    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en/a", headers={"Content-Type": "text/html; charset=utf-8"})
    recorder.fetch(f"{SITE}/en/a?page=1")
    recorder.fetch(
        f"{SITE}/%D8%B3%DB%8C%D8%A7%D8%B3%D8%AA/x",
        body=b"Gone",
        status=404,
        headers={"Content-Type": "text/plain"},
    )
    recorder.fetch(f"{SITE}/en/moved", body=b"", status=301, headers={"Location": f"{SITE}/en/a"})
    recorder.close()
    (path,) = warc_files(tmp_path)
    ours = index.cdxj_path(path).read_text()
    assert len(ours.splitlines()) == 4
    assert index.write_cdxj(path).read_text() == ours  # cdxj-indexer over the file


def test_no_credentials_or_cookies_in_the_request_records(tmp_path):
    recorder = Recorder(tmp_path)
    url = "http://user:s3cret@old.example:8080/en/a"
    request = Request(
        url,
        meta={"proxy": "http://puser:pr0xy@proxy.example:3128"},
        headers={
            "Authorization": "Basic dXNlcjpzM2NyZXQ=",
            "Cookie": "SESS=abc123",
            "Referer": "http://user:s3cret@old.example:8080/en",
            "Accept-Language": "en",
        },
    )
    HttpProxyMiddleware.from_crawler(recorder.crawler).process_request(request)
    assert request.headers.get("Proxy-Authorization")  # what Scrapy leaves in request.headers
    recorder.respond(request, Response(url, body=PAGE, request=request))
    recorder.close()
    (path,) = warc_files(tmp_path)
    raw = gzip.decompress(path.read_bytes())
    for secret in (b"s3cret", b"pr0xy", b"cHV", b"dXNlcjpzM2NyZXQ=", b"abc123", b"user:"):
        assert secret not in raw
    found = read(tmp_path)
    (req,) = [http for _, kind, _, http, _ in found if kind == "request"]
    assert req.get_header("Host") == "old.example:8080"
    assert req.get_header("Accept-Language") == "en"  # the other headers are kept
    for name in ("Authorization", "Proxy-Authorization", "Cookie"):
        assert req.get_header(name) is None
    uris = {warc.get_header("WARC-Target-URI") for _, kind, warc, *_ in found if kind != "warcinfo"}
    assert uris == {"http://old.example:8080/en/a"}


class FullDisk:
    """A WARC file on a disk that fills up: the failing write stores part of
    its data, then raises ENOSPC."""

    def __init__(self, raw, fail_at):
        self.raw, self.fail_at, self.calls = raw, fail_at, 0

    def write(self, data):
        self.calls += 1
        if self.calls == self.fail_at:
            self.raw.write(bytes(data)[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def test_a_failed_write_leaves_the_next_records_where_their_locations_say(tmp_path):
    # The writer process's side, in-process: a disk that fills up mid-record.
    recorder = WriterSide(WarcConfig.from_settings(Settings(project_settings(WARC_DIR=tmp_path))))
    recorder.set_info({"software": "test"})

    def fetch(url, body=PAGE):
        request = Request(url)
        response = Response(url, body=body, request=request, headers={"Content-Type": "text/html"})
        return request, recorder.record(records.sent(request), records.received(response))

    fetch(f"{SITE}/en/a")
    files = recorder.files
    files._file = FullDisk(files._file, fail_at=1)
    with pytest.raises(OSError, match="No space left on device"):
        fetch(f"{SITE}/en/lost", body=PAGE * 50)
    after = [fetch(f"{SITE}/en/{n}", body=PAGE + str(n).encode()) for n in range(2)]
    recorder.close()
    (path,) = warc_files(tmp_path)
    uris = [
        warc.get_header("WARC-Target-URI")
        for _, kind, warc, *_ in read(tmp_path)
        if kind == "response"
    ]
    assert uris == [f"{SITE}/en/a", f"{SITE}/en/0", f"{SITE}/en/1"]  # every record whole
    for request, written in after:
        where = written.location
        with open(path, "rb") as stream:
            stream.seek(where["offset"])
            record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Record-ID") == where["record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == request.url
    ours = index.cdxj_path(path).read_text()
    assert "/en/lost" not in ours
    assert index.write_cdxj(path).read_text() == ours  # cdxj-indexer over the file agrees


def test_an_exchange_the_writer_cannot_write_is_counted_and_the_crawl_goes_on(tmp_path, caplog):
    warc_dir = tmp_path / "warc"
    recorder = Recorder(warc_dir, WARC_MAX_SIZE=1)  # every exchange opens a new file
    recorder.fetch(f"{SITE}/en/a")
    aside = tmp_path / "aside"
    warc_dir.rename(aside)
    warc_dir.write_text("not a directory")  # the next file cannot be made
    lost, _ = recorder.fetch(f"{SITE}/en/lost")
    warc_dir.unlink()
    aside.rename(warc_dir)
    kept, _ = recorder.fetch(f"{SITE}/en/kept", body=PAGE + b"kept")
    recorder.close()
    assert recorder.crawler.stats.get_value("warc/errors") == 1
    assert "Could not write http://old.example/en/lost" in caplog.text
    assert "the crawl goes on" in caplog.text
    assert META_KEY not in lost.meta  # no item points to a record that is not there
    assert kept.meta[META_KEY]["file"] in {p.name for p in warc_files(warc_dir)}
    uris = {w.get_header("WARC-Target-URI") for _, k, w, *_ in read(warc_dir) if k == "response"}
    assert uris == {f"{SITE}/en/a", f"{SITE}/en/kept"}


def test_a_writer_process_that_dies_is_replaced_and_its_records_stay_readable(tmp_path):
    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en/a")
    recorder.mw.writer.proc.kill()
    recorder.loop.run_until_complete(recorder.mw.writer.proc.wait())
    kept, _ = recorder.fetch(f"{SITE}/en/kept", body=PAGE + b"kept")
    recorder.close()
    stats = recorder.crawler.stats
    assert stats.get_value("warc/writer_restarts") == 1
    assert stats.get_value("warc/errors") is None  # it died between exchanges: none lost
    first, second = warc_files(tmp_path)  # the new writer starts a new file
    assert kept.meta[META_KEY]["file"] == second.name
    # The dead writer's file, left as a killed crawl leaves it, is indexed
    # by the new writer when it starts, as the next crawl would.
    assert index.cdxj_path(first).exists() and index.cdxj_path(second).exists()
    uris = [w.get_header("WARC-Target-URI") for _, k, w, *_ in read(tmp_path) if k == "response"]
    assert uris == [f"{SITE}/en/a", f"{SITE}/en/kept"]
    assert [k for _, k, *_ in read(tmp_path)].count("warcinfo") == 2


@pytest.mark.parametrize("level", [0, 1, 3, 4, 6, 9])
def test_every_gzip_level_makes_a_member_any_gzip_reader_reads(level):
    from newscrawl.warc.writer import gzip_member

    data = PAGE * 200
    member = gzip_member(data, level)
    assert gzip.decompress(member) == data
    assert len(member) < len(data) // 5 or level == 0


@pytest.mark.parametrize("level", ["-1", "10", "fast"])
def test_a_bad_gzip_level_is_one_clear_error(level):
    settings = Settings(project_settings(WARC_GZIP_LEVEL=level))
    with pytest.raises(ValueError, match="WARC_GZIP_LEVEL must be a gzip level from 0 to 9"):
        WarcConfig.from_settings(settings)


def test_a_crawl_at_zlibs_level_writes_files_warcio_reads(tmp_path):
    recorder = Recorder(tmp_path, WARC_GZIP_LEVEL=9)
    recorder.fetch(f"{SITE}/en/a", body=PAGE * 100)
    recorder.close()
    (_, kind, warc, _, body), *_ = [r for r in read(tmp_path) if r[1] == "response"]
    assert body == PAGE * 100


def test_the_writers_log_lines_land_in_the_crawls_log(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="newscrawl")
    recorder = Recorder(tmp_path)
    recorder.fetch(f"{SITE}/en/a")
    recorder.close()
    (path,) = warc_files(tmp_path)
    lines = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("newscrawl.warc.writer", f"Writing WARC file {path}") in lines
    assert any(
        name == "newscrawl.warc.recorder" and "every exchange goes to" in m for name, m in lines
    )
