"""Guards: nesting is estimated before parsing, decompression is capped, the deadline rejects."""

from __future__ import annotations

import gzip
import io
import time
from dataclasses import replace

import pytest
from selectolax.lexbor import LexborHTMLParser

from article_cleaner.transforms.clean_document import clean_document
from article_cleaner.transforms.config.loading import DEFAULT_LIMITS
from article_cleaner.transforms.io.sources import document_from_bytes
from article_cleaner.transforms.limits.guards import (
    CappedStream,
    Deadline,
    LimitExceeded,
    decompressed_byte_cap,
    json_nests_deeper_than,
    limit_violation,
)
from article_cleaner.transforms.limits.markup_scan import markup_breach
from article_cleaner.transforms.records import InputDocument


def html_nesting_depth(page: str | bytes) -> int:
    """The depth the markup scan estimates: the least limit it does not reject the page at."""
    return next(depth for depth in range(10_000) if not nests_deeper_than(page, depth))


def nests_deeper_than(page: str | bytes, depth: int) -> bool:
    return markup_breach(page, max_depth=depth, max_attributes=10_000, max_tag_bytes=1 << 30) is not None


ARTICLE = (
    "Storm closes harbour\n\n"
    "A winter storm closed the harbour on Monday, stranding dozens of fishing boats and their crews.\n\n"
    "Port officials said the closure would last at least two days while crews cleared debris from the channel."
)


def test_nesting_depth_of_an_ordinary_page_counts_open_elements():
    page = "<html><body><div><article><section><p>One<p>Two<ul><li>a<li>b</ul></section></article></div></body></html>"
    assert html_nesting_depth(page) == 4  # div, article, section, ul


def test_stray_end_tags_cannot_hide_depth():
    page = "<div></b></span>" * 50
    assert html_nesting_depth(page) == 50


def test_markup_inside_scripts_and_comments_is_not_counted():
    page = "<div><script>var s = '<div><div><div>';</script><!-- <div><div> --><style>p{}</style></div>"
    assert html_nesting_depth(page) == 1


def test_raw_text_ends_only_at_its_own_end_tag_and_names_are_whole():
    assert html_nesting_depth("<div><script>x</scripts><div></script><div>") == 2
    assert html_nesting_depth("<div><script-x><div></div></script-x></div>") == 3


def test_nesting_depth_reads_bytes_and_any_letter_case():
    assert html_nesting_depth(b"<DIV><Section><SCRIPT><div></script><UL>") == 3


def test_a_deeply_nested_page_costs_the_scan_no_more_than_a_flat_page_of_as_many_tags():
    # Linear in the tags whatever the depth: a stack of 100,000 open elements must not make it quadratic.
    deep = "<div>" * 100_000 + "x" + "</div>" * 100_000
    flat = "<div>x</div>" * 100_000
    # CPU time of one process, compared with itself: a busy machine slows both sides alike.
    started = time.process_time()
    assert nests_deeper_than(deep, 400)
    deep_seconds = time.process_time() - started
    started = time.process_time()
    assert not nests_deeper_than(flat, 400)
    flat_seconds = time.process_time() - started
    assert deep_seconds < 3 * flat_seconds


def test_limit_violation_names_size_and_depth():
    limits = replace(DEFAULT_LIMITS, max_document_bytes=100, max_html_nesting_depth=10)
    assert limit_violation(InputDocument(source="t", text="x" * 101), limits) == (
        "too_large",
        "101 characters, over the 100-byte limit",
    )
    deep = "<b>" * 11
    assert limit_violation(InputDocument(source="h", html=deep), limits) == (
        "too_deeply_nested",
        "elements nest more than 10 deep",
    )
    assert limit_violation(InputDocument(source="t", text=deep), limits) is None  # plain text is not markup


def test_markup_hidden_behind_a_raw_text_opener_inside_an_attribute_value_is_counted():
    # The tokenizer reads '<script>' and '<!--' inside a quoted value as the value's text.
    for opener in ("<script>", "<!--", "<style>", "<iframe>"):
        assert html_nesting_depth(f"<p title='{opener}'>x</p>" + "<div>" * 30) == 30
    assert html_nesting_depth('<p a"b="c>d" e="<script>">' + "<div>" * 30) == 30


def test_a_comment_closed_at_once_or_by_dash_dash_bang_hides_no_markup():
    for comment in ("<!-->", "<!--->", "<!-- gone --!>"):
        assert html_nesting_depth(comment + "<div>" * 30 + "-->") == 30
        assert html_nesting_depth("<svg>" + comment + "<g>" * 30 + "-->") == 31
    assert html_nesting_depth("<!-- still open -- >" + "<div>" * 30 + "-->") == 0


def test_markup_inside_noscript_is_counted_as_lexbor_parses_it():
    assert html_nesting_depth("<noscript>" + "<div>" * 30 + "</noscript>") == 31


def test_an_attribute_bomb_is_a_breach_of_its_own_reason_whatever_hides_its_attributes():
    limits = {"max_depth": 400, "max_attributes": 256, "max_tag_bytes": 1 << 20}
    plain = "<div " + " ".join(f"a{n}" for n in range(257)) + ">"
    assert markup_breach(plain, **limits) == (
        "too_many_attributes",
        "a <div> element with 257 attributes, over the limit of 256",
    )
    assert markup_breach(plain.replace(" a256", ""), **limits) is None
    quoted = "<div " + " ".join(f"a{n}='>' b{n}=\"<\"" for n in range(129)) + ">"  # '>' and '<' inside values
    assert markup_breach(quoted, **limits)[0] == "too_many_attributes"
    in_script = "<script " + "/".join(f"a{n}" for n in range(300)) + "></script>"
    assert markup_breach(in_script, **limits)[0] == "too_many_attributes"
    assert markup_breach("<div title='" + "x" * 2000 + "'>", **{**limits, "max_tag_bytes": 1000}) == (
        "tag_too_large",
        "a <div> tag of 2009 bytes, over the 1000-byte limit",
    )


def test_an_attribute_bomb_is_rejected_before_parsing(config, detector):
    page = "<html><body><article><p " + " ".join(f"a{n}=x" for n in range(80_000)) + ">text</p></article></body></html>"
    started = time.perf_counter()
    rejected = clean_document(InputDocument(source="bomb.html", html=page), config, detector)
    assert rejected.reason == "too_many_attributes"
    assert time.perf_counter() - started < 1  # Lexbor takes about 40 s on this page


@pytest.mark.parametrize(
    "page",
    [
        "<html><body>" + "<div>" * 500 + "é",
        "<html><body><p " + " ".join(f"a{n}=ü" for n in range(300)) + ">text</p></body></html>",
        "<html><body><p title='" + "é" * 3000 + "'>text</p></body></html>",
    ],
    ids=["deep", "attributes", "tag_bytes"],
)
def test_a_page_read_as_utf8_bytes_gets_the_verdict_of_its_text(page):
    limits = replace(DEFAULT_LIMITS, max_tag_bytes=5000)
    read = document_from_bytes("page.html", page.encode("utf-8"), html=True)
    assert read.markup == page.encode("utf-8")  # the scan reads the reader's bytes ...
    verdict = limit_violation(read, limits)
    as_text = InputDocument(source="page.html", html=page)
    assert verdict is not None and verdict == limit_violation(as_text, limits)  # ... to the same verdict


def test_a_read_page_replaced_with_new_html_gets_the_verdict_of_its_new_html():
    limits = replace(DEFAULT_LIMITS, max_html_nesting_depth=50)
    shallow = "<html><body><article><p>Fähre fällt aus</p></article></body></html>"
    deep = "<html><body>" + "<div>" * 60 + "<p>Fähre fällt aus</p>"
    assert limit_violation(replace(document_from_bytes("p.html", shallow.encode(), html=True), html=deep), limits)
    assert (
        limit_violation(replace(document_from_bytes("p.html", deep.encode(), html=True), html=shallow), limits) is None
    )


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
    limits = replace(DEFAULT_LIMITS, max_document_bytes=1000, max_decompressed_bytes=10**6, max_compression_ratio=100)
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


def lexbor_depth(page: str) -> int:
    """The deepest element nesting of the tree Lexbor builds (iteratively: the tree can be deep)."""
    deepest = 0
    stack = [(LexborHTMLParser(page).root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter(include_text=False))
    return deepest


def test_elements_written_self_closing_inside_svg_do_not_nest_but_outside_do():
    icon = "<svg viewBox='0 0 24 24'>" + '<path d="M0 0h24v24H0z"/><circle cx="12" cy="12" r="4" />' * 300 + "</svg>"
    assert html_nesting_depth("<div>" + icon * 3 + "</div>") == 2  # div, svg
    assert html_nesting_depth("<div>" + "<path d='M0 0'/>" * 30) == 31  # HTML has no self-closing elements
    assert html_nesting_depth("<svg/>" * 30) == 0


def test_inside_svg_every_element_nests_even_those_html_closes_implicitly():
    for tag in ("td", "input", "a", "option", "p-x"):
        assert html_nesting_depth("<svg>" + f"<{tag}>" * 30) == 31


def test_raw_text_and_cdata_inside_svg_cannot_hide_markup_from_the_scan():
    # Inside <svg>, <title> and <style> start no raw text and CDATA sections are text: the parser
    # nests the divs of each page below, and the scan must see at least as deep as it builds.
    pages = [
        "<svg><title>" + "<div>" * 60 + "</title></svg>",
        "<svg><style>" + "<div>" * 60 + "</style></svg>",
        ("<div>" * 20 + "<svg><![CDATA[>" + "</div>" * 20 + "]]></svg>") * 3,
        "<svg><![cdata[>" + "<g>" * 60 + "]]></svg>",  # only '<![CDATA[' in upper case opens a section
        "<svg><td><td><p>" + "<td>" * 60,
    ]
    for page in pages:
        assert html_nesting_depth(page) >= lexbor_depth("<html><body>" + page) - 2  # html, body


def test_html_tags_end_svg_content_and_its_elements_close():
    assert html_nesting_depth("<svg><g><g><p>" + "<td>" * 30) == 3  # <p> ends the svg: <td> outside a table is dropped
    assert html_nesting_depth("<svg><g></svg>" + "<td>" * 30) == 2


def test_html_inside_an_svg_integration_point_ends_at_its_end_tag_and_svg_rules_resume():
    # <foreignObject>, <desc> and SVG <title> hold HTML content until their own end tag (once the HTML
    # elements opened inside are closed): after it <title> and <style> are SVG elements again, whose
    # content the parser nests. The page's own elements lie one level below Lexbor's <body>.
    pages = [
        "<svg><foreignObject><div></svg></div></foreignObject><title>" + "<div>" * 60,
        "<svg><desc><b>Chart</b></desc><style>" + "<div>" * 60,
        "<svg><foreignObject><p>Label<div></div></foreignObject><title>" + "<div>" * 60,
        "<svg><foreignObject><script>'</foreignObject>'</script></foreignObject><title>" + "<div>" * 60,
        "<svg><foreignObject><svg><g></svg></foreignObject><title>" + "<div>" * 60,
        "<svg><foreignObject><span>Label</foreignObject>" + "<div/>" * 60,  # the span is open: HTML still
        "<math><annotation-xml encoding='text/html'><b>x</b></annotation-xml><mi></mi><style>" + "<div>" * 60,
    ]
    for page in pages:
        assert html_nesting_depth(page) >= lexbor_depth("<html><body>" + page) - 1
    # Each <svg> inside HTML content is read by foreign rules again, however deep, within Python's stack.
    assert nests_deeper_than("<svg><foreignObject>" * 100_000, 50_000)


def test_end_tags_that_close_nothing_and_mglyph_keep_the_scan_in_foreign_content():
    # '</x>' closes no element, so the parser stays in <svg>; <mglyph> inside a MathML text element
    # is MathML, and a <div> there pops back to that element, whose content is HTML.
    pages = ["<svg></x><title>" + "<div>" * 60, "<math><mo><mglyph><style>" + "<div>" * 60]
    for page in pages:
        assert html_nesting_depth(page) >= lexbor_depth("<html><body>" + page) - 1


def test_svg_with_html_labels_in_foreign_objects_is_as_shallow_as_it_is_built():
    diagram = "<svg>" + "<foreignObject><div><p>Label</div></foreignObject><path d='M0 0'/>" * 300 + "</svg>"
    assert html_nesting_depth("<div>" + diagram + "</div>") == 4  # div, svg, foreignObject, div
