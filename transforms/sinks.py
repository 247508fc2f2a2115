"""Writers: articles, rejects and filtered inputs as JSON lines (optionally gzipped) or Parquet.

Both formats carry the same fields (README, Outputs); Parquet's schema is fixed below, so every
shard of every run has the same columns and types whatever the data.
"""

from __future__ import annotations

import json

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.counters import counter

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


class WriteRecords(beam.PTransform):
    """Records with to_json_dict() -> DIR/<name>-SSSSS-of-NNNNN.jsonl[.gz] or .parquet.

    name is one of articles, rejects, filtered (it picks the Parquet schema).
    """

    def __init__(self, output_dir: str, name: str, output_format: str = "jsonl", compression: str = "none"):
        super().__init__()
        if output_format not in OUTPUT_FORMATS or compression not in OUTPUT_COMPRESSIONS:
            raise ValueError(f"unknown output format {output_format!r} or compression {compression!r}")
        self._prefix = FileSystems.join(output_dir, name)
        self._name = name
        self._schema = SCHEMAS[name]
        self._format = output_format
        self._compression = compression

    def expand(self, records):
        # Counted where records leave the pipeline: what the run report calls written.
        written = counter(f"written.{self._name}")

        def count(record):
            written.inc()
            return record

        records = records | "Count" >> beam.Map(count)
        if self._format == "parquet":
            # Parquet compresses its own column chunks: snappy by default, gzip when asked.
            return (
                records
                | "AsDicts" >> beam.Map(lambda record: record.to_json_dict())
                | "Write"
                >> beam.io.WriteToParquet(
                    self._prefix,
                    self._schema,
                    codec="gzip" if self._compression == "gzip" else "snappy",
                    file_name_suffix=".parquet",
                )
            )
        gzipped = self._compression == "gzip"
        return (
            records
            | "Serialize" >> beam.Map(to_json_line)
            | "Write"
            >> beam.io.WriteToText(
                self._prefix,
                file_name_suffix=".jsonl.gz" if gzipped else ".jsonl",
                compression_type=CompressionTypes.GZIP if gzipped else CompressionTypes.UNCOMPRESSED,
            )
        )


def write_report(output_dir: str, report: dict) -> str:
    """DIR/_report.json: the run's accounting, keys sorted so that equal runs give equal files."""
    path = FileSystems.join(output_dir, "_report.json")
    with FileSystems.create(path) as handle:
        handle.write((json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
