"""A run stopped from outside (a scheduler's SIGTERM, Ctrl-C) publishes nothing, removes what it made,
says why in one line and exits with the shell's status for the signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from article_cleaner.pipelines.stop_signals import RunStopped, stops_raised

PARAGRAPH = (
    "The council voted on Tuesday to extend the harbour wall by two hundred metres, after a winter in which "
    "storms flooded the fish market three times and closed the ferry for eleven days."
)


def _long_corpus(path, documents: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for index in range(documents):
            text = f"Harbour wall, part {index}\n\n" + "\n\n".join(f"{PARAGRAPH} Note {index}-{n}." for n in range(8))
            out.write(json.dumps({"id": f"d{index}", "text": text}) + "\n")


@pytest.mark.parametrize(
    ("stop_signal", "runner_options"),
    [
        # The in-process runner cleans in the launcher's main thread, where the signal lands.
        (signal.SIGTERM, []),
        (signal.SIGINT, ["--direct_running_mode", "multi_processing", "--direct_num_workers", "2"]),
    ],
)
def test_a_run_stopped_by_a_signal_publishes_nothing_and_leaves_no_temporary_folder(
    tmp_path, stop_signal, runner_options
):
    corpus = tmp_path / "corpus.jsonl"
    _long_corpus(corpus, 20_000)  # tens of seconds of cleaning: the signal lands mid-run
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    output = tmp_path / "out"
    command = [
        sys.executable, "-m", "article_cleaner.pipelines.clean_articles",
        "--input", str(corpus), "--output", str(output), "--progress_seconds", "1", *runner_options,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ | {"TMPDIR": str(temporary)}
    )
    lines = []
    for line in process.stderr:  # the run is under way once it reports progress
        lines.append(line)
        if line.startswith("progress:"):
            break
    assert any(line.startswith("progress:") for line in lines), "".join(lines)
    process.send_signal(stop_signal)
    try:
        _, rest = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 128 + stop_signal
    assert f"the run was stopped by {signal.Signals(stop_signal).name}; nothing was published" in rest
    assert "Traceback" not in rest
    assert not output.exists()  # neither published nor staged
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
    assert list(temporary.iterdir()) == []  # the progress tally folder went with the run


def test_outside_the_main_thread_the_block_runs_with_the_handlers_unchanged():
    before = signal.getsignal(signal.SIGTERM)
    seen = []

    def in_a_thread():
        with stops_raised():
            seen.append(signal.getsignal(signal.SIGTERM))

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    assert seen == [before]


def test_a_signal_in_the_block_raises_run_stopped_and_the_old_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(RunStopped) as stopped, stops_raised():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises at once
    assert stopped.value.exit_status == 143
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_signal_the_process_ignores_stays_ignored_in_the_block():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as `nohup article-cleaner ...` starts it
    try:
        with stops_raised():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
