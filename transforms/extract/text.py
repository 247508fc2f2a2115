"""Plain text (a naive scraper's flattened page) -> ordered blocks, one per paragraph."""

from __future__ import annotations

import re

from article_cleaner.transforms.config.content_selection import BlockShapeSettings
from article_cleaner.transforms.extract.content_region import words_in
from article_cleaner.transforms.records import ParsedPage, paragraph_blocks

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_WHITESPACE = re.compile(r"\s+")
# Every character str.split() splits on but the space and the newline (tests/test_text.py checks the list).
_OTHER_WHITESPACE = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; a text without blank lines is split on its lines.

    Whitespace inside a paragraph collapses to one space: scrapers wrap lines arbitrarily.
    """
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _BLANK_LINE.split(normalized) if _BLANK_LINE.search(normalized) else normalized.split("\n")
    page = "\n".join(chunks)
    # The common case, checked for the whole page at C speed: a newline only between chunks, no other
    # whitespace but single spaces (a search for each character costs less than str.isprintable()).
    if (
        page.count("\n") == len(chunks) - 1
        and _single_spaced(page)
        and not any(map(page.__contains__, _OTHER_WHITESPACE))
    ):
        return list(filter(None, chunks))
    paragraphs = (collapse_whitespace(chunk) for chunk in chunks)
    return [paragraph for paragraph in paragraphs if paragraph]


def collapse_whitespace(chunk: str) -> str:
    """Runs of whitespace as one space, none at the ends (str.split() splits on exactly what \\s matches)."""
    # Most paragraphs come collapsed already, and splitting them into words costs more than the
    # rest of parsing. Every whitespace character but the space is unprintable, so one C-speed
    # scan tells whether the chunk can hold any other (tests/test_text.py checks that claim).
    if chunk.isprintable() and _single_spaced(chunk):
        return chunk
    return " ".join(chunk.split())


def _single_spaced(text: str) -> bool:
    """No run of two spaces and no space at an end of the text or of one of its lines."""
    return "  " not in text and " \n" not in text and "\n " not in text and text[:1] != " " and text[-1:] != " "


def parse_text(text: str, shape: BlockShapeSettings, title: str | None = None, url: str | None = None) -> ParsedPage:
    """Blocks of a flattened page. Without a given title, the first paragraph is the title when it is
    no longer than a title (shape.title_max_words): a text of one long paragraph, an article
    flattened into one line, is its body, not a title."""
    paragraphs = split_paragraphs(text)
    blocks_in = len(paragraphs)
    if title is None and paragraphs and words_in(paragraphs[0], shape) <= shape.title_max_words:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    elif title is not None:
        title = _WHITESPACE.sub(" ", title).strip() or None
        if paragraphs and title is not None and paragraphs[0] == title:
            paragraphs = paragraphs[1:]  # the scraper kept the headline as the first line
    # A page repeats a fifth of its paragraphs (menus in the header and footer): one record each.
    distinct = dict.fromkeys(paragraphs)
    block_of = dict(zip(distinct, paragraph_blocks(distinct), strict=True))
    return ParsedPage(
        blocks=tuple(map(block_of.__getitem__, paragraphs)),
        title=title,
        url=url,
        chars_in=len(text),
        blocks_in=blocks_in,
    )
