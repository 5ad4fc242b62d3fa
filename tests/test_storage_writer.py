"""The write path against the real server: what is stored is read once, new
articles are inserted in bulk, unchanged ones get their last_seen_at in a few
statements (or one rewrite of the collection where every update scans it),
and only changed articles are read one by one."""

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime, timedelta

import pymongo
from pymongo import monitoring
from scrapy.settings import Settings

from newscrawl import mongo, spill, storage
from tests.test_mongo_pipeline import article

T0 = datetime(2024, 1, 1, tzinfo=UTC)
# The project's MONGO_* defaults.
CONFIG = mongo.MongoConfig.from_settings(Settings())


class Commands(monitoring.CommandListener):
    """The commands a client sent, by name."""

    def __init__(self):
        self.names = []

    def started(self, event):
        self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def count(self, name):
        return self.names.count(name)


def entries(numbers, seen, **fields):
    return [storage.Entry(storage.document(article(n, **fields)), seen) for n in numbers]


def write(mongo_uri, db, batches, scans=False, listener=None, final=True):
    """Write *batches* (lists of entries) with one Writer, as a crawl does:
    load once, write each batch, flush the unchanged at the end."""

    async def go():
        client = pymongo.AsyncMongoClient(
            mongo_uri, tz_aware=True, event_listeners=[listener] if listener else []
        )
        try:
            articles = client[db.name]["articles"]
            await storage.ensure_indexes(articles, storage.ARTICLE_INDEXES)
            writer = storage.Writer.from_config(
                articles,
                client[db.name]["revisions"],
                dataclasses.replace(CONFIG, seen_batch=40),
                scans=scans,
            )
            await writer.load()
            if listener:
                listener.names.clear()
            results = []
            for batch in batches:
                results += await writer.write(batch)
            await writer.flush_seen(final=final)
            return results
        finally:
            await client.close()

    return asyncio.run(go())


def outcomes(results):
    assert all(error is None for _, error in results), results
    return sorted(step.outcome for step, _ in results)


def test_a_recrawl_reads_nothing_per_article_and_moves_last_seen_at(mongo_uri, mongo_db):
    write(mongo_uri, mongo_db, [entries(range(100), T0)])
    before = {d["_id"]: d for d in mongo_db.articles.find()}
    listener = Commands()
    later = T0 + timedelta(days=1)
    batch = entries(range(100), later) + entries([200, 201], later)
    batch += entries([7], later, body="Edited.")
    results = write(mongo_uri, mongo_db, [batch[:50], batch[50:]], listener=listener)

    assert outcomes(results) == ["inserted"] * 2 + ["unchanged"] * 100 + ["updated"]
    # One lookup (the changed article), one insert_many, its revision and its
    # update, and the 100 unchanged in ceil(100 / 40) update_many statements.
    assert listener.count("find") == 1
    assert listener.count("insert") == 1
    assert listener.count("update") == 2 + 3
    after = {d["_id"]: d for d in mongo_db.articles.find()}
    assert len(after) == 102
    for url, old in before.items():
        doc = after[url]
        assert doc["first_seen_at"] == old["first_seen_at"] == T0
        assert doc["last_seen_at"] == later
        if url != article(7)["url"]:
            assert doc["version"] == 1 and doc["content_hash"] == old["content_hash"]
    assert after[article(7)["url"]]["version"] == 2
    assert after[article(200)["url"]]["first_seen_at"] == later
    assert mongo_db.revisions.count_documents({}) == 1


def test_where_updates_scan_the_unchanged_are_written_by_one_rewrite(mongo_uri, mongo_db):
    write(mongo_uri, mongo_db, [entries(range(120), T0)])
    mongo_db.articles.create_index("title", name="by_title")
    before = {d["_id"]: d for d in mongo_db.articles.find()}
    later = T0 + timedelta(hours=5)
    listener = Commands()
    results = write(mongo_uri, mongo_db, [entries(range(60), later)], scans=True, listener=listener)
    assert outcomes(results) == ["unchanged"] * 60
    assert listener.count("update") == 0  # no per-article update at all
    after = {d["_id"]: d for d in mongo_db.articles.find()}
    assert set(after) == set(before)
    for n in range(120):
        url = article(n)["url"]
        moved = later if n < 60 else T0
        assert after[url] == {**before[url], "last_seen_at": moved}
    names = {ix["name"] for ix in mongo_db.articles.list_indexes()}
    assert {"url_unique", "language_kind", "published_at", "by_title"} <= names
    assert [c for c in mongo_db.list_collection_names() if "rewrite" in c] == []
    # A few unchanged articles are not worth a rewrite: update_many.
    listener = Commands()
    write(
        mongo_uri,
        mongo_db,
        [entries(range(3), later + timedelta(hours=1))],
        scans=True,
        listener=listener,
    )
    assert listener.count("update") == 1
    assert mongo_db.articles.find_one({"_id": article(0)["url"]})[
        "last_seen_at"
    ] == later + timedelta(hours=1)


def test_an_interrupted_rewrite_is_put_back(mongo_uri, mongo_db):
    write(mongo_uri, mongo_db, [entries(range(5), T0)])
    # The process died between the two renames of the swap.
    mongo_db.articles.rename(f"articles{storage.OLD_MARK}dead")
    mongo_db[f"articles{storage.REWRITE_MARK}dead"].insert_one({"_id": "partial"})

    async def go():
        client = pymongo.AsyncMongoClient(mongo_uri)
        try:
            await storage.recover(client[mongo_db.name]["articles"])
        finally:
            await client.close()

    # Not while another crawl writes to the collection: its rewrite may be
    # between its two renames.
    running = {"_id": "other", "status": "running", "collection": "articles"}
    mongo_db.crawls.insert_one({**running, "updated_at": datetime.now(UTC)})
    asyncio.run(go())
    assert "articles" not in mongo_db.list_collection_names()
    mongo_db.crawls.delete_one({"_id": "other"})

    asyncio.run(go())
    assert mongo_db.list_collection_names(filter={"name": {"$regex": "^articles"}}) == ["articles"]
    assert mongo_db.articles.count_documents({}) == 5


def test_an_insert_that_meets_a_stored_article_is_the_update_it_is(mongo_uri, mongo_db):
    """Another writer stored the article after this one read what is stored."""

    async def go():
        client = pymongo.AsyncMongoClient(mongo_uri, tz_aware=True)
        try:
            db = client[mongo_db.name]
            writer = storage.Writer.from_config(db.articles, db.revisions, CONFIG)
            await writer.load()  # empty
            other = storage.Writer.from_config(db.articles, db.revisions, CONFIG)
            await other.write(entries([1, 2], T0))
            return await writer.write(
                entries([1], T0 + timedelta(hours=1), body="New.")
                + entries([2, 3], T0 + timedelta(hours=1))
            )
        finally:
            await client.close()

    results = asyncio.run(go())
    assert [step.outcome for step, _ in results] == ["updated", "unchanged", "inserted"]
    doc = mongo_db.articles.find_one({"_id": article(1)["url"]})
    assert doc["version"] == 2 and doc["body"] == "New." and doc["first_seen_at"] == T0
    assert mongo_db.revisions.count_documents({}) == 1


def test_a_replayed_insert_counts_once(mongo_uri, mongo_db):
    """The same batch twice (a retry after the server wrote it): nothing
    changes the second time."""
    batch = entries(range(3), T0)
    write(mongo_uri, mongo_db, [batch])
    first = list(mongo_db.articles.find())
    assert outcomes(write(mongo_uri, mongo_db, [batch])) == ["unchanged"] * 3
    assert list(mongo_db.articles.find()) == first


def load(mongo_uri, path, config=CONFIG, listener=None, database=None):
    """``spill.load`` of *path*, as ``scrapy loadspill`` runs it."""

    async def go():
        client = pymongo.AsyncMongoClient(
            mongo_uri, tz_aware=True, event_listeners=[listener] if listener else []
        )
        try:
            return await spill.load(client, path, config, database)
        finally:
            await client.close()

    return asyncio.run(go())


def test_unwritten_sightings_spill_and_load(mongo_uri, mongo_db, tmp_path, caplog):
    write(mongo_uri, mongo_db, [entries(range(3), T0)])
    later = T0 + timedelta(days=2)
    file = spill.SpillFile(tmp_path, "seen.jsonl")
    file.write(
        [
            spill.seen_record(mongo_db.name, "articles", None, article(n)["url"], later)
            for n in (0, 1, 8)  # 8 is not stored (deleted since, or another database)
        ]
    )

    with caplog.at_level(logging.WARNING, logger="newscrawl.spill"):
        counts = load(mongo_uri, file.path)
    assert counts["unchanged"] == 2
    # The sighting of an article the database does not hold: counted and said.
    assert counts["skipped"] == 1
    (warning,) = [r.getMessage() for r in caplog.records if "not stored in" in r.getMessage()]
    assert f"1 sightings are of articles not stored in {mongo_db.name}.articles" in warning
    assert article(8)["url"] in warning and "line 3" in warning
    seen = {d["_id"]: d["last_seen_at"] for d in mongo_db.articles.find()}
    assert seen == {article(0)["url"]: later, article(1)["url"]: later, article(2)["url"]: T0}


def test_loadspill_writes_sightings_as_the_settings_say(mongo_uri, mongo_db, tmp_path):
    """MONGO_SEEN_BATCH ids per statement, each statement spanning at most
    MONGO_SEEN_INTERVAL, as in a crawl."""
    write(mongo_uri, mongo_db, [entries(range(5), T0)])
    seen = [T0 + timedelta(days=1)] * 4 + [T0 + timedelta(days=1, hours=1)]
    file = spill.SpillFile(tmp_path, "seen.jsonl")
    file.write(
        [
            spill.seen_record(mongo_db.name, "articles", None, article(n)["url"], when)
            for n, when in enumerate(seen)
        ]
    )
    listener = Commands()
    config = dataclasses.replace(CONFIG, seen_batch=3, seen_interval=60.0)
    assert load(mongo_uri, file.path, config, listener)["unchanged"] == 5
    # Groups [0, 1, 2], [3] (batch of 3), [4] (an hour later: over 60 s).
    assert listener.count("update") == 3
    stored = {d["_id"]: d["last_seen_at"] for d in mongo_db.articles.find()}
    assert stored == {article(n)["url"]: when for n, when in enumerate(seen)}
    # With the defaults (5000 ids, 60 s): two statements.
    listener = Commands()
    later = [when + timedelta(days=1) for when in seen]
    file = spill.SpillFile(tmp_path, "seen2.jsonl")
    file.write(
        [
            spill.seen_record(mongo_db.name, "articles", None, article(n)["url"], when)
            for n, when in enumerate(later)
        ]
    )
    load(mongo_uri, file.path, CONFIG, listener)
    assert listener.count("update") == 2


def test_loadspill_prepares_a_fresh_database_as_a_crawl_does(mongo_uri, mongo_db, tmp_path):
    """Loading into a database no crawl has written to gives the collection a
    crawl makes (indexes, the text index where the server has them), and an
    interrupted rewrite is put back first."""
    write(mongo_uri, mongo_db, [entries(range(5), T0)])
    # The process died between the two renames of a rewrite's swap.
    mongo_db.articles.rename(f"articles{storage.OLD_MARK}dead")
    mongo_db[f"articles{storage.REWRITE_MARK}dead"].insert_one({"_id": "partial"})
    file = spill.SpillFile(tmp_path, "articles.jsonl")
    for n in (5, 6):
        entry = entries([n], T0 + timedelta(hours=1))[0]
        file.write([spill.article_record(mongo_db.name, "articles", None, entry)])
    fresh = mongo_db.client[f"{mongo_db.name}_fresh"]
    try:
        assert load(mongo_uri, file.path)["inserted"] == 2
        assert load(mongo_uri, file.path, database=fresh.name)["inserted"] == 2
        names = mongo_db.list_collection_names(filter={"name": {"$regex": "^articles"}})
        assert names == ["articles"] and mongo_db.articles.count_documents({}) == 7

        async def text_indexes():
            client = pymongo.AsyncMongoClient(mongo_uri)
            try:
                return await storage.ensure_text_index(client[fresh.name]["probe"])
            finally:
                await client.close()

        expected = {"_id_", "url_unique", "language_kind", "published_at"}
        if asyncio.run(text_indexes()):
            expected.add("search_text")
        for db in (mongo_db, fresh):
            assert {ix["name"] for ix in db.articles.list_indexes()} == expected
        assert {ix["name"] for ix in fresh.revisions.list_indexes()} == {"_id_", "url_version"}
    finally:
        mongo_db.client.drop_database(fresh.name)


def test_text_index_where_the_server_has_one(mongo_uri, mongo_db, caplog):
    """MongoDB: a text index that takes Persian and Arabic documents (a field
    named ``language`` must not be read as the index's language) and finds
    them. FerretDB v1: one info line, and the crawl goes on."""

    async def go():
        client = pymongo.AsyncMongoClient(mongo_uri, tz_aware=True)
        try:
            return await storage.ensure_text_index(client[mongo_db.name]["articles"])
        finally:
            await client.close()

    with caplog.at_level(logging.INFO, logger="newscrawl.storage"):
        created = asyncio.run(go())
    docs = [
        storage.document(article(1, language="fa", search_text="اعتراض در تهران")),
        storage.document(article(2, language="ar", search_text="الرصد الصحافي")),
        storage.document(article(3, language="en", search_text="sanctions on iran")),
    ]
    write(mongo_uri, mongo_db, [[storage.Entry(d, T0) for d in docs]])
    assert mongo_db.articles.count_documents({}) == 3
    if not created:
        assert any("No text index" in r.getMessage() for r in caplog.records)
        return
    for query, n in (("تهران", 1), ("الصحافي", 2), ("sanctions", 3)):
        (found,) = mongo_db.articles.find({"$text": {"$search": query}})
        assert found["_id"] == article(n)["url"]


def test_known_urls_for_skip_known(mongo_uri, mongo_db):
    from scrapy.settings import Settings

    write(mongo_uri, mongo_db, [entries(range(4), T0)])
    settings = Settings({"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name})
    known = asyncio.run(mongo.known_urls(settings))
    assert known == {article(n)["url"] for n in range(4)}


def test_a_rewrite_never_loses_what_another_writer_stored(mongo_uri, mongo_db, caplog):
    write(mongo_uri, mongo_db, [entries(range(60), T0)])
    later = T0 + timedelta(hours=1)

    async def go():
        client = pymongo.AsyncMongoClient(mongo_uri, tz_aware=True)
        try:
            db = client[mongo_db.name]
            writer = storage.Writer.from_config(db.articles, db.revisions, CONFIG, scans=True)
            await writer.load()
            await writer.write(entries(range(60), later))
            # Another process stores an article meanwhile.
            await storage.Writer.from_config(db.articles, db.revisions, CONFIG).write(
                entries([99], later)
            )
            await writer.flush_seen(final=True)
        finally:
            await client.close()

    with caplog.at_level(logging.WARNING, logger="newscrawl.storage"):
        asyncio.run(go())
    assert any("another process wrote to it" in r.getMessage() for r in caplog.records)
    assert mongo_db.articles.count_documents({}) == 61
    assert mongo_db.articles.count_documents({"last_seen_at": later}) == 61
