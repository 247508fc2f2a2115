"""The local worker's entry point drops Beam's two start-up messages and nothing else (a run's own
output is checked in test_local_runner.py)."""

from __future__ import annotations

import logging

from article_cleaner.pipelines.local_worker import HANDLER_CREATED, _WithoutStartupLines
from article_cleaner.pipelines.quiet_imports import MAIN_SESSION_WARNING


def test_the_workers_filter_drops_only_the_start_up_lines():
    def record(level, message):
        return logging.LogRecord("apache_beam.runners.worker.sdk_worker_main", level, __file__, 1, message, (), None)

    quiet = _WithoutStartupLines()
    assert not quiet.filter(record(logging.INFO, HANDLER_CREATED))
    assert not quiet.filter(record(logging.WARNING, f"{MAIN_SESSION_WARNING}:  User registered objects"))
    assert quiet.filter(record(logging.CRITICAL, "Python sdk harness failed: "))
    assert quiet.filter(record(logging.INFO, "Python sdk harness starting."))
