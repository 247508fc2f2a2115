"""Labelled blocks -> the article record: body, captions, references and the removal log."""

from __future__ import annotations

import hashlib
import unicodedata

from article_cleaner.transforms.config.loading import CleanerConfig
from article_cleaner.transforms.label.citations import strip_inline_markers_of_each
from article_cleaner.transforms.records import (
    BODY,
    CAPTION,
    PARAGRAPH_SEPARATOR,
    REFERENCE,
    Article,
    Caption,
    LabelledBlock,
    ParsedPage,
    Reference,
    Removal,
    removals,
)

_KEPT_LABELS = frozenset({BODY, CAPTION, REFERENCE})


def article_id(source: str, content: str) -> str:
    """A stable id for inputs that carry none: the same source and content give the same id."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(content.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def nfc(text: str) -> str:
    """Text in Unicode's composed form (NFC): "é" is one code point however the page wrote it, so
    equal words compare, hash and count equal downstream."""
    return unicodedata.normalize("NFC", text)


def body_paragraphs(labelled: tuple[LabelledBlock, ...], config: CleanerConfig) -> list[str]:
    texts = strip_inline_markers_of_each([item.block.text for item in labelled if item.label == BODY], config.citations)
    return [nfc(paragraph) for paragraph in map(str.strip, texts) if paragraph]


def body_text(paragraphs: list[str]) -> str:
    """The article's body as its record holds it: the paragraphs, a blank line between them."""
    return PARAGRAPH_SEPARATOR.join(paragraphs)


def collect_captions(page: ParsedPage, labelled: tuple[LabelledBlock, ...]) -> tuple[Caption, ...]:
    """Captions the parser found and caption blocks, in order, each text once (each credit once, of
    the captions that are only a credit)."""
    captions: list[Caption] = []
    seen: set[tuple[str, str | None]] = set()
    candidates = list(page.captions) + [
        Caption(text=item.block.text, credit=item.block.credit) for item in labelled if item.label == CAPTION
    ]
    for caption in candidates:
        key = (caption.text, None if caption.text else caption.credit)
        if key not in seen:
            seen.add(key)
            captions.append(Caption(nfc(caption.text), nfc(caption.credit) if caption.credit else caption.credit))
    return tuple(captions)


def collect_removals(page: ParsedPage, labelled: tuple[LabelledBlock, ...]) -> tuple[Removal, ...]:
    # One record per removed block: built through the slots, a record costs less than finding an equal one.
    removed = [(item.label, item.rule, item.block.text) for item in labelled if item.label not in _KEPT_LABELS]
    return page.removals + tuple(removals(removed))  # (kind, rule, text)


def assemble_article(
    *,
    record_id: str,
    source: str,
    page: ParsedPage,
    labelled: tuple[LabelledBlock, ...],
    body: list[str],
    text: str,
    language: tuple[str | None, float | None],
    site: str,
) -> Article:
    """body: the body's paragraphs; text: body_text(body), which the caller has already built to
    identify its language."""
    return Article(
        id=record_id,
        source=source,
        url=page.url,
        title=nfc(page.title) if page.title else page.title,
        body=text,
        captions=collect_captions(page, labelled),
        references=tuple(
            Reference(id=item.reference_id or "", text=nfc(item.block.text))
            for item in labelled
            if item.label == REFERENCE
        ),
        language=language[0],
        language_score=language[1],
        removed=collect_removals(page, labelled),
        chars_in=page.chars_in,
        chars_out=len(text),
        blocks_in=page.blocks_in,
        blocks_kept=len(body),
        published=page.published,
        author=page.author,
        site_name=page.site_name,
        site=site,
    )
