"""Writers: JSON lines (plain or gzipped) and Parquet with the fixed schema read back to the same records."""

from __future__ import annotations

import gzip
import json

import apache_beam as beam
import pyarrow.parquet as parquet
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline

from transforms.records import Article, Caption, Filtered, Reference, Rejected, Removal
from transforms.sinks import ARTICLE_SCHEMA, FILTERED_SCHEMA, REJECT_SCHEMA, WriteRecords, to_json_line

ARTICLE = Article(
    id="storm-1",
    source="batch.jsonl:1",
    url="https://example.org/storm",
    title="Storm closes harbour",
    body="A winter storm closed the harbour on Monday.\n\nPort officials said the closure would last two days.",
    captions=(Caption("Boats in the harbour on Monday.", "Jane Doe/Reuters"), Caption("The breakwater.")),
    references=(Reference("1", "Port authority statement, 4 March."),),
    language="en",
    language_score=0.9999,
    removed=(
        Removal("advertisement", "ads.label", "Advertisement"),
        Removal("copyright", "copyright.notice", "© 2024"),
    ),
    chars_in=200,
    chars_out=97,
    blocks_in=6,
    blocks_kept=2,
    published="2024-03-04",
)
BARE_ARTICLE = Article(
    id="x",
    source="x.txt",
    url=None,
    title=None,
    body="Body.",
    captions=(),
    references=(),
    language=None,
    language_score=None,
    removed=(),
    chars_in=5,
    chars_out=5,
    blocks_in=1,
    blocks_kept=1,
)
REJECT = Rejected("bad.jsonl:2", "malformed_json", "not a JSON value", '{"text": ', 9)
FILTERED = Filtered("crawl.warc.gz:3", "not_html", "content type 'image/png'", "https://example.org/logo.png", 52)


def write(tmp_path, name, records, output_format, compression="none"):
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        pipeline | beam.Create(records) | WriteRecords(str(tmp_path), name, output_format, compression)
    return sorted(tmp_path.glob(f"{name}-*"))


def test_jsonl_round_trip_gives_the_documented_record_byte_for_byte(tmp_path):
    [path] = write(tmp_path, "articles", [ARTICLE], "jsonl")
    assert path.name == "articles-00000-of-00001.jsonl"
    line = path.read_text(encoding="utf-8")
    assert line == to_json_line(ARTICLE) + "\n"
    record = json.loads(line)
    assert list(record) == [field.name for field in ARTICLE_SCHEMA]
    assert record["captions"][0] == {"text": "Boats in the harbour on Monday.", "credit": "Jane Doe/Reuters"}
    assert record["stats"] == {"chars_in": 200, "chars_out": 97, "blocks_in": 6, "blocks_kept": 2}


def test_gzipped_jsonl_round_trip(tmp_path):
    [path] = write(tmp_path, "rejects", [REJECT], "jsonl", "gzip")
    assert path.name == "rejects-00000-of-00001.jsonl.gz"
    assert json.loads(gzip.decompress(path.read_bytes())) == REJECT.to_json_dict()


@pytest.mark.parametrize(
    ("name", "records", "schema"),
    [
        ("articles", [ARTICLE, BARE_ARTICLE], ARTICLE_SCHEMA),
        ("rejects", [REJECT], REJECT_SCHEMA),
        ("filtered", [FILTERED], FILTERED_SCHEMA),
    ],
)
def test_parquet_round_trip_has_the_fixed_schema_and_the_same_records(tmp_path, name, records, schema):
    [path] = write(tmp_path, name, records, "parquet")
    assert path.name == f"{name}-00000-of-00001.parquet"
    table = parquet.read_table(path)
    assert table.schema.equals(schema)
    rows = sorted(table.to_pylist(), key=lambda row: row["source"])
    assert rows == sorted((record.to_json_dict() for record in records), key=lambda row: row["source"])


def test_empty_output_still_writes_a_parquet_file_with_the_schema(tmp_path):
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        empty = pipeline | beam.Create([ARTICLE]) | beam.Filter(lambda _: False)
        empty | WriteRecords(str(tmp_path), "filtered", "parquet")
    [path] = sorted(tmp_path.glob("filtered-*"))
    assert parquet.read_table(path).schema.equals(FILTERED_SCHEMA)


def test_unknown_output_format_is_refused():
    with pytest.raises(ValueError, match="unknown output format 'csv'"):
        WriteRecords("out", "articles", "csv")
