"""drop_near_duplicates: reprints of one story keep one copy on every runner and rerun, articles on the
same event by other authors are kept, and every input is still counted once."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import apache_beam as beam
import pytest
import yaml
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from article_cleaner.pipelines.clean_articles import run
from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, compile_config, load_config
from article_cleaner.transforms.corpus.drop_near_duplicates import DropNearDuplicates
from article_cleaner.transforms.outcomes import GIANT_BUCKETS
from article_cleaner.transforms.records import Article

from support import article_of

REPRINTS = Path(__file__).parent / "data" / "near_duplicates" / "reprints.jsonl"
MULTI_PROCESSING = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]


def read_jsonl(directory: Path, pattern: str) -> list[dict]:
    return [json.loads(line) for path in sorted(directory.glob(pattern)) for line in path.open(encoding="utf-8")]


def config_file(tmp_path: Path, near_duplicates: dict) -> Path:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["corpus"]["near_duplicates"].update(near_duplicates)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def clean(tmp_path: Path, name: str, lines: list[str], *arguments: str) -> Path:
    inputs = tmp_path / f"{name}-in"
    inputs.mkdir()
    (inputs / "reprints.jsonl").write_text("".join(lines), encoding="utf-8")
    output = tmp_path / name
    assert run(["--input", str(inputs / "*.jsonl"), "--output", str(output), *arguments]) == 0
    return output


@pytest.fixture(scope="module")
def reprint_lines() -> list[str]:
    return REPRINTS.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def every_body_written(reprint_lines, tmp_path_factory) -> dict[str, dict]:
    """The articles with near-duplicates off: what the step has to choose from."""
    folder = tmp_path_factory.mktemp("off")
    output = clean(folder, "off", reprint_lines, "--config", str(config_file(folder, {"enabled": False})))
    return {article["id"]: article for article in read_jsonl(output, "articles*.jsonl")}


def expected_kept(every_body_written: dict[str, dict]) -> str:
    reprints = [article for key, article in every_body_written.items() if key.startswith("reprint-")]
    return min(reprints, key=lambda article: (-len(article["body"]), article["id"]))["id"]


@pytest.mark.parametrize("runner", ["in_process", "multi_processing"])
def test_three_reprints_with_their_own_intros_keep_the_longest_copy_and_the_other_author(
    runner, reprint_lines, every_body_written, tmp_path
):
    assert len(every_body_written) == 4  # nothing else removes any of them
    arguments = MULTI_PROCESSING if runner == "multi_processing" else []
    output = clean(tmp_path, runner, reprint_lines, *arguments)

    kept = expected_kept(every_body_written)
    assert sorted(article["id"] for article in read_jsonl(output, "articles*.jsonl")) == sorted([kept, "other-author"])
    duplicates = read_jsonl(output, "duplicates*.jsonl")
    assert sorted(duplicate["id"] for duplicate in duplicates) == sorted(
        {"reprint-1", "reprint-2", "reprint-3"} - {kept}
    )
    for duplicate in duplicates:
        assert duplicate["duplicate_of"] == kept
        assert duplicate["kind"] == "near"
        assert 0.8 <= duplicate["similarity"] < 1.0
        assert duplicate["url"] == every_body_written[duplicate["id"]]["url"]

    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert report["inputs"] == 4 and report["written"] == 2
    assert report["duplicates"] == report["near_duplicates"] == 2
    assert report["balanced"]
    markdown = (output / "report.md").read_text(encoding="utf-8")
    assert f"| {kept} | {every_body_written[kept]['url']} | 3 |" in markdown


def test_the_kept_copy_is_the_same_whatever_the_order_of_the_inputs(reprint_lines, every_body_written, tmp_path):
    kept = expected_kept(every_body_written)
    for attempt in range(2):
        shuffled = reprint_lines[:]
        random.Random(attempt).shuffle(shuffled)
        output = clean(tmp_path, f"rerun-{attempt}", shuffled)
        assert {duplicate["duplicate_of"] for duplicate in read_jsonl(output, "duplicates*.jsonl")} == {kept}


def test_two_articles_on_the_same_event_by_different_authors_are_both_kept(reprint_lines, tmp_path):
    # The first reprint and the other author's article: same facts, names and figures, other words.
    lines = [line for line in reprint_lines if '"reprint-1"' in line or '"other-author"' in line]
    output = clean(tmp_path, "two-authors", lines)
    assert sorted(article["id"] for article in read_jsonl(output, "articles*.jsonl")) == ["other-author", "reprint-1"]
    assert read_jsonl(output, "duplicates*.jsonl") == []


def test_an_exact_copy_is_reported_as_exact_and_a_near_copy_as_near(reprint_lines, tmp_path):
    copy = json.loads(reprint_lines[0])
    copy["id"], copy["url"] = "reprint-1-copy", "https://mirror.example.com/lead-pipes"
    output = clean(tmp_path, "kinds", [*reprint_lines, json.dumps(copy) + "\n"])
    kinds = {duplicate["id"]: duplicate["kind"] for duplicate in read_jsonl(output, "duplicates*.jsonl")}
    assert kinds["reprint-1-copy"] == "exact"
    assert sorted(kind for key, kind in kinds.items() if key != "reprint-1-copy") == ["near", "near"]
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert report["duplicates"] == 3 and report["near_duplicates"] == 2 and report["balanced"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bands": 25}, "corpus.near_duplicates.bands: must divide permutations"),
        ({"threshold": 1.5}, "corpus.near_duplicates.threshold: must be <= 1"),
        ({"shingle_words": 0}, "corpus.near_duplicates.shingle_words: must be >= 1"),
        ({"enabled": "yes"}, "corpus.near_duplicates.enabled: expected bool"),
        ({"rows": 8}, "corpus.near_duplicates.rows: unknown key"),
        ({"giant_bucket_articles": 1}, "corpus.near_duplicates.giant_bucket_articles: must be >= 2"),
    ],
)
def test_invalid_near_duplicate_settings_name_their_key(change, message):
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["corpus"]["near_duplicates"].update(change)
    with pytest.raises(ConfigError, match=message):
        compile_config(raw)


def _reprint_article(number: int, body: str) -> Article:
    return article_of(
        body,
        id=f"wire-{number}",
        source=f"wire.jsonl:{number}",
        url=f"https://paper{number}.example.com/lead-pipes",
        blocks_in=1,
        blocks_kept=1,
    )


def _giant_buckets_counted(reprint_lines, giant_bucket_articles: int, tmp_path: Path) -> int:
    body = json.loads(reprint_lines[0])["text"]
    settings = replace(load_config().corpus.near_duplicates, giant_bucket_articles=giant_bucket_articles)
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
    _ = (
        pipeline
        | beam.Create([_reprint_article(number, body) for number in range(3)])
        | DropNearDuplicates(settings, spill_root=str(tmp_path))
    )
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name(GIANT_BUCKETS))["counters"]
    return sum(counter.committed or 0 for counter in counters)


def test_band_buckets_of_giant_bucket_articles_or_more_are_counted(reprint_lines, tmp_path):
    # Three copies of one body share a bucket in each of the 24 bands.
    assert _giant_buckets_counted(reprint_lines, 3, tmp_path) == load_config().corpus.near_duplicates.bands
    assert _giant_buckets_counted(reprint_lines, 4, tmp_path) == 0
