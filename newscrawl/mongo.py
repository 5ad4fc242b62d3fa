"""The MongoDB configuration, read once from the settings, and the one client
factory used by the pipeline, ``scrapy loadspill`` and ``skip_known``.

The defaults live in ``settings.py`` only; :meth:`MongoConfig.from_settings`
reads them the way scrapy-playwright's ``Config.from_settings`` does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MongoConfig:
    uri: str
    database: str
    collection: str
    batch_size: int
    flush_interval: float
    connect_timeout: float
    write_timeout: float
    retry_times: int
    retry_delay: float
    spill_dir: str
    seen_batch: int
    seen_interval: float
    progress_interval: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> MongoConfig:
        """Read the ``MONGO_*`` settings; a setting the crawler does not have
        (a component test's ``get_crawler()``) takes its default from the
        project's ``settings.py``."""
        settings = _with_project_defaults(settings, SETTINGS)
        return cls(
            uri=settings.get("MONGO_URI") or "",
            database=settings.get("MONGO_DATABASE"),
            collection=settings.get("MONGO_COLLECTION"),
            batch_size=max(1, settings.getint("MONGO_BATCH_SIZE")),
            flush_interval=settings.getfloat("MONGO_FLUSH_INTERVAL"),
            connect_timeout=settings.getfloat("MONGO_CONNECT_TIMEOUT"),
            write_timeout=settings.getfloat("MONGO_WRITE_TIMEOUT"),
            retry_times=settings.getint("MONGO_RETRY_TIMES"),
            retry_delay=settings.getfloat("MONGO_RETRY_DELAY"),
            spill_dir=settings.get("MONGO_SPILL_DIR"),
            seen_batch=max(1, settings.getint("MONGO_SEEN_BATCH")),
            seen_interval=settings.getfloat("MONGO_SEEN_INTERVAL"),
            progress_interval=settings.getfloat("MONGO_PROGRESS_INTERVAL"),
        )

    @property
    def where(self) -> str:
        """The server's hosts, for the log: never the credentials."""
        return describe_uri(self.uri)

    def client(self, appname: str = "newscrawl", **options: Any) -> AsyncMongoClient:
        """An asyncio client with the configured timeouts and aware UTC dates.
        It connects lazily: the first command raises what a bad URI or an
        unreachable server gives (``PyMongoError``; see :func:`connection_problem`)."""
        return AsyncMongoClient(self.uri, **self._options(appname), **options)

    def sync_client(self, appname: str = "newscrawl", **options: Any) -> MongoClient:
        """The same, blocking (for commands that run outside the reactor: ``scrapy report``)."""
        return MongoClient(self.uri, **self._options(appname), **options)

    def _options(self, appname: str) -> dict[str, Any]:
        timeout_ms = int(self.connect_timeout * 1000)
        return {
            "tz_aware": True,
            "appname": appname,
            "serverSelectionTimeoutMS": timeout_ms,
            "connectTimeoutMS": timeout_ms,
            "socketTimeoutMS": int(self.write_timeout * 1000),
        }


SETTINGS = (
    "MONGO_URI",
    "MONGO_DATABASE",
    "MONGO_COLLECTION",
    "MONGO_BATCH_SIZE",
    "MONGO_FLUSH_INTERVAL",
    "MONGO_CONNECT_TIMEOUT",
    "MONGO_WRITE_TIMEOUT",
    "MONGO_RETRY_TIMES",
    "MONGO_RETRY_DELAY",
    "MONGO_SPILL_DIR",
    "MONGO_SEEN_BATCH",
    "MONGO_SEEN_INTERVAL",
    "MONGO_PROGRESS_INTERVAL",
)


def _with_project_defaults(settings: BaseSettings, names: tuple[str, ...]) -> BaseSettings:
    from newscrawl import settings as project

    return BaseSettings(
        {
            name: getattr(project, name) if settings.get(name) is None else settings.get(name)
            for name in names
        }
    )


def describe_uri(uri: str) -> str:
    """Hosts of a MongoDB URI, never its credentials."""
    try:
        parsed = parse_uri(uri)
    except Exception:
        return "an unparsable MONGO_URI"
    hosts = ",".join(f"{host}:{port}" for host, port in parsed["nodelist"])
    return f"mongodb://{hosts}"


def connection_problem(exc: BaseException, where: str, timeout: float) -> str:
    """What to tell people when MongoDB cannot be used at all (no credentials)."""
    from newscrawl.storage import brief

    kind = type(exc).__name__
    if isinstance(exc, ConnectionFailure):
        return (
            f"MongoDB is unreachable at {where} ({kind} after {timeout:g} s). "
            "Start a server (`make mongo`, or `docker compose up -d mongo`) "
            "or point MONGO_URI at one."
        )
    if isinstance(exc, OperationFailure) and exc.code == 18:
        return f"MongoDB at {where} refused the credentials in MONGO_URI ({kind})."
    if isinstance(exc, OperationFailure):
        return f"MongoDB at {where} refused to prepare the database: {brief(exc)}"
    return f"MONGO_URI is not usable ({kind}); expected mongodb://[user:password@]host[:port]/"


async def known_urls(settings: BaseSettings | MongoConfig) -> frozenset[str]:
    """The URLs of the articles already stored (for ``skip_known``), in one
    pass over ``url`` only. Raises ``PyMongoError`` when MongoDB cannot be used."""
    config = settings if isinstance(settings, MongoConfig) else MongoConfig.from_settings(settings)
    client = config.client(appname="newscrawl-skip-known")
    try:
        collection = client[config.database][config.collection]
        cursor = collection.find({}, {"url": True, "_id": False})
        return frozenset([doc["url"] async for doc in cursor if doc.get("url")])
    finally:
        await client.close()


async def scans_by_id(client: AsyncMongoClient) -> bool:
    """Whether the server answers a lookup by ``_id`` with a collection scan:
    FerretDB v1 does (its SQLite and PostgreSQL backends never use the ``_id``
    index), so every update of a stored document costs a pass over the whole
    collection there. MongoDB and FerretDB v2 use the index."""
    try:
        info = await client.admin.command("buildInfo")
    except PyMongoError:
        return False
    version = str(info.get("ferretdbVersion") or "")
    return version.lstrip("v").startswith("1.")
