from __future__ import annotations

import pytest
import yaml

from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import config_problems, load_config
from article_cleaner.transforms.config.overlay import DEFAULT_CONFIG_PATH, effective_config

DEFAULT = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def rule_ids(config, kind):
    return [rule.id for rule in config.pattern_rules if rule.kind == kind]


def write(tmp_path, text):
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_overlay_gives_the_default_config_with_the_same_fingerprint(tmp_path):
    assert effective_config(write(tmp_path, "")) == DEFAULT
    assert load_config(write(tmp_path, "")).fingerprint == load_config().fingerprint


def test_a_partial_file_changes_only_the_keys_it_names_and_mappings_merge(tmp_path):
    config = load_config(write(tmp_path, "corpus:\n  deduplicate: false\n  site_boilerplate: {min_pages: 9}\n"))
    default = load_config()
    assert config.corpus.deduplicate is False
    assert config.corpus.site_boilerplate.min_pages == 9
    assert config.corpus.site_boilerplate.min_share == default.corpus.site_boilerplate.min_share
    assert config.corpus.same_page_urls == default.corpus.same_page_urls
    assert config.pattern_rules == default.pattern_rules


def test_a_plain_list_replaces_the_default_list(tmp_path):
    config = load_config(write(tmp_path, "corpus: {languages: [en, de]}\ncaptions: {agencies: [dpa]}\n"))
    assert config.corpus.languages == ("de", "en")
    assert effective_config(write(tmp_path, "captions: {agencies: [dpa]}\n"))["captions"]["agencies"] == ["dpa"]


def test_a_rule_list_is_extended_replaced_and_disabled_by_id(tmp_path):
    default_ids = rule_ids(load_config(), "copyright")
    overlay = write(
        tmp_path,
        """
patterns:
  copyright:
    - id: copyright.harbour_gazette
      pattern: '^harbour gazette, all text licensed'
      max_chars: 120
    - id: copyright.notice
      pattern: '^copyright \\d{4} harbour gazette'
      max_chars: 90
    - id: copyright.all_rights_reserved
      disabled: true
""",
    )
    config = load_config(overlay)
    expected = [rule for rule in default_ids if rule != "copyright.all_rights_reserved"] + ["copyright.harbour_gazette"]
    assert rule_ids(config, "copyright") == expected
    notice = next(rule for rule in config.pattern_rules if rule.id == "copyright.notice")
    assert (notice.pattern.pattern, notice.max_chars) == (r"^copyright \d{4} harbour gazette", 90)
    assert rule_ids(config, "navigation") == rule_ids(load_config(), "navigation")


def test_replace_tag_replaces_a_rule_list_or_mapping_whole(tmp_path):
    overlay = write(
        tmp_path,
        "patterns:\n  copyright: !replace\n    - {id: copyright.only, pattern: '^only this', max_chars: 80}\n"
        "corpus:\n  same_page_urls: !replace {host_prefixes: [www], query_parameters: [], variant_path_segments: []}\n",
    )
    config = load_config(overlay)
    assert rule_ids(config, "copyright") == ["copyright.only"]
    assert config.corpus.same_page_urls.host_prefixes == ("www",)
    assert config.corpus.same_page_urls.query_parameters == ()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        # Disabling an unknown rule names the closest id.
        (
            "{id: copyright.all_right_reserved, disabled: true}",
            r"^patterns\.copyright\[0\]\.id: no rule 'copyright.all_right_reserved' .*'copyright.all_rights_reserved'",
        ),
        # A rule without an id cannot say which rule it adds, replaces or disables.
        ("{pattern: '^mine'}", r"^patterns\.copyright\[0\]: a rule laid over the default's list needs an id"),
        # An error in an added rule names the rule by its id, not by its place in the merged list.
        (
            "{id: copyright.mine, pattern: '(unclosed', max_chars: 80}",
            r"^patterns\.copyright\[id=copyright\.mine\]\.pattern: invalid regular",
        ),
    ],
)
def test_a_bad_rule_in_an_overlay_is_named(rule, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, f"patterns:\n  copyright:\n    - {rule}\n"))


def test_set_reads_its_value_as_yaml_and_applies_after_the_file(tmp_path):
    overlay = write(tmp_path, "corpus: {deduplicate: true, languages: [fr]}\n")
    config = load_config(
        overlay, ["corpus.deduplicate=false", "corpus.languages=[en, de]", "limits.max_tag_bytes=4096"]
    )
    assert (config.corpus.deduplicate, config.corpus.languages, config.limits.max_tag_bytes) == (
        False,
        ("de", "en"),
        4096,
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("corpus.dedupliate=false", r"^corpus\.dedupliate: unknown key \(did you mean 'deduplicate'\?"),
        ("corpus.deduplicate=maybe", r"^corpus\.deduplicate: expected bool, got str$"),
        ("limits.time_budget_seconds=0", r"^limits\.time_budget_seconds: must be >= 0\.001"),
        ("patterns.copyright.max_chars=5", r"^--set patterns\.copyright\.max_chars: patterns\.copyright is a list"),
        ("corpus.deduplicate", r"^--set 'corpus\.deduplicate': expected KEY\.PATH=VALUE"),
    ],
)
def test_a_bad_set_names_its_key_path(setting, message):
    with pytest.raises(ConfigError, match=message):
        load_config(settings=[setting])


def test_a_rule_missing_a_key_is_named_by_its_id(tmp_path):
    overlay = write(tmp_path, "patterns:\n  copyright:\n    - {id: copyright.mine, pattern: '^mine'}\n")
    with pytest.raises(ConfigError, match=r"^patterns\.copyright\[id=copyright\.mine\]\.max_chars: required key"):
        load_config(overlay)


def test_config_problems_lists_every_problem_once(tmp_path):
    overlay = write(
        tmp_path,
        "language: {min_char: 3}\nlimits: {max_documnet_bytes: 5, time_budget_seconds: -1}\n"
        "patterns:\n  copyright:\n    - {id: copyright.mine, pattern: '(unclosed', max_chars: 80}\n",
    )
    problems = config_problems(overlay)
    assert [problem.split(":")[0] for problem in problems] == [
        "patterns.copyright[id=copyright.mine].pattern",
        "language.min_char",
        "limits.max_documnet_bytes",
        "limits.time_budget_seconds",
    ]
    assert "did you mean 'min_chars'?" in problems[1]
    assert config_problems(write(tmp_path, "corpus: {deduplicate: false}\n")) == []
