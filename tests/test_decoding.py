"""Decoding honours a byte-order mark, then a declared charset, then UTF-8, then detection; binary is refused."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.io.decoding import (
    DecodedText,
    Undecodable,
    charset_from_content_type,
    charset_from_html_meta,
    decode_text,
    text_codec,
)

CYRILLIC = "Порт открылся в среду после двухдневного закрытия, и первые суда вышли в море."


def test_byte_order_mark_wins_and_is_dropped():
    assert decode_text("\ufeffHeadline".encode()) == DecodedText("Headline", "utf-8", "bom")
    assert decode_text("Headline".encode("utf-16")).text == "Headline"
    assert decode_text("Headline".encode("utf-32")).encoding == "utf-32-le"


def test_bytes_that_are_utf8_as_read_are_kept_for_the_parser_and_others_are_not():
    page = f"<p>{CYRILLIC} Café</p>".encode()
    assert decode_text(page, html=True).utf8 is page
    assert decode_text(b"\xef\xbb\xbf" + page, html=True).utf8 == page  # without its byte-order mark
    ascii_page = b'<meta charset="utf-8"><p>Harbour reopens</p>'
    assert decode_text(ascii_page, html=True).utf8 == ascii_page
    # Decoded from another encoding, or with stray bytes replaced: the bytes are not the text's UTF-8.
    assert decode_text(CYRILLIC.encode("cp1251"), declared="windows-1251").utf8 is None
    assert decode_text("Portão".encode("utf-16")).utf8 is None
    assert decode_text(b"\x1b$B$3$s$K$A$O\x1b(B", declared="iso-2022-jp").utf8 is None
    stray = (CYRILLIC * 40).encode() + b"\xff"
    assert decode_text(stray).method == "utf-8-with-stray-bytes"
    assert decode_text(stray).utf8 is None


def test_http_content_type_charset_decodes_the_payload():
    assert charset_from_content_type("text/html; charset=windows-1251") == "windows-1251"
    assert charset_from_content_type('text/html; Charset="KOI8-R"') == "KOI8-R"
    decoded = decode_text(CYRILLIC.encode("cp1251"), declared="windows-1251")
    assert (decoded.text, decoded.method) == (CYRILLIC, "declared")


def test_html_meta_charset_decodes_the_page_in_both_spellings():
    for meta in (
        '<meta charset="windows-1251">',
        '<meta http-equiv="Content-Type" content="text/html; charset=cp1251">',
    ):
        page = f"<html><head>{meta}</head><body><p>{CYRILLIC}</p></body></html>".encode("cp1251")
        assert charset_from_html_meta(page) in ("windows-1251", "cp1251")
        assert CYRILLIC in decode_text(page, html=True).text
    # A text file's content is not markup: a meta tag in it declares nothing.
    assert decode_text(b"<meta charset=koi8-r> plain", html=False).method == "utf-8"


def test_a_wrong_declaration_falls_back_to_what_the_bytes_are():
    decoded = decode_text("café crème".encode(), declared="us-ascii")
    assert (decoded.text, decoded.method) == ("café crème", "utf-8")


def test_labels_that_name_no_text_encoding_are_ignored():
    assert text_codec("rot13") is None and text_codec("zlib") is None and text_codec("no-such-charset") is None
    assert text_codec("ISO-8859-1") == "cp1252"  # as browsers read it
    assert text_codec("utf-16") == "utf-8"  # a page cannot be UTF-16 without a byte-order mark


def test_latin1_text_without_declaration_is_detected():
    text = "Le café est très bon à Paris, n'est-ce pas? Oui, c'était délicieux et la crème brûlée aussi."
    decoded = decode_text(text.encode("latin-1"))
    assert (decoded.text, decoded.method) == (text, "detected")


def test_mostly_utf8_text_with_a_stray_byte_stays_utf8():
    text = "Zürich and Genève are cities in Switzerland. " * 60
    data = text.encode() + b"\xe2\x80"  # cut in the middle of a character, as a byte limit would
    decoded = decode_text(data)
    assert decoded.method == "utf-8-with-stray-bytes"
    assert decoded.text == text + "\ufffd"


def test_binary_data_is_undecodable_with_the_reason():
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    assert isinstance(decode_text(noise), Undecodable)
    nuls = decode_text(b"\x00" * 500)
    assert nuls == Undecodable("binary data: 500 of the first 500 characters are control characters")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.one_of(st.none(), st.text(max_size=20)), st.booleans())
def test_decoding_arbitrary_bytes_never_raises(data, declared, html):
    result = decode_text(data, declared=declared, html=html)
    assert isinstance(result, DecodedText | Undecodable)
