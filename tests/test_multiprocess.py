"""Multi-process local runs (worker subprocesses) give the in-process runner's records."""

from __future__ import annotations

import json

from pipelines.clean_articles import run
from tests.conftest import REPO_ROOT


def records(directory):
    lines = [line for path in directory.glob("articles*.jsonl") for line in path.read_text("utf-8").splitlines()]
    return sorted(lines)


def test_two_worker_processes_write_the_same_records_as_one_process(tmp_path, monkeypatch):
    # Worker processes import the project: from the installed package, or from the repository here.
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    inputs = [str(REPO_ROOT / "examples" / "inputs" / "*"), str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")]
    single, multi = tmp_path / "single", tmp_path / "multi"
    assert run(["--input", inputs[0], "--input", inputs[1], "--output", str(single)]) == 0
    arguments = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
    assert run(["--input", inputs[0], "--input", inputs[1], "--output", str(multi), *arguments]) == 0
    single_records = records(single)
    assert len(single_records) == 31  # 27 corpus pages + 2 JSON lines + 1 text + 1 HTML example
    assert records(multi) == single_records
    assert json.loads((multi / "_report.json").read_text("utf-8"))["balanced"] is True


def test_spreading_documents_over_two_worker_processes_writes_the_same_records(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    corpus = str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")
    single, spread = tmp_path / "single", tmp_path / "spread"
    assert run(["--input", corpus, "--output", str(single)]) == 0
    arguments = ["--direct_running_mode=multi_processing", "--direct_num_workers=2", "--spread_documents=yes"]
    assert run(["--input", corpus, "--output", str(spread), *arguments]) == 0
    assert len(records(single)) == 27  # the recrawled file holds eleven of local_news' pages again
    assert records(spread) == records(single)
    assert json.loads((spread / "_report.json").read_text("utf-8"))["balanced"] is True
