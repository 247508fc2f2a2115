"""Flattened text splits into paragraphs; the first one is the title unless a title is given."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.extract.text import _OTHER_WHITESPACE, collapse_whitespace, parse_text, split_paragraphs

SHAPE = load_config().content_selection.block_shape  # the default config's, as the pipeline reads text


def test_paragraphs_split_on_blank_lines_and_whitespace_collapses():
    text = "Headline\n\nFirst  paragraph\nwrapped by the scraper.\r\n \r\nSecond paragraph.\n\n\n"
    assert split_paragraphs(text) == ["Headline", "First paragraph wrapped by the scraper.", "Second paragraph."]


def test_text_without_blank_lines_splits_on_lines():
    assert split_paragraphs("Headline\nOne.\nTwo.") == ["Headline", "One.", "Two."]


def test_first_paragraph_is_the_title():
    page = parse_text("Headline\n\nBody one.\n\nBody two.", SHAPE)
    assert page.title == "Headline"
    assert [block.text for block in page.blocks] == ["Body one.", "Body two."]
    assert page.blocks_in == 3


def test_a_first_paragraph_longer_than_a_title_stays_in_the_body(config, detector):
    from article_cleaner.transforms.clean_document import clean_document
    from article_cleaner.transforms.records import Article, InputDocument

    shape = config.content_selection.block_shape
    sentence = "The council voted on Tuesday to extend the harbour wall by two hundred metres after the storms. "
    one_line = sentence * 8  # an article a scraper flattened into one line
    page = parse_text(one_line, shape)
    assert page.title is None and [block.text for block in page.blocks] == [one_line.strip()]
    assert parse_text("Harbour wall to be extended\n\n" + one_line, shape).title == "Harbour wall to be extended"
    # Written without spaces, words are counted by characters: a long paragraph of Chinese is no title.
    chinese = "市议会周二投票决定将港口防波堤延长两百米，此前冬季风暴三次淹没鱼市。" * 4
    assert parse_text(chinese, shape).title is None
    assert parse_text("港口防波堤将延长\n\n" + chinese, shape).title == "港口防波堤将延长"
    result = clean_document(InputDocument("one-line.txt", text=one_line), config, detector)
    assert isinstance(result, Article) and result.body == one_line.strip()


def test_given_title_is_dropped_from_the_body_when_the_scraper_kept_it():
    page = parse_text("Headline\n\nBody one.", SHAPE, title="Headline")
    assert [block.text for block in page.blocks] == ["Body one."]
    page = parse_text("Body one.\n\nBody two.", SHAPE, title="Headline")
    assert [block.text for block in page.blocks] == ["Body one.", "Body two."]


@given(st.text())
def test_any_text_parses_into_non_empty_collapsed_blocks(text):
    page = parse_text(text, SHAPE)
    for block in page.blocks:
        assert block.text and block.text == block.text.strip()
        assert "\n" not in block.text


def test_every_whitespace_character_but_the_space_is_unprintable():
    # collapse_whitespace's shortcut for printable paragraphs rests on this.
    characters = (chr(code) for code in range(sys.maxunicode + 1))
    assert [c for c in characters if c.isspace() and c != " " and c.isprintable()] == []


def test_the_page_check_knows_every_character_str_split_splits_on():
    # split_paragraphs' shortcut for a page of single-spaced paragraphs rests on this list.
    characters = (chr(code) for code in range(sys.maxunicode + 1))
    assert sorted(_OTHER_WHITESPACE) == [c for c in characters if c.isspace() and c not in " \n"]


@given(st.text(alphabet=st.sampled_from(list("ab \t\n\u00a0\u2003\u200b\x1c")) | st.characters()))
def test_collapsing_whitespace_equals_splitting_into_words_and_joining(chunk):
    assert collapse_whitespace(chunk) == " ".join(chunk.split())


@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\u00a0\u2003")) | st.characters()))
def test_paragraphs_are_the_blank_line_separated_chunks_with_whitespace_collapsed(text):
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n[ \t\r\f\v\u00a0]*\n", normalized)
    if len(chunks) == 1:
        chunks = normalized.split("\n")
    expected = [" ".join(chunk.split()) for chunk in chunks]
    assert split_paragraphs(text) == [paragraph for paragraph in expected if paragraph]


def test_a_repeated_paragraph_is_one_block_record():
    page = parse_text("Title\n\nMenu\n\nBody.\n\nMenu", SHAPE)
    assert page.blocks[0] is page.blocks[2]
