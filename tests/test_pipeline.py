"""The CLI pipeline end to end: records, rejects, counters and exit codes."""

from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.clean_articles import run
from transforms.clean import ARTICLES, REJECTS, CleanArticles
from transforms.records import InputDocument

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
    (inputs / "latin1.txt").write_bytes("Caf\u00e9\n\nCaf\u00e9 au lait".encode("latin-1"))
    (inputs / "batch.jsonl").write_text(
        json.dumps({"id": "story-1", "text": ARTICLE}) + "\n{broken\n" + json.dumps({"text": ["list"]}) + "\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"

    assert run(["--input", str(inputs / "*.txt"), "--input", str(inputs / "*.jsonl"), "--output", str(output)]) == 0

    articles = read_jsonl(output, "articles*.jsonl")
    rejects = read_jsonl(output, "rejects*.jsonl")
    assert sorted(a["source"] for a in articles) == ["batch.jsonl:1", "storm.txt"]
    assert {a["id"] for a in articles if a["source"] == "batch.jsonl:1"} == {"story-1"}
    assert sorted((r["source"], r["reason"]) for r in rejects) == [
        ("batch.jsonl:2", "malformed_json"),
        ("batch.jsonl:3", "invalid_field"),
        ("empty.txt", "empty_input"),
        ("latin1.txt", "undecodable"),
    ]
    storm = next(a for a in articles if a["source"] == "storm.txt")
    assert storm["title"] == "Storm closes harbour"
    assert [r["kind"] for r in storm["removed"]] == ["advertisement", "copyright"]
    assert storm["body"].count("\n\n") == 1
    summary = capsys.readouterr().out
    assert "inputs                                   6" in summary
    assert "articles written                         2" in summary


def test_cli_refuses_a_bad_config_and_a_missing_input_with_exit_code_2(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("patterns: {}\ncaptions: {credit_patterns: []}\ncitations: {}\nlanguage: {}\nlangauge: {}\n")
    assert run(["--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "config.langauge: unknown key" in capsys.readouterr().err
    assert run(["--input", str(tmp_path / "nothing*.txt"), "--output", str(tmp_path / "o")]) == 2
    assert "no file matches" in capsys.readouterr().err
    assert run(["--output", str(tmp_path / "o")]) == 2


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
