"""The composite CleanArticles PTransform: Beam glue around clean_document, with counters."""

from __future__ import annotations

import traceback
from collections import Counter

import apache_beam as beam

from article_cleaner.transforms.clean_document import clean_document_in_time, rejection
from article_cleaner.transforms.config.loading import CleanerConfig
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.limits.watchdog import Watchdog
from article_cleaner.transforms.outcomes import (
    ARTICLES,
    ARTICLES_CLEANED,
    FILTERED,
    FILTERED_AS,
    INTERNAL_ERROR,
    PAGE_TYPE,
    REJECTED,
    REJECTS,
    REMOVED,
)
from article_cleaner.transforms.records import Filtered, InputDocument, Rejected
from article_cleaner.transforms.report.counters import counter


class CleanDocumentFn(beam.DoFn):
    """Cleans one document; the language detector and the time-budget watchdog are built once per
    worker in setup()."""

    def __init__(self, config: CleanerConfig):
        self._config = config
        self._detector: LanguageDetector | None = None
        self._watchdog: Watchdog | None = None
        self._cleaned = counter(ARTICLES_CLEANED)

    def setup(self):
        self._detector = LanguageDetector(self._config.language)
        self._watchdog = Watchdog()

    def teardown(self):
        if self._watchdog is not None:
            self._watchdog.stop()

    def process(self, document: InputDocument):
        try:
            result = clean_document_in_time(document, self._config, self._detector, self._watchdog)
        except Exception as error:  # a bug must not sink the run: the document goes to rejects with the trace
            detail = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"
            result = rejection(document, INTERNAL_ERROR, detail)
        if isinstance(result, Rejected):
            counter(REJECTED + result.reason).inc()
            yield beam.pvalue.TaggedOutput(REJECTS, result)
            return
        if isinstance(result, Filtered):  # a page of a type the config does not keep
            counter(PAGE_TYPE + result.page_type).inc()
            counter(FILTERED_AS + result.reason).inc()
            yield beam.pvalue.TaggedOutput(FILTERED, result)
            return
        counter(PAGE_TYPE + result.page_type).inc()
        # One increment per kind, not per removal: a counter update costs microseconds, and a page
        # has dozens of removals of a few kinds.
        for kind, removals in Counter(removal.kind for removal in result.removed).items():
            counter(REMOVED + kind).inc(removals)
        self._cleaned.inc()
        yield result


class CleanArticles(beam.PTransform):
    """InputDocuments -> Articles (main output), Rejected (tag "rejects") and Filtered (tag
    "filtered": pages of a type the config does not keep).

    Usable in any pipeline: `articles, rejects, filtered = documents | CleanArticles(load_config())`.
    """

    def __init__(self, config: CleanerConfig):
        super().__init__()
        self._config = config

    def expand(self, documents):
        return documents | "Clean" >> beam.ParDo(CleanDocumentFn(self._config)).with_outputs(
            REJECTS, FILTERED, main=ARTICLES
        )
