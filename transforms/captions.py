"""Recognise image captions in flattened text and split the photo credit off them."""

from __future__ import annotations

import re

from transforms.records import Caption
from transforms.rules import CaptionRules

_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…]+$")


def split_caption(text: str, rules: CaptionRules, present: int | None = None) -> tuple[Caption, str] | None:
    """(caption, rule id) when the paragraph is a caption ending in a photo credit, else None.

    present: the text's entry of rules.credit_search.literals_present(), when a page was screened at once.
    """
    found = rules.credit_search.search(text, present)
    if found is None:
        return None
    index, match = found
    credit_pattern = rules.credit_patterns[index]
    caption_text = text[: match.start()].rstrip(" |–—-")
    leading = match.group(0)[: match.start("credit") - match.start()]
    if leading[:1] in ".!?":  # the sentence mark belongs to the caption, the label to the credit
        caption_text += leading[0]
    credit = match.group("credit").strip()
    if not caption_text.strip() or not credit:
        return None
    return Caption(text=caption_text.strip(), credit=credit), credit_pattern.id


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
