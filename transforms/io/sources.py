"""Readers: input files -> InputDocuments, or a Rejected / Filtered record for every input that is not one.

Formats: plain text and HTML (one document per file), JSON lines, WARC (one input per response
record) and Parquet (one input per row); .gz and .bz2 files are decompressed while streaming.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO

import apache_beam as beam
import pyarrow.parquet as parquet
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from pyarrow import ArrowException
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from article_cleaner.transforms.config.loading import DEFAULT_LIMITS, LimitsSettings
from article_cleaner.transforms.io.decoding import Undecodable, charset_from_content_type, decode_text
from article_cleaner.transforms.io.field_mapping import (
    DEFAULT_FIELD_MAPPING,
    FieldMapping,
    FieldProblem,
    document_fields,
)
from article_cleaner.transforms.limits.guards import (
    CappedStream,
    LimitExceeded,
    decompressed_byte_cap,
    json_nests_deeper_than,
    nesting_depth,
)
from article_cleaner.transforms.outcomes import (
    CORRUPT_COMPRESSION,
    DOCUMENTS,
    EMPTY_INPUT,
    FILTERED,
    FILTERED_AS,
    HTTP_STATUS,
    INPUTS,
    MALFORMED_JSON,
    MISSING_FIELD,
    NOT_HTML,
    REJECTED,
    REJECTS,
    TOO_LARGE,
    TRUNCATED_RECORD,
    UNDECODABLE,
    UNKNOWN_FORMAT,
    UNREADABLE,
    WARC_RECORDS_SKIPPED,
)
from article_cleaner.transforms.records import REJECT_PREFIX_CHARS, Filtered, InputDocument, Rejected, reject
from article_cleaner.transforms.report.counters import counter

FORMATS = ("auto", "text", "html", "jsonl", "warc", "parquet")
READ_CHUNK_BYTES = 1 << 20
PARQUET_BATCH_ROWS = 64
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
# json.loads recurses once per level and fails near Python's recursion limit (1,000) minus the depth
# of the caller's stack, which differs between the CLI's explain and a Beam worker: deeper records
# are rejected here, the same way everywhere.
MAX_JSON_LINE_DEPTH = 500

# Reject reasons of the readers (the guards add too_large and decompression_bomb).
# Filter reasons: the input is fine, but not a page to clean.

_EXTENSIONS = (
    ((".jsonl", ".ndjson", ".json"), "jsonl"),
    ((".txt", ".text"), "text"),
    ((".html", ".htm", ".xhtml"), "html"),
    ((".warc",), "warc"),
    ((".parquet",), "parquet"),
)
_COMPRESSIONS = ((".gz", "gzip"), (".bz2", "bzip2"))
# What a corrupt or cut file raises while it is read; anything else is a bug.
_READ_ERRORS = (EOFError, OSError, zlib.error, ArchiveLoadFailed, ArrowException)


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How to read the inputs: the format (auto: by extension), the field mapping, the limits."""

    input_format: str = "auto"
    fields: FieldMapping = DEFAULT_FIELD_MAPPING
    limits: LimitsSettings = DEFAULT_LIMITS


DEFAULT_READ_SETTINGS = ReadSettings()


@dataclass(frozen=True, slots=True)
class SkippedWarcRecord:
    """A WARC record that is not an input (warcinfo, request, metadata, revisit, ...): counted, not read."""

    source: str
    record_type: str


@dataclass(frozen=True, slots=True)
class OverlongLine:
    """A line longer than the limit: its first bytes and its full length, the rest never held in memory."""

    prefix: bytes
    length: int


def format_of(path: str, requested: str) -> str | None:
    """The input format of a file: the requested one, or by extension under auto (None: unknown)."""
    if requested != "auto":
        return requested
    name = path.lower()
    for suffix, _ in _COMPRESSIONS:
        name = name.removesuffix(suffix)
    for extensions, file_format in _EXTENSIONS:
        if name.endswith(extensions):
            return file_format
    return None


def compression_of(path: str) -> str | None:
    name = path.lower()
    return next((compression for suffix, compression in _COMPRESSIONS if name.endswith(suffix)), None)


def base_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def parent_folder(path: str) -> str:
    """The folder holding an input file: what names its site when a document has no URL."""
    return path.rstrip("/").rsplit("/", 1)[0] if "/" in path else "."


# --- pure parsing of one input ---------------------------------------------------------------


def document_from_bytes(
    source: str, data: bytes, html: bool, declared_charset: str | None = None, **fields
) -> InputDocument | Rejected:
    """One whole document (a text or HTML file, a WARC payload), decoded; fields: id, url, title."""
    decoded = decode_text(data, declared=declared_charset, html=html)
    if isinstance(decoded, Undecodable):
        return reject(source, UNDECODABLE, decoded.detail, data)
    if html:
        return InputDocument.from_decoded_html(source, decoded.text, decoded.utf8, **fields)
    return InputDocument(source=source, text=decoded.text, **fields)


def document_from_record(
    source: str, record: Mapping, fields: FieldMapping, limits: LimitsSettings, original: bytes | str
) -> InputDocument | Rejected:
    """A JSON object or a Parquet row, through the field mapping."""
    values = document_fields(record, fields)
    if isinstance(values, FieldProblem):
        return reject(source, values.reason, values.detail, original)
    content = values["html"] if values["html"] is not None else values["text"]
    size = len(content) if isinstance(content, bytes) else utf8_length(content, limits.max_document_bytes)
    if size > limits.max_document_bytes:
        return reject(source, TOO_LARGE, f"{size} bytes, over the {limits.max_document_bytes}-byte limit", original)
    html_utf8 = None
    for name in ("text", "html"):
        if isinstance(values[name], bytes):
            decoded = decode_text(values[name], html=name == "html")
            if isinstance(decoded, Undecodable):
                return reject(source, UNDECODABLE, f"field {fields.source_of(name)!r}: {decoded.detail}", original)
            values[name] = decoded.text
            if name == "html":
                html_utf8 = decoded.utf8
    if html_utf8 is not None:
        return InputDocument.from_decoded_html(source, values.pop("html"), html_utf8, **values)
    return InputDocument(source=source, **values)


def document_from_json_line(
    source: str, line: bytes, fields: FieldMapping = DEFAULT_FIELD_MAPPING, limits: LimitsSettings = DEFAULT_LIMITS
) -> InputDocument | Rejected:
    """One line of a JSON-lines file. JSON lines are UTF-8 (a byte-order mark is tolerated)."""
    try:
        text = line.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        return reject(source, UNDECODABLE, f"not valid UTF-8 at byte {error.start}: {error.reason}", line)
    too_deep = f"arrays and objects nest more than {MAX_JSON_LINE_DEPTH} deep"
    # Parsed first, the depth read off the value: the bracket scan reads the whole line (2 ms for
    # a page of HTML whose scripts hold brackets), so it runs only where parsing failed, to give the
    # same reason whichever way the line is bad.
    try:
        item = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        if json_nests_deeper_than(text, MAX_JSON_LINE_DEPTH):
            return reject(source, MALFORMED_JSON, too_deep, line)
        return reject(source, MALFORMED_JSON, f"not a JSON value: {error}", line)
    if nesting_depth(item) > MAX_JSON_LINE_DEPTH:
        return reject(source, MALFORMED_JSON, too_deep, line)
    if not isinstance(item, dict):
        return reject(source, MALFORMED_JSON, f"expected a JSON object, got {type(item).__name__}", line)
    return document_from_record(source, item, fields, limits, line)


def utf8_length(text: str, limit: int) -> int:
    """The UTF-8 size of text, computed exactly only when it could matter against limit."""
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)  # at least this many bytes, or certainly within the limit
    return len(text.encode("utf-8", "surrogatepass"))


def read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to size bytes: an unbuffered stream may return fewer per read before its end."""
    parts = []
    while size > 0 and (part := stream.read(min(size, READ_CHUNK_BYTES))):
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | OverlongLine]]:
    """(line number, line) for every line, streaming; a line over max_bytes comes as an OverlongLine."""
    number = 0
    pending = bytearray()
    overlong: OverlongLine | None = None
    while chunk := stream.read(READ_CHUNK_BYTES):
        start = 0
        while start < len(chunk):
            newline = chunk.find(b"\n", start)
            end = len(chunk) if newline < 0 else newline + 1
            if overlong is not None:
                overlong = OverlongLine(overlong.prefix, overlong.length + end - start)
            else:
                pending += chunk[start:end]
                if len(pending) > max_bytes:
                    overlong = OverlongLine(bytes(pending[: REJECT_PREFIX_CHARS * 4]), len(pending))
                    pending = bytearray()
            start = end
            if newline >= 0:
                number += 1
                yield number, overlong if overlong is not None else bytes(pending)
                pending, overlong = bytearray(), None
    if pending or overlong is not None:
        yield number + 1, overlong if overlong is not None else bytes(pending)


# --- one reader per format -------------------------------------------------------------------


def read_whole_document(
    name: str, stream: IO[bytes], html: bool, limits: LimitsSettings, size: int | None
) -> Iterator[InputDocument | Rejected]:
    """A text or HTML file: one document. Its size is checked before reading where it is known."""
    limit = limits.max_document_bytes
    if size is not None and size > limit:
        prefix = stream.read(REJECT_PREFIX_CHARS * 4)
        yield reject(name, TOO_LARGE, f"{size} bytes, over the {limit}-byte limit", prefix, length=size)
        return
    data = read_at_most(stream, limit + 1)
    if len(data) > limit:
        yield reject(name, TOO_LARGE, f"more than {limit} bytes decompressed, over the limit", data, length=len(data))
        return
    yield document_from_bytes(name, data, html)


def read_jsonl(
    name: str, stream: IO[bytes], fields: FieldMapping, limits: LimitsSettings
) -> Iterator[InputDocument | Rejected]:
    """One input per non-blank line; a file without any is one empty_input."""
    any_line = False
    for number, line in bounded_lines(stream, limits.max_document_bytes):
        source = f"{name}:{number}"
        if isinstance(line, OverlongLine):
            any_line = True
            detail = f"a {line.length}-byte line, over the {limits.max_document_bytes}-byte limit"
            yield reject(source, TOO_LARGE, detail, line.prefix, length=line.length)
        elif line.strip():
            any_line = True
            yield document_from_json_line(source, line, fields, limits)
    if not any_line:
        yield reject(name, EMPTY_INPUT, "the file holds no JSON lines")


def read_warc(
    name: str, stream: IO[bytes], limits: LimitsSettings
) -> Iterator[InputDocument | Rejected | Filtered | SkippedWarcRecord]:
    """Each response record is one input: an HTML page becomes a document, another payload is
    filtered (not_html, http_status). Other record types are skipped and counted, not inputs."""
    any_response = False
    for number, record in enumerate(ArchiveIterator(stream), 1):
        source = f"{name}:{number}"
        if record.rec_type != "response":
            yield SkippedWarcRecord(source, record.rec_type or "unknown")
            continue
        any_response = True
        yield warc_response_document(source, record, limits)
    if not any_response:
        yield reject(name, EMPTY_INPUT, "the file holds no WARC response records")


def warc_response_document(source: str, record, limits: LimitsSettings) -> InputDocument | Rejected | Filtered:
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>") or None
    length = int(record.length or 0)
    http = record.http_headers
    content_type = http.get_header("Content-Type") if http is not None else None
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if http is None:
        return Filtered(source, NOT_HTML, "the response has no HTTP headers", url, length)
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return Filtered(source, HTTP_STATUS, f"HTTP status {status or 'missing'}", url, length)
    if content_type and media_type not in HTML_MEDIA_TYPES:
        return Filtered(source, NOT_HTML, f"content type {content_type!r}", url, length)
    limit = limits.max_document_bytes
    if length > limit:
        return reject(source, TOO_LARGE, f"{length} bytes, over the {limit}-byte limit", length=length)
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        return reject(source, TOO_LARGE, f"more than {limit} bytes decoded, over the limit", payload, len(payload))
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        detail = f"the record declares {length} bytes but the file ends {missing} bytes short"
        return reject(source, TRUNCATED_RECORD, detail, payload, length=length)
    if not content_type and b"<html" not in payload[:2048].lower():
        return Filtered(source, NOT_HTML, "no content type and no <html> tag", url, length)
    return document_from_bytes(
        source, payload, html=True, url=url, id=record_id, declared_charset=charset_from_content_type(content_type)
    )


def read_parquet(
    name: str, stream: IO[bytes], fields: FieldMapping, limits: LimitsSettings
) -> Iterator[InputDocument | Rejected]:
    """One input per row. A file whose rows cannot be read at all (not Parquet, no text or html
    column) is one input, rejected."""
    parquet_file = parquet.ParquetFile(stream)
    columns = set(parquet_file.schema_arrow.names)
    needed = sorted({path[0] for _, path in fields.paths} & columns)
    if not {fields.source_of("text").split(".")[0], fields.source_of("html").split(".")[0]} & columns:
        detail = f"no column {fields.source_of('text')!r} or {fields.source_of('html')!r} (has: {sorted(columns)})"
        yield reject(name, MISSING_FIELD, detail)
        return
    number = 0
    for batch in parquet_file.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=needed):
        for row in batch.to_pylist():
            number += 1
            original = json.dumps(row, ensure_ascii=False, default=str)[: REJECT_PREFIX_CHARS * 2]
            yield document_from_record(f"{name}:{number}", row, fields, limits, original)
    if number == 0:
        yield reject(name, EMPTY_INPUT, "the file holds no rows")


# --- one file ---------------------------------------------------------------------------------


class CorruptCompression(Exception):
    """A compressed stream ended early or is not what its extension says."""


class _CheckedDecompression(io.RawIOBase):
    """Decompressed bytes whose errors cannot be mistaken for a clean end: warcio reads an EOFError
    as the end of the archive, so a cut .warc.gz would otherwise lose its last records silently."""

    def __init__(self, decompressed: IO[bytes]):
        super().__init__()
        self._decompressed = decompressed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._decompressed.read1(len(buffer))
        except (EOFError, OSError, zlib.error) as error:
            raise CorruptCompression(f"{type(error).__name__}: {error}") from None
        buffer[: len(data)] = data
        return len(data)


def open_decompressed(raw: IO[bytes], compression: str | None, max_bytes: int, size: int | None) -> IO[bytes]:
    """The file's bytes, decompressed while streaming; Python's readers (unlike Beam's) raise on a
    truncated stream. Decompressed output is capped (see guards.decompressed_byte_cap)."""
    if compression is None:
        return raw
    decompressed = gzip.GzipFile(fileobj=raw, mode="rb") if compression == "gzip" else bz2.BZ2File(raw, mode="rb")
    # Unbuffered: a read returns what one decompression step gave, so the records before a cut
    # still come out before the error does.
    return CappedStream(_CheckedDecompression(decompressed), max_bytes, size)


def read_file(
    path: str, raw: IO[bytes], settings: ReadSettings = DEFAULT_READ_SETTINGS, size: int | None = None
) -> Iterator[InputDocument | Rejected | Filtered | SkippedWarcRecord]:
    """Every input of one file. A file that breaks midway yields what it read, then one reject for
    the rest with the reason; bad input never raises."""
    name = base_name(path)
    file_format = format_of(name, settings.input_format)
    if file_format is None:
        yield reject(name, UNKNOWN_FORMAT, f"cannot tell the format of {name!r}; pass --format")
        return
    compression = compression_of(name)
    if file_format == "parquet" and compression is not None:
        yield reject(name, UNREADABLE, "a compressed Parquet file: Parquet compresses its own columns")
        return
    limits = settings.limits
    cap = decompressed_byte_cap(size, limits.max_document_bytes, limits)
    read_count = 0
    try:
        stream = open_decompressed(raw, compression, cap, size)
        for item in _read_format(name, stream, file_format, settings, None if compression else size):
            read_count += 1
            yield item
    except LimitExceeded as error:
        yield reject(name, error.reason, f"{error.detail}; after {read_count} records, the rest is not read")
    except CorruptCompression as error:
        yield reject(name, CORRUPT_COMPRESSION, f"{error}; after {read_count} records, the rest is not read")
    except _READ_ERRORS as error:
        yield reject(name, UNREADABLE, f"{type(error).__name__}: {error}; after {read_count} records")


def _read_format(name: str, stream: IO[bytes], file_format: str, settings: ReadSettings, size: int | None):
    if file_format == "jsonl":
        return read_jsonl(name, stream, settings.fields, settings.limits)
    if file_format == "warc":
        return read_warc(name, stream, settings.limits)
    if file_format == "parquet":
        return read_parquet(name, stream, settings.fields, settings.limits)
    return read_whole_document(name, stream, file_format == "html", settings.limits, size)


# --- slices of big files, for spreading one file over several workers -------------------------

# What one worker reads of a big file when documents are spread: small enough that a file of a few
# hundred documents gives every worker a share, large enough that a slice costs little beside them.
SLICE_BYTES = 8 << 20
_NOT_SPACE = re.compile(rb"\S")


@dataclass(frozen=True, slots=True)
class InputSlice:
    """A part of an input file that one worker reads: whole JSON lines from byte start to end, the
    first being line first_line; end None for the whole file, read as read_file reads it."""

    path: str
    size: int | None  # of the whole file, where known
    start: int = 0
    end: int | None = None
    first_line: int = 1


def is_sliceable(path: str, settings: ReadSettings, size: int | None, slice_bytes: int = SLICE_BYTES) -> bool:
    """Only an uncompressed JSON-lines file can be cut at a line without reading what comes before
    it (a compressed stream, a WARC record or a Parquet row group cannot, here)."""
    name = base_name(path)
    return (
        size is not None
        and size > slice_bytes
        and format_of(name, settings.input_format) == "jsonl"
        and compression_of(name) is None
    )


def plan_slices(path: str, stream: IO[bytes], size: int | None, slice_bytes: int = SLICE_BYTES) -> list[InputSlice]:
    """Cuts a JSON-lines file after the first newline at or past every slice_bytes, counting lines
    on the way (a line is named by its number in the file, wherever it is read). A file without any
    text stays whole, so that it is still one empty_input."""
    slices: list[InputSlice] = []
    start, first_line = 0, 1
    offset, newlines_before, any_text = 0, 0, False
    next_cut = slice_bytes
    while chunk := stream.read(READ_CHUNK_BYTES):
        any_text = any_text or _NOT_SPACE.search(chunk) is not None
        search_from = max(0, next_cut - offset)
        while search_from < len(chunk) and (newline := chunk.find(b"\n", search_from)) >= 0:
            cut = offset + newline + 1
            slices.append(InputSlice(path, size, start, cut, first_line))
            start, first_line = cut, newlines_before + chunk.count(b"\n", 0, newline + 1) + 1
            next_cut = cut + slice_bytes
            search_from = next_cut - offset
        newlines_before += chunk.count(b"\n")
        offset += len(chunk)
    if start < offset:
        slices.append(InputSlice(path, size, start, offset, first_line))
    if not any_text or len(slices) < 2:
        return [InputSlice(path, size)]
    return slices


class _Window(io.RawIOBase):
    """At most length bytes of a stream, from where it stands."""

    def __init__(self, stream: IO[bytes], length: int):
        super().__init__()
        self._stream, self._left = stream, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(min(len(buffer), self._left))
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def read_slice(
    part: InputSlice, stream: IO[bytes], settings: ReadSettings = DEFAULT_READ_SETTINGS
) -> Iterator[InputDocument | Rejected | Filtered | SkippedWarcRecord]:
    """Every input of one slice, named as read_file names it; bad input never raises."""
    if part.end is None:
        yield from read_file(part.path, stream, settings, part.size)
        return
    name = base_name(part.path)
    limits = settings.limits
    read_count = 0
    try:
        stream.seek(part.start)
        for number, line in bounded_lines(_Window(stream, part.end - part.start), limits.max_document_bytes):
            source = f"{name}:{part.first_line + number - 1}"
            if isinstance(line, OverlongLine):
                detail = f"a {line.length}-byte line, over the {limits.max_document_bytes}-byte limit"
                item = reject(source, TOO_LARGE, detail, line.prefix, length=line.length)
            elif not line.strip():
                continue
            else:
                item = document_from_json_line(source, line, settings.fields, limits)
            read_count += 1
            yield item
    except _READ_ERRORS as error:
        detail = f"{type(error).__name__}: {error}; after {read_count} records from line {part.first_line}"
        yield reject(f"{name}:{part.first_line}", UNREADABLE, detail)


# --- Beam glue --------------------------------------------------------------------------------


class _ReadInputs(beam.DoFn):
    """Base of the readers: each input to its output (documents main, rejects and filtered tagged)
    and its counters."""

    def __init__(self, settings: ReadSettings):
        self._settings = settings
        self._inputs = counter(INPUTS)

    def _route(self, items: Iterable, folder: str):
        for item in items:
            if isinstance(item, SkippedWarcRecord):
                counter(WARC_RECORDS_SKIPPED + item.record_type).inc()
                continue
            self._inputs.inc()
            if isinstance(item, Rejected):
                counter(REJECTED + item.reason).inc()
                yield beam.pvalue.TaggedOutput(REJECTS, item)
            elif isinstance(item, Filtered):
                counter(FILTERED_AS + item.reason).inc()
                yield beam.pvalue.TaggedOutput(FILTERED, item)
            else:
                yield replace(item, folder=folder)


class ReadInputFile(_ReadInputs):
    """A matched file -> documents (main output), rejects and filtered inputs (tagged outputs)."""

    def process(self, readable_file: fileio.ReadableFile):
        # Decompression is ours (read_file), not Beam's: Beam's gzip reader stops silently at a cut.
        stream = readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED)
        try:
            path = readable_file.metadata.path
            items = read_file(path, stream, self._settings, readable_file.metadata.size_in_bytes)
            yield from self._route(items, parent_folder(path))
        finally:
            stream.close()


class _PlanSlices(beam.DoFn):
    """A matched file -> its slices: the whole file, or whole-line byte ranges of a big JSON-lines file."""

    def __init__(self, settings: ReadSettings, slice_bytes: int):
        self._settings = settings
        self._slice_bytes = slice_bytes

    def process(self, metadata):
        size = metadata.size_in_bytes
        if not is_sliceable(metadata.path, self._settings, size, self._slice_bytes):
            yield InputSlice(metadata.path, size)
            return
        try:
            with FileSystems.open(metadata.path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                yield from plan_slices(metadata.path, stream, size, self._slice_bytes)
        except OSError:  # read whole, where the reader reports what it cannot read
            yield InputSlice(metadata.path, size)


class ReadInputSlice(_ReadInputs):
    """A slice of a file -> documents (main output), rejects and filtered inputs (tagged outputs)."""

    def process(self, part: InputSlice):
        try:
            stream = FileSystems.open(part.path, compression_type=CompressionTypes.UNCOMPRESSED)
        except OSError as error:
            self._inputs.inc()
            counter(REJECTED + UNREADABLE).inc()
            yield beam.pvalue.TaggedOutput(REJECTS, reject(base_name(part.path), UNREADABLE, f"cannot open: {error}"))
            return
        try:
            yield from self._route(read_slice(part, stream, self._settings), parent_folder(part.path))
        finally:
            stream.close()


class ReadDocuments(beam.PTransform):
    """Globs -> documents, rejects and filtered: `read = p | ReadDocuments(globs, ReadSettings())`,
    then read[DOCUMENTS], read[REJECTS], read[FILTERED].

    Files are spread over the workers, each read whole by one. With spread_documents, a big
    uncompressed JSON-lines file is cut into slices of whole lines (SLICE_BYTES) that are spread
    instead: only the slices' positions are shuffled, never the documents.
    """

    def __init__(
        self,
        patterns: Iterable[str],
        settings: ReadSettings = DEFAULT_READ_SETTINGS,
        spread_documents: bool = False,
        slice_bytes: int = SLICE_BYTES,
    ):
        super().__init__()
        self._patterns = list(patterns)
        self._settings = settings
        self._spread_documents = spread_documents
        self._slice_bytes = slice_bytes

    def expand(self, pbegin):
        matched = (
            pbegin
            | "Patterns" >> beam.Create(self._patterns)
            | "Match" >> fileio.MatchAll()
            # Files or slices, not documents, are spread over the workers: a local runner holds a
            # shuffle in memory, and shuffling every raw page cost more than cleaning it
            # (benchmarks/throughput.py).
            | "SpreadFiles" >> beam.Reshuffle()
        )
        if not self._spread_documents:
            return (
                matched
                | "Open" >> fileio.ReadMatches()
                | "Parse" >> beam.ParDo(ReadInputFile(self._settings)).with_outputs(REJECTS, FILTERED, main=DOCUMENTS)
            )
        return (
            matched
            | "PlanSlices" >> beam.ParDo(_PlanSlices(self._settings, self._slice_bytes))
            | "SpreadSlices" >> beam.Reshuffle()
            | "ParseSlices"
            >> beam.ParDo(ReadInputSlice(self._settings)).with_outputs(REJECTS, FILTERED, main=DOCUMENTS)
        )
