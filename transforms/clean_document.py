"""One input document -> a clean article, or a rejection with its reason. Pure: no Beam here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from article_cleaner.transforms.config.loading import CleanerConfig
from article_cleaner.transforms.corpus.sites import site_of
from article_cleaner.transforms.extract.html import parse_html
from article_cleaner.transforms.extract.text import parse_text
from article_cleaner.transforms.label.assemble import article_id, assemble_article, body_paragraphs, body_text
from article_cleaner.transforms.label.classify import classify_blocks
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.label.page_types import PageTypeDecision, decide_page_type, is_kept, page_signals
from article_cleaner.transforms.limits.guards import Deadline, limit_violation, time_is_up
from article_cleaner.transforms.limits.watchdog import DocumentOverBudget, Watchdog
from article_cleaner.transforms.outcomes import EMPTY_INPUT, NO_ARTICLE_TEXT, TIME_BUDGET_EXCEEDED, UNWANTED_PAGE_TYPE
from article_cleaner.transforms.records import (
    Article,
    Filtered,
    InputDocument,
    LabelledBlock,
    ParsedPage,
    Rejected,
    reject,
)

Result = TypeVar("Result")

# Reasons a document is rejected here; readers add their own (see sources.py).
# Why a readable document is filtered here: it is not a kind of page the config keeps.


def rejection(document: InputDocument, reason: str, detail: str) -> Rejected:
    content = document.text if document.text is not None else (document.html or "")
    return reject(document.source, reason, detail, content)


def parse_document(document: InputDocument, config: CleanerConfig) -> ParsedPage:
    """Blocks of the document: the HTML parser's main content, or the paragraphs of flattened text."""
    if document.text is not None:
        shape = config.content_selection.block_shape
        return parse_text(document.text, shape, title=document.title, url=document.url)
    markup = document.markup
    page = parse_html("" if markup is None else markup, config.html, url=document.url)
    return page if document.title is None else replace(page, title=document.title)


def label_blocks(page: ParsedPage, document: InputDocument, config: CleanerConfig) -> tuple[LabelledBlock, ...]:
    """Labels of the page's blocks; text mode also locates the article among them by shape (an
    HTML page's blocks come from the main content the parser already selected)."""
    return classify_blocks(page.blocks, config, locate_article=document.text is not None)


def page_type_of(
    page: ParsedPage,
    labelled: tuple[LabelledBlock, ...],
    document: InputDocument,
    language: str | None,
    config: CleanerConfig,
) -> PageTypeDecision:
    """What kind of page the document is, from its markup (HTML), its URL and its kept text's shape
    (read in the body's language)."""
    settings = config.page_types
    signals = page_signals(page, labelled, document.url, language, settings, config.html.blocks.link_block_rule)
    return decide_page_type(signals, settings, html_mode=document.text is None)


def extract_body(document: InputDocument, config: CleanerConfig) -> str:
    """The body the pipeline writes for a document, without language id or corpus steps (benchmarks)."""
    page = parse_document(document, config)
    return body_text(body_paragraphs(label_blocks(page, document, config), config))


def over_budget(document: InputDocument, deadline: Deadline, stage: str) -> Rejected:
    return rejection(document, TIME_BUDGET_EXCEEDED, f"over the {deadline.budget_seconds} s budget after {stage}")


def clean_document(
    document: InputDocument, config: CleanerConfig, detector: LanguageDetector, deadline: Deadline | None = None
) -> Article | Rejected | Filtered:
    """The article of one document, or why not. The deadline (see guards.Deadline) is checked
    between stages; limits are checked before parsing. A page of a type the config does not keep
    is filtered (reason page_type); its type is read in the body's language."""
    content = document.text if document.text is not None else document.html
    if content is None or not content.strip():
        return rejection(document, EMPTY_INPUT, "the document has no text")
    violation = limit_violation(document, config.limits)
    if violation is not None:
        return rejection(document, *violation)
    page = parse_document(document, config)
    if time_is_up(deadline):
        return over_budget(document, deadline, "parsing")
    labelled = label_blocks(page, document, config)
    if time_is_up(deadline):
        return over_budget(document, deadline, "classifying")
    body = body_paragraphs(labelled, config)
    if not body:
        return rejection(document, NO_ARTICLE_TEXT, _no_article_text_detail(page, labelled))
    text = body_text(body)
    language = detector.detect(text)  # (code, probability)
    page_type = page_type_of(page, labelled, document, language[0], config)
    if not is_kept(page_type.type, config.page_types, html_mode=document.text is None):
        return Filtered(
            source=document.source,
            reason=UNWANTED_PAGE_TYPE,
            detail=page_type.detail(),
            url=page.url or document.url,
            input_length=len(content),
            page_type=page_type.type,
        )
    if time_is_up(deadline):
        return over_budget(document, deadline, "assembling the body")
    article = assemble_article(
        record_id=document.id or article_id(document.source, content),
        source=document.source,
        page=page,
        labelled=labelled,
        body=body,
        text=text,
        language=language,
        site=site_of(page.url or document.url, document.folder),
    )
    return replace(article, page_type=page_type.type, page_type_score=page_type.score)


def within_budget(
    document: InputDocument, config: CleanerConfig, watchdog: Watchdog, work: Callable[[], Result]
) -> Result | Rejected:
    """work() on the document, stopped by the watchdog and rejected time_budget_exceeded once the
    document's budget has passed, in whatever stage it is (see transforms/limits/watchdog.py for the margin)."""
    budget = config.limits.time_budget_seconds
    try:
        with watchdog.watching(budget):
            return work()
    except DocumentOverBudget:
        return rejection(document, TIME_BUDGET_EXCEEDED, f"stopped once over the {budget} s budget")


def clean_document_in_time(
    document: InputDocument, config: CleanerConfig, detector: LanguageDetector, watchdog: Watchdog
) -> Article | Rejected | Filtered:
    """clean_document under a hard time limit (see within_budget)."""
    deadline = Deadline.starting_now(config.limits.time_budget_seconds)
    return within_budget(document, config, watchdog, lambda: clean_document(document, config, detector, deadline))


def _no_article_text_detail(page: ParsedPage, labelled: tuple[LabelledBlock, ...]) -> str:
    """Why a document gave no article text: it held no text, or none of its blocks was article text."""
    blocks = len(labelled) + len(page.removals) or page.blocks_in
    if not blocks:
        return "no text was found in it"
    if blocks == 1:
        return "its one block of text is not article text (boilerplate, links, or too short)"
    return f"none of its {blocks} blocks of text is article text (boilerplate, links, or too short)"
