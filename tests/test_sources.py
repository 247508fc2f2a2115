"""Readers turn files into documents, and every bad input into a reject with a reason."""

from __future__ import annotations

import gzip
import io

from transforms.records import InputDocument, Rejected
from transforms.sources import decode_bytes, format_of, read_file_documents


def read(name: str, data: bytes, input_format: str = "auto"):
    return list(read_file_documents(name, io.BytesIO(data), input_format))


def test_format_by_extension_under_auto():
    assert format_of("a/page.txt", "auto") == "text"
    assert format_of("a/pages.jsonl.gz", "auto") == "jsonl"
    assert format_of("a/page.pdf", "auto") is None
    assert format_of("a/page.pdf", "text") == "text"


def test_text_file_with_utf8_bom_decodes_without_the_mark():
    assert decode_bytes("\ufeffHeadline".encode("utf-8")) == "Headline"
    assert decode_bytes("Headline".encode("utf-16")) == "Headline"


def test_text_file_becomes_one_document():
    [document] = read("story.txt", b"Headline\n\nBody.")
    assert document == InputDocument(source="story.txt", text="Headline\n\nBody.")


def test_jsonl_fields_map_to_the_document_and_numeric_ids_become_strings():
    data = (
        b'{"id": 7, "url": "https://example.org/a", "title": "T", "text": "Body."}\n{"id": "b", "html": "<p>x</p>"}\n'
    )
    first, second = read("batch.jsonl", data)
    assert first == InputDocument(source="batch.jsonl:1", text="Body.", id="7", url="https://example.org/a", title="T")
    assert second.html == "<p>x</p>" and second.text is None


def test_each_bad_jsonl_line_is_rejected_with_its_reason_and_the_rest_is_read():
    data = b'{"text": "ok"}\n{not json\n[1, 2]\n{"text": 5}\n{"url": "u"}\n{"text": "caf\xe9"}\n'
    results = read("mixed.jsonl", data)
    assert isinstance(results[0], InputDocument)
    assert [(r.source, r.reason) for r in results[1:]] == [
        ("mixed.jsonl:2", "malformed_json"),
        ("mixed.jsonl:3", "malformed_json"),
        ("mixed.jsonl:4", "invalid_field"),
        ("mixed.jsonl:5", "missing_field"),
        ("mixed.jsonl:6", "undecodable"),
    ]
    assert results[3].input_prefix == '{"text": 5}\n' and results[3].input_length == 12


def test_invalid_utf8_text_file_is_rejected_with_the_byte_offset():
    [rejected] = read("latin1.txt", "Caf\u00e9 au lait".encode("latin-1"))
    assert isinstance(rejected, Rejected) and rejected.reason == "undecodable"
    assert "byte 3" in rejected.detail and rejected.input_length == 12


def test_unknown_extension_is_rejected_not_guessed():
    [rejected] = read("scan.pdf", b"%PDF-1.7")
    assert rejected.reason == "unknown_format"


def test_truncated_gzip_rejects_the_rest_of_the_file():
    whole = gzip.compress(b'{"text": "a"}\n' * 1000)
    stream = gzip.GzipFile(fileobj=io.BytesIO(whole[: len(whole) // 2]))
    results = list(read_file_documents("cut.jsonl.gz", stream, "auto"))
    assert isinstance(results[-1], Rejected) and results[-1].reason == "corrupt_compression"
    assert all(isinstance(item, InputDocument) for item in results[:-1])
