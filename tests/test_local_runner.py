"""The default local runner hands the run's Beam options to its workers, and the launcher drops the
start-up warnings Beam's workers relay that a user cannot act on."""

from __future__ import annotations

import logging

from apache_beam.options.pipeline_options import PipelineOptions

from article_cleaner.pipelines.clean_articles import CleanArticlesOptions
from article_cleaner.pipelines.local_runner import WORKER_LOG_LEVEL, worker_options
from article_cleaner.pipelines.quiet_imports import MAIN_SESSION_WARNING, silence_apitools_warning


def test_workers_get_the_beam_options_of_the_run_but_not_the_commands_own():
    options = PipelineOptions(["--input", "in/*.jsonl", "--output", "out", "--pickle_library", "dill"])
    handed = worker_options(options, CleanArticlesOptions)
    assert handed["pickle_library"] == "dill"
    assert "input" not in handed and "output" not in handed
    assert handed["default_sdk_harness_log_level"] == WORKER_LOG_LEVEL


def test_a_log_level_the_user_chose_for_the_workers_is_kept():
    options = PipelineOptions(["--default_sdk_harness_log_level", "DEBUG"])
    assert worker_options(options, CleanArticlesOptions)["default_sdk_harness_log_level"] == "DEBUG"


def test_relayed_worker_start_up_warnings_are_dropped_and_other_worker_lines_kept(caplog):
    silence_apitools_warning()
    relay = logging.getLogger("apache_beam.runners.portability.local_job_service")
    with caplog.at_level(logging.WARNING):
        relay.warning("Worker: %s", f'severity: WARN message: "{MAIN_SESSION_WARNING}:  objects"')
        relay.warning("Worker: %s", 'severity: ERROR message: "Traceback: ValueError in a DoFn"')
    assert [record.getMessage() for record in caplog.records] == [
        'Worker: severity: ERROR message: "Traceback: ValueError in a DoFn"'
    ]


def test_a_multi_process_run_prints_no_worker_start_up_lines(tmp_path):
    import subprocess
    import sys

    from support import REPO_ROOT

    command = [
        sys.executable, "-m", "article_cleaner", "--input", str(REPO_ROOT / "examples" / "inputs" / "*"),
        "--output", str(tmp_path / "out"), "--direct_running_mode", "multi_processing", "--direct_num_workers", "2",
    ]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    # Before the worker entry point of our own, each worker printed three of these.
    for start_up_line in ("apitools not found", "Logging handler created", MAIN_SESSION_WARNING):
        assert start_up_line not in finished.stderr
    assert "articles written" in finished.stdout
