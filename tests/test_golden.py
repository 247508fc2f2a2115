"""The two golden articles, run through the real CLI pipeline, match their expected records."""

from __future__ import annotations

import json
import shutil

import pytest

from article_cleaner.pipelines.clean_articles import run

from support import require_shared

EXACT_FIELDS = ("title", "body", "captions", "references", "language")


@pytest.fixture(scope="module")
def golden_records(tmp_path_factory):
    golden_dir = require_shared("golden")
    inputs = tmp_path_factory.mktemp("golden_in")
    for page in golden_dir.glob("*.txt"):
        shutil.copy(page, inputs / page.name)
    output = tmp_path_factory.mktemp("golden_out")
    assert run(["--input", str(inputs / "*.txt"), "--output", str(output)]) == 0
    records = [json.loads(line) for path in output.glob("articles*.jsonl") for line in path.open(encoding="utf-8")]
    return golden_dir, {record["source"]: record for record in records}


def golden_names():
    from support import SHARED_DIR

    names = sorted(path.name for path in (SHARED_DIR / "golden").glob("*.txt"))
    return names or ["npr-blinken-lavrov.txt", "g20-summary-with-citations.txt"]


@pytest.mark.parametrize("name", golden_names())
def test_golden_record_matches_expected_fields_exactly(golden_records, name):
    golden_dir, records = golden_records
    expected = json.loads((golden_dir / name.replace(".txt", ".expected.json")).read_text(encoding="utf-8"))
    record = records[name]
    for field in EXACT_FIELDS:
        assert record[field] == expected[field], field


@pytest.mark.parametrize("name", golden_names())
def test_golden_record_removes_every_expected_piece_with_its_kind(golden_records, name):
    golden_dir, records = golden_records
    expected = json.loads((golden_dir / name.replace(".txt", ".expected.json")).read_text(encoding="utf-8"))
    removed = {(item["kind"], item["text"]) for item in records[name]["removed"]}
    for item in expected["removed"]:
        assert (item["kind"], item["text"]) in removed
    assert all(item["rule"] for item in records[name]["removed"])


def test_golden_records_have_stats_and_stable_ids(golden_records):
    _, records = golden_records
    for record in records.values():
        assert len(record["id"]) == 24
        assert record["stats"]["chars_out"] == len(record["body"])
        assert record["stats"]["blocks_kept"] == record["body"].count("\n\n") + 1
        assert 0.9 <= record["language_score"] <= 1.0
