"""benchmarks/lost_text.py: the missed truth text is put down to the place of the record that holds it."""

from __future__ import annotations

import pytest

from article_cleaner.transforms.records import Caption, Removal

from support import load_benchmark_module, require_shared

lost_text_module = load_benchmark_module("lost_text")
CAPTIONS, NEVER_EXTRACTED, lost_text = (
    lost_text_module.CAPTIONS,
    lost_text_module.NEVER_EXTRACTED,
    lost_text_module.lost_text,
)

TRUTH = (
    "The ferry resumed service on Monday after three weeks of engine repairs at the yard. "
    "Residents had relied on a smaller boat that carried only foot passengers and bicycles. "
    "The first ferry leaves Port Wren at dawn with a full deck of cars and vans."
)


@pytest.fixture(scope="module")
def scorer():
    return load_benchmark_module("benchmark_sets").load_scorer(require_shared("eval"))


def test_text_outside_the_container_a_rule_and_the_captions_are_told_apart(scorer):
    body = "The ferry resumed service on Monday after three weeks of engine repairs at the yard."
    removals = (
        Removal("outside_main_content", "content.not_selected", "Menu Home Residents had relied on a smaller boat"),
        Removal("related_links", "related.class", "that carried only foot passengers and bicycles."),
    )
    captions = (Caption("The first ferry leaves Port Wren at dawn", "Ana Ruiz/Reuters"),)
    found = lost_text(TRUTH, body, captions, removals, "outside_main_content", scorer)
    places = dict(found.causes)
    assert set(places) == {"selection (content.not_selected)", "related_links/related.class", CAPTIONS, NEVER_EXTRACTED}
    assert 0 < found.lost_share < 1
    assert found.describe().startswith(f"lost {found.lost_share:.0%} of the truth: ")


def test_a_named_rule_is_named_before_the_coarse_outside_report_that_also_holds_the_text(scorer):
    missing = "Residents had relied on a smaller boat that carried only foot passengers and bicycles."
    removals = (
        Removal("outside_main_content", "content.not_selected", f"Header {missing} Footer"),
        Removal("social_share", "share.class", missing),
    )
    found = lost_text(missing, "", (), removals, "outside_main_content", scorer)
    assert found.causes == (("social_share/share.class", 1.0),)


def test_a_page_that_lost_nothing_says_so(scorer):
    assert lost_text(TRUTH, TRUTH, (), (), "outside_main_content", scorer).describe().startswith("nothing lost")
