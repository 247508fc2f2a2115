"""Writers: articles, rejects, filtered inputs, duplicates and mined boilerplate as JSON lines
(optionally gzipped) or Parquet, every output of a run in one write with one finalize step.

Both formats carry the same fields (README, Outputs); Parquet's schema is fixed below, so every
shard of every run has the same columns and types whatever the data.
"""

from __future__ import annotations

import json
import uuid
from itertools import chain

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as parquet
from apache_beam.io.filesystem import BeamIOError, CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from article_cleaner.transforms.outcomes import WRITTEN
from article_cleaner.transforms.report.counters import counter

OUTPUT_FORMATS = ("jsonl", "parquet")
OUTPUT_COMPRESSIONS = ("none", "gzip")

_TEXT_AND_CREDIT = pa.struct([("text", pa.string()), ("credit", pa.string())])
_REFERENCE = pa.struct([("id", pa.string()), ("text", pa.string())])
_REMOVAL = pa.struct([("kind", pa.string()), ("rule", pa.string()), ("text", pa.string())])
_STATS = pa.struct(
    [("chars_in", pa.int64()), ("chars_out", pa.int64()), ("blocks_in", pa.int64()), ("blocks_kept", pa.int64())]
)

ARTICLE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        ("url", pa.string()),
        pa.field("site", pa.string(), nullable=False),
        ("title", pa.string()),
        ("published", pa.string()),
        ("author", pa.string()),
        ("site_name", pa.string()),
        pa.field("body", pa.string(), nullable=False),
        ("captions", pa.list_(_TEXT_AND_CREDIT)),
        ("references", pa.list_(_REFERENCE)),
        ("language", pa.string()),
        ("language_score", pa.float64()),
        pa.field("page_type", pa.string(), nullable=False),
        ("page_type_score", pa.float64()),
        ("removed", pa.list_(_REMOVAL)),
        ("stats", _STATS),
    ]
)
REJECT_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        ("detail", pa.string()),
        ("input_prefix", pa.string()),
        ("input_length", pa.int64()),
    ]
)
FILTERED_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        ("detail", pa.string()),
        ("url", pa.string()),
        ("input_length", pa.int64()),
    ]
)
DUPLICATE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        ("url", pa.string()),
        pa.field("duplicate_of", pa.string(), nullable=False),
    ]
)
SITE_BOILERPLATE_SCHEMA = pa.schema(
    [
        pa.field("site", pa.string(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        ("pages", pa.int64()),
        ("site_pages", pa.int64()),
        ("text", pa.string()),
    ]
)
SCHEMAS = {
    "articles": ARTICLE_SCHEMA,
    "rejects": REJECT_SCHEMA,
    "filtered": FILTERED_SCHEMA,
    "duplicates": DUPLICATE_SCHEMA,
    "site_boilerplate": SITE_BOILERPLATE_SCHEMA,
}


def to_json_line(record) -> str:
    """One record as a JSON line; key order is fixed by to_json_dict, so output is byte-stable."""
    return json.dumps(record.to_json_dict(), ensure_ascii=False)


# As Beam's WriteToParquet: rows go into record batches of this many, and batches into row groups
# of about this many bytes.
PARQUET_BATCH_ROWS = 1000
PARQUET_ROW_GROUP_BYTES = 64 * 1024 * 1024


class _JsonLinesFile:
    """One shard of JSON lines, gzipped on the fly when asked (the bytes of Beam's WriteToText)."""

    def __init__(self, path: str, gzipped: bool):
        compression = CompressionTypes.GZIP if gzipped else CompressionTypes.UNCOMPRESSED
        self._handle = FileSystems.create(path, "text/plain", compression)

    def write(self, record) -> None:
        self._handle.write(to_json_line(record).encode("utf-8") + b"\n")

    def close(self) -> None:
        self._handle.close()


class _ParquetFile:
    """One Parquet shard with the output's fixed schema; a shard without rows still has the schema."""

    def __init__(self, path: str, schema: pa.Schema, codec: str):
        self._schema = schema
        self._handle = FileSystems.create(path, "application/x-parquet", CompressionTypes.UNCOMPRESSED)
        # Lists as Beam's WriteToParquet lays them out (element "item"), so they read back to SCHEMAS.
        self._writer = parquet.ParquetWriter(self._handle, schema, compression=codec, use_compliant_nested_type=False)
        self._rows: list[dict] = []
        self._batches: list[pa.RecordBatch] = []
        self._batch_bytes = 0

    def write(self, record) -> None:
        self._rows.append(record.to_json_dict())
        if len(self._rows) >= PARQUET_BATCH_ROWS:
            self._flush_rows()

    def _flush_rows(self) -> None:
        batch = pa.RecordBatch.from_pylist(self._rows, schema=self._schema)
        self._rows = []
        self._batches.append(batch)
        self._batch_bytes += batch.nbytes
        if self._batch_bytes >= PARQUET_ROW_GROUP_BYTES:
            self._write_row_group()

    def _write_row_group(self) -> None:
        self._writer.write_table(pa.Table.from_batches(self._batches, schema=self._schema))
        self._batches = []
        self._batch_bytes = 0

    def close(self) -> None:
        if self._rows:
            self._flush_rows()
        if self._batches:
            self._write_row_group()
        self._writer.close()
        self._handle.close()


class RecordFiles:
    """How the records of one output are laid out: <name>-SSSSS-of-NNNNN plus the format's suffix."""

    def __init__(self, output_format: str = "jsonl", compression: str = "none"):
        if output_format not in OUTPUT_FORMATS or compression not in OUTPUT_COMPRESSIONS:
            raise ValueError(f"unknown output format {output_format!r} or compression {compression!r}")
        self._format = output_format
        self._gzipped = compression == "gzip"

    @property
    def suffix(self) -> str:
        if self._format == "parquet":
            return ".parquet"
        return ".jsonl.gz" if self._gzipped else ".jsonl"

    def shard_name(self, name: str, index: int, shards: int) -> str:
        return f"{name}-{index:05d}-of-{shards:05d}{self.suffix}"

    def open(self, path: str, name: str):
        """A writer with write(record) and close() for output `name` at `path`."""
        if self._format == "parquet":
            # Parquet compresses its own column chunks: snappy by default, gzip when asked.
            return _ParquetFile(path, SCHEMAS[name], "gzip" if self._gzipped else "snappy")
        return _JsonLinesFile(path, self._gzipped)


class _WriteBundleFile(beam.DoFn):
    """One output's records of a bundle -> one temporary file; yields (name, its path) when the
    bundle ends. A retried bundle writes a new file, and only the files that reach the finalize
    step are published."""

    def __init__(self, name: str, files: RecordFiles, temp_dir: str):
        self._name = name
        self._files = files
        self._temp_dir = temp_dir

    def setup(self):
        # Counted where records leave the pipeline: what the run report calls written.
        self._written = counter(WRITTEN + self._name)

    def start_bundle(self):
        self._file = None
        self._path = None
        self._records = 0

    def process(self, record):
        if self._file is None:
            self._path = FileSystems.join(self._temp_dir, f"{self._name}-{uuid.uuid4().hex}")
            self._file = self._files.open(self._path, self._name)
        self._file.write(record)
        self._records += 1

    def finish_bundle(self):
        if self._file is None:
            return
        self._file.close()
        self._written.inc(self._records)
        yield GlobalWindows.windowed_value_at_end_of_window((self._name, self._path))


def _move(sources: list[str], destinations: list[str]) -> None:
    """Renames each source to its destination; a retried finalize skips the ones already moved."""
    try:
        FileSystems.rename(sources, destinations)
    except BeamIOError:
        _move_remaining(sources, destinations)


def _move_remaining(sources: list[str], destinations: list[str]) -> None:
    pairs = list(zip(sources, destinations, strict=True))
    lost = [target for source, target in pairs if not FileSystems.exists(source) and not FileSystems.exists(target)]
    if lost:
        raise OSError(f"neither the temporary file nor the shard exists for {lost}")
    pending = [(source, target) for source, target in pairs if FileSystems.exists(source)]
    if pending:
        FileSystems.rename([source for source, _ in pending], [target for _, target in pending])


class _PublishShards(beam.DoFn):
    """Once, after every bundle file is written: each output's files -> its numbered shards, an empty
    shard for an output without records (as Beam's file sinks leave), then the temporary folder goes."""

    def __init__(self, output_dir: str, names: tuple[str, ...], files: RecordFiles, temp_dir: str):
        self._output_dir = output_dir
        self._names = names
        self._files = files
        self._temp_dir = temp_dir

    def process(self, unused_trigger, *written):
        by_name: dict[str, list[str]] = {name: [] for name in self._names}
        for name, path in chain.from_iterable(written):
            by_name[name].append(path)
        sources, destinations = [], []
        for name in self._names:
            paths = sorted(by_name[name])
            if not paths:
                empty = FileSystems.join(self._temp_dir, f"{name}-empty")
                self._files.open(empty, name).close()
                paths = [empty]
            for index, path in enumerate(paths):
                sources.append(path)
                destinations.append(FileSystems.join(self._output_dir, self._files.shard_name(name, index, len(paths))))
        _move(sources, destinations)
        try:
            FileSystems.delete([self._temp_dir])
        except OSError:  # leftovers of retried bundles, or an object store without folders: harmless
            pass
        yield from destinations


class WriteOutputs(beam.PTransform):
    """{name: records, or a tuple of record PCollections} -> DIR/<name>-SSSSS-of-NNNNN.jsonl[.gz] or
    .parquet for every name (one of SCHEMAS), written together; returns the published paths.

    Each bundle writes its records to a temporary file in the stage that produced them (no
    records are shuffled to a write stage), and one finalize step, which waits for all of them as
    side inputs, numbers the files per output and moves them into place: one step for all outputs
    instead of a chain of stages per output.
    """

    def __init__(self, output_dir: str, output_format: str = "jsonl", compression: str = "none"):
        super().__init__()
        self._output_dir = output_dir
        self._files = RecordFiles(output_format, compression)

    def expand(self, outputs):
        if not outputs:
            raise ValueError("WriteOutputs needs at least one output")
        unknown = sorted(set(outputs) - set(SCHEMAS))
        if unknown:
            raise ValueError(f"unknown outputs {unknown}; outputs are {', '.join(SCHEMAS)}")
        # Beside the shards, so that publishing them is a rename on the same file system.
        temp_dir = FileSystems.join(self._output_dir, f"beam-temp-{uuid.uuid4().hex}")
        written = []
        for name, parts in outputs.items():
            parts = parts if isinstance(parts, tuple) else (parts,)
            for index, records in enumerate(parts):
                written.append(
                    records | f"Write{name}{index}" >> beam.ParDo(_WriteBundleFile(name, self._files, temp_dir))
                )
        publish = _PublishShards(self._output_dir, tuple(outputs), self._files, temp_dir)
        return (
            written[0].pipeline
            | "Once" >> beam.Create([None])
            | "PublishShards" >> beam.ParDo(publish, *[beam.pvalue.AsList(files) for files in written])
        )


class WriteRecords(beam.PTransform):
    """Records with to_json_dict() -> DIR/<name>-SSSSS-of-NNNNN.jsonl[.gz] or .parquet: WriteOutputs
    with one output. name is one of SCHEMAS (it picks the Parquet schema)."""

    def __init__(self, output_dir: str, name: str, output_format: str = "jsonl", compression: str = "none"):
        super().__init__()
        if name not in SCHEMAS:
            raise ValueError(f"unknown output {name!r}; outputs are {', '.join(SCHEMAS)}")
        self._name = name
        self._write = WriteOutputs(output_dir, output_format, compression)

    def expand(self, records):
        return {self._name: records} | self._write


def write_report(output_dir: str, report: dict) -> str:
    """DIR/_report.json: the run's accounting, keys sorted so that equal runs give equal files."""
    path = FileSystems.join(output_dir, "_report.json")
    with FileSystems.create(path) as handle:
        handle.write((json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
