"""benchmarks/fit_page_type_weights.py: a page's evidence is the rules the pipeline's own steps fire,
the config's decision replays from it, and a fit keeps each weight's sign and separates what it can."""

from __future__ import annotations

import json

import pytest

from article_cleaner.transforms.records import InputDocument

from support import load_benchmark_module

fitting = load_benchmark_module("fit_page_type_weights")

PROSE = (
    "The council voted on Tuesday to extend the harbour wall by two hundred metres, after a winter in which "
    "storms flooded the fish market three times and closed the ferry for eleven days. "
)


def _forum_thread() -> str:
    posts = "".join(
        f'<div class="message"><div class="user">member{index}</div><time datetime="2026-10-0{index}">Oct {index}</time>'
        f'<div class="body">I had the same problem with my boiler. I tried bleeding the radiators but it didn\'t help.</div>'
        "<div>Reply</div></div>"
        for index in range(1, 8)
    )
    ld = json.dumps({"@type": "DiscussionForumPosting", "headline": "Boiler keeps losing pressure"})
    return (
        "<!doctype html><html><head><title>Boiler keeps losing pressure | Home Forum</title>"
        f'<script type="application/ld+json">{ld}</script></head>'
        f"<body><h1>Boiler keeps losing pressure</h1>{posts}</body></html>"
    )


def _news_story() -> str:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Harbour wall to be extended", "datePublished": "2026-11-03"})
    paragraphs = "".join(f"<p>{PROSE * 2}</p>" for _ in range(9))
    return (
        "<!doctype html><html><head><title>Harbour wall to be extended</title>"
        f'<script type="application/ld+json">{ld}</script></head>'
        f"<body><article><h1>Harbour wall to be extended</h1>{paragraphs}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("page", "url", "expected_rules", "expected_type"),
    [
        (
            _forum_thread,
            "https://forum.example.com/threads/boiler-keeps-losing-pressure.123/",
            {"forum.declared", "forum.url_word", "forum.many_dates"},
            "forum",
        ),
        (
            _news_story,
            "https://news.example.com/2026/11/03/council-votes-to-extend-the-harbour-wall",
            {"article.declared", "article.dated_url", "article.headline_url"},
            "article",
        ),
    ],
)
def test_a_pages_evidence_holds_its_types_rules_and_replays_to_its_type(
    config, detector, page, url, expected_rules, expected_type
):
    fired = fitting.rules_fired(InputDocument("page.html", html=page(), url=url), config, detector)
    assert expected_rules <= set(fired)
    weights = {rule.id: rule.weight for rule in config.page_types.rules}
    assert fitting.decide_by_weights(fired, weights, config.page_types) == expected_type


def test_a_page_without_article_text_has_no_evidence(config, detector):
    html = "<!doctype html><html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    assert fitting.rules_fired(InputDocument("empty.html", html=html, url=None), config, detector) is None


def _evidence(benchmark: str, page_id: str, true_type: str, fired: tuple[str, ...]):
    return fitting.PageEvidence(benchmark, page_id, true_type, fired)


def _separable_pages() -> list:
    """Articles fire article rules, forums forum rules, and a few of each also fire one rule of the other."""
    pages = []
    for index in range(40):
        # Articles alone are headingless here: a free fit would weigh forum.no_headings against forums.
        article_rules = ("article.declared", "article.published_date", "forum.no_headings")
        if index % 10 == 0:
            article_rules += ("forum.many_dates",)  # a live blog's many timestamps
        pages.append(_evidence("wcxb-dev", f"{2 * index:04d}", "article", article_rules))
        forum_rules = ("forum.url_word", "forum.many_dates")
        if index % 10 == 0:
            forum_rules += ("article.published_date",)
        pages.append(_evidence("wcxb-dev-other", f"{2 * index:04d}", "forum", forum_rules))
    return pages


@pytest.mark.parametrize("objective", ["types", "kept-out", "hinge"])
def test_a_fit_separates_forums_from_articles_and_keeps_each_weights_sign(config, objective):
    pytest.importorskip("scipy")  # fitting needs the bench extra; evidence and replay do not
    model = fitting.RuleModel(config.page_types)
    pages = _separable_pages()
    weights, prior = fitting.fitted_weights(model, pages, 0.01, 10.0, objective, allowed_lost=0)
    decided = fitting.outcomes(pages, weights, config.page_types, prior)
    assert fitting.articles_lost(pages, decided) == 0
    assert fitting.others_kept_out(pages, decided) == 40
    for rule in config.page_types.rules:
        assert weights[rule.id] * rule.weight >= 0, rule.id


def test_another_page_with_an_article_pages_evidence_cannot_be_kept_out(config):
    pages = [
        _evidence("wcxb-dev", "0002", "article", ("article.published_date", "listing.many_dates")),
        _evidence("wcxb-dev-other", "0002", "listing", ("article.published_date", "listing.many_dates")),
        _evidence("wcxb-dev-other", "0004", "listing", ("listing.many_dates", "listing.url_word")),
        _evidence("wcxb-dev-other", "0001", "forum", ("forum.url_word",)),
    ]
    bound = fitting.unseparable_bound(pages, config.page_types)
    even_line = next(line for line in bound.splitlines() if "even" in line)
    assert "at most 50.0%" in even_line
    assert "listing 50%" in even_line  # the listing shadowed by the article page is lost, the other is free
    assert "forum 100%" in bound.splitlines()[1]  # the odd ids' forum fires no article rule
