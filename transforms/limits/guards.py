"""Bounds on the work one input may cost: bytes read and decompressed, HTML markup, JSON nesting, time per document."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import IO

import numpy as np

from article_cleaner.transforms.outcomes import (
    DECOMPRESSION_BOMB,
    TAG_TOO_LARGE,
    TOO_DEEPLY_NESTED,
    TOO_LARGE,
    TOO_MANY_ATTRIBUTES,
)

# Reject reasons of the guards.

# Elements that never nest (void) or that the HTML parser closes implicitly (p, li, td, a, ...):
# counting them would mistake a flat list of unclosed <p> for depth.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen basefont bgsound frame "
    "p li dt dd tr td th tbody thead tfoot caption colgroup option optgroup rb rt rtc rp "
    "a button form nobr h1 h2 h3 h4 h5 h6 html head body".split()
)
_NOT_NESTING_NAMES = frozenset(name.encode() for name in _NOT_NESTING)
# Raw-text elements: what is inside them is not markup. Not noscript: Lexbor parses without
# scripting, so markup inside <noscript> is markup (and nests).
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "plaintext", "iframe", "noembed")
# What follows a tag name up to its '>', as the HTML tokenizer reads it: a quote opens a value only
# right after '=', and a '>' inside a quoted value does not end the tag. Possessive, so the scan is
# linear whatever the page holds; unrolled (text, then '=' and a value, then text...), which the
# regex engine runs faster than an alternation repeated per attribute.
_ATTRIBUTES = rb"""[^>=]*+(?:=\s*+(?:"[^"]*+"?|'[^']*+'?)?[^>=]*+)*+"""
# One token of a page, left to right as the tokenizer meets them: a comment or other <!...>/<?...>
# (no groups), a raw-text element with its content (groups 1-2: name, attributes), or a start or
# end tag (groups 3-5: slash, name, attributes). The page is scanned as lower-cased UTF-8 bytes:
# ASCII-only case folding keeps offsets, and the regex engine runs on bytes faster than on wide
# strings. Reading tags and raw text in one pass means a '<script' or '<!--' inside an attribute
# value cannot hide the markup after it.
_MARKUP_TOKEN = re.compile(
    rb"<(?:!--(?:.*?-->|.*\Z)|[!?][^>]*+"
    rb"|(" + "|".join(_RAW_TEXT).encode() + rb")(?![^\s/>])(" + _ATTRIBUTES + rb")>?"
    rb"(?:[^<]*+<(?!/\1(?![^\s/>])))*+[^<]*+"
    rb"|(/?)([a-z][^\s/>]*+)(" + _ATTRIBUTES + rb"))",
    re.DOTALL,
)
# One attribute of a tag's attribute text: a name, and its value when it has one.
_ATTRIBUTE = re.compile(rb"""[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]*+))?""")
# A JSON string to its closing quote, or to the end of the text when unterminated: a failed match
# would be retried from every later quote, which makes the scan quadratic on a run of \" escapes.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class LimitExceeded(Exception):
    """Raised inside a reader's stream when a cap is hit; the reader turns it into a reject."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decompressed_byte_cap(compressed_bytes: int | None, max_document_bytes: int, limits) -> int:
    """How much one compressed file may expand to: the absolute cap, and at most max_compression_ratio
    times its compressed size (never less than one document's worth)."""
    if compressed_bytes is None:
        return limits.max_decompressed_bytes
    by_ratio = max(max_document_bytes, int(compressed_bytes * limits.max_compression_ratio))
    return min(limits.max_decompressed_bytes, by_ratio)


class CappedStream(io.RawIOBase):
    """A read-only stream that raises LimitExceeded(decompression_bomb) past max_bytes."""

    def __init__(self, stream: IO[bytes], max_bytes: int, compressed_bytes: int | None):
        super().__init__()
        self._stream = stream
        self._max_bytes = max_bytes
        self._compressed_bytes = compressed_bytes
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        self.bytes_read += len(data)
        if self.bytes_read > self._max_bytes:
            size = f" from a {self._compressed_bytes}-byte file" if self._compressed_bytes is not None else ""
            raise LimitExceeded(DECOMPRESSION_BOMB, f"decompressed more than {self._max_bytes} bytes{size}")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def markup_breach(html: str | bytes, max_depth: int, max_attributes: int, max_tag_bytes: int) -> tuple[str, str] | None:
    """(reason, detail) when a page's markup would make the HTML parser slow, else None; found
    without parsing, in time linear in the page (one regex pass on the C side; Python sees one
    tuple per tag). Lexbor's time grows with the square of the element nesting and of the
    attributes of one element (80,000 attributes: 41 s), and cannot be interrupted once started.

    Nesting counts open elements per tag name (so a stray end tag cannot hide depth), skipping void
    and implicitly closed elements, comments and raw text: an upper estimate of the parser's depth.
    """
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    # Every attribute takes two bytes at least (a separator and a name): shorter attribute text
    # cannot hold too many, and most tags are never counted.
    countable_bytes = min(2 * max_attributes, max_tag_bytes)
    open_counts: dict[bytes, int] = {}
    depth = 0
    for raw_name, raw_attributes, end_slash, name, attributes in _MARKUP_TOKEN.findall(data.lower()):
        attributes = attributes or raw_attributes
        if len(attributes) > countable_bytes:
            breach = _tag_breach(name or raw_name, attributes, max_attributes, max_tag_bytes)
            if breach is not None:
                return breach
        if not name or name in _NOT_NESTING_NAMES:
            continue
        if end_slash:
            if open_counts.get(name, 0) > 0:
                open_counts[name] -= 1
                depth -= 1
            continue
        open_counts[name] = open_counts.get(name, 0) + 1
        depth += 1
        if depth > max_depth:
            return TOO_DEEPLY_NESTED, f"elements nest more than {max_depth} deep"
    return None


def _tag_breach(name: bytes, attributes: bytes, max_attributes: int, max_tag_bytes: int) -> tuple[str, str] | None:
    tag = name[:40].decode("ascii", "replace")  # a name can be as long as the page
    if len(attributes) > max_tag_bytes:
        return TAG_TOO_LARGE, f"a <{tag}> tag of {len(attributes)} bytes, over the {max_tag_bytes}-byte limit"
    count = len(_ATTRIBUTE.findall(attributes))
    if count > max_attributes:
        return TOO_MANY_ATTRIBUTES, f"a <{tag}> element with {count} attributes, over the limit of {max_attributes}"
    return None


def json_nests_deeper_than(text: str, max_depth: int) -> bool:
    """Whether arrays and objects in a JSON text nest more than max_depth deep (brackets inside
    strings do not count), found without recursing: json.loads recurses once per level and raises
    RecursionError at a depth that depends on how deep the caller's stack already is."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    opens = np.frombuffer(brackets, dtype=np.uint8)
    depths = np.cumsum(np.where((opens == ord("[")) | (opens == ord("{")), 1, -1))
    return bool(depths.size) and int(depths.max()) > max_depth


@dataclass(frozen=True, slots=True)
class Deadline:
    """A per-document time budget, checked between cleaning stages: for callers of clean_document
    without a watchdog (transforms/limits/watchdog.py stops a stage that overruns; this check cannot)."""

    budget_seconds: float
    expires_at: float

    @classmethod
    def starting_now(cls, budget_seconds: float) -> Deadline:
        return cls(budget_seconds, time.monotonic() + budget_seconds)

    def passed(self) -> bool:
        return time.monotonic() > self.expires_at


def time_is_up(deadline: Deadline | None) -> bool:
    return deadline is not None and deadline.passed()


def limit_violation(text: str | None, html: str | None, limits) -> tuple[str, str] | None:
    """(reason, detail) when a document is over a limit and must not be parsed, else None.

    Readers check bytes before decoding; this catches documents handed in directly (a library user's
    beam.Create). A character count over the byte limit means the bytes are over it too.
    """
    content = text if text is not None else html
    if content is not None and len(content) > limits.max_document_bytes:
        return TOO_LARGE, f"{len(content)} characters, over the {limits.max_document_bytes}-byte limit"
    if text is None and html is not None:
        return markup_breach(
            html, limits.max_html_nesting_depth, limits.max_attributes_per_element, limits.max_tag_bytes
        )
    return None
