"""Progress of a long run on stderr: how many elements of a collection a worker has seen, every few seconds."""

from __future__ import annotations

import os
import sys
import time

import apache_beam as beam


class ReportProgress(beam.DoFn):
    """Counts the elements it is given and, at most every interval_seconds, prints the count and the
    rate on stderr; outputs nothing. Each worker process reports its own share (the runner's
    metrics are read only when the run ends)."""

    def __init__(self, what: str, interval_seconds: float):
        self._what = what
        self._interval = interval_seconds

    def setup(self):
        self._seen = 0
        self._started = None
        self._last_report = 0.0

    def process(self, element):
        self._seen += 1
        now = time.monotonic()
        if self._started is None:
            self._started = self._last_report = now
        elif now - self._last_report >= self._interval:
            self._last_report = now
            rate = self._seen / (now - self._started)
            line = f"progress: {self._seen:,} {self._what} ({rate:,.0f}/s, process {os.getpid()})"
            print(line, file=sys.stderr, flush=True)
        return ()


class CountProgress(beam.PTransform):
    """A branch that reports how many elements of a collection went by."""

    def __init__(self, what: str, interval_seconds: float):
        super().__init__()
        self._what = what
        self._interval = interval_seconds

    def expand(self, collection):
        return collection | beam.ParDo(ReportProgress(self._what, self._interval))
