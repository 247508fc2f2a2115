"""Label every block of a page: body, caption, reference, or the kind of boilerplate it is."""

from __future__ import annotations

from dataclasses import replace

from article_cleaner.transforms.config.loading import CleanerConfig, PatternRule
from article_cleaner.transforms.config.pattern_prefilter import ScreenForms
from article_cleaner.transforms.extract.content_region import select_main_content
from article_cleaner.transforms.label.captions import is_repeated_caption, split_caption
from article_cleaner.transforms.label.citations import find_reference_list, strip_inline_markers_of_each
from article_cleaner.transforms.records import BODY, CAPTION, REFERENCE, Block, Caption, LabelledBlock, labelled_blocks
from article_cleaner.transforms.removal_kinds import DUPLICATE_CAPTION, REFERENCE_HEADING


def match_pattern_rule(text: str, config: CleanerConfig) -> PatternRule | None:
    """The first rule (in config order) that removes this block, or None."""
    found = config.pattern_search.search(text)
    return config.pattern_rules[found[0]] if found is not None else None


# What is decided about one block before its record is built: (block, label, rule, reference id).
# A frozen record costs about as much to build as a block costs to label, and text mode relabels
# most blocks a second time, so records are built once, at the end.
Decision = tuple[Block, str, str, str | None]


def label_block(
    block: Block, config: CleanerConfig, rule_literals: int | None = None, credit_literals: int | None = None
) -> LabelledBlock:
    """The decision for one block on its own, before its neighbours are considered.

    rule_literals, credit_literals: the block's entries of literals_present() of the pattern rules
    and of the credit patterns, when the page's blocks were screened at once (see classify_blocks).
    """
    return LabelledBlock(*_decide(block, config, rule_literals, credit_literals))


def _decide(block: Block, config: CleanerConfig, rule_literals: int | None, credit_literals: int | None) -> Decision:
    if block.role == "caption":
        return block, CAPTION, "html.caption", None
    found = config.pattern_search.search(block.text, rule_literals)
    if found is not None:
        rule = config.pattern_rules[found[0]]
        return block, rule.kind, rule.id, None
    # Most blocks hold none of the literals every credit pattern needs: no caption, and no call to find out.
    caption = (
        split_caption(block.text, config.captions, credit_literals)
        if credit_literals != 0 or config.captions.credit_search.unscreened
        else None
    )
    if caption is not None:
        found, rule_id = caption
        return replace(block, text=found.text, credit=found.credit, role="caption"), CAPTION, rule_id, None
    return block, BODY, "body", None


def classify_blocks(
    blocks: tuple[Block, ...], config: CleanerConfig, locate_article: bool = True
) -> tuple[LabelledBlock, ...]:
    """Label blocks in document order: per-block rules first, then decisions that need context.

    locate_article: find the article among menus, teasers and footers from the blocks' shape (text
    mode); an HTML page's blocks come from the main content the parser already selected.
    """
    decisions = _decide_each_block(blocks, config)
    decisions = _label_repeated_captions(decisions, config)
    decisions = _label_reference_list(decisions, config)
    if locate_article:
        decisions = _label_outside_article(decisions, config)
    return _labelled_blocks(decisions)


def _decide_each_block(blocks: tuple[Block, ...], config: CleanerConfig) -> list[Decision]:
    # The rules' literal pre-checks look through the whole page once rather than through each block.
    forms = ScreenForms.of(
        [block.text for block in blocks],
        max(config.pattern_search.max_length, config.captions.credit_search.max_length),
    )
    rule_literals = config.pattern_search.literals_present(forms)
    credit_literals = config.captions.credit_search.literals_present(forms)
    # A page repeats a fifth of its blocks (menus in the header and footer): each is decided once.
    # Looked up by text, whose hash str keeps, then compared: hashing a Block runs Python code.
    decided_once: dict[str, tuple[Block, Decision]] = {}
    decisions = []
    for block, rule_present, credit_present in zip(blocks, rule_literals, credit_literals, strict=True):
        seen = decided_once.get(block.text)
        if seen is not None and (seen[0] is block or seen[0] == block):
            decisions.append(seen[1])
            continue
        decision = _decide(block, config, rule_present, credit_present)
        decided_once[block.text] = block, decision
        decisions.append(decision)
    return decisions


def _labelled_blocks(decisions: list[Decision]) -> tuple[LabelledBlock, ...]:
    """The records, one per block."""
    # Built through their slots, records cost less than looking up an equal decision's record would.
    return tuple(labelled_blocks(decisions))


def _label_outside_article(decisions: list[Decision], config: CleanerConfig) -> list[Decision]:
    """Body blocks that the content selector places outside the article get its kind and rule."""
    prose_weight_after = config.content_selection.following_sections.prose_weight_after()
    verdicts = select_main_content(
        # "…the branch should go.[1]" must read as a sentence: markers hide the full stop.
        strip_inline_markers_of_each([block.text for block, _, _, _ in decisions], config.citations),
        config.content_selection,
        already_removed=[label != BODY for _, label, _, _ in decisions],
        section_headings=[prose_weight_after.get(rule, 1.0) for _, _, rule, _ in decisions],
    )
    relabelled = [
        (decision[0], *verdict, None) if verdict is not None and decision[1] == BODY else decision
        for decision, verdict in zip(decisions, verdicts, strict=True)
    ]
    # Shape is relative evidence: with no article-like span at all (a short note, a list page)
    # it cannot say what is boilerplate, so the pattern rules' decisions stand alone.
    if not any(label == BODY for _, label, _, _ in relabelled):
        return decisions
    return relabelled


def _label_repeated_captions(decisions: list[Decision], config: CleanerConfig) -> list[Decision]:
    """A body block next to a caption that repeats it (the image's alt text) is dropped."""
    result = list(decisions)
    for index, (caption, label, _, _) in enumerate(decisions):
        if label != CAPTION:
            continue
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(result) and result[neighbour][1] == BODY:
                other = result[neighbour][0]
                if is_repeated_caption(other.text, _as_caption(caption)):
                    result[neighbour] = (other, DUPLICATE_CAPTION, config.captions.duplicate_rule, None)
    return result


def _label_reference_list(decisions: list[Decision], config: CleanerConfig) -> list[Decision]:
    texts = [block.text for block, _, _, _ in decisions]
    candidates = [label == BODY for _, label, _, _ in decisions]
    items, heading = find_reference_list(texts, candidates, config.citations)
    if not items:
        return decisions
    result = list(decisions)
    for index, (number, text) in items.items():
        result[index] = (replace(decisions[index][0], text=text), REFERENCE, "citations.reference_item", number)
    if heading is not None:
        result[heading] = (decisions[heading][0], REFERENCE_HEADING, "citations.reference_heading", None)
    return result


def _as_caption(block: Block) -> Caption:
    return Caption(text=block.text, credit=block.credit)
