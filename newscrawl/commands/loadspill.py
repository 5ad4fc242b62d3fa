"""``scrapy loadspill FILE...``: write a crawl's spill files into MongoDB.

Uses the project's ``MONGO_URI`` (environment or ``-s``); each record goes to
the database it was meant for, unless ``--database`` says otherwise. Loading
applies the crawl's upsert plan with the time each item was crawled, so a
file can be loaded again (or after a later crawl) without changing anything.
"""

from __future__ import annotations

import asyncio
import logging

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from newscrawl import spill, storage
from newscrawl.mongo import MongoConfig, connection_problem

logger = logging.getLogger(__name__)

REPORTED = (
    "inserted",
    "updated",
    "unchanged",
    "stale",
    "errors",
    "invalid",
    "skipped",
    "crawls",
)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return "[options] FILE [FILE ...]"

    def short_desc(self):
        return "Load spill files (items a crawl could not store) into MongoDB"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "--database",
            metavar="NAME",
            help="load into this database instead of the one in the file",
        )

    def run(self, args, opts):
        if not args:
            raise UsageError("name at least one spill file")
        configure_logging(self.settings)
        self.exitcode = asyncio.run(self.load(args, opts.database))

    async def load(self, paths: list[str], database: str | None) -> int:
        assert self.settings is not None
        config = MongoConfig.from_settings(self.settings)
        where, timeout = config.where, config.connect_timeout
        try:
            client = config.client(appname="newscrawl-loadspill")
        except PyMongoError as exc:
            logger.error(connection_problem(exc, where, timeout))
            return 1
        status = 0
        try:
            for path in paths:
                logger.info("Loading %s into %s", path, where)
                try:
                    counts = await spill.load(client, path, config, database)
                except OSError as exc:
                    logger.error("Cannot read %s: %s", path, exc.strerror or exc)
                    status = 1
                    continue
                except storage.MongoUnavailable as exc:
                    logger.error(
                        "MongoDB is unavailable at %s (%s); %s is not fully loaded, "
                        "run the command again later",
                        where,
                        exc,
                        path,
                    )
                    return 1
                except PyMongoError as exc:
                    logger.error("%s: %s", path, connection_problem(exc, where, timeout))
                    return 1
                print(f"{path}: " + ", ".join(f"{counts[k]} {k}" for k in REPORTED), flush=True)
                if counts["errors"] or counts["invalid"]:
                    status = 1
        finally:
            await client.close()
        return status
