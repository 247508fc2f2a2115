"""compile_html_rules: validation names the bad key path; matchers behave as documented."""

from __future__ import annotations

import copy
import pickle

import pytest
import yaml

from article_cleaner.transforms.config.html_rules import ElementRulings, class_words, compile_html_rules
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, load_config

CREDITS = load_config().captions  # the top-level captions section the html section's captions use


@pytest.fixture()
def section() -> dict:
    return copy.deepcopy(yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))["html"])


def test_the_default_config_compiles_with_every_rule_id_unique():
    rules = load_config().html
    ids = [rule.id for rule in rules.removal.rules]
    assert len(ids) == len(set(ids))
    assert "nav.element" in ids and "share.class" in ids


def test_an_unknown_top_level_key_is_an_error_naming_it(section):
    section["removals"] = {}
    with pytest.raises(ValueError, match=r"^html\.removals: unknown key"):
        compile_html_rules(section, credits=CREDITS)


def test_an_unknown_key_in_a_removal_rule_names_its_full_path(section):
    section["removal"]["navigation"][2]["pattern"] = "nav"
    with pytest.raises(ValueError, match=r"^html\.removal\.navigation\[2\]\.pattern: unknown key"):
        compile_html_rules(section, credits=CREDITS)


def test_an_unknown_removal_kind_is_an_error_naming_the_closest_and_the_allowed_kinds(section):
    section["removal"]["popups"] = [{"id": "x", "tags": ["dialog"]}]
    with pytest.raises(
        ValueError, match=r"^html\.removal\.popups: unknown key \(did you mean 'popup'\? allowed: .*popup"
    ):
        compile_html_rules(section, credits=CREDITS)


def test_an_invalid_attribute_regex_names_its_path(section):
    section["removal"]["hidden"][0]["attributes"]["style"] = "display:(none"
    with pytest.raises(ValueError, match=r"^html\.removal\.hidden\[0\]\.attributes\.style: invalid regular expression"):
        compile_html_rules(section, credits=CREDITS)


def test_a_wrong_type_names_the_path_and_the_value(section):
    section["content"]["min_paragraph_chars"] = "25"
    with pytest.raises(ValueError, match=r"^html\.content\.min_paragraph_chars: expected an integer .*'25'"):
        compile_html_rules(section, credits=CREDITS)


def test_a_yaml_boolean_where_a_word_belongs_is_caught(section):
    # An unquoted `no` in YAML is False: the classic slip in a word list.
    section["modifier_words"][3] = False
    with pytest.raises(ValueError, match=r"^html\.modifier_words\[3\]: expected a non-empty string, got False"):
        compile_html_rules(section, credits=CREDITS)


def test_a_class_word_must_be_lower_case(section):
    section["removal"]["social_share"][0]["words"].append("ShareBar")
    with pytest.raises(
        ValueError, match=r"^html\.removal\.social_share\[0\]\.words\[\d+\]: a class word is lower-case"
    ):
        compile_html_rules(section, credits=CREDITS)


def test_a_duplicate_rule_id_is_an_error(section):
    section["removal"]["footer"].append({"id": "nav.element", "tags": ["footer"]})
    with pytest.raises(ValueError, match=r"^html\.removal\.footer\[3\]\.id: duplicate rule id 'nav\.element'"):
        compile_html_rules(section, credits=CREDITS)


def test_a_rule_without_tags_attributes_or_words_is_an_error(section):
    section["removal"]["footer"].append({"id": "footer.empty"})
    with pytest.raises(ValueError, match=r"^html\.removal\.footer\[3\]: needs tags, attributes or words"):
        compile_html_rules(section, credits=CREDITS)


def test_an_unknown_block_role_is_an_error(section):
    section["blocks"]["roles"]["p"] = "para"
    with pytest.raises(ValueError, match=r"^html\.blocks\.roles\.p: unknown value 'para'"):
        compile_html_rules(section, credits=CREDITS)


def test_a_custom_section_path_prefixes_every_error(section):
    section["title"]["max_suffix_words"] = -1
    with pytest.raises(ValueError, match=r"^config\.html\.title\.max_suffix_words: expected an integer"):
        compile_html_rules(section, path="config.html", credits=CREDITS)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("article__shareBar", ("article", "share", "bar", "articleshare", "sharebar")),
        ("entry-content clearfix", ("entry", "content", "clearfix", "entrycontent", "contentclearfix")),
        ("", ()),
    ],
)
def test_class_words_split_at_punctuation_and_camel_case_and_join_neighbours(value, words):
    assert class_words(value) == words


@pytest.mark.parametrize(
    ("tag", "attributes", "rule_id"),
    [
        ("nav", {}, "nav.element"),
        ("div", {"class": "social-share"}, "share.class"),
        ("div", {"class": "header shadow download"}, None),  # "ad" is a word, not a substring
        ("div", {"class": "has-sidebar"}, None),  # a layout modifier, not a sidebar
        ("footer", {"style": "display:none"}, "hidden.attribute"),  # hidden is tried before footer
        ("div", {"id": "advertisement-top"}, "ad.class"),  # advert* is a prefix word
    ],
)
def test_the_first_matching_rule_in_configuration_order_wins(tag, attributes, rule_id):
    rules = load_config().html
    value = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    rule = rules.removal.first_match(tag, attributes, class_words(value))
    assert (rule.id if rule else None) == rule_id


def test_element_rulings_answer_as_the_removal_rules_and_hints_do():
    rules = load_config().html
    attributes = {"class": "article__shareBar", "itemprop": "articleBody"}
    ruling = rules.rulings.of("div", attributes)
    words = ruling.words
    assert words == class_words("article__shareBar")
    assert ruling.rule is rules.removal.first_match("div", attributes, words)
    assert (ruling.weight, ruling.boundary, ruling.leave_gain) == rules.content.hint_index.score(
        "div", attributes, words
    )
    assert ruling.layout_candidates == ("share", "sharebar")  # both removal words; "article" is a hint


def test_elements_without_class_words_are_ruled_by_their_tag_and_the_attributes_rules_match():
    rules = load_config().html
    rulings = ElementRulings(*rules.rulings.__reduce__()[1])
    # One after another: a remembered ruling of a wordless element must not answer for another
    # whose tag or hidden/role/style attributes differ.
    elements = [
        ("div", {"class": "qx7-wrapper"}),
        ("div", {"class": "zk3-box", "hidden": None}),
        ("div", {"class": "zk3-box", "aria-hidden": "true"}),
        ("div", {"class": "zk3-box", "aria-hidden": "false"}),
        ("nav", {"class": "qx7-wrapper"}),
        ("div", {"id": "qx7", "role": "main"}),
        ("div", {"class": "qx7", "style": "display: none"}),
        ("div", {"class": "vv9-grid", "data-id": "41"}),
    ]
    for tag, attributes in elements:
        ruling = rulings.of(tag, attributes)
        assert ruling.words == ()
        assert ruling.rule is rules.removal.first_match(tag, attributes, ())
        assert (ruling.weight, ruling.boundary, ruling.leave_gain) == rules.content.hint_index.score(
            tag, attributes, ()
        )
    assert [rulings.of(tag, attributes).rule is None for tag, attributes in elements] == [
        True,
        False,
        False,
        True,
        False,
        True,
        False,
        True,
    ]


def test_element_rulings_are_pickled_without_what_they_remember():
    rulings = load_config().html.rulings
    fresh = len(pickle.dumps(rulings))
    for index in range(100):
        rulings.of("div", {"class": f"box-{index} sidebarcard{index}"})  # compounds split and remembered
    assert len(pickle.dumps(rulings)) == fresh
    shipped = pickle.loads(pickle.dumps(rulings))
    assert shipped.of("div", {"class": "share"})[1].id == rulings.of("div", {"class": "share"})[1].id == "share.class"


def test_element_rulings_forget_everything_when_full_and_still_answer_the_same():
    rules = load_config().html
    rulings = ElementRulings(*rules.rulings.__reduce__()[1][:5], 2)
    answers = [rulings.of("div", {"class": name}) for name in ("share", "comments", "share", "newsletter")]
    assert [ruling.rule.kind if ruling.rule else None for ruling in answers] == [
        "social_share",
        "comment_widget",
        "social_share",
        "newsletter_prompt",
    ]
    assert len(rulings._known) <= 2


@pytest.mark.parametrize(
    ("value", "rule_id"),
    [
        ("relatedposts", "related.class"),
        ("jp-relatedposts", "related.class"),
        ("commentform", "comment.class"),
        ("entryfooter", "footer.class"),
        ("socialshare", "share.class"),
        ("footerwidgets", "footer.class"),
        ("commentary", None),  # "ary" is no word: an opinion column, not comments
        ("shareholders", None),
        ("nocontent sd-sharing", "share.class"),  # "no" is a modifier, never a part of a compound
    ],
)
def test_class_words_run_together_from_known_words_match_as_their_parts(value, rule_id):
    ruling = load_config().html.rulings.of("div", {"class": value})
    assert (ruling.rule.id if ruling.rule else None) == rule_id
