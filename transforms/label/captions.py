"""Captions and their photo credits, in both modes: the credit patterns (one dialect, one list of agencies
and of credit labels), splitting a credit off a caption, and recognising captions in flattened text."""

from __future__ import annotations

import re

from article_cleaner.transforms.config.caption_settings import CaptionRules
from article_cleaner.transforms.records import Caption

_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…]+$")
# What may stand between a caption and the credit pattern that matched after it.
_SEPARATORS = " |–—-"
# A credit is unwrapped at most this many times: "(Image credit: Jane Doe)" twice.
_MAX_CREDIT_WRAPPINGS = 3


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
