"""Captions and their photo credits, in both modes: the credit patterns (one dialect, one list of agencies
and of credit labels), splitting a credit off a caption, and recognising captions in flattened text."""

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
from article_cleaner.transforms.label.pattern_prefilter import ScreenedPatterns
from article_cleaner.transforms.records import Caption

_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…]+$")
# What may stand between a caption and the credit pattern that matched after it.
_SEPARATORS = " |–—-"
# In a credit pattern, stand for any name of the agencies list (matched as written: "AP" is an
# agency, "ap" a syllable) and for any word of the credit labels list (longest first).
_AGENCIES = "{agencies}"
_CREDIT_LABEL = "{credit_label}"
# A credit is unwrapped at most this many times: "(Image credit: Jane Doe)" twice.
_MAX_CREDIT_WRAPPINGS = 3


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
    reject_unknown_keys(section, {"max_chars", "agencies", "credit_labels", "credit_patterns", "duplicate_rule"}, path)
    require_keys(section, {"credit_patterns", "agencies", "credit_labels"}, path)
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
    max_chars = int(require_number(section.get("max_chars", 600), f"{path}.max_chars", minimum=1))
    caption_patterns = tuple(credit for credit in credit_patterns if credit.marks_caption)
    return CaptionRules(
        max_chars=max_chars,
        credit_patterns=tuple(credit_patterns),
        caption_patterns=caption_patterns,
        credit_search=ScreenedPatterns.build([(credit.pattern, max_chars) for credit in caption_patterns]),
        duplicate_rule=require_type(
            section.get("duplicate_rule", "caption.repeated_text"), str, f"{path}.duplicate_rule"
        ),
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


def split_credit(text: str, rules: CaptionRules) -> tuple[str, str | None]:
    """A known caption's text and its credit ('... (Jane Doe/AFP)', 'Photo: Jane Doe'), the first
    credit pattern deciding; the text may be empty (a caption that is only a credit)."""
    for credit_pattern in rules.credit_patterns:
        match = credit_pattern.pattern.search(text)
        if match is not None:
            caption_text, credit = _caption_and_credit(text, match)
            if credit:
                return caption_text, bare_credit(credit, rules)
    return text, None


def bare_credit(credit: str, rules: CaptionRules) -> str:
    """A credit without its label or parentheses: '(Image credit: Jane Doe/AFP)', 'Photo by Jane
    Doe/AFP' and 'Jane Doe/AFP' are all credited 'Jane Doe/AFP'."""
    for _ in range(_MAX_CREDIT_WRAPPINGS):
        inner = _credit_inside(credit, rules)
        if inner is None or inner == credit:
            break
        credit = inner
    return credit


def _credit_inside(credit: str, rules: CaptionRules) -> str | None:
    """What the first matching credit pattern takes as the credit, when nothing precedes it."""
    for credit_pattern in rules.credit_patterns:
        match = credit_pattern.pattern.search(credit)
        if match is not None:
            caption_text, inner = _caption_and_credit(credit, match)
            if inner:
                return None if caption_text else inner
    return None


def split_caption(text: str, rules: CaptionRules, present: int | None = None) -> tuple[Caption, str] | None:
    """(caption, rule id) when a paragraph of flattened text is a caption ending in a photo credit, else None.

    present: the text's entry of rules.credit_search.literals_present(), when a page was screened at once.
    """
    found = rules.credit_search.search(text, present)
    if found is None:
        return None
    index, match = found
    caption_text, credit = _caption_and_credit(text, match)
    if not caption_text or not credit:
        return None
    return Caption(text=caption_text, credit=bare_credit(credit, rules)), rules.caption_patterns[index].id


def _caption_and_credit(text: str, match: re.Match) -> tuple[str, str]:
    caption_text = text[: match.start()].rstrip(_SEPARATORS)
    leading = match.group(0)[: match.start("credit") - match.start()]
    if leading and leading[0] in ".!?":  # the sentence mark belongs to the caption, the label to the credit
        caption_text += leading[0]
    return caption_text.strip(), match.group("credit").strip()


def caption_key(text: str) -> str:
    """The form two renderings of one caption share (alt text often lacks the final period)."""
    return _TRAILING_PUNCTUATION.sub("", text).casefold()


def is_repeated_caption(text: str, caption: Caption) -> bool:
    """True when a paragraph repeats a caption, as scrapers do with an image's alt text."""
    key, caption_text = caption_key(text), caption_key(caption.text)
    if not key or not caption_text:
        return False
    if key == caption_text:
        return True
    shorter, longer = sorted((key, caption_text), key=len)
    return longer.startswith(shorter) and len(shorter) >= 0.8 * len(longer)
