"""``scrapy report [--crawl ID] [-o DIR]``: the archive's coverage report.

Reads the project's ``MONGO_URI`` and ``MONGO_DATABASE`` (environment or
``-s``) and writes ``DIR/report.html`` (``REPORT_DIR`` by default), one
self-contained page with its charts inline, plus the charts as SVG files
beside it. See ``newscrawl.report``.
"""

import logging
import time

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.utils.log import configure_logging

from newscrawl.mongo import MongoConfig, connection_problem, describe_uri

logger = logging.getLogger(__name__)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return "Write the archive's coverage report (HTML with charts) from MongoDB"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "--crawl", metavar="ID", help="report on one crawl (an _id of the crawls collection)"
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar="DIR",
            help="where to write the report (default: the REPORT_DIR setting)",
        )

    def run(self, args, opts):
        # Here, not at the top: Scrapy imports every command to start any of
        # them, and the charts' matplotlib would add 0.3 s to every crawl.
        from newscrawl import report

        configure_logging(self.settings)
        config = MongoConfig.from_settings(self.settings)
        where, timeout = describe_uri(config.uri), config.connect_timeout
        started = time.perf_counter()
        try:
            client = config.sync_client(appname="newscrawl-report")
        except PyMongoError as exc:
            logger.error(connection_problem(exc, where, timeout))
            self.exitcode = 1
            return
        try:
            db = client[config.database]
            path, built = report.make(
                db, opts.output or self.settings.get("REPORT_DIR"), config.collection, opts.crawl
            )
        except LookupError as exc:
            logger.error(
                "%s: see db.crawls.find({}, {started_at: 1, finish_reason: 1})", exc.args[0]
            )
            self.exitcode = 1
            return
        except PyMongoError as exc:
            logger.error(connection_problem(exc, where, timeout))
            self.exitcode = 1
            return
        finally:
            client.close()
        t = built.timings
        print(
            f"{path}: {built.total} articles, {len(built.crawls)} crawls, {built.scope} "
            f"({time.perf_counter() - started:.1f} s: read {t['read']:.1f} s, "
            f"compute {t['compute']:.1f} s, charts {t['charts']:.1f} s)",
            flush=True,
        )
