"""Label every block of a page: body, caption, reference, or the kind of boilerplate it is."""

from __future__ import annotations

from dataclasses import replace

from transforms.captions import is_repeated_caption, split_caption
from transforms.citations import find_reference_list, strip_inline_markers
from transforms.content_region import select_main_content
from transforms.literal_screen import ScreenForms
from transforms.records import BODY, CAPTION, REFERENCE, Block, Caption, LabelledBlock
from transforms.rules import CleanerConfig, PatternRule

DUPLICATE_CAPTION = "duplicate_caption"
REFERENCE_HEADING = "reference_heading"


def match_pattern_rule(text: str, config: CleanerConfig) -> PatternRule | None:
    """The first rule (in config order) that removes this block, or None."""
    found = config.pattern_search.search(text)
    return config.pattern_rules[found[0]] if found is not None else None


def label_block(
    block: Block, config: CleanerConfig, rule_literals: int | None = None, credit_literals: int | None = None
) -> LabelledBlock:
    """The decision for one block on its own, before its neighbours are considered.

    rule_literals, credit_literals: the block's entries of literals_present() of the pattern rules
    and of the credit patterns, when the page's blocks were screened at once (see classify_blocks).
    """
    if block.role == "caption":
        return LabelledBlock(block, CAPTION, "html.caption")
    found = config.pattern_search.search(block.text, rule_literals)
    if found is not None:
        rule = config.pattern_rules[found[0]]
        return LabelledBlock(block, rule.kind, rule.id)
    caption = split_caption(block.text, config.captions, credit_literals)
    if caption is not None:
        found, rule_id = caption
        return LabelledBlock(replace(block, text=found.text, credit=found.credit, role="caption"), CAPTION, rule_id)
    return LabelledBlock(block, BODY, "body")


def classify_blocks(
    blocks: tuple[Block, ...], config: CleanerConfig, locate_article: bool = True
) -> tuple[LabelledBlock, ...]:
    """Label blocks in document order: per-block rules first, then decisions that need context.

    locate_article: find the article among menus, teasers and footers from the blocks' shape (text
    mode); an HTML page's blocks come from the main content the parser already selected.
    """
    # The rules' literal pre-checks look through the whole page once rather than through each block.
    forms = ScreenForms.of(
        [block.text for block in blocks],
        max(config.pattern_search.max_length, config.captions.credit_search.max_length),
    )
    rule_literals = config.pattern_search.literals_present(forms)
    credit_literals = config.captions.credit_search.literals_present(forms)
    # A page repeats a fifth of its blocks (menus in the header and footer): each is labelled once.
    labelled_once: dict[Block, LabelledBlock] = {}
    labelled = []
    for block, rule_present, credit_present in zip(blocks, rule_literals, credit_literals, strict=True):
        item = labelled_once.get(block)
        if item is None:
            item = labelled_once[block] = label_block(block, config, rule_present, credit_present)
        labelled.append(item)
    labelled = _label_repeated_captions(labelled, config)
    labelled = _label_reference_list(labelled, config)
    if locate_article:
        labelled = _label_outside_article(labelled, config)
    return tuple(labelled)


def _label_outside_article(labelled: list[LabelledBlock], config: CleanerConfig) -> list[LabelledBlock]:
    """Body blocks that the content selector places outside the article get its kind and rule."""
    decisions = select_main_content(
        # "…the branch should go.[1]" must read as a sentence: markers hide the full stop.
        [strip_inline_markers(item.block.text, config.citations) for item in labelled],
        config.content_selection,
        already_removed=[item.label != BODY for item in labelled],
    )
    relabelled = [
        LabelledBlock(item.block, decision[0], decision[1]) if decision is not None and item.label == BODY else item
        for item, decision in zip(labelled, decisions, strict=True)
    ]
    # Shape is relative evidence: with no article-like span at all (a short note, a list page)
    # it cannot say what is boilerplate, so the pattern rules' decisions stand alone.
    if not any(item.label == BODY for item in relabelled):
        return labelled
    return relabelled


def _label_repeated_captions(labelled: list[LabelledBlock], config: CleanerConfig) -> list[LabelledBlock]:
    """A body block next to a caption that repeats it (the image's alt text) is dropped."""
    result = list(labelled)
    for index, item in enumerate(labelled):
        if item.label != CAPTION:
            continue
        caption = item.block
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(result) and result[neighbour].label == BODY:
                other = result[neighbour].block
                if is_repeated_caption(other.text, _as_caption(caption)):
                    result[neighbour] = LabelledBlock(other, DUPLICATE_CAPTION, config.captions.duplicate_rule)
    return result


def _label_reference_list(labelled: list[LabelledBlock], config: CleanerConfig) -> list[LabelledBlock]:
    texts = [item.block.text for item in labelled]
    candidates = [item.label == BODY for item in labelled]
    items, heading = find_reference_list(texts, candidates, config.citations)
    if not items:
        return labelled
    result = list(labelled)
    for index, (number, text) in items.items():
        result[index] = LabelledBlock(
            replace(labelled[index].block, text=text), REFERENCE, "citations.reference_item", number
        )
    if heading is not None:
        result[heading] = LabelledBlock(labelled[heading].block, REFERENCE_HEADING, "citations.reference_heading")
    return result


def _as_caption(block: Block) -> Caption:
    return Caption(text=block.text, credit=block.credit)
