"""Scheduled ingestion: dated partitions published whole, reruns refused or replaced, killed runs
leave nothing in the partition's place."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from article_cleaner.pipelines.clean_articles import run
from article_cleaner.pipelines.partitions import PartitionError, resolve_output

ARTICLE = (
    "Council approves new library for Eastgate\n\n"
    "The city council voted 7-2 on Wednesday to build a new public library in Eastgate, ending a three-year "
    "debate over where the branch should go.\n\n"
    "The two-storey building will replace a converted shop that has served the neighbourhood since 1998."
)


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "library.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def manifest(partition):
    return json.loads((partition / "_SUCCESS").read_text(encoding="utf-8"))


def test_partition_gets_the_date_and_a_manifest(inputs, tmp_path):
    assert (
        run(["--input", str(inputs / "*"), "--output", str(tmp_path / "out" / "dt={date}"), "--date", "2026-11-20"])
        == 0
    )
    partition = tmp_path / "out" / "dt=2026-11-20"
    record = manifest(partition)
    assert record["date"] == "2026-11-20" and record["partition"] == str(partition)
    assert record["counts"] == {"inputs": 1, "written": 1, "rejected_total": 0, "filtered_total": 0, "duplicates": 0}
    assert record["inputs"] == [str(inputs / "library.txt")]
    assert len(record["config_fingerprint"]) == 16 and record["package_version"]
    assert sorted(os.listdir(tmp_path / "out")) == ["dt=2026-11-20"]  # no staging folder left


def test_rerun_of_a_partition_is_refused_without_overwrite_and_replaced_with_it(inputs, tmp_path, capsys):
    arguments = ["--input", str(inputs / "*"), "--output", str(tmp_path / "out" / "dt={date}"), "--date", "2026-11-21"]
    partition = tmp_path / "out" / "dt=2026-11-21"
    assert run(arguments) == 0
    first = manifest(partition)["run_id"]
    assert run(arguments) == 2
    assert "exists already; pass --overwrite" in capsys.readouterr().err
    assert manifest(partition)["run_id"] == first
    assert run([*arguments, "--overwrite"]) == 0
    assert manifest(partition)["run_id"] != first
    assert sorted(os.listdir(tmp_path / "out")) == ["dt=2026-11-21"]  # exactly one copy
    assert len(list(partition.glob("articles*.jsonl"))) == 1


def test_bad_date_is_a_bad_argument(inputs, tmp_path):
    with pytest.raises(PartitionError, match="YYYY-MM-DD"):
        resolve_output("out/dt={date}", "26/11/2026")
    assert run(["--input", str(inputs / "*"), "--output", str(tmp_path / "dt={date}"), "--date", "yesterday"]) == 2


def start_run(arguments, cwd):
    command = [sys.executable, "-m", "article_cleaner", *arguments]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_once_staging_appears(process, parent):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(name.startswith("._staging-") for name in os.listdir(parent)):
            time.sleep(1.0)  # well inside the run: hundreds of documents still to clean
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.05)
    pytest.fail("the run ended before it could be killed midway")


def test_killed_runs_leave_no_success_and_no_partial_partition(inputs, tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    with (big / "batch.jsonl").open("w", encoding="utf-8") as out:
        for number in range(600):
            out.write(json.dumps({"id": f"doc-{number}", "text": ARTICLE.replace("7-2", f"{number}-2")}) + "\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    # a first, killed run of a new partition: the partition does not appear at all
    fresh = start_run(
        ["--input", str(big / "*"), "--output", str(out_dir / "dt={date}"), "--date", "2026-11-22"], tmp_path
    )
    kill_once_staging_appears(fresh, out_dir)
    assert not (out_dir / "dt=2026-11-22").exists()
    assert not list(out_dir.rglob("_SUCCESS"))

    # a complete run, then a killed --overwrite rerun: the complete copy stays as it was
    small = ["--input", str(inputs / "*"), "--output", str(out_dir / "dt={date}"), "--date", "2026-11-22"]
    assert run(small) == 0
    complete = manifest(out_dir / "dt=2026-11-22")
    rerun = start_run(
        ["--input", str(big / "*"), "--output", str(out_dir / "dt={date}"), "--date", "2026-11-22", "--overwrite"],
        tmp_path,
    )
    kill_once_staging_appears(rerun, out_dir)
    assert manifest(out_dir / "dt=2026-11-22") == complete
    assert [path.parent.name for path in out_dir.rglob("_SUCCESS")] == ["dt=2026-11-22"]

    # the next run clears the killed runs' staging folders
    assert run([*small, "--overwrite"]) == 0
    assert sorted(os.listdir(out_dir)) == ["dt=2026-11-22"]
