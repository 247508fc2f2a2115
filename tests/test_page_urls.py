"""Which URLs name one page: tracking parameters, AMP and print variants, and what is never merged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from article_cleaner.transforms.config.corpus_settings import NO_SAME_PAGE_URL_RULES
from article_cleaner.transforms.corpus.page_urls import page_url

STORY = "https://www.riverdalegazette.com/news/elm-grove-11"


def test_tracking_amp_and_print_variants_of_a_story_name_the_story(config):
    rules = config.corpus.same_page_urls
    variants = [
        STORY,
        f"{STORY}?utm_source=newsletter&utm_medium=email",
        f"{STORY}/?fbclid=IwAR3x&gclid=abc",
        "http://riverdalegazette.com/news/elm-grove-11#comments",
        "https://amp.riverdalegazette.com/news/elm-grove-11/amp",
        f"{STORY}?amp=1",
        f"{STORY}/print",
        "https://WWW.RiverdaleGazette.com:443/news//elm-grove-11",
    ]
    assert {page_url(url, rules) for url in variants} == {"riverdalegazette.com/news/elm-grove-11"}


def test_urls_of_different_pages_stay_apart(config):
    rules = config.corpus.same_page_urls
    different = [
        STORY,
        "https://www.riverdalegazette.com/news/elm-grove-12",
        "https://www.riverdalegazette.com/news/Elm-Grove-11",  # paths are case-sensitive
        "https://www.riverdalegazette.com/article?id=11",
        "https://www.riverdalegazette.com/article?id=12",
        "https://www.riverdalegazette.com/amp",  # a page called amp, not the home page's variant
        "https://www.riverdalegazette.com/",
        "https://www.riverdalegazette.com/#!/news/elm-grove-11",  # a script-rendered site's route
        "https://www.riverdalegazette.com:8080/news/elm-grove-11",  # another server
        "https://riverdalegazette.co.uk/news/elm-grove-11",
    ]
    assert len({page_url(url, rules) for url in different}) == len(different)


def test_remaining_query_parameters_are_compared_in_any_order(config):
    rules = config.corpus.same_page_urls
    assert page_url("https://x.org/a?b=2&a=1&utm_term=z", rules) == page_url("https://x.org/a?a=1&b=2", rules)


def test_without_rules_only_the_spelling_of_a_url_is_ignored():
    assert page_url("HTTPS://www.x.org/a/?utm_source=b", NO_SAME_PAGE_URL_RULES) == "www.x.org/a?utm_source=b"


def test_a_missing_or_unusable_url_names_no_page(config):
    rules = config.corpus.same_page_urls
    assert [page_url(url, rules) for url in (None, "", "not a url at all", "http://[::1", "https://x.org:99999/")] == [
        None
    ] * 5


@given(st.text())
def test_any_text_as_a_url_gives_a_page_or_none(text):
    assert page_url(text, NO_SAME_PAGE_URL_RULES) is None or isinstance(page_url(text, NO_SAME_PAGE_URL_RULES), str)
