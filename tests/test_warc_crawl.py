"""End to end: a crawl of the replica writes WARC files that warcio reads,
pywb replays, py-wacz packages, and a later crawl deduplicates against."""

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections import Counter, defaultdict
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from w3lib.url import safe_url_string
from warcio.archiveiterator import ArchiveIterator

from newscrawl.warc import records
from newscrawl.warc.index import cdxj_path
from newscrawl.warc.reader import scan, warc_files
from newscrawl.warc.wacz import validate
from tests.conftest import ROOT, free_port
from tests.replica import jscorner
from tests.replica.server import decode_target, start
from tests.replica.site import DUPLICATE_TARGETS

pytestmark = pytest.mark.browser  # the crawl renders the JavaScript corner


@pytest.fixture(scope="module")
def site():
    """A replica of its own (its request log is this module's), with the
    pages that need the browser."""
    with start() as server:
        server.js_docs = jscorner.install(server)
        yield server


@pytest.fixture(scope="module")
def warc_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("archive") / "warc"


@pytest.fixture(scope="module")
def archived(site, module_db, crawl, warc_dir):
    """One crawl of the replica with WARC on (the default), render auto."""
    before = Counter(site.hits)
    result = crawl(site.base_url, module_db.name, settings={"WARC_DIR": str(warc_dir)})
    assert result.returncode == 0, result
    hits = Counter(site.hits)
    hits.subtract(before)
    files = warc_files(warc_dir)
    return SimpleNamespace(
        result=result, db=module_db, hits=+hits, files=files, records=read_all(files)
    )


def read_all(files):
    """Every record of *files* with warcio: (file, offset, type, WARC headers,
    HTTP headers, payload as sent)."""
    found = []
    for path in files:
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, check_digests="raise")
            for record in iterator:
                payload = record.raw_stream.read()
                found.append(
                    SimpleNamespace(
                        file=path.name,
                        offset=iterator.offset,
                        type=record.rec_type,
                        headers=record.rec_headers,
                        http=record.http_headers,
                        payload=payload,
                        id=record.rec_headers.get_header("WARC-Record-ID"),
                        uri=record.rec_headers.get_header("WARC-Target-URI"),
                    )
                )
    return found


# The pager of the "Iran in Brief" block (the real site's View class).
BRIEF_PAGER = "//*[contains(concat(' ', @class, ' '), ' view-iran-in-brief ')]//ul//a/@href"


def brief_pager_links(record):
    """The URLs the "Iran in Brief" block's pager links to on the page of a
    response *record*."""
    body = record.payload
    if (record.http.get_header("Content-Encoding") or "").lower() == "gzip":
        body = gzip.decompress(body)
    tree = lxml.html.fromstring(body)
    return {safe_url_string(urljoin(record.uri, href)) for href in tree.xpath(BRIEF_PAGER)}


def target(uri):
    """The replica's request-log key of a URL: unicode path and raw query."""
    parts = urlsplit(uri)
    path, query = decode_target(parts.path + (f"?{parts.query}" if parts.query else ""))
    return path + (f"?{query}" if query else "")


def test_every_request_the_site_saw_has_its_records(archived, site):
    by_target = defaultdict(list)
    for record in archived.records:
        if record.type in ("response", "revisit", records.RENDERED_TYPE):
            by_target[target(record.uri)].append(record)
    payloads = {
        r.headers.get_header("WARC-Payload-Digest"): r.payload
        for r in archived.records
        if r.type == "response"
    }
    for key, count in archived.hits.items():
        if key.startswith("/en/ajax/"):
            continue  # fetched by the browser's scripts: inside the rendered DOM
        found = by_target[key]
        # One record per fetch: the plain one, plus the rendered DOM of a page
        # that went through the browser.
        assert len(found) == count, (key, count, [r.type for r in found])
        path, _, query = key.partition("?")
        served = site.respond(path, query, site.base_url)
        for record in found:
            if record.type == records.RENDERED_TYPE:
                continue
            assert int(record.http.get_statuscode()) == served.status, key
            payload = (
                record.payload
                if record.type == "response"
                else payloads[record.headers.get_header("WARC-Payload-Digest")]
            )
            assert payload == served.body, key
    assert "/robots.txt" in archived.hits and by_target["/robots.txt"]


def test_records_are_whole_and_linked(archived):
    # warcio's own checker: every block and payload digest verifies.
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, archived.files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    ids = {r.id: r for r in archived.records}
    for path in archived.files:
        first = next(r for r in archived.records if r.file == path.name)
        assert first.type == "warcinfo" and first.headers.protocol == "WARC/1.1"
        info = first.payload.decode()
        assert "software: newscrawl/" in info and "format: WARC File Format 1.1" in info
        arguments = json.loads(info.split("arguments: ", 1)[1].splitlines()[0])
        assert arguments.get("base_url", "").startswith("http://127.0.0.1")
        assert "mongodb://" not in info
    for record in archived.records:
        assert record.headers.protocol == "WARC/1.1"
        if record.type == "request":
            main = ids[record.headers.get_header("WARC-Concurrent-To")]
            assert main.type in ("response", "revisit") and main.uri == record.uri
            line = record.http.protocol + " " + record.http.statusline
            assert line.startswith("GET " + (urlsplit(record.uri).path or "/"))
            if urlsplit(record.uri).query:
                assert "?" + urlsplit(record.uri).query in line
        if record.type in ("response", "revisit"):
            assert record.headers.get_header("WARC-IP-Address") == "127.0.0.1"
            assert record.headers.get_header("WARC-Payload-Digest").startswith("sha1:")
            assert record.headers.get_header("WARC-Block-Digest").startswith("sha1:")
            assert record.headers.get_header("WARC-Date")
    assert all(len(p.name.split("-")[1]) == 17 for p in archived.files)
    assert all(p.name.endswith("-00000.warc.gz") for p in archived.files)


def test_identical_payloads_are_revisits(archived):
    responses = {
        r.headers.get_header("WARC-Payload-Digest"): r
        for r in archived.records
        if r.type == "response"
    }
    revisits = [r for r in archived.records if r.type == "revisit"]
    assert revisits, "the replica's ?page=1 copies repeat their pages"
    for record in revisits:
        digest = record.headers.get_header("WARC-Payload-Digest")
        original = responses[digest]
        assert record.headers.get_header("WARC-Refers-To-Target-URI") == original.uri
        assert record.headers.get_header("WARC-Profile").endswith(
            "/warc/1.1/revisit/identical-payload-digest"
        )
        assert record.payload == b""  # headers only


def test_the_rendered_dom_is_kept_beside_what_the_server_sent(archived, site):
    url = site.url(jscorner.BODY_ARTICLE["path"])
    plain = [r for r in archived.records if r.uri == url and r.type == "response"]
    dom = [r for r in archived.records if r.uri == url and r.type == records.RENDERED_TYPE]
    assert len(plain) == 1 and len(dom) == 1
    assert b"Loading" in plain[0].payload
    assert jscorner.BODY_ARTICLE["paras"][0] not in plain[0].payload.decode()
    assert jscorner.BODY_ARTICLE["paras"][0] in dom[0].payload.decode()
    assert dom[0].headers.get_header("WARC-Refers-To") == plain[0].id


def test_each_article_points_to_its_record(archived, site):
    ids = {(r.file, r.id): r for r in archived.records}
    docs = list(archived.db.articles.find())
    assert len(docs) > 10
    for doc in docs:
        where = doc["warc"]
        record = ids[(where["file"], where["record_id"])]
        assert record.type in ("response", "revisit", records.RENDERED_TYPE)
        assert urlsplit(record.uri).netloc == urlsplit(doc["url"]).netloc
        # The offset is the record's: a reader can seek straight to it.
        with open(archived.files[0].parent / where["file"], "rb") as stream:
            stream.seek(where["offset"])
            found = next(iter(ArchiveIterator(stream)))
            assert found.rec_headers.get_header("WARC-Record-ID") == where["record_id"]
    rendered = archived.db.articles.find_one({"url": site.url(jscorner.BODY_ARTICLE["path"])})
    assert ids[(rendered["warc"]["file"], rendered["warc"]["record_id"])].type == "conversion"


def test_a_cdxj_index_beside_each_file(archived):
    for path in archived.files:
        lines = cdxj_path(path).read_text().splitlines()
        assert lines == sorted(lines)
        entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
        assert {e["filename"] for e in entries} == {path.name}
        assert any(e["mime"] == "text/html" and e["status"] == "200" for e in entries)


def test_pywb_replays_an_article(archived, tmp_path):
    doc = archived.db.articles.find_one(
        {"language": "en", "kind": "article", "warc.record_id": {"$exists": True}}
    )
    warc_dir = archived.files[0].parent
    (tmp_path / "config.yaml").write_text(
        f"collections:\n  oldsite:\n    index_paths: {warc_dir}\n    archive_paths: {warc_dir}/\n"
    )
    port = free_port()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "wayback"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/oldsite/2100id_/{doc['url']}"
        with urllib.request.urlopen(url, timeout=30) as reply:
            html = reply.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = " ".join(lxml.html.fromstring(html).text_content().split())
    for paragraph in doc["body"].split("\n\n"):
        assert " ".join(paragraph.split()) in text


def test_a_wacz_that_validates(archived, mongo_uri, tmp_path):
    output = tmp_path / "crawl.wacz"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "wacz",
            "-o",
            str(output),
            "-s",
            f"WARC_DIR={archived.files[0].parent}",
            "-s",
            f"MONGO_DATABASE={archived.db.name}",
        ],
        cwd=ROOT,
        env={**os.environ, "MONGO_URI": mongo_uri},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    valid, said = validate(output)
    assert valid, said
    with zipfile.ZipFile(output) as package:
        names = set(package.namelist())
        assert {"datapackage.json", "pages/pages.jsonl", "indexes/index.cdx.gz"} <= names
        assert {f"archive/{p.name}" for p in archived.files} <= names
        lines = package.read("pages/pages.jsonl").decode().splitlines()
    assert json.loads(lines[0])["format"] == "json-pages-1.0"
    listed = [json.loads(line) for line in lines[1:]]
    assert len(listed) == archived.db.articles.count_documents({})
    assert all(p["url"].startswith("http://127.0.0.1") and p["ts"] for p in listed)


def test_a_second_crawl_writes_revisits_for_unchanged_pages(archived, site, crawl, mongo_db):
    warc_dir = archived.files[0].parent
    again = crawl(
        site.base_url, mongo_db.name, "-a", "render=never", settings={"WARC_DIR": str(warc_dir)}
    )
    assert again.returncode == 0, again
    new = [p for p in warc_files(warc_dir) if p not in archived.files]
    assert len(new) == 1
    found = read_all(new)
    first = {r.uri for r in archived.records if r.type == "response"}
    fetched = {r.uri for r in archived.records if r.type in ("response", "revisit")}
    ok = [
        r for r in found if r.type in ("response", "revisit") and r.http.get_statuscode() == "200"
    ]
    # Every page the first crawl fetched too is a revisit. (A page of the
    # "Iran in Brief" block is fetched once per edition, from whichever article
    # reaches it first, so the second crawl may fetch it as the ?page=1 of
    # another article: a URL not fetched before. Nothing else is new.)
    seen_before = [r for r in ok if r.uri in fetched]
    new_pages = [r for r in ok if r.uri not in fetched]
    # The block stands on every document's page: articles, briefs and videos.
    stored = {safe_url_string(d["url"]) for d in archived.db.articles.find()}
    payloads = {
        r.headers.get_header("WARC-Payload-Digest"): r
        for r in archived.records + found
        if r.type == "response"
    }
    referers = {
        r.headers.get_header("WARC-Concurrent-To"): r.http.get_header("Referer")
        for r in found
        if r.type == "request"
    }
    pages = {r.uri: r for r in found if r.type in ("response", "revisit")}
    # An alias URL of an article (another spelling, canonical to the stored one)
    # may be the page the pager is first read from; its pager names the stored URL.
    canonical = {
        safe_url_string(site.url(target)): safe_url_string(site.url(path))
        for target, path in DUPLICATE_TARGETS
    }
    for record in new_pages:
        referer = referers[record.id]
        article = canonical.get(referer, referer)
        assert urlsplit(record.uri).query.startswith("page="), record.uri
        assert record.uri.split("?")[0] == article and article in stored, (record.uri, referer)
        page = pages[referer]
        assert record.uri in brief_pager_links(
            payloads[page.headers.get_header("WARC-Payload-Digest")]
        ), (record.uri, referer)
    assert seen_before and all(r.type == "revisit" for r in seen_before), [
        r.uri for r in seen_before if r.type != "revisit"
    ]
    revisits = [r for r in ok if r.type == "revisit"]
    assert again.stats["warc/records/revisit"] == len(revisits)
    # The writer's closing stats are in the stats file, though they are set last.
    assert again.stats["warc/files"] == len(new) and again.stats["warc/writer_cpu_s"] > 0
    assert again.stats["warc/bytes"] == sum(p.stat().st_size for p in new)
    # The revisits refer to the first crawl's records.
    assert {r.headers.get_header("WARC-Refers-To-Target-URI") for r in revisits} <= first


def test_re_extraction_without_the_site_gives_the_same_documents(archived, site, crawl, mongo_db):
    site.stop()  # nothing to fetch from now on: every page comes from the files
    warc_dir = archived.files[0].parent
    # The origin crawled (the fixture always gives one): a page's canonical URL
    # on it is where its document is stored, as in the live crawl.
    result = crawl(site.base_url, mongo_db.name, "-a", "source=warc", "-a", f"warc={warc_dir}")
    assert result.returncode == 0, result
    assert "Traceback" not in result.log
    assert not any(key.startswith("oldsite/errors/") for key in result.stats), result.stats
    assert "warc/replay/missing" not in result.stats
    assert result.stats["warc/replay/rendered"] == 1  # the page whose body only the DOM has
    live = {d["url"]: d for d in archived.db.articles.find()}
    again = {d["url"]: d for d in mongo_db.articles.find()}
    assert again.keys() == live.keys()
    for url, doc in again.items():
        for name in ("content_hash", "kind", "language", "title", "body", "published_at"):
            assert doc[name] == live[url][name], (url, name)
        assert doc["source"] == "warc" and doc["warc"]["file"].endswith(".warc.gz")
    crawls = list(mongo_db.crawls.find())
    assert len(crawls) == 1 and crawls[0]["arguments"]["source"] == "warc"
    assert crawls[0]["counts"]["inserted"] == len(live)
    assert "Crawl summary:" in result.log


def test_re_extraction_after_a_rule_change_versions_what_changed(archived, site, crawl):
    db = archived.db
    doc = db.articles.find_one({"language": "en", "kind": "article"})
    # As if an older rule had extracted the body wrongly.
    db.articles.update_one(
        {"_id": doc["_id"]}, {"$set": {"body": "Wrong body.", "content_hash": "0" * 64}}
    )
    warc_dir = archived.files[0].parent
    result = crawl(site.base_url, db.name, "-a", "source=warc", "-a", f"warc={warc_dir}/*.warc.gz")
    assert result.returncode == 0, result
    assert result.stats["mongo/updated"] == 1
    assert result.stats["mongo/unchanged"] == db.articles.count_documents({}) - 1
    fixed = db.articles.find_one({"_id": doc["_id"]})
    assert fixed["body"] == doc["body"] and fixed["version"] == doc["version"] + 1
    revision = db.revisions.find_one({"url": doc["url"]})
    assert revision["content"]["body"] == "Wrong body."


def test_kill_9_leaves_files_readable_to_the_last_record(crawl, mongo_db, tmp_path):
    warc_dir = tmp_path / "warc"
    with start() as server:
        slow = {"WARC_DIR": str(warc_dir), "DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS": "1"}
        running = crawl.start(server.base_url, mongo_db.name, "-a", "render=never", settings=slow)
        deadline = time.monotonic() + 60
        while sum(server.hits.values()) < 15 and time.monotonic() < deadline:
            time.sleep(0.02)
        running.proc.send_signal(signal.SIGKILL)
        running.wait()
        hits = sum(server.hits.values())
    files = warc_files(warc_dir)
    assert len(files) == 1 and not cdxj_path(files[0]).exists()
    found = read_all(files)  # warcio reads every record, digests verified
    pages = [r for r in found if r.type in ("response", "revisit")]
    assert len(pages) >= min(10, hits - 2)
    # A record torn in the middle: warcio's readers stop there, ours says so
    # and keeps the records before it.
    data = files[0].read_bytes()
    torn = tmp_path / "torn.warc.gz"
    last = found[-1]
    torn.write_bytes(data[: last.offset + 40] if last.offset + 40 < len(data) else data[:-10])
    result = scan(torn)
    assert result.torn == 1
    assert len(result.entries) == len(found) - 1
    assert gzip.decompress(data[: last.offset])  # every member before it is whole


def test_sigterm_then_resume_starts_a_new_file(crawl, mongo_db, tmp_path):
    warc_dir, jobdir = tmp_path / "warc", tmp_path / "job"
    with start() as server:
        slow = {
            "WARC_DIR": str(warc_dir),
            "JOBDIR": str(jobdir),
            "DOWNLOAD_DELAY": "0.05",
            "CONCURRENT_REQUESTS": "1",
        }
        running = crawl.start(server.base_url, mongo_db.name, "-a", "render=never", settings=slow)
        deadline = time.monotonic() + 60
        while sum(server.hits.values()) < 15 and time.monotonic() < deadline:
            time.sleep(0.02)
        running.proc.send_signal(signal.SIGTERM)
        first = running.wait()
        assert first.stats["finish_reason"] == "shutdown", first
        (stopped,) = warc_files(warc_dir)
        assert cdxj_path(stopped).exists()  # a clean stop indexes its file
        resumed = crawl(server.base_url, mongo_db.name, "-a", "render=never", settings=slow)
        assert resumed.returncode == 0, resumed
    files = warc_files(warc_dir)
    assert len(files) == 2 and files[0] == stopped
    found = read_all(files)
    for path in files:
        assert [r.type for r in found if r.file == path.name][0] == "warcinfo"
    # Between them, every stored article has its record.
    ids = {r.id for r in found}
    assert all(doc["warc"]["record_id"] in ids for doc in mongo_db.articles.find())
