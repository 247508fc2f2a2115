"""One input document -> a clean article, or a rejection with its reason. Pure: no Beam here."""

from __future__ import annotations

from transforms.assemble import article_id, assemble_article, body_paragraphs
from transforms.classify import classify_blocks
from transforms.language import LanguageDetector
from transforms.records import Article, InputDocument, ParsedPage, Rejected
from transforms.rules import CleanerConfig
from transforms.text import parse_text

REJECT_PREFIX_CHARS = 2000

# Reasons a document is rejected here; readers add their own (see sources.py).
EMPTY_INPUT = "empty_input"
NO_ARTICLE_TEXT = "no_article_text"


def rejection(document: InputDocument, reason: str, detail: str) -> Rejected:
    content = document.text if document.text is not None else (document.html or "")
    return Rejected(
        source=document.source,
        reason=reason,
        detail=detail,
        input_prefix=content[:REJECT_PREFIX_CHARS],
        input_length=len(content),
    )


def parse_document(document: InputDocument, config: CleanerConfig) -> ParsedPage:
    return parse_text(document.text or "", title=document.title, url=document.url)


def clean_document(document: InputDocument, config: CleanerConfig, detector: LanguageDetector) -> Article | Rejected:
    content = document.text if document.text is not None else document.html
    if content is None or not content.strip():
        return rejection(document, EMPTY_INPUT, "the document has no text")
    page = parse_document(document, config)
    labelled = classify_blocks(page.blocks, config)
    body = body_paragraphs(labelled, config)
    if not body:
        return rejection(document, NO_ARTICLE_TEXT, f"all {len(labelled)} blocks were removed as boilerplate")
    text = "\n\n".join(body)
    return assemble_article(
        record_id=document.id or article_id(document.source, content),
        source=document.source,
        page=page,
        labelled=labelled,
        body=body,
        language=detector.detect(text),
    )
