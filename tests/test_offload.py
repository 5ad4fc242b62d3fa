"""CleanTextPipeline in its worker process: the real process, no server."""

import asyncio
import copy
import logging

import pytest
from scrapy.utils.test import get_crawler

from newscrawl import settings as project
from newscrawl.items import ArticleItem
from newscrawl.pipelines.clean import CleanTextPipeline
from newscrawl.pipelines.offload import CleanTextWorkerPipeline

ITEMS = [
    ArticleItem(
        url="https://old.example/en/a",
        language="en",
        kind="article",
        title="  Parliament &amp; budget | Iran International ",
        body=["This is the old website of Iran International.", "It  passed\u200b today."],
        tags=["Budget", "budget ", "Budget"],
        image_urls=["https://old.example/a.jpg", "https://old.example/a.jpg"],
    ),
    ArticleItem(
        url="https://old.example/fa/b",
        language="fa",
        kind="brief",
        title="مجلس بودجه را تصويب كرد",
        body=["مجلس بودجه را تصويب كرد. بیشتر"],
    ),
    ArticleItem(
        url="https://old.example/ar/c",
        language="ar",
        kind="article",
        title="البرلمان يقر الميزانية",
        body="الفقرة الأولى\n\nالفقرة الثانية\u0000",
    ),
]


class Run:
    """The pipeline of a crawler, on one loop for its whole life (the worker
    is bound to the loop that started it)."""

    def __init__(self, **settings):
        values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
        self.crawler = get_crawler(settings_dict={**values, **settings})
        self.pipeline = CleanTextWorkerPipeline.from_crawler(self.crawler)
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.pipeline.open_spider())

    def clean(self, items):
        async def all_at_once():
            return await asyncio.gather(*(self.pipeline.process_item(i) for i in items))

        return self.loop.run_until_complete(all_at_once())

    def close(self):
        try:
            self.loop.run_until_complete(self.pipeline.close_spider())
        finally:
            self.loop.close()


def in_process(items):
    return [dict(CleanTextPipeline().process_item(copy.deepcopy(i))) for i in items]


def test_the_worker_cleans_items_exactly_as_the_pipeline_does_in_process():
    run = Run()
    try:
        assert run.pipeline.worker is not None and run.pipeline.worker.proc.returncode is None
        cleaned = run.clean([copy.deepcopy(i) for i in ITEMS * 20])
    finally:
        run.close()
    assert [dict(i) for i in cleaned] == in_process(ITEMS * 20)
    assert all(isinstance(i, ArticleItem) for i in cleaned)
    assert run.crawler.stats.get_value("clean/in_process") is None


def test_a_worker_that_dies_loses_no_item(caplog):
    run = Run()
    try:
        run.clean([copy.deepcopy(ITEMS[0])])
        run.pipeline.worker.proc.kill()
        with caplog.at_level(logging.ERROR):
            cleaned = run.clean([copy.deepcopy(i) for i in ITEMS])
            again = run.clean([copy.deepcopy(i) for i in ITEMS])
    finally:
        run.close()
    assert [dict(i) for i in cleaned] == [dict(i) for i in again] == in_process(ITEMS)
    assert run.crawler.stats.get_value("clean/in_process") == 2 * len(ITEMS)
    errors = [r for r in caplog.records if "text cleaning worker" in r.getMessage()]
    assert len(errors) == 1 and "cleaned in the crawl's process" in errors[0].getMessage()


def test_off_cleans_in_the_crawls_process():
    run = Run(CLEAN_TEXT_WORKER=False)
    try:
        assert run.pipeline.worker is None
        cleaned = run.clean([copy.deepcopy(i) for i in ITEMS])
    finally:
        run.close()
    assert [dict(i) for i in cleaned] == in_process(ITEMS)
    assert run.crawler.stats.get_value("clean/in_process") == len(ITEMS)


def test_an_error_in_the_cleaning_is_the_items_error_not_the_workers():
    run = Run()
    try:
        bad = copy.deepcopy(ITEMS[0])
        bad["body"] = 42  # the spider never sends this: cleaning fails on it
        with pytest.raises(Exception) as failed:
            run.clean([bad])
        cleaned = run.clean([copy.deepcopy(ITEMS[0])])  # the worker goes on
    finally:
        run.close()
    assert failed.value.kind == "TypeError" and "not iterable" in str(failed.value)
    assert [dict(i) for i in cleaned] == in_process(ITEMS[:1])
    assert run.crawler.stats.get_value("clean/in_process") is None


def test_a_call_that_cannot_be_sent_leaves_the_answers_of_the_others_in_place():
    run = Run()
    worker = run.pipeline.worker

    async def calls():
        with pytest.raises(Exception, match="pickle|lambda"):
            await worker.call("process_item", lambda: None)
        return await asyncio.gather(*(worker.call("process_item", copy.deepcopy(i)) for i in ITEMS))

    try:
        cleaned = run.loop.run_until_complete(asyncio.wait_for(calls(), 30))
    finally:
        run.close()
    assert [dict(i) for i in cleaned] == in_process(ITEMS)
