"""Readers: input files (plain text, JSON lines; gzipped or not) -> InputDocuments or Rejected."""

from __future__ import annotations

import codecs
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.metrics import Metrics

from transforms.records import InputDocument, Rejected

DOCUMENTS = "documents"
REJECTS = "rejects"
FORMATS = ("auto", "text", "jsonl")
REJECT_PREFIX_CHARS = 2000
JSONL_FIELDS = ("text", "html", "id", "url", "title")

# Reject reasons of the readers.
UNDECODABLE = "undecodable"
MALFORMED_JSON = "malformed_json"
INVALID_FIELD = "invalid_field"
MISSING_FIELD = "missing_field"
UNKNOWN_FORMAT = "unknown_format"
CORRUPT_COMPRESSION = "corrupt_compression"
UNREADABLE = "unreadable"

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def format_of(path: str, requested: str) -> str | None:
    """The input format of a file: the requested one, or by extension under auto (None: unknown)."""
    if requested != "auto":
        return requested
    name = path.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".txt", ".text")):
        return "text"
    return None


def decode_bytes(data: bytes) -> str:
    """Text of a file: a byte-order mark wins, else UTF-8. Raises UnicodeDecodeError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    return data.decode("utf-8")


def bounded_prefix(data: bytes | str) -> str:
    if isinstance(data, bytes):
        data = data[: REJECT_PREFIX_CHARS * 4].decode("utf-8", "replace")
    return data[:REJECT_PREFIX_CHARS]


def reject(source: str, reason: str, detail: str, original: bytes | str = b"") -> Rejected:
    return Rejected(
        source=source, reason=reason, detail=detail, input_prefix=bounded_prefix(original), input_length=len(original)
    )


def document_from_text_file(source: str, data: bytes) -> InputDocument | Rejected:
    try:
        text = decode_bytes(data)
    except UnicodeDecodeError as error:
        return reject(source, UNDECODABLE, f"not valid UTF-8 at byte {error.start}: {error.reason}", data)
    return InputDocument(source=source, text=text)


def document_from_json_line(source: str, line: bytes) -> InputDocument | Rejected:
    """One JSON object of a JSONL file: text or html, and optional id, url and title."""
    try:
        item = json.loads(decode_bytes(line))
    except UnicodeDecodeError as error:
        return reject(source, UNDECODABLE, f"not valid UTF-8 at byte {error.start}: {error.reason}", line)
    except (json.JSONDecodeError, RecursionError) as error:
        return reject(source, MALFORMED_JSON, f"not a JSON value: {error}", line)
    if not isinstance(item, dict):
        return reject(source, MALFORMED_JSON, f"expected a JSON object, got {type(item).__name__}", line)
    fields = {}
    for name in JSONL_FIELDS:
        value = item.get(name)
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            return reject(source, INVALID_FIELD, f"field {name!r} must be a string, got {type(value).__name__}", line)
        fields[name] = value
    if fields["text"] is None and fields["html"] is None:
        return reject(source, MISSING_FIELD, "the object has neither a 'text' nor an 'html' field", line)
    return InputDocument(source=source, **fields)


def documents_from_jsonl(name: str, lines: Iterable[bytes]) -> Iterator[InputDocument | Rejected]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield document_from_json_line(f"{name}:{number}", line)


def read_file_documents(name: str, stream: IO[bytes], input_format: str) -> Iterator[InputDocument | Rejected]:
    """Every document of one file; a file that breaks midway rejects the rest with the reason."""
    file_format = format_of(name, input_format)
    if file_format is None:
        yield reject(name, UNKNOWN_FORMAT, f"cannot tell the format of {name!r}; pass --format text|jsonl")
        return
    try:
        if file_format == "jsonl":
            yield from documents_from_jsonl(name, stream)
        else:
            yield document_from_text_file(name, stream.read())
    except (EOFError, OSError, zlib.error, gzip.BadGzipFile) as error:
        yield reject(
            name, CORRUPT_COMPRESSION if name.endswith(".gz") else UNREADABLE, f"{type(error).__name__}: {error}"
        )


def base_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


class ReadInputFile(beam.DoFn):
    """A matched file -> documents (main output) and rejects (tagged output)."""

    def __init__(self, input_format: str):
        self._input_format = input_format
        self._inputs = Metrics.counter("article_cleaner", "inputs")

    def process(self, readable_file: fileio.ReadableFile):
        path = readable_file.metadata.path
        stream = readable_file.open(compression_type=CompressionTypes.AUTO)
        try:
            for item in read_file_documents(base_name(path), stream, self._input_format):
                self._inputs.inc()
                if isinstance(item, Rejected):
                    Metrics.counter("article_cleaner", f"rejected.{item.reason}").inc()
                    yield beam.pvalue.TaggedOutput(REJECTS, item)
                else:
                    yield item
        finally:
            stream.close()


class ReadDocuments(beam.PTransform):
    """Globs -> documents and rejects: `documents, rejects = p | ReadDocuments(globs, "auto")`."""

    def __init__(self, patterns: Iterable[str], input_format: str = "auto"):
        super().__init__()
        self._patterns = list(patterns)
        self._input_format = input_format

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self._patterns)
            | "Match" >> fileio.MatchAll()
            | "Open" >> fileio.ReadMatches()
            | "Parse" >> beam.ParDo(ReadInputFile(self._input_format)).with_outputs(REJECTS, main=DOCUMENTS)
        )
