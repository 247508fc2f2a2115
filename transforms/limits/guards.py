"""Bounds on the work one input may cost: bytes read and decompressed, HTML markup, JSON nesting, time per document."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import IO

import numpy as np

from article_cleaner.transforms.limits.markup_scan import markup_breach
from article_cleaner.transforms.outcomes import DECOMPRESSION_BOMB, TOO_LARGE
from article_cleaner.transforms.records import InputDocument

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


def nesting_depth(value) -> int:
    """How deep arrays and objects nest in a parsed JSON value (0 for a string or a number), level
    by level, without recursing: the bracket depth json_nests_deeper_than reads in its text (for a
    value already parsed: reading the whole text again costs more than the parse)."""
    depth, level = 0, [value]
    while containers := [item for item in level if isinstance(item, (dict, list))]:
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return depth


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


def limit_violation(document: InputDocument, limits) -> tuple[str, str] | None:
    """(reason, detail) when a document is over a limit and must not be parsed, else None.

    Readers check bytes before decoding; this catches documents handed in directly (a library user's
    beam.Create). A character count over the byte limit means the bytes are over it too. The markup
    scan reads the markup as the parser will (InputDocument.markup: the bytes read, when held).
    """
    content = document.text if document.text is not None else document.html
    if content is not None and len(content) > limits.max_document_bytes:
        return TOO_LARGE, f"{len(content)} characters, over the {limits.max_document_bytes}-byte limit"
    if document.text is None and document.html is not None:
        return markup_breach(
            document.markup,
            limits.max_html_nesting_depth,
            limits.max_attributes_per_element,
            limits.max_tag_bytes,
        )
    return None
