"""Inline citation markers in the body and the numbered source list at the end of a text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from article_cleaner.transforms.config.loading import CitationRules

_MARKER_NUMBER = re.compile(r"\d+")


def strip_inline_markers(text: str, rules: CitationRules) -> str:
    screen = rules.inline_marker_screen
    if screen is not None and not screen.may_match(text):  # most paragraphs cite nothing: no regex pass
        return text
    return rules.inline_marker.sub("", text)


def strip_inline_markers_of_each(texts: list[str], rules: CitationRules) -> list[str]:
    """strip_inline_markers of every text, the screen tried on the page at once: most pages cite nothing."""
    screen = rules.inline_marker_screen
    if screen is not None and not screen.may_match("\n".join(texts)):
        return texts
    return [strip_inline_markers(text, rules) for text in texts]


def cited_numbers(texts: Sequence[str], rules: CitationRules) -> set[str]:
    """The reference numbers the body cites inline, e.g. {"0", "1"} for "...[0] ... [1]"."""
    numbers: set[str] = set()
    for text in texts:
        for marker in rules.inline_marker.findall(text):
            numbers.update(_MARKER_NUMBER.findall(marker))
    return numbers


def parse_reference_item(text: str, rules: CitationRules) -> tuple[str, str] | None:
    """(id, text) of one numbered source-list entry, or None."""
    if len(text) > rules.max_item_chars:
        return None
    match = rules.reference_item.match(text)
    if match is None:
        return None
    return match.group("id"), match.group("text").strip()


def find_reference_list(
    texts: Sequence[str], candidates: Sequence[bool], rules: CitationRules
) -> tuple[dict[int, tuple[str, str]], int | None]:
    """Locate the trailing numbered source list among the blocks.

    candidates[i] is False for blocks already removed (a comment widget after the list must not
    hide it). Returns ({block index: (id, text)}, index of its heading or None). The list counts
    only when the body before it cites its numbers inline or a references heading introduces it:
    a numbered list of steps at the end of an article is not a source list.
    """
    items: dict[int, tuple[str, str]] = {}
    index = len(texts) - 1
    while index >= 0 and not candidates[index]:
        index -= 1
    while index >= 0 and candidates[index]:
        parsed = parse_reference_item(texts[index], rules)
        if parsed is None:
            break
        items[index] = parsed
        index -= 1
    if not items:
        return {}, None
    first_item = min(items)
    heading = index if index >= 0 and candidates[index] and rules.reference_heading.match(texts[index]) else None
    if heading is not None:
        return items, heading
    cited = cited_numbers([texts[i] for i in range(first_item) if candidates[i]], rules)
    if cited & {number for number, _ in items.values()}:
        return items, None
    return {}, None
