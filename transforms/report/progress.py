"""Progress of a long run on stderr: how many elements of a collection all workers have seen, every few
seconds, summed over the workers of a local run (each DoFn instance, in one process or several)
through a tally folder they share."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import apache_beam as beam

# What a tally file's name ends with; the marker file says when a line was last printed.
_TALLY_SUFFIX = ".count"
_PRINTED_SUFFIX = ".printed"


def tally_name(what: str) -> str:
    """The file-name stem of one counted collection ("documents read" -> "documents-read")."""
    return "-".join(what.split())


def summed_tallies(folder: Path, stem: str) -> tuple[int, int]:
    """(elements seen, workers counting) over the tally files of one collection. A file being
    replaced at that moment is read as its old or its new count, never half (os.replace)."""
    total = counting = 0
    for tally in folder.glob(f"{stem}.*{_TALLY_SUFFIX}"):
        try:
            total += int(tally.read_text() or 0)
        except (OSError, ValueError):  # gone with the run, or emptied by a writer's crash
            continue
        counting += 1
    return total, counting


def progress_line(seen: int, what: str, seconds: float, workers: int) -> str:
    rate = seen / seconds if seconds > 0 else 0.0
    counted_by = "1 worker" if workers == 1 else f"{workers:,} workers"
    return f"progress: {seen:,} {what} ({rate:,.0f}/s, {counted_by})"


class ReportProgress(beam.DoFn):
    """Counts the elements it is given and, at most every interval_seconds, writes its count to the
    tally folder and prints the count of every worker with the rate since the run started; outputs
    nothing. Whichever worker's turn comes first prints; the others see the fresh marker and wait."""

    def __init__(self, what: str, interval_seconds: float, tally_folder: str, run_started_at: float):
        self._what = what
        self._interval = interval_seconds
        self._folder = tally_folder
        self._started_at = run_started_at

    def setup(self):
        self._seen = 0
        self._last_report = time.monotonic()
        folder = Path(self._folder)
        stem = tally_name(self._what)
        self._tally = folder / f"{stem}.{os.getpid()}-{id(self)}{_TALLY_SUFFIX}"
        self._printed = folder / f"{stem}{_PRINTED_SUFFIX}"

    def process(self, element):
        self._seen += 1
        now = time.monotonic()
        if now - self._last_report >= self._interval:
            self._last_report = now
            self._report()
        return ()

    def finish_bundle(self):
        self._write_tally()  # a worker that stops receiving elements still counts in the others' lines

    def _report(self) -> None:
        if not self._write_tally():
            return
        try:
            printed_at = self._printed.stat().st_mtime
        except OSError:
            printed_at = 0.0
        now = time.time()
        if now - printed_at < self._interval:
            return  # another worker printed within this interval
        self._printed.touch()
        seen, workers = summed_tallies(Path(self._folder), tally_name(self._what))
        print(progress_line(seen, self._what, now - self._started_at, workers), file=sys.stderr, flush=True)

    def _write_tally(self) -> bool:
        """Replaces this worker's count; False when the folder is gone (the run is over)."""
        partial = self._tally.with_suffix(".partial")
        try:
            partial.write_text(str(self._seen))
            os.replace(partial, self._tally)
        except OSError:
            return False
        return True


class CountProgress(beam.PTransform):
    """A branch that reports how many elements of a collection went by, summed over every worker that
    shares tally_folder (the processes of a local run)."""

    def __init__(self, what: str, interval_seconds: float, tally_folder: str, run_started_at: float):
        super().__init__()
        self._what = what
        self._interval = interval_seconds
        self._folder = tally_folder
        self._started_at = run_started_at

    def expand(self, collection):
        return collection | beam.ParDo(ReportProgress(self._what, self._interval, self._folder, self._started_at))
