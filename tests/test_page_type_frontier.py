"""benchmarks/page_type_frontier.py: the config's curve replays the decision at each article_prior, and
the learner's threshold, set on training articles alone, loses no more of them than asked."""

from __future__ import annotations

import numpy as np
import pytest

from support import load_benchmark_module

load_benchmark_module("fit_page_type_weights")  # the frontier imports it as a sibling script
frontier = load_benchmark_module("page_type_frontier")

ARTICLE_RULES = ("article.declared", "article.published_date")
LISTING_RULES = ("listing.little_prose", "listing.url_word")


def _page(benchmark: str, page_id: str, true_type: str, fired: tuple[str, ...] | None, **signals):
    values = (
        None if fired is None else {"prose_share": 0.5, "paragraphs_per_div": None, "url_words": frozenset()} | signals
    )
    return frontier.TypedPage(benchmark, page_id, true_type, values, fired)


def _pages() -> list:
    return [
        _page("wcxb-dev", "0002", "article", ARTICLE_RULES),
        # An article whose only evidence is a listing rule: written at the configured prior, lost below it.
        _page("wcxb-dev", "0003", "article", ("listing.little_prose",)),
        _page("wcxb-dev-other", "0002", "listing", LISTING_RULES),
        _page("wcxb-dev-other", "0003", "listing", ("listing.little_prose",)),
        _page("wcxb-dev-other", "0005", "forum", None),  # no article text: kept out at every prior
    ]


def test_the_curve_at_the_configured_prior_is_the_configs_decision(config):
    settings = config.page_types
    written = frontier.kept_as_article_by_rules(_pages(), settings, settings.article_prior)
    assert written == [True, True, False, True, False]


def test_a_lower_prior_never_writes_more_pages_as_articles(config):
    settings = config.page_types
    counts = [sum(frontier.kept_as_article_by_rules(_pages(), settings, prior)) for prior in frontier.PRIORS]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]


def test_a_curve_line_counts_lost_articles_and_kept_out_others_per_half(config):
    line = frontier.curve_line(_pages(), [True, False, False, True, False])
    assert line.startswith("articles lost   1 (50.0%)")
    assert "kept out even 100.0%" in line  # listing 0002
    assert "kept out odd 50.0%" in line  # listing 0003 written, the forum rejected
    assert "listing 50%" in line and "forum 100%" in line


def test_the_threshold_loses_at_most_the_share_asked_of_the_training_articles():
    probabilities = np.linspace(0.05, 1.0, 20)
    for share in (0.0, 0.05, 0.1, 0.25):
        threshold = frontier.threshold_losing_at_most(probabilities, share)
        assert (probabilities < threshold).sum() <= share * len(probabilities)
    assert (probabilities < frontier.threshold_losing_at_most(probabilities, 0.1)).sum() == 2


def test_features_hold_every_numeric_signal_and_each_rule_as_zero_or_one(config):
    features, names = frontier.feature_matrix(_pages(), config.page_types)
    assert features.shape == (4, len(names))  # the rejected page has no row
    assert "url_words" not in names  # a set signal reaches the learner through its rules
    assert set(features[:, names.index("paragraphs_per_div")]) == {frontier.UNKNOWN}
    assert list(features[:, names.index("article.declared")]) == [1.0, 0.0, 0.0, 0.0]


def test_a_forest_keeps_out_others_whose_signals_differ_and_loses_few_articles(config):
    pytest.importorskip("sklearn")  # the learner needs the bench extra; the curve does not
    pages = []
    for index in range(60):
        pages.append(_page("wcxb-dev", f"{index:03x}", "article", ARTICLE_RULES, prose_share=0.8 + index / 1000))
        pages.append(_page("wcxb-dev-other", f"{index:04d}", "listing", LISTING_RULES, prose_share=0.1 + index / 1000))
    lines = frontier.learner_lines(pages, config.page_types, seed=0)
    assert len(lines) == len(frontier.LOSS_SHARES)
    assert "held-out articles lost   0 (0.0%), others kept out 100.0%" in lines[0]
