"""Fuzzing clean_document with the hostile shapes we know (tests/data/hostile/generate.py's
FUZZ_FAMILIES): no exception, every outcome an article or a reject with a reason, the same twice."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.clean_document import clean_document
from article_cleaner.transforms.outcomes import (
    EMPTY_INPUT,
    NO_ARTICLE_TEXT,
    TAG_TOO_LARGE,
    TOO_DEEPLY_NESTED,
    TOO_LARGE,
    TOO_MANY_ATTRIBUTES,
    UNWANTED_PAGE_TYPE,
)
from article_cleaner.transforms.records import Article, Filtered, InputDocument, Rejected
from tests.test_hostile import load_generator

from support import fails_instead_of_hanging

FAMILIES = load_generator().FUZZ_FAMILIES
# What clean_document itself rejects for (readers add theirs; time_budget_exceeded needs a watchdog).
CLEANER_REASONS = {EMPTY_INPUT, NO_ARTICLE_TEXT, TOO_LARGE, TOO_DEEPLY_NESTED, TOO_MANY_ATTRIBUTES, TAG_TOO_LARGE}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(family=st.sampled_from(sorted(FAMILIES)), source=st.randoms(use_true_random=False))
def test_a_hostile_document_becomes_an_article_or_a_reject_or_filtered_with_a_reason_the_same_way_twice(
    config, detector, family, source
):
    mode, content = FAMILIES[family](source)
    document = InputDocument(source=f"fuzz-{family}", **{mode: content})
    with fails_instead_of_hanging(60):
        first = clean_document(document, config, detector)
        second = clean_document(document, config, detector)
    if isinstance(first, Rejected):
        assert first.reason in CLEANER_REASONS and first.detail
    elif isinstance(first, Filtered):  # a page of a type not kept (HTML mode), with its type and evidence
        assert first.reason == UNWANTED_PAGE_TYPE and first.page_type and first.detail
    else:
        assert isinstance(first, Article) and first.body
    assert second == first
