"""The record builders of the hot paths give the same frozen records as the constructors."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from article_cleaner.transforms.records import (
    Block,
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
