"""Scheduled ingestion: dated partitions published whole, reruns refused or replaced, killed runs
leave nothing in the partition's place."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def _big_batch(tmp_path, documents: int = 600):
    big = tmp_path / "big"
    big.mkdir()
    with (big / "batch.jsonl").open("w", encoding="utf-8") as out:
        for number in range(documents):
            out.write(json.dumps({"id": f"doc-{number}", "text": ARTICLE.replace("7-2", f"{number}-2")}) + "\n")
    return big


def test_killed_runs_leave_no_success_and_no_partial_partition(inputs, tmp_path):
    big = _big_batch(tmp_path)
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


def test_a_run_overlapping_a_live_run_of_its_partition_is_refused_and_the_live_run_publishes(inputs, tmp_path, capsys):
    big = _big_batch(tmp_path, 3000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    partition = ["--output", str(out_dir / "dt={date}"), "--date", "2026-11-22"]
    first = start_run(["--input", str(big / "*"), *partition], tmp_path)
    deadline = time.monotonic() + 60
    while not any(name.startswith("._staging-") for name in os.listdir(out_dir)):
        assert first.poll() is None and time.monotonic() < deadline, "the first run ended before the second started"
        time.sleep(0.05)
    # A scheduler's retry while the first attempt still runs: it must not clear the live staging folder.
    assert run(["--input", str(inputs / "*"), *partition, "--overwrite"]) == 2
    refusal = capsys.readouterr().err
    assert f"another run of {out_dir / 'dt=2026-11-22'} is in progress" in refusal
    assert f"process {first.pid}" in refusal
    assert first.wait(timeout=300) == 0
    assert manifest(out_dir / "dt=2026-11-22")["counts"]["inputs"] == 3000
    assert sorted(os.listdir(out_dir)) == ["dt=2026-11-22"]  # no staging folder, no lock file left


def test_a_refused_run_creates_no_folder_for_its_output(tmp_path):
    output = tmp_path / "new" / "nested" / "dt={date}"
    assert run(["--input", str(tmp_path / "nothing" / "*"), "--output", str(output)]) == 2
    assert not (tmp_path / "new").exists()


def test_an_output_that_cannot_be_written_is_refused_in_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert run(["--input", str(tmp_path / "*"), "--output", str(blocker / "out")]) == 2
    assert f"cannot write beside --output {blocker / 'out'}" in capsys.readouterr().err


def test_stale_staging_of_a_target_is_removed_and_that_of_a_target_named_like_it_kept(tmp_path):
    from article_cleaner.pipelines.partitions import new_run_id, remove_stale_staging, staging_folder

    mine = [staging_folder(str(tmp_path / "out"), new_run_id()) for _ in range(2)]
    mine.append(mine[0] + ".replaced")  # a publish killed between its two renames
    other = staging_folder(str(tmp_path / "out-de"), new_run_id())  # another target's run
    for folder in (*mine, other):
        os.makedirs(folder)
    assert sorted(remove_stale_staging(str(tmp_path / "out"))) == sorted(mine)
    assert [path.name for path in tmp_path.iterdir()] == [os.path.basename(other)]


@pytest.mark.parametrize("new_copy_finished", [True, False])
def test_a_publish_killed_between_its_renames_is_finished_or_undone_by_the_next_run(
    inputs, tmp_path, new_copy_finished
):
    from article_cleaner.pipelines.partitions import new_run_id, staging_folder

    out_dir = tmp_path / "out"
    partition = ["--input", str(inputs / "*"), "--output", str(out_dir / "dt={date}"), "--date", "2026-11-22"]
    assert run(partition) == 0
    target = out_dir / "dt=2026-11-22"
    old_manifest = manifest(target)
    # The killed publish: the old copy renamed aside, the new copy (finished, or not) still staged.
    staging = staging_folder(str(target), new_run_id())
    os.replace(target, staging + ".replaced")
    os.makedirs(staging)
    if new_copy_finished:
        (Path(staging) / "_SUCCESS").write_text(json.dumps({"run_id": "the new run"}), encoding="utf-8")
    # The next run without --overwrite finds the partition in place, and leaves it alone.
    assert run(partition) == 2
    expected = {"run_id": "the new run"} if new_copy_finished else old_manifest
    assert manifest(target) == expected
    assert not Path(staging + ".replaced").exists()


def test_a_target_lies_in_its_own_folder_also_at_the_root_or_relative():
    from article_cleaner.pipelines.partitions import split_target

    assert split_target("/out") == ("/", "out")  # was ".": staging beside the working directory
    assert split_target("out/") == (".", "out")
    assert split_target("data/out") == ("data", "out")
    assert split_target("gs://bucket/articles/dt=2026-11-22") == ("gs://bucket/articles", "dt=2026-11-22")
