"""Config validation names the bad key path; the bundled config compiles."""

from __future__ import annotations

import copy

import pytest
import yaml

from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, compile_config, load_config
from article_cleaner.transforms.removal_kinds import PATTERN_KINDS


@pytest.fixture()
def raw_config():
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def test_bundled_config_has_rules_for_every_kind(config):
    assert {rule.kind for rule in config.pattern_rules} == set(PATTERN_KINDS)
    assert len({rule.id for rule in config.pattern_rules}) == len(config.pattern_rules)


def test_typo_in_top_level_key_is_named(raw_config):
    raw_config["patern"] = raw_config.pop("patterns")
    with pytest.raises(ConfigError, match=r"config\.patern: unknown key"):
        compile_config(raw_config)


def test_unknown_kind_is_named(raw_config):
    raw_config["patterns"]["newsleter_prompt"] = []
    with pytest.raises(ConfigError, match=r"patterns\.newsleter_prompt: unknown key"):
        compile_config(raw_config)


def test_unknown_section_heading_rule_is_named(raw_config):
    raw_config["content_selection"]["following_sections"]["related_links"]["rules"] = ["related.headings"]
    with pytest.raises(
        ConfigError, match=r"following_sections\.related_links\.rules: no pattern rule 'related.headings'"
    ):
        compile_config(raw_config)


def test_invalid_regex_is_named_with_its_path(raw_config):
    raw_config["patterns"]["copyright"][1]["pattern"] = "(unclosed"
    with pytest.raises(ConfigError, match=r"patterns\.copyright\[1\]\.pattern: invalid regular expression"):
        compile_config(raw_config)


def test_wrong_type_is_named(raw_config):
    raw_config["patterns"]["advertisement"][0]["max_chars"] = "sixty"
    with pytest.raises(ConfigError, match=r"patterns\.advertisement\[0\]\.max_chars: expected int or float, got str"):
        compile_config(raw_config)


def test_duplicate_rule_id_is_refused(raw_config):
    raw_config["patterns"]["navigation"].append(copy.deepcopy(raw_config["patterns"]["navigation"][0]))
    with pytest.raises(ConfigError, match=r"duplicate rule id 'navigation.control'"):
        compile_config(raw_config)


def test_credit_pattern_without_credit_group_is_refused(raw_config):
    raw_config["captions"]["credit_patterns"][0]["pattern"] = r"\(([^)]+)\)$"
    with pytest.raises(ConfigError, match=r"captions\.credit_patterns\[0\]\.pattern: needs a named group"):
        compile_config(raw_config)


def test_an_invalid_credit_pattern_names_its_index(raw_config):
    index = len(raw_config["captions"]["credit_patterns"])
    raw_config["captions"]["credit_patterns"].append({"id": "caption.broken", "pattern": "(?P<credit>[unclosed"})
    with pytest.raises(
        ConfigError, match=rf"captions\.credit_patterns\[{index}\]\.pattern: invalid regular expression"
    ):
        compile_config(raw_config)


def test_credit_patterns_share_one_agencies_list_matched_as_written_and_labels_longest_first(config):
    by_id = {credit.id: credit.pattern for credit in config.captions.credit_patterns}
    assert by_id["caption.agency_in_parentheses"].search("The president speaks in Berlin (AP)")
    assert not by_id["caption.agency_in_parentheses"].search("Swimmers at the lido (a public pool)")
    assert by_id["caption.label"].search("Crédit photo : AFP").group("credit") == "AFP"


def test_only_the_credit_patterns_marked_so_make_a_paragraph_of_text_a_caption(config):
    assert [credit.id for credit in config.captions.caption_patterns] == [
        credit.id for credit in config.captions.credit_patterns if credit.marks_caption
    ]
    assert {"caption.parenthesized_credit", "caption.labelled_credit"} <= {
        credit.id for credit in config.captions.caption_patterns
    }


def test_unreadable_or_invalid_yaml_file_is_a_config_error(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("patterns: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "missing.yaml")


def test_fingerprint_changes_with_the_rules(raw_config, config):
    raw_config["patterns"]["advertisement"][0]["max_chars"] = 61
    assert compile_config(raw_config).fingerprint != config.fingerprint


def test_a_limits_overlay_keeps_the_bundled_values_of_the_keys_it_does_not_name(tmp_path):
    overlay = tmp_path / "limits.yaml"
    overlay.write_text("limits: {max_document_bytes: 2048, time_budget_seconds: 0.5}\n", encoding="utf-8")
    limits = load_config(overlay).limits
    assert (limits.max_document_bytes, limits.time_budget_seconds) == (2048, 0.5)
    assert limits.max_html_nesting_depth == 400
    assert (limits.max_attributes_per_element, limits.max_tag_bytes) == (256, 4 * 1024 * 1024)


def test_a_complete_config_without_a_key_of_the_default_is_named(raw_config):
    del raw_config["limits"]["max_tag_bytes"]
    with pytest.raises(ConfigError, match=r"^limits\.max_tag_bytes: required key is missing$"):
        compile_config(raw_config)


def test_typo_in_a_limit_is_named_with_the_closest_key(raw_config):
    raw_config["limits"]["max_document_byte"] = 10
    with pytest.raises(
        ConfigError,
        match=r"limits\.max_document_byte: unknown key \(did you mean 'max_document_bytes'\? "
        r"allowed: max_attributes_per_element, max_compression_ratio",
    ):
        compile_config(raw_config)


def test_wrong_typed_or_non_positive_limit_is_named(raw_config):
    raw_config["limits"]["time_budget_seconds"] = "ten"
    with pytest.raises(ConfigError, match=r"limits\.time_budget_seconds: expected int or float, got str"):
        compile_config(raw_config)
    raw_config["limits"]["time_budget_seconds"] = 10
    raw_config["limits"]["max_document_bytes"] = 0
    with pytest.raises(ConfigError, match=r"limits\.max_document_bytes: must be >= 1, got 0"):
        compile_config(raw_config)
    raw_config["limits"]["max_document_bytes"] = 10
    raw_config["limits"]["max_attributes_per_element"] = 0
    with pytest.raises(ConfigError, match=r"limits\.max_attributes_per_element: must be >= 1, got 0"):
        compile_config(raw_config)


def test_corpus_section_typo_and_bad_share_are_named(raw_config):
    raw_config["corpus"]["site_boilerplate"]["min_page"] = 3
    with pytest.raises(ConfigError, match=r"corpus\.site_boilerplate\.min_page: unknown key"):
        compile_config(raw_config)
    del raw_config["corpus"]["site_boilerplate"]["min_page"]
    raw_config["corpus"]["site_boilerplate"]["min_share"] = 1.5
    with pytest.raises(ConfigError, match=r"corpus\.site_boilerplate\.min_share: must be <= 1"):
        compile_config(raw_config)


def test_same_page_url_rules_compile_prefixes_apart_from_names(config):
    rules = config.corpus.same_page_urls
    assert "utm_" in rules.query_parameter_prefixes and "fbclid" in rules.query_parameters
    assert "utm_*" not in rules.query_parameters
    assert rules.host_prefixes == ("www", "m", "amp") and "amp" in rules.variant_path_segments


def test_a_bad_same_page_url_rule_is_named_with_its_path(raw_config):
    broken = copy.deepcopy(raw_config)
    broken["corpus"]["same_page_urls"]["query_parameters"].append("utm_*_id")
    with pytest.raises(ConfigError, match=r"corpus\.same_page_urls\.query_parameters\[\d+\]: 'utm_\*_id' is not"):
        compile_config(broken)
    broken = copy.deepcopy(raw_config)
    broken["corpus"]["same_page_urls"]["variant_path_segments"] = ["amp/print"]
    with pytest.raises(ConfigError, match=r"corpus\.same_page_urls\.variant_path_segments\[0\]"):
        compile_config(broken)
    broken = copy.deepcopy(raw_config)
    broken["corpus"]["same_page_urls"]["host_prefix"] = ["www"]
    with pytest.raises(ConfigError, match=r"corpus\.same_page_urls\.host_prefix: unknown key"):
        compile_config(broken)


def test_the_fingerprint_ignores_how_engine_rules_are_described(raw_config):
    fingerprint = compile_config(raw_config).fingerprint
    raw_config["engine_rules"][0]["about"] = "text mode: short lines around the article"
    assert compile_config(raw_config).fingerprint == fingerprint
    raw_config["limits"]["max_tag_bytes"] = 4096
    assert compile_config(raw_config).fingerprint != fingerprint
