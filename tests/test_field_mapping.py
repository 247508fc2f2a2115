"""--field_map: which record field fills which document field; bad specs are refused with the reason."""

from __future__ import annotations

import pytest

from article_cleaner.transforms.io.field_mapping import (
    DEFAULT_FIELD_MAPPING,
    FieldMapError,
    FieldProblem,
    document_fields,
    parse_field_map,
)


def test_mapped_fields_and_dotted_paths_fill_the_document():
    mapping = parse_field_map("text=content, url=meta.link")
    record = {"content": "Body.", "meta": {"link": "https://example.org/a"}, "title": "T", "text": "ignored"}
    assert document_fields(record, mapping) == {
        "text": "Body.",
        "html": None,
        "id": None,
        "url": "https://example.org/a",
        "title": "T",
    }


def test_no_spec_is_the_identity_mapping():
    assert parse_field_map(None) == parse_field_map("") == DEFAULT_FIELD_MAPPING


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("body=content", "'body': unknown field (allowed: text, html, id, url, title)"),
        ("text=a,text=b", "'text': mapped twice"),
        ("text", "'text': expected FIELD=SOURCE"),
        ("text=meta..x", "'text=meta..x': expected FIELD=SOURCE"),
    ],
)
def test_bad_field_map_is_refused_naming_the_entry(spec, message):
    with pytest.raises(FieldMapError) as error:
        parse_field_map(spec)
    assert message in str(error.value)


def test_wrong_types_and_missing_text_are_problems_naming_the_source_field():
    mapping = parse_field_map("text=content")
    assert document_fields({"content": 5}, mapping) == FieldProblem(
        "invalid_field", "field 'content' (mapped to text) must be a string, got int"
    )
    assert document_fields({"text": "x"}, mapping) == FieldProblem(
        "missing_field", "the record has neither a 'content' nor 'html' field"
    )
    assert document_fields({"text": "x", "id": 12}, DEFAULT_FIELD_MAPPING)["id"] == "12"
    assert document_fields({"text": "x", "id": True}, DEFAULT_FIELD_MAPPING).reason == "invalid_field"
