"""Bounds on the work one input may cost: bytes read and decompressed, HTML nesting, time per document."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import IO

import numpy as np

# Reject reasons of the guards.
TOO_LARGE = "too_large"
DECOMPRESSION_BOMB = "decompression_bomb"
TOO_DEEPLY_NESTED = "too_deeply_nested"
TIME_BUDGET_EXCEEDED = "time_budget_exceeded"

# Elements that never nest (void) or that the HTML parser closes implicitly (p, li, td, a, ...):
# counting them would mistake a flat list of unclosed <p> for depth.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen basefont bgsound frame "
    "p li dt dd tr td th tbody thead tfoot caption colgroup option optgroup rb rt rtc rp "
    "a button form nobr h1 h2 h3 h4 h5 h6 html head body".split()
)
# Raw-text elements: what is inside them is not markup.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "plaintext", "iframe", "noembed"})
_NAME_END = r"(?![a-z0-9:-])"
# Comments and raw-text elements, each to its end (or to the end of the page when unclosed). The
# page is scanned as lower-cased UTF-8 bytes: ASCII-only case folding keeps offsets, and the regex
# engine runs on bytes faster than on wide strings. The lookahead on the first character keeps
# the ten alternatives away from the thousands of ordinary tags.
_UNCOUNTED_SPANS = re.compile(
    (
        rf"<(?=[!{''.join(sorted({name[0] for name in _RAW_TEXT}))}])(?:!--(?:.*?-->|.*\Z)|"
        + "|".join(
            rf"{name}{_NAME_END}(?:[^<]*<(?!/{name}{_NAME_END}))*[^<]*(?:</{name}|\Z)" for name in sorted(_RAW_TEXT)
        )
        + ")"
    ).encode(),
    re.DOTALL,
)
_TAG = re.compile(rb"<(/?)([a-z][a-z0-9:-]*)")
_NOT_NESTING_NAMES = frozenset(name.encode() for name in _NOT_NESTING)
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


def html_nesting_depth(html: str | bytes, stop_above: int) -> int:
    """An upper estimate of the element nesting of a page, without parsing it.

    Counts open elements per tag name (so a stray end tag cannot hide depth), skipping void and
    implicitly closed elements, comments and raw text. Returns as soon as the depth passes
    stop_above: the parser's cost grows with the square of the depth, this scan only linearly with
    the page (tokenizing is done by two regex passes on the C side; Python sees one tuple per tag).
    """
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    open_counts: dict[bytes, int] = {}
    depth = deepest = 0
    for end_slash, name in _TAG.findall(_UNCOUNTED_SPANS.sub(b"", data.lower())):
        if name in _NOT_NESTING_NAMES:
            continue
        if end_slash:
            if open_counts.get(name, 0) > 0:
                open_counts[name] -= 1
                depth -= 1
            continue
        open_counts[name] = open_counts.get(name, 0) + 1
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > stop_above:
                return deepest
    return deepest


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
    """A per-document time budget, checked cooperatively between cleaning stages.

    Beam may run a DoFn outside the main thread, where signal.alarm cannot interrupt it; a stage
    that overruns finishes and the document is rejected at the next check. Each stage is bounded
    by the size and nesting limits, and pattern rules only run on short blocks.
    """

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
        depth = html_nesting_depth(html, stop_above=limits.max_html_nesting_depth)
        if depth > limits.max_html_nesting_depth:
            return TOO_DEEPLY_NESTED, f"elements nest more than {limits.max_html_nesting_depth} deep"
    return None
