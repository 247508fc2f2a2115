"""Guards: nesting is estimated before parsing, decompression is capped, the deadline rejects."""

from __future__ import annotations

import gzip
import io
import time

import pytest

from transforms.cleaning import clean_document
from transforms.guards import (
    CappedStream,
    Deadline,
    LimitExceeded,
    decompressed_byte_cap,
    html_nesting_depth,
    json_nests_deeper_than,
    limit_violation,
)
from transforms.records import InputDocument
from transforms.rules import LimitsSettings

ARTICLE = (
    "Storm closes harbour\n\n"
    "A winter storm closed the harbour on Monday, stranding dozens of fishing boats and their crews.\n\n"
    "Port officials said the closure would last at least two days while crews cleared debris from the channel."
)


def test_nesting_depth_of_an_ordinary_page_counts_open_elements():
    page = "<html><body><div><article><section><p>One<p>Two<ul><li>a<li>b</ul></section></article></div></body></html>"
    assert html_nesting_depth(page, stop_above=100) == 4  # div, article, section, ul


def test_stray_end_tags_cannot_hide_depth():
    page = "<div></b></span>" * 50
    assert html_nesting_depth(page, stop_above=1000) == 50


def test_markup_inside_scripts_and_comments_is_not_counted():
    page = "<div><script>var s = '<div><div><div>';</script><!-- <div><div> --><style>p{}</style></div>"
    assert html_nesting_depth(page, stop_above=100) == 1


def test_raw_text_ends_only_at_its_own_end_tag_and_names_are_whole():
    assert html_nesting_depth("<div><script>x</scripts><div></script><div>", stop_above=10) == 2
    assert html_nesting_depth("<div><script-x><div></div></script-x></div>", stop_above=10) == 3


def test_nesting_depth_reads_bytes_and_any_letter_case():
    assert html_nesting_depth(b"<DIV><Section><SCRIPT><div></script><UL>", stop_above=10) == 3


def test_deep_nesting_scan_stops_once_over_the_limit_quickly():
    page = "<div>" * 100_000 + "x" + "</div>" * 100_000
    started = time.perf_counter()
    assert html_nesting_depth(page, stop_above=400) == 401
    assert time.perf_counter() - started < 0.5


def test_limit_violation_names_size_and_depth():
    limits = LimitsSettings(max_document_bytes=100, max_html_nesting_depth=10)
    assert limit_violation("x" * 101, None, limits) == ("too_large", "101 characters, over the 100-byte limit")
    assert limit_violation(None, "<b>" * 11, limits) == ("too_deeply_nested", "elements nest more than 10 deep")
    assert limit_violation("<b>" * 11, None, limits) is None  # plain text is not markup


def test_capped_stream_raises_past_its_cap():
    stream = CappedStream(gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(b"\0" * 10_000))), 4096, 60)
    assert len(stream.read(4096)) == 4096
    with pytest.raises(LimitExceeded) as error:
        stream.read(4096)
    assert (error.value.reason, error.value.detail) == (
        "decompression_bomb",
        "decompressed more than 4096 bytes from a 60-byte file",
    )


def test_decompression_cap_is_the_ratio_bounded_by_the_absolute_cap():
    limits = LimitsSettings(max_document_bytes=1000, max_decompressed_bytes=10**6, max_compression_ratio=100)
    assert decompressed_byte_cap(5, 1000, limits) == 1000  # never below one document
    assert decompressed_byte_cap(500, 1000, limits) == 50_000
    assert decompressed_byte_cap(10**5, 1000, limits) == 10**6
    assert decompressed_byte_cap(None, 1000, limits) == 10**6


def test_expired_deadline_rejects_the_document_with_the_stage(config, detector):
    expired = Deadline(budget_seconds=0.5, expires_at=time.monotonic() - 1)
    rejected = clean_document(InputDocument(source="s", text=ARTICLE), config, detector, expired)
    assert (rejected.reason, rejected.detail) == ("time_budget_exceeded", "over the 0.5 s budget after parsing")
    article = clean_document(InputDocument(source="s", text=ARTICLE), config, detector, Deadline.starting_now(60))
    assert article.title == "Storm closes harbour"


def test_deeply_nested_html_is_rejected_before_parsing(config, detector):
    document = InputDocument(source="deep.html", html="<html><body>" + "<div>" * 100_000 + "x")
    started = time.perf_counter()
    rejected = clean_document(document, config, detector)
    assert rejected.reason == "too_deeply_nested"
    assert time.perf_counter() - started < 1


def test_json_nesting_counts_arrays_and_objects_but_not_brackets_inside_strings():
    assert json_nests_deeper_than("[" * 65 + "]" * 65, 64)
    assert not json_nests_deeper_than("[" * 64 + "]" * 64, 64)
    assert json_nests_deeper_than('{"a": ' * 40 + "[" * 30, 64)  # unclosed counts as open
    assert not json_nests_deeper_than('["' + "[{" * 100 + '", "\\"' + '", "[[\\"[["]', 64)
    assert not json_nests_deeper_than('["unterminated ' + "[" * 100, 64)
    assert not json_nests_deeper_than("[]" * 1000, 1)
