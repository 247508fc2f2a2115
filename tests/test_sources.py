"""Readers turn files into documents, and every bad input into a reject (or a filtered record) with a reason."""

from __future__ import annotations

import bz2
import gzip
import io
import json
from dataclasses import replace

import pyarrow as pa
import pyarrow.parquet as parquet
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_cleaner.transforms.clean_document import parse_document
from article_cleaner.transforms.config.loading import DEFAULT_LIMITS, load_config
from article_cleaner.transforms.io.field_mapping import parse_field_map
from article_cleaner.transforms.io.sources import (
    DEFAULT_READ_SETTINGS,
    InputSlice,
    OverlongLine,
    ReadSettings,
    SkippedWarcRecord,
    bounded_lines,
    document_from_json_line,
    format_of,
    plan_slices,
    read_file,
    read_slice,
)
from article_cleaner.transforms.limits.guards import json_nests_deeper_than, nesting_depth
from article_cleaner.transforms.records import Filtered, InputDocument, Rejected

ARTICLE = (
    "Harbour reopens after storm\n\n"
    "The harbour reopened on Wednesday after a two-day closure, and the first fishing boats left at dawn."
)
PAGE = (
    "<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
    "<p>The harbour reopened on Wednesday after a two-day closure.</p></article></body></html>"
)


def read(name: str, data: bytes, settings: ReadSettings = DEFAULT_READ_SETTINGS):
    return list(read_file(name, io.BytesIO(data), settings, size=len(data)))


def outcomes(items):
    return [(item.source, getattr(item, "reason", type(item).__name__)) for item in items]


def test_format_by_extension_under_auto():
    assert format_of("a/page.txt", "auto") == "text"
    assert format_of("a/pages.jsonl.gz", "auto") == "jsonl"
    assert format_of("a/page.HTM.gz", "auto") == "html"
    assert format_of("crawl/CC-MAIN-0001.warc.gz", "auto") == "warc"
    assert format_of("a/part-0.parquet", "auto") == "parquet"
    assert format_of("a/page.pdf", "auto") is None
    assert format_of("a/page.pdf", "text") == "text"


# --- text and HTML files ---


def test_text_file_becomes_one_document_and_a_bom_is_dropped():
    assert read("story.txt", b"\xef\xbb\xbfHeadline\n\nBody.") == [
        InputDocument(source="story.txt", text="Headline\n\nBody.")
    ]


def test_latin1_text_file_is_detected_not_rejected():
    [document] = read(
        "latin1.txt", "Caf\u00e9 au lait\n\nLe caf\u00e9 est tr\u00e8s bon \u00e0 Paris.".encode("latin-1")
    )
    assert document.text == "Caf\u00e9 au lait\n\nLe caf\u00e9 est tr\u00e8s bon \u00e0 Paris."


def test_binary_file_is_rejected_as_undecodable_with_the_original_prefix():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    [rejected] = read("image.txt", data)
    assert rejected.reason == "undecodable" and rejected.input_length == len(data)
    assert rejected.input_prefix.startswith("\ufffdPNG")


def test_gzipped_html_file_with_a_meta_charset_becomes_an_html_document():
    page = PAGE.replace("<head>", '<head><meta charset="windows-1251">').replace("Harbour reopens</h1>", "Порт</h1>")
    [document] = read("page.html.gz", gzip.compress(page.encode("cp1251")))
    assert document == InputDocument(source="page.html.gz", html=page)


def test_a_utf8_html_file_reaches_the_parser_as_the_bytes_read_and_parses_as_its_text_does():
    page = PAGE.replace("Harbour reopens</h1>", "Hafen öffnet wieder – «Portão»</h1>")
    [document] = read("page.html", page.encode())
    assert document.html == page and document.markup == page.encode()
    config = load_config()
    as_text = InputDocument(source=document.source, html=page)
    assert as_text.markup == page
    assert parse_document(document, config) == parse_document(as_text, config)
    [declared] = read("page.html", page.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252"))
    assert declared.markup == declared.html  # decoded from cp1252: the parser encodes its text


def test_a_read_document_replaced_with_new_html_is_parsed_from_its_new_html():
    page = PAGE.replace("Harbour reopens</h1>", "Hafen öffnet wieder</h1>")
    [document] = read("page.html", page.encode())
    other = page.replace("Hafen öffnet wieder", "Fähre fällt aus").replace("reopened on", "closed again on")
    config = load_config()
    replaced = parse_document(replace(document, html=other), config)
    assert replaced == parse_document(InputDocument(source="page.html", html=other), config)
    assert replaced != parse_document(document, config)


def test_file_over_the_size_limit_is_rejected_from_its_size_without_being_read():
    limits = replace(DEFAULT_LIMITS, max_document_bytes=1000)
    stream = io.BytesIO(b"<p>" + b"x" * 50_000)
    [rejected] = read_file("big.html", stream, ReadSettings(limits=limits), size=50_003)
    assert (rejected.reason, rejected.detail, rejected.input_length) == (
        "too_large",
        "50003 bytes, over the 1000-byte limit",
        50_003,
    )
    assert stream.tell() == 8000  # only the bounded prefix kept for the reject was read


def test_compressed_file_over_the_size_limit_stops_reading_at_the_limit():
    limits = replace(DEFAULT_LIMITS, max_document_bytes=1000, max_compression_ratio=1000)
    [rejected] = read("big.txt.gz", gzip.compress(b"word " * 10_000), ReadSettings(limits=limits))
    assert (rejected.reason, rejected.input_length) == ("too_large", 1001)


def test_unknown_extension_is_rejected_not_guessed():
    [rejected] = read("scan.pdf", b"%PDF-1.7")
    assert (rejected.reason, rejected.detail) == (
        "unknown_format",
        "cannot tell the format of 'scan.pdf'; pass --format",
    )


# --- JSON lines ---


def test_jsonl_round_trip_keeps_every_field_and_numeric_ids_become_strings():
    records = [
        {"id": 7, "url": "https://example.org/a", "title": "Harbour reopens", "text": ARTICLE},
        {"id": "b", "html": PAGE},
    ]
    data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()
    first, second = read("batch.jsonl.gz", gzip.compress(data))
    assert first == InputDocument(
        source="batch.jsonl.gz:1", text=ARTICLE, id="7", url="https://example.org/a", title="Harbour reopens"
    )
    assert second == InputDocument(source="batch.jsonl.gz:2", html=PAGE, id="b")


def test_field_map_reads_other_field_names_and_nested_fields():
    line = json.dumps({"content": ARTICLE, "meta": {"link": "https://example.org/a"}, "doc_id": "x1"})
    settings = ReadSettings(fields=parse_field_map("text=content,url=meta.link,id=doc_id"))
    [document] = read("c4.jsonl", line.encode(), settings)
    assert (document.text, document.url, document.id) == (ARTICLE, "https://example.org/a", "x1")


def test_each_bad_jsonl_line_is_rejected_with_its_reason_and_the_rest_is_read():
    data = b'{"text": "ok"}\n{not json\n[1, 2]\n{"text": 5}\n{"url": "u"}\n{"text": "caf\xe9"}\n\n{"text": "last"}'
    results = read("mixed.jsonl", data)
    assert outcomes(results) == [
        ("mixed.jsonl:1", "InputDocument"),
        ("mixed.jsonl:2", "malformed_json"),
        ("mixed.jsonl:3", "malformed_json"),
        ("mixed.jsonl:4", "invalid_field"),
        ("mixed.jsonl:5", "missing_field"),
        ("mixed.jsonl:6", "undecodable"),
        ("mixed.jsonl:8", "InputDocument"),
    ]
    assert results[3].input_prefix == '{"text": 5}\n' and results[3].input_length == 12


def nested_json_line(depth: int) -> str:
    """A JSON-lines record whose arrays and objects nest depth deep (the record itself is one)."""
    return '{"text": "The harbour reopened.", "extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}\n"


def test_a_json_line_nested_past_the_depth_limit_is_rejected_wherever_it_is_read():
    results = read("deep.jsonl", (nested_json_line(502) + nested_json_line(401)).encode())
    assert outcomes(results) == [("deep.jsonl:1", "malformed_json"), ("deep.jsonl:2", "InputDocument")]
    assert results[0].detail == "arrays and objects nest more than 500 deep"


@pytest.mark.parametrize(("depth", "outcome"), [(500, "InputDocument"), (501, "malformed_json")])
def test_a_json_line_exactly_at_the_depth_limit_is_read_and_one_level_more_is_rejected(depth, outcome):
    assert outcomes(read("edge.jsonl", nested_json_line(depth).encode())) == [("edge.jsonl:1", outcome)]


def test_a_malformed_json_line_nested_past_the_depth_limit_is_rejected_for_its_depth():
    unclosed = '{"text": "The harbour reopened.", "extra": ' + "[" * 600 + "\n"
    far_too_deep = '{"extra": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    broken = '{"text": "The harbour reopened.", "extra": [[1]\n'
    results = read("bad.jsonl", (unclosed + far_too_deep + broken).encode())
    assert [result.detail for result in results[:2]] == ["arrays and objects nest more than 500 deep"] * 2
    assert results[2].reason == "malformed_json" and results[2].detail.startswith("not a JSON value")


def test_brackets_inside_a_pages_strings_do_not_count_as_nesting():
    html = "<script>var rows = " + "[" * 2000 + "];</script><p>{{ The harbour reopened. }}</p>"
    (document,) = read("page.jsonl", (json.dumps({"html": html}) + "\n").encode())
    assert isinstance(document, InputDocument) and document.html == html


_JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=30,
)


@given(_JSON_VALUES, st.integers(min_value=0, max_value=6))
def test_the_depth_of_a_parsed_value_is_the_bracket_depth_of_its_text(value, max_depth):
    text = json.dumps(value)
    assert (nesting_depth(json.loads(text)) > max_depth) == json_nests_deeper_than(text, max_depth)


def test_empty_jsonl_file_is_one_empty_input():
    assert outcomes(read("none.jsonl", b"\n \n")) == [("none.jsonl", "empty_input")]


def test_overlong_line_is_streamed_past_and_the_next_line_is_read():
    data = b'{"text": "' + b"a" * 5000 + b'"}\n{"text": "after"}\n'
    limits = replace(DEFAULT_LIMITS, max_document_bytes=1000)
    results = read("long.jsonl", data, ReadSettings(limits=limits))
    assert outcomes(results) == [("long.jsonl:1", "too_large"), ("long.jsonl:2", "InputDocument")]
    assert (results[0].input_length, results[0].detail) == (5013, "a 5013-byte line, over the 1000-byte limit")


def test_bounded_lines_reports_an_overlong_line_by_its_prefix_and_length():
    lines = list(bounded_lines(io.BytesIO(b"short\n" + b"x" * 50 + b"\nlast"), max_bytes=10))
    assert lines == [(1, b"short\n"), (2, OverlongLine(b"x" * 50 + b"\n", 51)), (3, b"last")]


def test_truncated_gzip_yields_what_was_read_then_rejects_the_rest():
    whole = gzip.compress(b"".join(json.dumps({"text": f"article {n}"}).encode() + b"\n" for n in range(3000)))
    results = read("cut.jsonl.gz", whole[: len(whole) // 2])
    assert results[-1].reason == "corrupt_compression" and results[-1].source == "cut.jsonl.gz"
    assert results[-1].detail.startswith("EOFError: Compressed file ended before the end-of-stream marker")
    assert len(results) > 100 and all(isinstance(item, InputDocument) for item in results[:-1])


def test_truncated_bzip2_and_a_file_that_is_not_gzip_are_corrupt_compression():
    assert outcomes(read("cut.txt.bz2", bz2.compress(ARTICLE.encode())[:-5])) == [
        ("cut.txt.bz2", "corrupt_compression")
    ]
    assert outcomes(read("plain.txt.gz", ARTICLE.encode())) == [("plain.txt.gz", "corrupt_compression")]


def test_decompression_bomb_is_stopped_at_the_ratio_cap():
    bomb = gzip.compress(b"\0" * 2_000_000)
    limits = replace(DEFAULT_LIMITS, max_document_bytes=10_000, max_compression_ratio=50)
    [rejected] = read("bomb.jsonl.gz", bomb, ReadSettings(limits=limits))
    assert rejected.reason == "decompression_bomb"
    assert rejected.detail.startswith(f"decompressed more than {50 * len(bomb)} bytes from a {len(bomb)}-byte file")


# --- WARC ---


def warc(records, compress=True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    for uri, status, content_type, payload in records:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http))
    return buffer.getvalue()


def test_warc_round_trip_html_responses_become_documents_and_other_responses_are_filtered():
    cyrillic = PAGE.replace("Harbour reopens</h1>", "Порт открыт</h1>")
    data = warc(
        [
            ("https://example.org/a", "200 OK", "text/html; charset=utf-8", PAGE.encode()),
            ("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://example.org/gone", "404 Not Found", "text/html", b"<html>gone</html>"),
            ("https://example.org/ru", "200 OK", "text/html; charset=windows-1251", cyrillic.encode("cp1251")),
        ]
    )
    results = read("crawl.warc.gz", data)
    assert outcomes(results) == [
        ("crawl.warc.gz:1", "SkippedWarcRecord"),
        ("crawl.warc.gz:2", "InputDocument"),
        ("crawl.warc.gz:3", "not_html"),
        ("crawl.warc.gz:4", "http_status"),
        ("crawl.warc.gz:5", "InputDocument"),
    ]
    assert results[0] == SkippedWarcRecord("crawl.warc.gz:1", "warcinfo")
    page = results[1]
    assert (page.html, page.url, page.text) == (PAGE, "https://example.org/a", None)
    assert page.id.startswith("urn:uuid:")
    # input_length is the record's length: HTTP headers and payload.
    assert results[2] == Filtered(
        "crawl.warc.gz:3", "not_html", "content type 'image/png'", "https://example.org/logo.png", 52
    )
    assert results[3].detail == "HTTP status 404"
    assert results[4].html == cyrillic


def test_truncated_uncompressed_warc_rejects_the_cut_record():
    data = warc([("https://example.org/a", "200 OK", "text/html", PAGE.encode() * 5)], compress=False)
    results = read("cut.warc", data[:-200])
    assert outcomes(results) == [("cut.warc:1", "SkippedWarcRecord"), ("cut.warc:2", "truncated_record")]
    assert results[1].detail.endswith("but the file ends 196 bytes short")


def test_truncated_gzipped_warc_keeps_the_records_before_the_cut():
    data = warc([(f"https://example.org/{n}", "200 OK", "text/html", PAGE.encode()) for n in range(5)])
    results = read("cut.warc.gz", data[:-300])
    assert outcomes(results)[-1] == ("cut.warc.gz", "corrupt_compression")
    assert [item.source for item in results if isinstance(item, InputDocument)][:3] == [
        "cut.warc.gz:2",
        "cut.warc.gz:3",
        "cut.warc.gz:4",
    ]


def test_file_that_is_not_a_warc_is_unreadable():
    [rejected] = read("notes.warc", b"these are my notes\n\nnot an archive\n")
    assert rejected.reason == "unreadable" and rejected.detail.startswith("ArchiveLoadFailed: Unknown archive format")


# --- Parquet ---


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    parquet.write_table(table, buffer)
    return buffer.getvalue()


def test_parquet_round_trip_rows_become_documents_through_the_field_mapping():
    table = pa.table(
        {
            "content": [ARTICLE, None, "Short"],
            "raw_html": [None, PAGE.encode("cp1251"), None],
            "link": ["https://example.org/a", "https://example.org/b", None],
            "extra": [1, 2, 3],
        }
    )
    settings = ReadSettings(fields=parse_field_map("text=content,html=raw_html,url=link"))
    results = read("part-0.parquet", parquet_bytes(table), settings)
    assert results == [
        InputDocument(source="part-0.parquet:1", text=ARTICLE, url="https://example.org/a"),
        InputDocument(source="part-0.parquet:2", html=PAGE, url="https://example.org/b"),
        InputDocument(source="part-0.parquet:3", text="Short"),
    ]


def test_parquet_wrong_typed_column_rejects_each_row_and_missing_columns_reject_the_file():
    results = read("typed.parquet", parquet_bytes(pa.table({"text": [1, 2]})))
    assert outcomes(results) == [("typed.parquet:1", "invalid_field"), ("typed.parquet:2", "invalid_field")]
    assert results[0].input_prefix == '{"text": 1}'
    [rejected] = read("other.parquet", parquet_bytes(pa.table({"body": ["x"]})))
    assert (rejected.reason, rejected.detail) == ("missing_field", "no column 'text' or 'html' (has: ['body'])")


def test_corrupt_parquet_is_unreadable():
    data = parquet_bytes(pa.table({"text": [ARTICLE]}))
    [rejected] = read("cut.parquet", data[:-20])
    assert rejected.reason == "unreadable" and "ArrowInvalid" in rejected.detail


# --- properties ---


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_a_json_line_of_arbitrary_bytes_is_a_document_or_a_reject(line):
    assert isinstance(document_from_json_line("s:1", line), InputDocument | Rejected)


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=3000),
    st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.warc", "a.txt.gz", "a.warc.gz", "a.parquet"]),
)
def test_any_file_of_arbitrary_bytes_reads_without_raising(data, name):
    for item in read(name, data):
        assert isinstance(item, InputDocument | Rejected | Filtered | SkippedWarcRecord)


# --- slices of a big JSON-lines file ---


def read_sliced(name: str, data: bytes, slice_bytes: int, settings: ReadSettings = DEFAULT_READ_SETTINGS):
    parts = plan_slices(name, io.BytesIO(data), len(data), slice_bytes)
    return parts, [item for part in parts for item in read_slice(part, io.BytesIO(data), settings)]


def test_slices_cut_after_whole_lines_and_name_each_line_by_its_number_in_the_file():
    data = b'{"text": "one"}\n\n{not json\n{"text": "four"}\n{"text": "five"}'
    parts, items = read_sliced("big.jsonl", data, slice_bytes=10)
    assert [(part.start, part.first_line) for part in parts] == [(0, 1), (16, 2), (27, 4), (44, 5)]
    assert outcomes(items) == outcomes(read("big.jsonl", data))
    assert items == read("big.jsonl", data)


def test_a_file_without_text_stays_whole_so_it_is_still_one_empty_input():
    parts, items = read_sliced("blank.jsonl", b"\n" * 100, slice_bytes=10)
    assert parts == [InputSlice("blank.jsonl", 100)]
    assert outcomes(items) == [("blank.jsonl", "empty_input")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(lambda text: json.dumps({"text": text}).encode(), st.text(max_size=60)),
            st.binary(max_size=80).map(lambda line: line.replace(b"\n", b"")),
            st.just(b""),
        ),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=200),
    st.booleans(),
)
def test_reading_a_file_slice_by_slice_gives_exactly_what_reading_it_whole_gives(lines, slice_bytes, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    limits = ReadSettings(limits=replace(DEFAULT_LIMITS, max_document_bytes=70))  # some lines are too long
    _, items = read_sliced("any.jsonl", data, slice_bytes, limits)
    assert items == read("any.jsonl", data, limits)
