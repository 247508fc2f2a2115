"""The explain view: every block of one document with its label and the rule that decided it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from article_cleaner.transforms.clean_document import (
    body_paragraphs,
    body_text,
    label_blocks,
    page_type_of,
    parse_document,
    rejection,
    within_budget,
)
from article_cleaner.transforms.config.loading import CleanerConfig
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.label.page_types import is_kept
from article_cleaner.transforms.limits.guards import limit_violation
from article_cleaner.transforms.limits.watchdog import Watchdog
from article_cleaner.transforms.records import BODY, InputDocument, Rejected

KEPT = "kept"

PAGE_TYPE_ROW = "page_type"  # the label of the rows that show the page type, not a block
LANGUAGE_ROW = "language"  # the label of the row that shows the body's language, not a block


@dataclass(frozen=True, slots=True)
class ExplainedBlock:
    label: str  # kept, title, caption, reference, or the removal kind
    rule: str
    text: str


def explain_document(
    document: InputDocument, config: CleanerConfig, detector: LanguageDetector
) -> tuple[ExplainedBlock, ...]:
    """The body's language, the page's type and the evidence that decided it, the title, the
    parser's removals and captions (HTML), then each block in document order."""
    page = parse_document(document, config)
    labelled = label_blocks(page, document, config)
    language, probability = detector.detect(body_text(body_paragraphs(labelled, config)))
    decision = page_type_of(page, labelled, document, language, config)
    kept = is_kept(decision.type, config.page_types, html_mode=document.text is None)
    outcome = "written" if kept else "filtered (page_type)"
    detected = f"{language} {probability:.2f}" if language is not None else "unknown (too little text)"
    rows: list[ExplainedBlock] = [
        ExplainedBlock(LANGUAGE_ROW, "language", detected),
        ExplainedBlock(PAGE_TYPE_ROW, "page_types", f"{decision.type} {decision.score}: {outcome}"),
    ]
    rows += [
        ExplainedBlock(PAGE_TYPE_ROW, item.rule, f"{item.type} {item.weight:+g}: {item.signal} = {item.value}")
        for item in decision.evidence
    ]
    if page.title:
        rows.append(ExplainedBlock("title", _title_rule(document), page.title))
    rows += [ExplainedBlock(removal.kind, removal.rule, removal.text) for removal in page.removals]
    rows += [ExplainedBlock("caption", "html.caption", _caption_text(c.text, c.credit)) for c in page.captions]
    for item in labelled:
        label = KEPT if item.label == BODY else item.label
        text = _caption_text(item.block.text, item.block.credit) if item.label == "caption" else item.block.text
        if item.reference_id is not None:
            text = f"[{item.reference_id}] {text}"
        rows.append(ExplainedBlock(label, item.rule, text))
    return tuple(rows)


def explain_within_limits(
    document: InputDocument, config: CleanerConfig, detector: LanguageDetector, watchdog: Watchdog
) -> tuple[ExplainedBlock, ...] | Rejected:
    """explain_document, or the reject the cleaner gives a document over a limit or its time budget:
    explaining a page must not hang on what the pipeline would have refused to parse."""
    violation = limit_violation(document, config.limits)
    if violation is not None:
        return rejection(document, *violation)
    return within_budget(document, config, watchdog, lambda: explain_document(document, config, detector))


def _title_rule(document: InputDocument) -> str:
    if document.title is not None:
        return "input.title"
    return "html.title" if document.text is None else "text.first_paragraph"


def _caption_text(text: str, credit: str | None) -> str:
    return f"{text}  (credit: {credit})" if credit else text


def format_explanation(rows: tuple[ExplainedBlock, ...], width: int | None = None) -> str:
    """One line per block: label, rule, then the text cut to the terminal's width."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    label_width = max([len("label"), *(len(row.label) for row in rows)])
    rule_width = max([len("rule"), *(len(row.rule) for row in rows)])
    text_width = max(20, width - label_width - rule_width - 4)
    lines = [f"{'label':<{label_width}}  {'rule':<{rule_width}}  text", "-" * min(width, 200)]
    for row in rows:
        text = " ".join(row.text.split())
        if len(text) > text_width:
            text = text[: text_width - 1] + "…"
        lines.append(f"{row.label:<{label_width}}  {row.rule:<{rule_width}}  {text}")
    counts: dict[str, int] = {}
    for row in rows:
        if row.label not in (PAGE_TYPE_ROW, LANGUAGE_ROW):  # the counts are of blocks
            counts[row.label] = counts.get(row.label, 0) + 1
    lines.append("-" * min(width, 200))
    lines.append(", ".join(f"{label} {count}" for label, count in sorted(counts.items())))
    return "\n".join(lines)
