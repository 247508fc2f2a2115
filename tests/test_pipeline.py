"""The CLI pipeline end to end: records, rejects, counters and exit codes."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as parquet
import pytest
import yaml
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from article_cleaner.pipelines.clean_articles import run
from article_cleaner.transforms.clean import CleanArticles
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH
from article_cleaner.transforms.outcomes import ARTICLES, DOCUMENTS, INTERNAL_ERROR, REJECTS
from article_cleaner.transforms.records import InputDocument

REPO_ROOT = Path(__file__).resolve().parent.parent
HOSTILE_DIR = REPO_ROOT / "tests" / "data" / "hostile"

ARTICLE = (
    "Storm closes harbour\n\n"
    "A winter storm closed the harbour on Monday, stranding dozens of fishing boats and their crews.\n\n"
    "Port officials said the closure would last at least two days while crews cleared debris from the channel.\n\n"
    "Advertisement\n\n"
    "© 2024 Coastal Times. All rights reserved."
)


def read_jsonl(directory, pattern):
    return [json.loads(line) for path in sorted(directory.glob(pattern)) for line in path.open(encoding="utf-8")]


def test_cli_writes_articles_and_accounts_for_every_bad_input(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "storm.txt").write_text(ARTICLE, encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    (inputs / "latin1.txt").write_bytes(ARTICLE.replace("Monday", "Montag in K\u00f6ln").encode("latin-1"))
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (inputs / "batch.jsonl").write_text(
        json.dumps({"id": "story-1", "text": ARTICLE}) + "\n{broken\n" + json.dumps({"text": ["list"]}) + "\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"

    assert run(["--input", str(inputs / "*.txt"), "--input", str(inputs / "*.jsonl"), "--output", str(output)]) == 0

    articles = read_jsonl(output, "articles*.jsonl")
    rejects = read_jsonl(output, "rejects*.jsonl")
    duplicates = read_jsonl(output, "duplicates*.jsonl")
    # batch.jsonl:1 carries the same story as storm.txt: one copy is kept, the smaller id
    assert sorted(a["source"] for a in articles) == ["latin1.txt", "storm.txt"]
    storm_id = next(a["id"] for a in articles if a["source"] == "storm.txt")
    assert storm_id < "story-1"
    assert duplicates == [
        {
            "id": "story-1",
            "source": "batch.jsonl:1",
            "url": None,
            "duplicate_of": storm_id,
            "kind": "exact",
            "similarity": None,
        }
    ]
    assert sorted((r["source"], r["reason"]) for r in rejects) == [
        ("batch.jsonl:2", "malformed_json"),
        ("batch.jsonl:3", "invalid_field"),
        ("binary.txt", "undecodable"),
        ("empty.txt", "empty_input"),
    ]
    storm = next(a for a in articles if a["source"] == "storm.txt")
    assert storm["title"] == "Storm closes harbour"
    assert [r["kind"] for r in storm["removed"]] == ["advertisement", "copyright"]
    assert storm["body"].count("\n\n") == 1
    assert "Montag in Köln" in next(a["body"] for a in articles if a["source"] == "latin1.txt")
    summary = capsys.readouterr().out
    assert "inputs                                   7" in summary
    assert "articles written                         2" in summary
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert {key: report[key] for key in ("inputs", "written", "rejected", "filtered", "duplicates", "balanced")} == {
        "inputs": 7,
        "written": 2,
        "rejected": {"empty_input": 1, "invalid_field": 1, "malformed_json": 1, "undecodable": 1},
        "filtered": {},
        "duplicates": 1,
        "balanced": True,
    }


def test_cli_refuses_a_bad_config_and_a_missing_input_with_exit_code_2(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("patterns: {}\ncaptions: {credit_patterns: []}\ncitations: {}\nlanguage: {}\nlangauge: {}\n")
    assert run(["--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "config.langauge: unknown key" in capsys.readouterr().err
    assert run(["--input", str(tmp_path / "nothing*.txt"), "--output", str(tmp_path / "o")]) == 2
    assert "no file matches" in capsys.readouterr().err
    assert run(["--output", str(tmp_path / "o")]) == 2
    assert run(["--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "o"), "--field_map", "body=x"]) == 2
    assert "--field_map 'body': unknown field" in capsys.readouterr().err
    limits_typo = tmp_path / "limits.yaml"
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["limits"]["max_documnet_bytes"] = 5
    limits_typo.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert run(["--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "o"), "--config", str(limits_typo)]) == 2
    assert "limits.max_documnet_bytes: unknown key" in capsys.readouterr().err


def test_two_runs_over_the_same_inputs_give_byte_identical_records(tmp_path):
    shutil.copytree(REPO_ROOT / "examples" / "inputs", tmp_path / "in")
    (tmp_path / "in" / "crawl.warc.gz").write_bytes((HOSTILE_DIR / "mixed.warc.gz").read_bytes())
    (tmp_path / "in" / "types.jsonl").write_bytes((HOSTILE_DIR / "wrong-types.jsonl").read_bytes())
    runs = []
    for name in ("first", "second"):
        argv = ["--input", str(tmp_path / "in" / "*"), "--output", str(tmp_path / name), "--direct_num_workers", "2"]
        assert run(argv) == 0
        runs.append(
            {
                pattern: sorted(
                    line for path in (tmp_path / name).glob(pattern) for line in path.read_text("utf-8").splitlines()
                )
                for pattern in ("articles-*", "rejects-*", "filtered-*", "_report.json")
            }
        )
    first, second = runs
    assert first == second
    assert len(first["articles-*"]) >= 4 and len(first["rejects-*"]) >= 6 and len(first["filtered-*"]) == 2
    ids = [json.loads(line)["id"] for line in first["articles-*"]]
    assert len(set(ids)) == len(ids)


def test_cli_writes_parquet_and_gzipped_jsonl_when_asked(tmp_path):
    inputs = tmp_path / "storm.txt"
    inputs.write_text(ARTICLE, encoding="utf-8")
    assert run(["--input", str(inputs), "--output", str(tmp_path / "pq"), "--output_format", "parquet"]) == 0
    [articles] = parquet.read_table(sorted((tmp_path / "pq").glob("articles-*.parquet"))).to_pylist()
    assert articles["title"] == "Storm closes harbour" and articles["stats"]["blocks_kept"] == 2
    assert run(["--input", str(inputs), "--output", str(tmp_path / "gz"), "--compress"]) == 0
    [path] = sorted((tmp_path / "gz").glob("articles-*.jsonl.gz"))
    assert json.loads(gzip.decompress(path.read_bytes()))["title"] == "Storm closes harbour"


def test_clean_articles_transform_is_usable_in_another_pipeline(config):
    documents = [
        InputDocument(source="a", id="a", text=ARTICLE),
        InputDocument(source="b", id="b", text="   "),
    ]
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        outputs = pipeline | beam.Create(documents) | CleanArticles(config)
        assert_that(outputs[ARTICLES] | "ArticleIds" >> beam.Map(lambda a: (a.id, a.language)), equal_to([("a", "en")]))
        assert_that(
            outputs[REJECTS] | "RejectReasons" >> beam.Map(lambda r: (r.source, r.reason)),
            equal_to([("b", "empty_input")]),
            label="rejects",
        )


def test_documents_are_spread_by_default_only_on_distributed_runners():
    from article_cleaner.pipelines.clean_articles import spreads_documents

    assert not spreads_documents("auto", None)
    assert not spreads_documents("auto", "FnApiRunner")
    assert spreads_documents("auto", "DataflowRunner") and spreads_documents("auto", "PortableRunner")
    assert spreads_documents("yes", "FnApiRunner") and not spreads_documents("no", "DataflowRunner")


def test_cli_publishes_one_shard_per_output_even_an_empty_one_and_no_temporary_files(tmp_path):
    (tmp_path / "storm.txt").write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "out"
    assert run(["--input", str(tmp_path / "storm.txt"), "--output", str(output)]) == 0
    assert sorted(path.name for path in output.iterdir()) == [
        "_SUCCESS",
        "_near_duplicate_clusters.json",
        "_report.json",
        "_top_site_boilerplate.json",
        "_top_sites.json",
        "articles-00000-of-00001.jsonl",
        "duplicates-00000-of-00001.jsonl",
        "filtered-00000-of-00001.jsonl",
        "rejects-00000-of-00001.jsonl",
        "report.md",
        "site_boilerplate-00000-of-00001.jsonl",
    ]
    assert [json.loads(line)["source"] for line in (output / "articles-00000-of-00001.jsonl").open()] == ["storm.txt"]
    assert (output / "rejects-00000-of-00001.jsonl").read_bytes() == b""
    assert json.loads((output / "_top_sites.json").read_text()) == [{"site": f"folder:{tmp_path}", "articles": 1}]


def test_removal_counters_tally_the_removals_of_the_written_records(tmp_path):
    output = tmp_path / "out"
    inputs = [str(path) for path in sorted((REPO_ROOT / "tests" / "data" / "html").glob("*.html"))]
    assert run([arg for path in inputs for arg in ("--input", path)] + ["--output", str(output)]) == 0

    articles = read_jsonl(output, "articles*.jsonl")
    assert len(articles) == len(inputs)
    tally: dict[str, int] = {}
    for article in articles:
        for removal in article["removed"]:
            tally[removal["kind"]] = tally.get(removal["kind"], 0) + 1
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert len(tally) > 1 and max(tally.values()) > 1  # several kinds, some more than once
    assert report["removed"] == tally


@pytest.mark.parametrize("spread", ["yes", "no"])
def test_documents_go_straight_from_their_reader_to_cleaning_without_a_shuffle(spread, tmp_path):
    # A local runner holds a shuffle in the launcher's memory: spreading once shuffled every raw
    # page there (3.26 GB at 3,000 documents). Only files and slices of them may be shuffled.
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.pipeline import PipelineVisitor

    from article_cleaner.pipelines.clean_articles import CleanArticlesOptions, build_pipeline
    from article_cleaner.transforms.config.loading import load_config
    from article_cleaner.transforms.io.field_mapping import parse_field_map

    corpus = str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")
    options = PipelineOptions(["--input", corpus, "--output", str(tmp_path), "--spread_documents", spread])
    pipeline = beam.Pipeline(runner="FnApiRunner", options=options)
    build_pipeline(pipeline, options.view_as(CleanArticlesOptions), load_config(), parse_field_map(None), str(tmp_path))

    class Consumers(PipelineVisitor):
        def __init__(self):
            self.documents, self.consumers = None, {}

        def visit_transform(self, node):
            if node.full_label.startswith("Read/Parse"):
                self.documents = node.outputs[None]
            for consumed in node.inputs:
                self.consumers.setdefault(consumed, []).append(node.full_label)

    visitor = Consumers()
    pipeline.visit(visitor)
    consumers = visitor.consumers[visitor.documents]
    # Besides cleaning, only the progress count reads them: a ParDo, fused with the reader.
    cleaning = [label for label in consumers if label != "ProgressRead/ParDo(ReportProgress)"]
    assert cleaning and all(label.startswith("CleanArticles/") for label in cleaning), consumers


def test_slices_of_a_file_spread_over_the_workers_give_the_documents_of_reading_it_whole(tmp_path):
    from article_cleaner.transforms.io.sources import ReadDocuments, ReadSettings

    corpus = str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        whole = pipeline | "Whole" >> ReadDocuments([corpus], ReadSettings())
        sliced = pipeline | "Sliced" >> ReadDocuments([corpus], ReadSettings(), spread_documents=True, slice_bytes=500)
        documents = (whole[DOCUMENTS], sliced[DOCUMENTS]) | beam.Flatten() | beam.combiners.Count.PerElement()
        # each of the 42 documents read once each way, under the same name
        assert_that(documents | beam.Map(lambda item: item[1]), equal_to([2] * 42))


def test_a_bug_in_cleaning_one_document_sends_it_to_rejects_as_internal_error_and_the_rest_go_on(config, monkeypatch):
    from article_cleaner.transforms import clean

    real_clean = clean.clean_document_in_time

    def fails_on_one(document, *args):
        if document.id == "b":
            raise KeyError("a bug in one rule")
        return real_clean(document, *args)

    monkeypatch.setattr(clean, "clean_document_in_time", fails_on_one)
    documents = [InputDocument(source="a", id="a", text=ARTICLE), InputDocument(source="b", id="b", text=ARTICLE)]
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        outputs = pipeline | beam.Create(documents) | CleanArticles(config)
        assert_that(outputs[ARTICLES] | "ArticleIds" >> beam.Map(lambda a: a.id), equal_to(["a"]))
        assert_that(
            outputs[REJECTS]
            | "RejectReasons"
            >> beam.Map(lambda r: (r.source, r.reason, r.detail.splitlines()[0], ARTICLE[:40] in r.input_prefix)),
            equal_to([("b", INTERNAL_ERROR, "KeyError: 'a bug in one rule'", True)]),
            label="rejects",
        )


def test_a_run_that_loses_a_document_publishes_nothing_and_exits_1(tmp_path, monkeypatch, capsys):
    from article_cleaner.transforms import clean

    real_process = clean.CleanDocumentFn.process

    def loses_one(self, document):
        if document.source != "lost.txt":  # a step that drops a document without a record: a bug
            yield from real_process(self, document)

    monkeypatch.setattr(clean.CleanDocumentFn, "process", loses_one)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "storm.txt").write_text(ARTICLE, encoding="utf-8")
    (inputs / "lost.txt").write_text(ARTICLE.replace("harbour", "port"), encoding="utf-8")
    output = tmp_path / "out"

    assert run(["--input", str(inputs / "*.txt"), "--output", str(output)]) == 1

    captured = capsys.readouterr()
    assert "inputs are unaccounted for; nothing was published" in captured.err
    assert "ACCOUNTING MISMATCH" in captured.out
    assert not output.exists()
    (staging,) = tmp_path.glob("._staging-out-*")  # kept for inspection, with the report that shows the gap
    report = json.loads((staging / "_report.json").read_text(encoding="utf-8"))
    assert (report["inputs"], report["written"], report["balanced"]) == (2, 1, False)
    assert not (staging / "_SUCCESS").exists()


def mistakes(tmp_path):
    """Each mistake of the command line, as the arguments that make it."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    story = {"content": ARTICLE, "link": "https://coastal-times.example/storm"}
    (tmp_path / "crawl.jsonl").write_text(json.dumps(story) + "\n", encoding="utf-8")
    (tmp_path / "taken.txt").write_text("not an output folder", encoding="utf-8")
    output = str(tmp_path / "out")
    page = str(tmp_path / "pages" / "a.txt")
    return {
        "is a folder; name its files": ["--input", str(tmp_path / "pages"), "--output", output],
        "no file matches --input": ["--input", str(tmp_path / "missing*.txt"), "--output", output],
        "pass --field_map text=content": ["--input", str(tmp_path / "crawl.jsonl"), "--output", output],
        "--field_map url=lnik: ": [
            "--input",
            str(tmp_path / "crawl.jsonl"),
            "--output",
            output,
            "--field_map",
            "text=content,url=lnik",
        ],
        "is a file, not a folder": ["--input", page, "--output", str(tmp_path / "taken.txt"), "--overwrite"],
        "(did you mean --direct_num_workers?)": ["--input", page, "--output", output, "--direct_num_wrokers", "2"],
        "invalid choice: 'bogus'": ["--input", page, "--output", output, "--direct_running_mode", "bogus"],
        "(did you mean 'deduplicate'?": ["--input", page, "--output", output, "--set", "corpus.dedupliate=false"],
    }


@pytest.mark.parametrize(
    "expected",
    [
        "is a folder; name its files",
        "no file matches --input",
        "pass --field_map text=content",
        "--field_map url=lnik: ",
        "is a file, not a folder",
        "(did you mean --direct_num_workers?)",
        "invalid choice: 'bogus'",
        "(did you mean 'deduplicate'?",
    ],
)
def test_each_command_line_mistake_is_one_line_and_exit_2_and_leaves_nothing_behind(expected, tmp_path, capsys):
    arguments = mistakes(tmp_path)[expected]
    before = sorted(path.name for path in tmp_path.iterdir())
    assert run(arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("article-cleaner: ") and error.count("\n") == 1
    assert expected in error
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # no output, no ._staging-* folder
    assert (tmp_path / "taken.txt").read_text(encoding="utf-8") == "not an output folder"


def test_set_changes_one_config_value_for_one_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("first.txt", "copy.txt"):
        (inputs / name).write_text(ARTICLE, encoding="utf-8")
    assert run(["--input", str(inputs / "*"), "--output", str(tmp_path / "dedup")]) == 0
    assert (
        run(["--input", str(inputs / "*"), "--output", str(tmp_path / "all"), "--set", "corpus.deduplicate=false"]) == 0
    )
    assert len(read_jsonl(tmp_path / "dedup", "articles-*")) == 1
    assert len(read_jsonl(tmp_path / "all", "articles-*")) == 2


def test_a_run_reports_progress_and_a_final_count_on_stderr(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = [
        json.dumps(
            {
                "id": str(day),
                "text": f"Storm closes harbour for day {day}\n\n"
                f"A winter storm kept the harbour closed for day {day}, stranding {day + 12} fishing boats.\n\n"
                f"Port officials said {day * 3 + 5} crews worked through night {day} to clear the channel.",
            }
        )
        for day in range(40)
    ]
    (inputs / "days.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    arguments = ["--input", str(inputs / "*"), "--output", str(tmp_path / "out"), "--progress_seconds", "0.000001"]
    assert run(arguments) == 0
    error = capsys.readouterr().err
    assert re.search(r"^progress: \d+ documents read \([\d,]+/s, 1 worker\)$", error, re.MULTILINE)
    assert re.search(r"^progress: \d+ articles written ", error, re.MULTILINE)
    assert re.search(r"^progress: done in [\d,]+ s: 40 inputs, 40 articles written$", error, re.MULTILINE)
    assert run([*arguments[:3], str(tmp_path / "quiet"), "--progress_seconds", "0"]) == 0
    assert "progress:" not in capsys.readouterr().err


def test_the_command_names_itself_in_its_usage_and_starts_without_beams_apitools_warning():
    command = [sys.executable, "-m", "article_cleaner", "--help"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0
    assert finished.stdout.startswith("usage: article-cleaner ")
    assert "--set KEY.PATH=VALUE" in finished.stdout
    assert "Exit status: 0 published" in " ".join(finished.stdout.split())  # what a scheduler keys on
    assert "apitools" not in finished.stderr
