"""The watchdog stops a document past its time budget, in any thread, and never touches the next one."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from article_cleaner.transforms.clean import CleanArticles
from article_cleaner.transforms.clean_document import clean_document_in_time
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.limits.watchdog import DocumentOverBudget, Watchdog
from article_cleaner.transforms.outcomes import ARTICLES, REJECTS
from article_cleaner.transforms.records import InputDocument

ARTICLE = (
    "Storm closes harbour\n\n"
    "A winter storm closed the harbour on Monday, stranding dozens of fishing boats and their crews.\n\n"
    "Port officials said the closure would last at least two days while crews cleared debris from the channel."
)
# Python-bound: 300,000 one-word paragraphs take about a second to label (a real page takes milliseconds).
MANY_BLOCKS = InputDocument(source="many-blocks.txt", text="Title\n\n" + "Harbour.\n\n" * 300_000)


@pytest.fixture(scope="module")
def one_second_config(config):
    return replace(config, limits=replace(config.limits, time_budget_seconds=1.0))


class SlowDetector(LanguageDetector):
    """A detector that takes 30 s of Python work per text: the slow last stage of a document."""

    def detect(self, text):
        busy_for(30)
        return super().detect(text)


def busy_for(seconds: float) -> None:
    """Python work (not a sleep in C) for about this long: where an asynchronous exception lands."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def in_another_thread(work):
    """work() run in a new thread, as Beam runs DoFns; its return value or the exception it raised."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_work_past_its_budget_is_stopped_in_the_main_thread_and_in_another():
    watchdog = Watchdog()

    def overrun():
        with watchdog.watching(0.2):
            busy_for(5)

    for run in (overrun, lambda: in_another_thread(overrun)):
        started = time.monotonic()
        with pytest.raises(DocumentOverBudget):
            run()
        assert time.monotonic() - started < 1
    watchdog.stop()


def test_a_stop_never_reaches_the_work_after_the_watched_block():
    watchdog = Watchdog()

    def documents():
        stopped = 0
        for number in range(100):  # some end well before their deadline, some long after (a stop waits for the GIL)
            try:
                with watchdog.watching(0.005):
                    busy_for(0.002 * (number % 10))
            except DocumentOverBudget:
                stopped += 1
        busy_for(0.5)  # a stray stop would land here, outside any watched block, and fail the test
        return stopped

    stopped = in_another_thread(documents)
    assert 0 < stopped < 100  # the race was run both ways
    watchdog.stop()


def test_a_document_whose_last_stage_overruns_is_rejected_within_twice_its_budget(one_second_config, detector):
    watchdog = Watchdog()
    slow = SlowDetector(one_second_config.language)
    document = InputDocument(source="a", text=ARTICLE)
    started = time.monotonic()
    rejected = in_another_thread(lambda: clean_document_in_time(document, one_second_config, slow, watchdog))
    elapsed = time.monotonic() - started
    assert (rejected.reason, rejected.detail) == ("time_budget_exceeded", "stopped once over the 1.0 s budget")
    assert elapsed < 2.0
    article = clean_document_in_time(document, one_second_config, detector, watchdog)
    assert article.title == "Storm closes harbour"
    watchdog.stop()


def test_the_other_documents_of_a_bundle_come_out_when_one_is_stopped(config):
    quarter_second = replace(config, limits=replace(config.limits, time_budget_seconds=0.25))
    documents = [
        InputDocument(source="before", id="before", text=ARTICLE),
        MANY_BLOCKS,
        InputDocument(source="after", id="after", text=ARTICLE.replace("Monday", "Tuesday")),
    ]
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        outputs = pipeline | beam.Create(documents) | CleanArticles(quarter_second)
        assert_that(outputs[ARTICLES] | "Ids" >> beam.Map(lambda a: a.id), equal_to(["before", "after"]))
        assert_that(
            outputs[REJECTS] | "Reasons" >> beam.Map(lambda r: (r.source, r.reason)),
            equal_to([("many-blocks.txt", "time_budget_exceeded")]),
            label="rejects",
        )


def test_a_stop_that_library_code_swallows_is_sent_again():
    watchdog = Watchdog()
    swallowed = []

    def overrun_swallowing_the_first_stop():
        with watchdog.watching(0.2):
            try:
                busy_for(5)
            except DocumentOverBudget:  # as a gc callback or a __del__ drops it
                swallowed.append(True)
            busy_for(5)

    started = time.monotonic()
    with pytest.raises(DocumentOverBudget):
        in_another_thread(overrun_swallowing_the_first_stop)
    assert swallowed == [True]
    assert time.monotonic() - started < 2
    watchdog.stop()
