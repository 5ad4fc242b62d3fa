"""MongoPipeline and storage against the real server, driven directly on an
asyncio loop: bad documents, size and field checks, change awareness, and
the event loop staying free during a flush."""

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl import spill, storage
from newscrawl.items import ArticleItem
from newscrawl.pipelines.mongo import MongoPipeline, describe_uri
from newscrawl.spiders.oldsite import OldsiteSpider


def article(n, **fields):
    values = {
        "url": f"https://old.iranintl.com/en/test/{n}",
        "language": "en",
        "kind": "article",
        "title": f"Title {n}",
        "body": f"Body of article {n}.",
        "summary": None,
        "section": None,
        "tags": [],
        "authors": [],
        "published_at": None,
        "published_raw": None,
        "published_precision": None,
        "image_urls": [],
        "search_text": f"title {n}",
    }
    values.update(fields)
    return ArticleItem(**values)


def make_pipeline(mongo_uri, db, tmp_path, **settings):
    crawler = get_crawler(
        OldsiteSpider,
        settings_dict={
            "MONGO_URI": mongo_uri,
            "MONGO_DATABASE": db.name,
            "MONGO_SPILL_DIR": str(tmp_path),
            "MONGO_FLUSH_INTERVAL": 60,
            "MONGO_BATCH_SIZE": 1000,
            **settings,
        },
    )
    return MongoPipeline.from_crawler(crawler)


async def store(pipe, items):
    """Open, process *items*, flush; returns the DropItem messages."""
    dropped = []
    for item in items:
        try:
            await pipe.process_item(item)
        except DropItem as exc:
            dropped.append(str(exc))
    await pipe.flush()
    return dropped


def run(pipe, items):
    async def go():
        await pipe.open_spider()
        try:
            return await store(pipe, items)
        finally:
            await pipe.close_spider()
            await pipe.client.close()

    return asyncio.run(go())


def stat(pipe, name):
    return pipe.stats.get_value(name, 0)


def test_refused_documents_do_not_take_their_batch_with_them(mongo_uri, mongo_db, tmp_path, caplog):
    run(make_pipeline(mongo_uri, mongo_db, tmp_path), [article(n) for n in range(5)])
    # A constraint the server enforces and our checks do not know about.
    mongo_db.articles.create_index("title", unique=True, name="title_unique")
    batch = [
        article(5),
        article(6, title="Title 0"),
        article(1, body="New body."),
        article(2, title="Title 0"),
        article(7),
    ]
    pipe = make_pipeline(mongo_uri, mongo_db, tmp_path)
    with caplog.at_level(logging.ERROR):
        run(pipe, batch)

    assert (stat(pipe, "mongo/inserted"), stat(pipe, "mongo/updated")) == (2, 1)
    assert stat(pipe, "mongo/errors") == 2 and stat(pipe, "mongo/spilled") == 2
    stored = {d["url"]: d for d in mongo_db.articles.find()}
    assert len(stored) == 7
    assert article(6)["url"] not in stored
    assert stored[article(1)["url"]]["body"] == "New body."
    assert stored[article(2)["url"]]["title"] == "Title 2"
    assert stored[article(2)["url"]]["version"] == 1
    # Only the update that happened left a revision.
    assert [r["url"] for r in mongo_db.revisions.find()] == [article(1)["url"]]
    for n in (6, 2):
        assert any(article(n)["url"] in r.getMessage() for r in caplog.records), n
    records = [r for _, r in spill.read(pipe.spill.path)]
    assert sorted(r["document"]["url"] for r in records) == sorted(
        [article(6)["url"], article(2)["url"]]
    )
    # MongoDB says "E11000 duplicate key", FerretDB "UNIQUE constraint failed".
    assert all(("duplicate key" in r["error"]) or ("UNIQUE" in r["error"]) for r in records)


def test_too_large_and_bad_fields_are_dropped_with_a_reason(mongo_uri, mongo_db, tmp_path):
    limit = storage.MAX_DOCUMENT_SIZE
    near = article("near", body="x" * (limit - 4096))
    pipe = make_pipeline(mongo_uri, mongo_db, tmp_path)
    dropped = run(
        pipe,
        [
            article(1),
            article("huge", body="ب" * (limit // 2 + 1)),
            article("dict", tags=[{"$where": "sleep(1000)"}]),
            article("odd", title="Costs $5.50 in a.b", body="$set: {a.b: 1}"),
            near,
            article(2),
        ],
    )
    assert [m.split(":")[0] for m in dropped] == ["too_large", "bad_field"]
    assert "/en/test/huge" in dropped[0]
    assert stat(pipe, "dropped/too_large") == 1 and stat(pipe, "dropped/bad_field") == 1
    assert stat(pipe, "mongo/inserted") == 4 and stat(pipe, "mongo/errors") == 0
    odd = mongo_db.articles.find_one({"url": article("odd")["url"]}, {"_id": 0})
    assert odd["title"] == "Costs $5.50 in a.b"
    assert mongo_db.articles.count_documents({"url": near["url"]}) == 1


def test_change_keeps_the_previous_content_as_a_revision(mongo_uri, mongo_db, tmp_path):
    run(make_pipeline(mongo_uri, mongo_db, tmp_path), [article(1), article(2)])
    first = mongo_db.articles.find_one({"url": article(1)["url"]})
    pipe = make_pipeline(mongo_uri, mongo_db, tmp_path)
    run(pipe, [article(1, tags=["Tehran"]), article(2)])
    assert (stat(pipe, "mongo/updated"), stat(pipe, "mongo/unchanged")) == (1, 1)
    doc = mongo_db.articles.find_one({"url": article(1)["url"]})
    assert doc["_id"] == first["_id"] and doc["version"] == 2 and doc["tags"] == ["Tehran"]
    assert doc["first_seen_at"] == first["first_seen_at"]
    assert doc["updated_at"] == doc["last_seen_at"] > first["last_seen_at"]
    (revision,) = mongo_db.revisions.find()
    assert revision["version"] == 1 and revision["content"]["tags"] == []
    assert revision["content"]["content_hash"] == first["content_hash"]
    assert revision["first_seen_at"] == first["first_seen_at"]
    assert revision["last_seen_at"] == first["last_seen_at"]


def test_plan_orders_duplicates_and_keeps_newer_content():
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    a = storage.document(article(1))
    b = storage.document(article(1, body="Changed."))
    steps = storage.plan(
        [
            storage.Entry(a, t0),
            storage.Entry(b, t0 + timedelta(hours=1)),
            storage.Entry(b, t0 + timedelta(hours=2)),
        ],
        {},
    )
    assert [s.outcome for s in steps] == ["inserted", "updated", "unchanged"]
    assert steps[1].revision.filter == {"_id": f"{a['url']} v1"}
    stored = {**b, "version": 2, "first_seen_at": t0, "last_seen_at": t0 + timedelta(days=1)}
    (late,) = storage.plan([storage.Entry(a, t0)], {a["url"]: stored})
    assert late.outcome == "stale" and "$set" not in late.op.update


def test_video_players_are_content_and_other_articles_keep_their_hash():
    """A re-crawl that finds a video's players stores them (a new version);
    an article without video fields keeps the hash it was stored with."""
    published = datetime(2020, 1, 1, 12, 34, tzinfo=UTC)
    fields = {
        "url": "https://old.iranintl.com/en/202001011234",
        "title": "Title",
        "summary": "Summary.",
        "body": ["One.", "Two."],
        "section": "Iran",
        "tags": ["Tehran"],
        "authors": ["A. Writer"],
        "published_at": published,
        "published_raw": "Wed, 01/01/2020 - 12:34",
        "published_precision": "minute",
        "image_urls": ["https://old.iranintl.com/img/1.jpg"],
    }
    # The hash such an article was stored with before video fields were hashed.
    stored = "237cc7496805c98f5ced0ee321d8f2478a23fa32053d6bb6df2b0387bcb5b72c"
    assert storage.content_hash(fields) == stored
    assert storage.content_hash({**fields, "video_urls": [], "poster_url": None}) == stored
    players = {**fields, "video_urls": ["https://www.youtube.com/embed/x"]}
    poster = {**fields, "poster_url": "https://old.iranintl.com/img/p.jpg"}
    hashes = {storage.content_hash(d) for d in (fields, players, poster)}
    assert len(hashes) == 3
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    video = article(1, kind="video", video_urls=[], poster_url=None)
    found = article(1, kind="video", video_urls=["https://www.youtube.com/embed/x"])
    before, after = storage.document(video), storage.document(found)
    (step,) = storage.plan(
        [storage.Entry(after, t0 + timedelta(days=1))],
        {before["url"]: {**before, "version": 1, "first_seen_at": t0, "last_seen_at": t0}},
    )
    assert step.outcome == "updated"
    assert step.op.update["$set"]["video_urls"] == ["https://www.youtube.com/embed/x"]
    assert step.revision.update["$set"]["content"]["video_urls"] == []


def test_spill_records_round_trip(tmp_path):
    seen = datetime(2024, 3, 20, 12, 30, 15, 123000, tzinfo=UTC)
    doc = storage.document(article(1, published_at=seen, title="عنوان"))
    crawl_id = ObjectId()
    file = spill.SpillFile(tmp_path / "spill", "x.jsonl")
    file.write([spill.article_record("db", "articles", crawl_id, storage.Entry(doc, seen))])
    file.write([spill.crawl_record("db", {"_id": crawl_id, "finished_at": seen})])
    (_, record), (_, crawl) = spill.read(file.path)
    assert record["document"] == doc and record["seen_at"] == seen
    assert record["seen_at"].utcoffset() == timedelta(0)
    assert record["crawl_id"] == crawl_id and crawl["document"]["_id"] == crawl_id
    assert storage.content_hash(record["document"]) == doc["content_hash"]


def test_describe_uri_never_shows_credentials():
    where = describe_uri("mongodb://reader:pa55word@db1:27017,db2:27018/oldsite?authSource=admin")
    assert where == "mongodb://db1:27017,db2:27018"


def test_a_large_flush_does_not_block_the_event_loop(mongo_uri, mongo_db, tmp_path):
    """Other coroutines keep running while a flush of 200 documents (1 MB)
    is writing: a ticker advances while the flush holds its lock. A flush
    that blocked the loop would take and release the lock in one step, and
    the ticker would never see it held."""
    pipe = make_pipeline(mongo_uri, mongo_db, tmp_path, MONGO_BATCH_SIZE=10_000)
    body = "Paragraph of an article. " * 200  # 5 kB

    async def go():
        await pipe.open_spider()
        for n in range(200):
            await pipe.process_item(article(n, body=body))
        flush = asyncio.create_task(pipe.flush())
        ticks_while_writing = 0

        async def ticker():
            nonlocal ticks_while_writing
            while not flush.done():
                await asyncio.sleep(0)
                ticks_while_writing += pipe.lock.locked() and not flush.done()

        await asyncio.gather(ticker(), flush)
        await pipe.close_spider()
        await pipe.client.close()
        return ticks_while_writing

    ticks = asyncio.run(go())
    print(f"\nthe loop ran {ticks} times while a flush of 200 documents was writing")
    assert stat(pipe, "mongo/inserted") == 200
    assert mongo_db.articles.count_documents({}) == 200
    assert ticks > 0


def test_what_is_worth_a_retry():
    from pymongo.errors import (
        AutoReconnect,
        BulkWriteError,
        DuplicateKeyError,
        NetworkTimeout,
        NotPrimaryError,
        OperationFailure,
        ServerSelectionTimeoutError,
    )

    for exc in (
        AutoReconnect("reset"),
        NetworkTimeout("slow"),
        NotPrimaryError("stepdown"),
        ServerSelectionTimeoutError("gone"),
        OperationFailure("shutting down", 91),
        BulkWriteError({"writeErrors": [{"code": 10107, "errmsg": "not primary"}]}),
        # A replica set stepping down (MongoDB 7): only the write concern failed.
        BulkWriteError(
            {
                "writeErrors": [],
                "writeConcernErrors": [{"code": 91, "errmsg": "shutdown in progress"}],
            }
        ),
    ):
        assert storage.is_transient(exc), exc
    for exc in (
        DuplicateKeyError("E11000", 11000),
        OperationFailure("bad", 2),
        BulkWriteError({"writeErrors": [{"code": 11000, "errmsg": "E11000"}]}),
        BulkWriteError(
            {
                "writeErrors": [{"code": 11000, "errmsg": "E11000"}],
                "writeConcernErrors": [{"code": 91, "errmsg": "shutdown in progress"}],
            }
        ),
        BulkWriteError({"writeErrors": [], "writeConcernErrors": []}),
        KeyError("nModified"),
    ):
        assert not storage.is_transient(exc), exc


def test_a_running_crawl_has_its_document_in_crawls(mongo_uri, mongo_db, tmp_path):
    """While a crawl runs, ``db.crawls.find()`` shows it (status, counts so far,
    the ``progress/`` stats); at close it is completed."""
    pipe = make_pipeline(
        mongo_uri, mongo_db, tmp_path, MONGO_BATCH_SIZE=2, MONGO_PROGRESS_INTERVAL=0.05
    )
    spider = OldsiteSpider(base_url="http://127.0.0.1")
    spider.arguments = {
        "base_url": "http://archivist:s3cret@127.0.0.1:8080/",
        "from": "2019",
        "languages": ["fa"],
        "proxy_password": "s3cret",
    }
    pipe.crawler.spider = spider

    async def go():
        await pipe.open_spider()
        opened = mongo_db.crawls.find_one({"_id": pipe.crawl_id})
        pipe.stats.set_value("progress/pages", 12)
        pipe.stats.set_value("progress/eta_seconds", 30.5)
        for n in range(3):
            await pipe.process_item(article(n, language="fa", kind="brief" if n else "article"))
        await pipe.process_item(article(9, language="ar"))
        deadline = time.monotonic() + 20
        running = None
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            running = mongo_db.crawls.find_one({"_id": pipe.crawl_id})
            if running["progress"].get("pages") == 12 and running["counts"]["inserted"] >= 2:
                break
        await pipe.close_spider()
        await pipe.spider_closed(spider, "finished")
        return opened, running

    opened, running = asyncio.run(go())
    assert pipe.stats.get_value("crawl_id") == str(pipe.crawl_id)
    assert opened["status"] == "running" and opened["finished_at"] is None
    assert running["status"] == "running" and running["finished_at"] is None
    assert running["progress"] == {"pages": 12, "eta_seconds": 30.5}
    assert running["counts"]["inserted"] >= 2
    (done,) = mongo_db.crawls.find()
    assert done["status"] == "finished" and done["finish_reason"] == "finished"
    assert done["finished_at"] >= running["updated_at"]
    # Credentials never reach crawls.arguments: not in a URL, not by name.
    assert done["arguments"] == {
        "base_url": "http://127.0.0.1:8080/",
        "from": "2019",
        "languages": ["fa"],
    }
    assert "s3cret" not in str(done)
    by = done["counts"]["by_language"]
    assert set(by) == {"en", "fa", "ar"} and set(by["en"]) == {"article", "brief", "video"}
    assert by["fa"] == {"article": 1, "brief": 2, "video": 0}
    assert by["ar"]["article"] == 1 and by["en"] == {"article": 0, "brief": 0, "video": 0}
