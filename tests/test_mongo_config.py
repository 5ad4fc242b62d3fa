"""MongoConfig: one reading of the MONGO_* settings, defaults from settings.py
only, and the client factory that every MongoDB user of the project shares."""

import asyncio

import pytest
from pymongo.errors import ServerSelectionTimeoutError
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl import mongo
from newscrawl import settings as project
from tests.conftest import free_port


def test_defaults_come_from_the_project_settings():
    config = mongo.MongoConfig.from_settings(get_crawler().settings)
    assert config.database == project.MONGO_DATABASE
    assert config.collection == project.MONGO_COLLECTION == "articles"
    assert config.batch_size == project.MONGO_BATCH_SIZE
    assert config.connect_timeout == project.MONGO_CONNECT_TIMEOUT
    assert config.seen_batch == project.MONGO_SEEN_BATCH
    assert config.progress_interval == project.MONGO_PROGRESS_INTERVAL


def test_settings_override_the_defaults_with_their_types():
    config = mongo.MongoConfig.from_settings(
        Settings(
            {
                "MONGO_URI": "mongodb://u:secret@db1:27018/",
                "MONGO_DATABASE": "x",
                "MONGO_BATCH_SIZE": "7",
                "MONGO_CONNECT_TIMEOUT": "2.5",
                "MONGO_RETRY_TIMES": "0",
            }
        )
    )
    assert (config.database, config.batch_size, config.retry_times) == ("x", 7, 0)
    assert config.connect_timeout == 2.5
    assert config.where == "mongodb://db1:27018"


def test_the_client_uses_the_configured_timeouts():
    config = mongo.MongoConfig.from_settings(
        Settings(
            {
                "MONGO_URI": "mongodb://127.0.0.1:1/",
                "MONGO_CONNECT_TIMEOUT": "1.5",
                "MONGO_WRITE_TIMEOUT": "9",
            }
        )
    )

    async def go():
        client = config.client(appname="t")
        try:
            return client.options
        finally:
            await client.close()

    options = asyncio.run(go())
    assert options.server_selection_timeout == 1.5
    assert options.pool_options.connect_timeout == 1.5
    assert options.pool_options.socket_timeout == 9
    assert options.codec_options.tz_aware


def test_known_urls_honours_the_connect_timeout():
    settings = Settings(
        {"MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/", "MONGO_CONNECT_TIMEOUT": "0.2"}
    )
    # pymongo names the server selection timeout it waited for: 0.2 s, not the 10 s default.
    with pytest.raises(ServerSelectionTimeoutError, match=r"Timeout: 0\.2s"):
        asyncio.run(mongo.known_urls(settings))
