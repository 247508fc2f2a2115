"""Multi-process local runs (worker subprocesses) give the in-process runner's records."""

from __future__ import annotations

import json

from article_cleaner.pipelines.clean_articles import run

from support import REPO_ROOT


def records(directory):
    lines = [line for path in directory.glob("articles*.jsonl") for line in path.read_text("utf-8").splitlines()]
    return sorted(lines)


def test_two_worker_processes_write_the_same_records_as_one_process(tmp_path, monkeypatch):
    inputs = [str(REPO_ROOT / "examples" / "inputs" / "*"), str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")]
    single, multi = tmp_path / "single", tmp_path / "multi"
    assert run(["--input", inputs[0], "--input", inputs[1], "--output", str(single)]) == 0
    arguments = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
    assert run(["--input", inputs[0], "--input", inputs[1], "--output", str(multi), *arguments]) == 0
    single_records = records(single)
    assert len(single_records) == 31  # 27 corpus pages + 2 JSON lines + 1 text + 1 HTML example
    assert records(multi) == single_records
    assert json.loads((multi / "_report.json").read_text("utf-8"))["balanced"] is True


def test_a_document_past_its_budget_in_a_worker_process_is_rejected_and_the_others_written(tmp_path, monkeypatch):
    import yaml

    from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH

    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["limits"]["time_budget_seconds"] = 0.5
    config = tmp_path / "half-second.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "many-blocks.txt").write_text("Title\n\n" + "Harbour.\n\n" * 300_000, encoding="utf-8")
    for example in ("harbour-storm.txt", "bridge-reopens.html"):
        (inputs / example).write_bytes((REPO_ROOT / "examples" / "inputs" / example).read_bytes())
    output = tmp_path / "out"
    arguments = ["--direct_running_mode=multi_processing", "--direct_num_workers=2", "--config", str(config)]
    assert run(["--input", str(inputs / "*"), "--output", str(output), *arguments]) == 0
    rejects = [
        json.loads(line) for path in output.glob("rejects*.jsonl") for line in path.read_text("utf-8").splitlines()
    ]
    assert [(reject["source"], reject["reason"]) for reject in rejects] == [("many-blocks.txt", "time_budget_exceeded")]
    assert len(records(output)) == 2
    assert json.loads((output / "_report.json").read_text("utf-8"))["balanced"] is True


def test_spreading_documents_over_two_worker_processes_writes_the_same_records(tmp_path, monkeypatch):
    corpus = str(REPO_ROOT / "tests" / "data" / "corpus" / "*.jsonl")
    single, spread = tmp_path / "single", tmp_path / "spread"
    assert run(["--input", corpus, "--output", str(single)]) == 0
    arguments = ["--direct_running_mode=multi_processing", "--direct_num_workers=2", "--spread_documents=yes"]
    assert run(["--input", corpus, "--output", str(spread), *arguments]) == 0
    assert len(records(single)) == 27  # the recrawled file holds eleven of local_news' pages again
    assert records(spread) == records(single)
    assert json.loads((spread / "_report.json").read_text("utf-8"))["balanced"] is True
