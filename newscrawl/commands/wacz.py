"""``scrapy wacz``: package a crawl's WARC files as a WACZ for ReplayWeb.page.

    scrapy wacz                          # the newest crawl in WARC_DIR
    scrapy wacz --crawl ID -o out.wacz   # another crawl (its id: crawls._id, warcinfo isPartOf)
    scrapy wacz --all data/warc          # every file of a directory (files and globs too)

``pages/pages.jsonl`` lists the articles and briefs stored in MongoDB
(``MONGO_URI``, ``MONGO_DATABASE``) whose content came from the packaged
files; ``--no-pages`` packages without asking MongoDB.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from newscrawl.mongo import MongoConfig, connection_problem
from newscrawl.warc import wacz
from newscrawl.warc.config import WarcConfig
from newscrawl.warc.reader import NoWarcFiles, warc_files

logger = logging.getLogger(__name__)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return "[options] [PATH ...]"

    def short_desc(self):
        return "Package a crawl's WARC files as a WACZ (with pages.jsonl) for ReplayWeb.page"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="the WACZ to write; WARC_DIR/<prefix>-<crawl>.wacz by default",
        )
        parser.add_argument(
            "--crawl",
            metavar="ID",
            help="the crawl to package (default: the one of the newest file)",
        )
        parser.add_argument("--all", action="store_true", help="package every file found")
        parser.add_argument(
            "--no-pages", action="store_true", help="do not read the stored articles from MongoDB"
        )

    def run(self, args, opts):
        configure_logging(self.settings)
        config = WarcConfig.from_settings(self.settings)
        try:
            found = [p for spec in (args or [str(config.directory)]) for p in warc_files(spec)]
        except NoWarcFiles as exc:
            raise UsageError(str(exc)) from None
        if opts.all:
            crawl_id, files = None, sorted(set(found), key=lambda p: p.name)
        else:
            crawl_id, files = wacz.crawl_files(found, opts.crawl)
            if not files:
                raise UsageError(f"no WARC file of crawl {opts.crawl} among {len(found)} files")
        files = wacz.with_revisited(files, files[0].parent)
        output = (
            Path(opts.output)
            if opts.output
            else config.directory / f"{config.prefix}-{crawl_id or 'all'}.wacz"
        )
        entries = [] if opts.no_pages else self.pages(files)
        if entries is None:
            self.exitcode = 1
            return
        try:
            wacz.package(files, entries, output, title=f"newscrawl {crawl_id or ''}".strip())
        except wacz.WaczError as exc:
            logger.error("%s", exc)
            self.exitcode = 1
            return
        valid, said = wacz.validate(output)
        print(
            f"{output}: {len(files)} WARC files, {len(entries)} pages"
            + ("" if valid else " (py-wacz says it is not valid)"),
            flush=True,
        )
        if not valid:
            logger.error("py-wacz's validator rejects %s: %s", output, said.strip()[-300:])
            self.exitcode = 1

    def pages(self, files):
        """The pages list of the stored documents recorded in *files*; None
        when MongoDB cannot be read (said in one line)."""
        config = MongoConfig.from_settings(self.settings)
        names = [p.name for p in files]
        try:
            with config.sync_client(appname="newscrawl-wacz") as client:
                articles = client[config.database][config.collection]
                docs = list(
                    articles.find(
                        {"warc.file": {"$in": names}}, {"title": True, "warc": True, "_id": False}
                    )
                )
        except PyMongoError as exc:
            logger.error(
                "%s; or package without the page list: scrapy wacz --no-pages",
                connection_problem(exc, config.where, config.connect_timeout),
            )
            return None
        return wacz.pages(docs, files)
