"""Find the article among the menus, link lists, teasers, comments and footers of a flattened text page.

Text mode has no markup, so the evidence is the shape of each block (length, sentence punctuation,
share of short lowercase function words, truncation, repetition) and of its neighbours. Each block
adds to or subtracts from a span; the article is the contiguous span that scores best, and inside
it only runs of short lines and second copies of prose are taken out. The heading of a comment
section inside that span ends the article there; a related-links heading weakens what follows it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from article_cleaner.transforms.config.content_selection import (
    BlockShapeSettings,
    ContentSelectionSettings,
    RegionSettings,
)
from article_cleaner.transforms.removal_kinds import BOILERPLATE, NAVIGATION

SHORT_LINE_RUN = "structure.short_line_run"
OUTSIDE_MAIN_REGION = "structure.outside_main_region"
REPEATED_TEXT = "structure.repeated_text"
TEMPLATE_STREAM = "structure.template_stream"

# The decisions, built once rather than per block.
_REPEATED_TEXT = (BOILERPLATE, REPEATED_TEXT)
_SHORT_LINE_RUN = (NAVIGATION, SHORT_LINE_RUN)
_TEMPLATE_STREAM = (BOILERPLATE, TEMPLATE_STREAM)
_OUTSIDE_MAIN_REGION = (BOILERPLATE, OUTSIDE_MAIN_REGION)

# Scripts written without spaces between words: their length is counted in characters.
_UNSPACED_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
# Scripts without letter case: the short-lowercase-word evidence says nothing about them.
_UNCASED_SCRIPT = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff"
    "\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


# Block classes, from the shape of one block alone.
_CONTENT = 2  # long, sentence-shaped prose
_SENTENCE = 1  # shorter, but ends like a sentence
_LIST_ITEM = 0  # a line of a few words in running language, without sentence punctuation
_SHORT = -1  # a short line without sentence punctuation: a heading, a menu entry, a link
_BOILERPLATE = -2  # text that reads like no language: lists of names, dates, counters


def words_in(text: str, shape: BlockShapeSettings) -> float:
    """A text's length in words: its spaced words, and in scripts written without spaces (Chinese,
    Japanese, Thai...) shape.unspaced_characters_per_word characters a word."""
    return _words_and_case(text, len(text.split()), shape)[0]


def _words_and_case(text: str, spaced_words: int, shape: BlockShapeSettings) -> tuple[float, bool]:
    """(the text's length in words, whether it is mostly in scripts without letter case)."""
    # The unspaced scripts are among the uncased ones: a text with neither (most non-ASCII text,
    # Latin with curly quotes) is scanned once, without building lists of matches.
    if text.isascii() or _UNCASED_SCRIPT.search(text) is None:
        return spaced_words, False
    unspaced = len(_UNSPACED_SCRIPT.findall(text))
    words = spaced_words + unspaced / shape.unspaced_characters_per_word if unspaced else spaced_words
    return words, len(_UNCASED_SCRIPT.findall(text)) * 2 > len(text)


def _measure(text: str, shape: BlockShapeSettings) -> tuple[int, float]:
    """Class of the block and its length in words."""
    tokens = text.split()
    words, uncased = _words_and_case(text, len(tokens), shape)
    stripped = text.rstrip().rstrip(shape.closing_characters)
    if stripped.endswith(shape.truncation_marks):
        # A teaser cut off by the site ("...", "…") is a pointer to another page, not prose here.
        return (_LIST_ITEM if words > shape.short_block_max_words else _SHORT), words
    last = stripped[-1:]
    ends_sentence = bool(last) and last in shape.sentence_end_characters
    if not ends_sentence and words >= shape.content_block_min_words:
        # A long block cut off by the scraper or ending in a colon is still prose if a sentence ends inside.
        ends_sentence = last == ":" or shape.inner_sentence_end.search(stripped) is not None
    if words <= shape.short_block_max_words and not ends_sentence:
        if words >= shape.list_item_min_words and _has_function_word(tokens, shape):
            return _LIST_ITEM, words
        return _SHORT, words
    if not uncased and tokens:
        limit = shape.function_word_max_length
        needed = shape.min_function_word_share * len(tokens)
        function_words = 0
        for token in tokens:  # a plain loop, left as soon as prose shows enough function words
            if len(token) <= limit and token.islower():
                function_words += 1
                if function_words >= needed:
                    break
        if function_words < needed and not (ends_sentence and _mostly_lowercase(tokens, shape)):
            return _BOILERPLATE, words
    if ends_sentence:
        return (_CONTENT if words >= shape.content_block_min_words else _SENTENCE), words
    return _LIST_ITEM, words


def _mostly_lowercase(tokens: list[str], shape: BlockShapeSettings) -> bool:
    """Most words start in lowercase: running language whose function words are long ("yang",
    "dengan") or sparse, not a list of names, titles or tags."""
    words = [token for token in tokens if token[:1].isalpha()]
    lowercase = sum(1 for word in words if word[0].islower())
    return bool(words) and lowercase >= shape.min_lowercase_word_share * len(words)


def _has_function_word(tokens: list[str], shape: BlockShapeSettings) -> bool:
    limit = shape.function_word_max_length
    for token in tokens:  # a plain loop: any() over a generator resumes a frame per token
        if len(token) <= limit and token.islower():
            return True
    return False


def _best_span(weights: list[float]) -> tuple[int, int]:
    """The contiguous [start, end) span of largest total weight; (0, 0) when nothing is positive."""
    best_total, best_start, best_end = 0.0, 0, 0
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best_total:
            best_total, best_start, best_end = total, start, index + 1
    return best_start, best_end


def select_main_content(
    texts: Sequence[str],
    settings: ContentSelectionSettings,
    already_removed: Sequence[bool] | None = None,
    section_headings: Sequence[float] | None = None,
) -> list[tuple[str, str] | None]:
    """Per block: None to keep it as article body, or (kind, rule) to remove it.

    already_removed[i] means the pattern rules took block i out: it counts as boilerplate here, and
    what this function says about it is not used. section_headings[i] below 1 means block i heads a
    section that follows articles ("Comments", "Related stories"; see following_sections): prose
    after it keeps that share of its weight once it lies inside the chosen span.
    """
    shape, region = settings.block_shape, settings.region
    count = len(texts)
    if already_removed is not None and len(already_removed) != count:
        raise ValueError(f"already_removed has {len(already_removed)} entries for {count} blocks")
    if not count:
        return []
    removed = list(map(bool, already_removed)) if already_removed is not None else [False] * count
    shapes = _measure_each(texts, shape)
    classes, lengths = zip(*map(shapes.__getitem__, texts), strict=True)
    copy_of = _find_earlier_copies(texts, classes, shape)
    stream = _find_template_streams(texts, classes, lengths, shape, region)
    introduced = _introduced_lines(texts, classes, removed, stream, region)
    numbered = _numbered_sections(texts, classes, removed, region)
    list_lines = [line or section for line, section in zip(introduced, numbered, strict=True)]
    weights = _region_weights(classes, lengths, removed, copy_of, stream, list_lines, region)
    start, end = _best_span(weights)
    if section_headings is not None:
        start, end = _end_at_following_sections(
            weights, classes, lengths, removed, section_headings, start, end, settings
        )
    short_line_runs = _short_line_runs(
        classes, removed, list_lines, start, end, settings.inside_region.short_line_run_min_blocks
    )

    decisions: list[tuple[str, str] | None] = []
    for index in range(count):
        block_class = classes[index]
        original = copy_of[index]
        if original >= 0 and start <= original < end:
            decisions.append(_REPEATED_TEXT)
        elif start <= index < end:
            decisions.append(_SHORT_LINE_RUN if index in short_line_runs else None)
        elif block_class < _SENTENCE:
            decisions.append(_SHORT_LINE_RUN)
        elif stream[index]:
            decisions.append(_TEMPLATE_STREAM)
        else:
            decisions.append(_OUTSIDE_MAIN_REGION)
    return decisions


def _measure_each(texts: Sequence[str], shape: BlockShapeSettings) -> dict[str, tuple[int, float]]:
    """Class and length in words of each distinct text: a page repeats its menus, each is measured once."""
    shapes = {}
    for text, occurrences in Counter(texts).items():
        block_class, words = _measure(text, shape)
        # A short line the page shows twice (a menu at the top and again in the footer) is never a heading.
        if block_class < _SENTENCE and occurrences > 1:
            block_class = _BOILERPLATE
        shapes[text] = block_class, words
    return shapes


def _find_earlier_copies(texts: Sequence[str], classes: Sequence[int], shape: BlockShapeSettings) -> list[int]:
    """For each long prose block, the index of an earlier block it repeats, or -1.

    Only long blocks count: a short sentence may recur inside an article (an interviewer's
    question). A long block that starts like an earlier one is the article again, flattened into
    one block (a print or summary copy).
    """
    copy_of = [-1] * len(texts)
    # Each text's first position: a dict keeps the last value given for a key, so give them backwards.
    first_seen = dict(zip(reversed(texts), range(len(texts) - 1, -1, -1), strict=True))
    first_start: dict[str, int] = {}
    prefix_length = shape.repeated_prefix_characters
    for index, text in enumerate(texts):
        if classes[index] == _CONTENT:
            original = first_seen[text]
            if original == index:  # the text itself is new: does it start like an earlier block?
                original = first_start.get(text[:prefix_length], -1) if len(text) > prefix_length else -1
            copy_of[index] = original
        if len(text) >= prefix_length:
            first_start.setdefault(text[:prefix_length], index)
    return copy_of


def _find_template_streams(
    texts: Sequence[str],
    classes: Sequence[int],
    lengths: Sequence[float],
    shape: BlockShapeSettings,
    region: RegionSettings,
) -> list[bool]:
    """Prose interleaved with short lines of one recurring form: comments or teaser cards.

    "anna says:" / "November 19, 2019 at 6:44 am" / "by Rahul": a comment or a teaser opens with
    a short line whose last word recurs from item to item. Where such lines recur at least
    template_min_occurrences times, each within template_max_spacing blocks of the previous one
    and with prose between, everything from the first to the last item's prose is the stream.
    """
    count = len(texts)
    stream = [False] * count
    positions: dict[str, list[int]] = {}
    max_words = shape.short_block_max_words
    for index in range(count):
        if classes[index] >= _SENTENCE or lengths[index] > max_words:
            continue
        text = texts[index]
        cut = text.rfind(" ")
        if cut < 0:
            continue
        signature = text[cut + 1 :].lower()
        # Years, prices and scores end embedded tweets and product lines of an article as well.
        if not signature.rstrip(":").isalpha():
            continue
        positions.setdefault(signature, []).append(index)
    prose = [block_class >= _SENTENCE for block_class in classes]
    for indexes in positions.values():
        if len(indexes) < region.template_min_occurrences:
            continue
        run = [indexes[0]]
        for index in indexes[1:] + [count * 2]:
            previous = run[-1]
            if index - previous <= region.template_max_spacing and any(prose[previous + 1 : index]):
                run.append(index)
                continue
            if len(run) >= region.template_min_occurrences:
                last = run[-1] + 1
                while (
                    last < count
                    and (prose[last] or classes[last] == _LIST_ITEM)
                    and last - run[-1] <= region.template_max_spacing
                ):
                    last += 1
                for member in range(run[0], last):
                    stream[member] = True
            run = [index]
    return stream


def _introduced_lines(
    texts: Sequence[str],
    classes: Sequence[int],
    removed: list[bool],
    stream: list[bool],
    region: RegionSettings,
) -> list[bool]:
    """The short lines a lead-in announces: after a block of running language that ends in a colon
    ("The library consists of three components:", "Ingredients for four people:"), every line up to
    the next prose is that list (steps, ingredients, specifications, prices), not a menu. A pattern
    rule's block or a template stream ends it; "Share this:" is no lead-in (no function word)."""
    count = len(texts)
    introduced = [False] * count
    marks = region.lead_in_characters
    index = 0
    while index < count:
        if classes[index] >= _LIST_ITEM and not removed[index] and texts[index][-1:] in marks:
            index += 1
            while index < count and classes[index] < _SENTENCE and not removed[index] and not stream[index]:
                introduced[index] = True
                index += 1
        else:
            index += 1
    return introduced


def _numbered_sections(
    texts: Sequence[str], classes: Sequence[int], removed: list[bool], region: RegionSettings
) -> list[bool]:
    """The blocks from the first of a numbered sequence to the prose after its last: short lines that open with
    1, 2, 3... ("1. Kitchen", "#2 of 21", "Step 3"), each within numbered_line_max_spacing blocks of
    the one before and with prose between, at least numbered_section_min_lines of them. They head
    the sections of a list-shaped article (a ranking, a guide, steps); a "most read" box numbers
    its links without prose between them, and counts ("20 diggs") carry no "." or "#"."""
    count = len(texts)
    sections = [False] * count
    prose_before = [0] * (count + 1)  # prose blocks in [0, i): is there prose between two lines?
    for index in range(count):
        prose_before[index + 1] = prose_before[index] + (classes[index] >= _SENTENCE)
    chains: list[list[int]] = []  # [first index, last index, last number, lines]
    for index in range(count):
        if classes[index] >= _SENTENCE or removed[index]:
            continue
        found = region.numbered_line.match(texts[index])
        if found is None:
            continue
        number = int(found["number"])
        for chain in reversed(chains):
            first, last, last_number, lines = chain
            if (
                number == last_number + 1
                and index - last <= region.numbered_line_max_spacing
                and prose_before[index] > prose_before[last + 1]
            ):
                chain[1:] = [index, number, lines + 1]
                break
        else:
            if number == 1:
                chains.append([index, index, 1, 1])
    for first, last, _, lines in chains:
        if lines >= region.numbered_section_min_lines:
            # The last section runs on to its prose, past the short lines under its heading.
            while last + 1 < count and classes[last + 1] < _SENTENCE and not removed[last + 1]:
                last += 1
            sections[first : last + 1] = [True] * (last + 1 - first)
    return sections


def _region_weights(
    classes: Sequence[int],
    lengths: Sequence[float],
    removed: list[bool],
    copy_of: list[int],
    stream: list[bool],
    list_lines: list[bool],
    region: RegionSettings,
) -> list[float]:
    """What each block adds to a span: prose adds by length, everything else subtracts.

    Prose standing alone between runs of non-prose (a teaser under its headline, byline and date; a
    comment under its author and time) counts for less than prose among prose, and so does prose
    inside a template stream. A copy of earlier prose weighs nothing either way: which of the two
    copies is the article only the rest of the page can tell. The lines of an article's own list
    (announced by a lead-in, or between numbered section lines) subtract list_line_factor as much.
    """
    count = len(classes)
    prose = [classes[index] >= _SENTENCE and not removed[index] and copy_of[index] < 0 for index in range(count)]
    gap_before = _non_prose_run_lengths(prose, range(count))
    gap_after = _non_prose_run_lengths(prose, range(count - 1, -1, -1))
    isolation = region.isolation_gap_blocks
    weights: list[float] = []
    for index in range(count):
        block_class = classes[index]
        if removed[index]:
            weights.append(-region.removed_block_penalty)
        elif block_class >= _SENTENCE:
            if copy_of[index] >= 0:
                weights.append(0.0)
                continue
            per_word = region.content_weight_per_word if block_class == _CONTENT else region.sentence_weight_per_word
            weight = min(lengths[index] * per_word, region.content_max_weight)
            if isolation and gap_before[index] >= isolation and gap_after[index] >= isolation:
                weight *= region.isolated_prose_factor
            if stream[index]:
                weight *= region.template_stream_factor
            weights.append(weight)
        else:
            penalty = (
                region.list_item_penalty
                if block_class == _LIST_ITEM
                else region.short_block_penalty
                if block_class == _SHORT
                else region.boilerplate_block_penalty
            )
            weights.append(-penalty * region.list_line_factor if list_lines[index] else -penalty)
    return weights


def _end_at_following_sections(
    weights: list[float],
    classes: Sequence[int],
    lengths: Sequence[float],
    removed: list[bool],
    section_headings: Sequence[float],
    start: int,
    end: int,
    settings: ContentSelectionSettings,
) -> tuple[int, int]:
    """The span once each section heading inside it has weakened the prose after it (weights is
    changed in place): comments after an article add nothing, teasers after a related-links
    heading count for less. The span is chosen again after each heading, each heading once; prose
    keeps the smallest share of the headings before it."""
    needed = settings.following_sections.min_prose_words_before
    base = list(weights)
    applied: set[int] = set()
    while True:
        heading = None
        prose_words = 0.0
        for index in range(start, end):
            # A heading with little prose before it ("12 Comments" beside the byline) heads nothing.
            if section_headings[index] < 1.0 and prose_words >= needed and index not in applied:
                heading = index
                break
            if classes[index] >= _SENTENCE and not removed[index]:
                prose_words += lengths[index]
        if heading is None:
            return start, end
        applied.add(heading)
        # Shares do not compound: prose after several related-links boxes is weakened once.
        share = 1.0
        for index in range(min(applied), len(weights)):
            if base[index] > 0:
                weights[index] = base[index] * share
            if index in applied:
                share = min(share, section_headings[index])
        start, end = _best_span(weights)


def _non_prose_run_lengths(prose: list[bool], order: range) -> list[int]:
    """For each block, how many non-prose blocks precede it in the given order; the page edge counts as
    an endless run, so a teaser at the very end of the page is alone too."""
    lengths = [0] * len(prose)
    run = len(prose) + 1
    for index in order:
        lengths[index] = run
        run = 0 if prose[index] else run + 1
    return lengths


def _short_line_runs(
    classes: Sequence[int], removed: list[bool], list_lines: list[bool], start: int, end: int, min_blocks: int
) -> set[int]:
    """Inside the span, runs of at least min_blocks short lines: a link list or a menu, not headings
    (nor the lines of the article's own lists)."""
    members: set[int] = set()
    run_start = start
    for index in range(start, end + 1):
        if index < end and (classes[index] <= _SHORT or removed[index]) and not list_lines[index]:
            continue
        if index - run_start >= min_blocks:
            members.update(range(run_start, index))
        run_start = index + 1
    return members
