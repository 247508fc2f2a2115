"""The record builders of the hot paths give the same frozen records as the constructors; an input
document's markup is the bytes read only while it is the document they were read for."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from article_cleaner.transforms.records import (
    Block,
    InputDocument,
    LabelledBlock,
    Removal,
    labelled_blocks,
    paragraph_blocks,
    removals,
)


def test_paragraph_blocks_equal_blocks_built_from_their_text():
    texts = ["Storm closes the harbour", "Photo: Jane Doe / Reuters", ""]
    assert paragraph_blocks(texts) == [Block(text) for text in texts]


def test_labelled_blocks_equal_the_constructed_records():
    block = Block("1. Harbour authority report, 2024.")
    decisions = [(block, "reference", "citations.reference_item", "1"), (block, "body", "body", None)]
    assert labelled_blocks(decisions) == [LabelledBlock(*decision) for decision in decisions]


def test_removals_equal_the_constructed_records():
    entries = [
        ("navigation", "structure.short_line_run", "Home"),
        ("cookie_notice", "cookies.accept", "We use cookies"),
    ]
    assert removals(entries) == [Removal(*entry) for entry in entries]


def test_built_records_stay_frozen_hashable_and_picklable():
    block = paragraph_blocks(["Ferry services resume on Monday."])[0]
    item = labelled_blocks([(block, "body", "body", None)])[0]
    removal = removals([("navigation", "structure.short_line_run", "Home")])[0]
    for record in (block, item, removal):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, dataclasses.fields(record)[0].name, "changed")
        assert pickle.loads(pickle.dumps(record)) == record
        assert hash(record) == hash(dataclasses.replace(record))


PAGE = "<html><body><article><h1>Hafen öffnet wieder</h1><p>Der Hafen ist wieder offen.</p></article></body></html>"


def test_markup_is_the_utf8_read_when_held_else_the_html():
    read = InputDocument.from_decoded_html("page.html", PAGE, PAGE.encode(), url="https://example.org/hafen")
    assert read.markup == PAGE.encode() and read.html == PAGE
    assert InputDocument.from_decoded_html("page.html", PAGE, None).markup == PAGE  # decoded from another charset
    assert InputDocument(source="page.html", html=PAGE).markup == PAGE
    assert InputDocument(source="page.txt", text="Der Hafen ist wieder offen.").markup is None


def test_the_utf8_read_is_no_part_of_a_documents_identity_and_survives_pickling():
    read = InputDocument.from_decoded_html("page.html", PAGE, PAGE.encode())
    built = InputDocument(source="page.html", html=PAGE)
    assert read == built and hash(read) == hash(built) and repr(read) == repr(built)
    assert pickle.loads(pickle.dumps(read)).markup == PAGE.encode()


def test_a_replaced_document_never_carries_the_utf8_read():
    read = InputDocument.from_decoded_html("page.html", PAGE, PAGE.encode())
    other = PAGE.replace("wieder offen", "geschlossen")
    assert dataclasses.replace(read, html=other).markup == other
    assert dataclasses.replace(read, title="Hafen").markup == PAGE  # the text again, never stale bytes
    with pytest.raises(ValueError):
        dataclasses.replace(read, _html_utf8=other.encode())


@pytest.mark.parametrize(
    ("html", "utf8"),
    [
        ("<p>Harbour</p>", b"<p>Harbor</p>"),  # ASCII: one byte a character
        ("<p>Hafen öffnet</p>", b"<p>Hafen offnet</p>"),  # not ASCII: more bytes than characters
        ("ö", "ö".encode() * 3),  # more than four bytes a character
    ],
    ids=["ascii", "non_ascii", "too_long"],
)
def test_bytes_that_cannot_be_the_utf8_of_the_html_are_refused(html, utf8):
    with pytest.raises(ValueError, match="cannot be the UTF-8"):
        InputDocument.from_decoded_html("page.html", html, utf8)
