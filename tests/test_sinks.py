"""Writers: JSON lines (plain or gzipped) and Parquet with the fixed schema read back to the same records;
every output of a run written together, with one finalize step."""

from __future__ import annotations

import gzip
import json

import apache_beam as beam
import pyarrow.parquet as parquet
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline

from article_cleaner.transforms.io.sinks import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    FILTERED_SCHEMA,
    REJECT_SCHEMA,
    SITE_BOILERPLATE_SCHEMA,
    WriteOutputs,
    WriteRecords,
    _move,
    to_json_line,
)
from article_cleaner.transforms.records import Article, Caption, Duplicate, Filtered, Reference, Rejected, Removal
from article_cleaner.transforms.report.counters import COUNTER_NAMESPACE

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
DUPLICATE = Duplicate(
    id="storm-2", source="mirror.jsonl:4", url="https://mirror.example.org/storm", duplicate_of="storm-1"
)


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


def write_outputs(tmp_path, output_format, compression="none"):
    """One run writing every output at once: articles from two PCollections, duplicates, and
    rejects, filtered and site_boilerplate without any record."""
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        first = pipeline | "First" >> beam.Create([ARTICLE])
        second = pipeline | "Second" >> beam.Create([BARE_ARTICLE])
        none = pipeline | "Nothing" >> beam.Create([REJECT]) | beam.Filter(lambda _: False)
        duplicates = pipeline | "Duplicates" >> beam.Create([DUPLICATE])
        outputs = {"articles": (first, second), "rejects": none, "duplicates": duplicates}
        outputs |= {"filtered": none, "site_boilerplate": none}
        outputs | WriteOutputs(str(tmp_path), output_format, compression)
        result = pipeline.run()
    counters: dict[str, int] = {}
    for found in result.metrics().query(MetricsFilter().with_namespace(COUNTER_NAMESPACE))["counters"]:
        counters[found.key.metric.name] = counters.get(found.key.metric.name, 0) + found.committed
    return sorted(path.name for path in tmp_path.iterdir()), counters


def test_one_write_gives_every_output_its_shards_an_empty_one_when_it_has_no_records(tmp_path):
    names, counters = write_outputs(tmp_path, "jsonl")
    assert names == [
        "articles-00000-of-00002.jsonl",
        "articles-00001-of-00002.jsonl",
        "duplicates-00000-of-00001.jsonl",
        "filtered-00000-of-00001.jsonl",
        "rejects-00000-of-00001.jsonl",
        "site_boilerplate-00000-of-00001.jsonl",
    ]  # and no temporary folder left behind
    articles = sorted(line for path in tmp_path.glob("articles-*") for line in path.read_text("utf-8").splitlines())
    assert articles == sorted([to_json_line(ARTICLE), to_json_line(BARE_ARTICLE)])
    assert (tmp_path / "duplicates-00000-of-00001.jsonl").read_text("utf-8") == to_json_line(DUPLICATE) + "\n"
    assert (tmp_path / "rejects-00000-of-00001.jsonl").read_bytes() == b""
    assert counters == {"written.articles": 2, "written.duplicates": 1}


def test_one_gzipped_write_gives_valid_gzip_files_even_when_empty(tmp_path):
    names, _ = write_outputs(tmp_path, "jsonl", "gzip")
    assert all(name.endswith(".jsonl.gz") for name in names) and len(names) == 6
    assert gzip.decompress((tmp_path / "filtered-00000-of-00001.jsonl.gz").read_bytes()) == b""
    lines = gzip.decompress((tmp_path / "duplicates-00000-of-00001.jsonl.gz").read_bytes()).decode("utf-8")
    assert lines == to_json_line(DUPLICATE) + "\n"


@pytest.mark.parametrize("compression", ["none", "gzip"])
def test_one_parquet_write_gives_each_output_its_own_schema(tmp_path, compression):
    names, _ = write_outputs(tmp_path, "parquet", compression)
    assert all(name.endswith(".parquet") for name in names) and len(names) == 6
    schemas = {
        "articles": ARTICLE_SCHEMA,
        "rejects": REJECT_SCHEMA,
        "filtered": FILTERED_SCHEMA,
        "duplicates": DUPLICATE_SCHEMA,
        "site_boilerplate": SITE_BOILERPLATE_SCHEMA,
    }
    for name, schema in schemas.items():
        for path in tmp_path.glob(f"{name}-*.parquet"):
            assert parquet.read_table(path).schema.equals(schema), path.name
    codec = parquet.ParquetFile(tmp_path / "duplicates-00000-of-00001.parquet").metadata.row_group(0).column(0)
    assert codec.compression == ("GZIP" if compression == "gzip" else "SNAPPY")
    [duplicate] = parquet.read_table(tmp_path / "duplicates-00000-of-00001.parquet").to_pylist()
    assert duplicate == DUPLICATE.to_json_dict()


def test_unknown_output_name_is_refused():
    with pytest.raises(ValueError, match="unknown output 'article'"):
        WriteRecords("out", "article")
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        records = pipeline | beam.Create([ARTICLE])
        with pytest.raises(ValueError, match=r"unknown outputs \['articels'\]"):
            {"articels": records} | WriteOutputs("out")


def test_a_retried_finalize_moves_what_is_left_and_keeps_what_was_moved(tmp_path):
    sources = [tmp_path / "tmp-a", tmp_path / "tmp-b"]
    destinations = [tmp_path / "articles-00000-of-00002.jsonl", tmp_path / "articles-00001-of-00002.jsonl"]
    sources[0].write_text("a\n")
    destinations[0].write_text("a\n")  # moved by the first attempt
    sources[1].write_text("b\n")
    _move([str(path) for path in sources], [str(path) for path in destinations])
    assert [path.read_text() for path in destinations] == ["a\n", "b\n"]
    assert not any(path.exists() for path in sources)
    with pytest.raises(OSError, match="neither the temporary file nor the shard"):
        _move([str(tmp_path / "gone")], [str(tmp_path / "never-written")])
