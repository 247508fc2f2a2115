"""The captions section's settings: the credit patterns in one dialect, with the agencies and credit
labels they name, validated and compiled once (transforms/label/captions.py applies them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from article_cleaner.transforms.config.checks import (
    ConfigError,
    compile_pattern,
    reject_unknown_keys,
    require_keys,
    require_list,
    require_mapping,
    require_number,
    require_string_list,
    require_type,
)
from article_cleaner.transforms.config.pattern_prefilter import ScreenedPatterns

# In a credit pattern, stand for any name of the agencies list (matched as written: "AP" is an
# agency, "ap" a syllable) and for any word of the credit labels list (longest first).
_AGENCIES = "{agencies}"


_CREDIT_LABEL = "{credit_label}"


@dataclass(frozen=True, slots=True)
class CreditPattern:
    id: str
    pattern: re.Pattern  # has a named group "credit"; what precedes the match is the caption
    marks_caption: bool  # in flattened text, a paragraph that ends so is a caption


@dataclass(frozen=True, slots=True)
class CaptionRules:
    max_chars: int
    credit_patterns: tuple[CreditPattern, ...]  # all, in order: split a credit off a known caption
    caption_patterns: tuple[CreditPattern, ...]  # those that mark a caption in flattened text
    duplicate_rule: str
    credit_search: ScreenedPatterns  # caption_patterns, screened: finds the first that matches
    vocabulary: tuple[tuple[str, str], ...]  # (placeholder, the alternation of its list)


def compile_caption_rules(raw: object, path: str = "captions") -> CaptionRules:
    """Validate the captions section and compile its credit patterns; a ConfigError names the bad key path."""
    section = require_mapping(raw, path)
    keys = {"max_chars", "agencies", "credit_labels", "credit_patterns", "duplicate_rule"}
    reject_unknown_keys(section, keys, path)
    require_keys(section, keys, path)
    agencies = "(?-i:" + "|".join(map(re.escape, require_string_list(section["agencies"], f"{path}.agencies"))) + ")"
    labels = sorted(require_string_list(section["credit_labels"], f"{path}.credit_labels"), key=len, reverse=True)
    credit_label = "(?:" + "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in labels) + ")"
    vocabulary = ((_AGENCIES, agencies), (_CREDIT_LABEL, credit_label))
    credit_patterns = []
    for index, entry in enumerate(require_list(section["credit_patterns"], f"{path}.credit_patterns")):
        where = f"{path}.credit_patterns[{index}]"
        entry = require_mapping(entry, where)
        reject_unknown_keys(entry, {"id", "pattern", "marks_caption"}, where)
        require_keys(entry, {"id", "pattern"}, where)
        source = require_type(entry["pattern"], str, f"{where}.pattern")
        pattern = compile_pattern(_with_vocabulary(source, vocabulary), f"{where}.pattern")
        if "credit" not in pattern.groupindex:
            raise ConfigError(f"{where}.pattern: needs a named group (?P<credit>...)")
        credit_patterns.append(
            CreditPattern(
                id=require_type(entry["id"], str, f"{where}.id"),
                pattern=pattern,
                marks_caption=require_type(entry.get("marks_caption", False), bool, f"{where}.marks_caption"),
            )
        )
    max_chars = int(require_number(section["max_chars"], f"{path}.max_chars", minimum=1))
    caption_patterns = tuple(credit for credit in credit_patterns if credit.marks_caption)
    return CaptionRules(
        max_chars=max_chars,
        credit_patterns=tuple(credit_patterns),
        caption_patterns=caption_patterns,
        credit_search=ScreenedPatterns.build([(credit.pattern, max_chars) for credit in caption_patterns]),
        duplicate_rule=require_type(section["duplicate_rule"], str, f"{path}.duplicate_rule"),
        vocabulary=vocabulary,
    )


def with_credit_vocabulary(pattern: str, rules: CaptionRules) -> str:
    """A pattern (of any section: the photo_credit pattern rules too) with {agencies} and
    {credit_label} standing for the alternations of the captions section's lists."""
    return _with_vocabulary(pattern, rules.vocabulary)


def _with_vocabulary(pattern: str, vocabulary: tuple[tuple[str, str], ...]) -> str:
    for placeholder, alternation in vocabulary:
        pattern = pattern.replace(placeholder, alternation)
    return pattern
