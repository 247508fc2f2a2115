"""Progress lines sum the counts of every worker of a run, and one line is printed per interval."""

from __future__ import annotations

import re
import time

from article_cleaner.transforms.report.progress import ReportProgress, progress_line, summed_tallies, tally_name


def _worker(folder, interval: float) -> ReportProgress:
    worker = ReportProgress("documents read", interval, str(folder), time.time() - 10)
    worker.setup()
    return worker


def test_a_progress_line_counts_what_every_worker_has_seen(tmp_path, capsys):
    first, second = _worker(tmp_path, 1e-9), _worker(tmp_path, 1e-9)
    for _ in range(3):
        first.process("document")
    first.finish_bundle()
    for _ in range(5):
        second.process("document")
        time.sleep(0.002)  # past the interval and past the file system's timestamp granularity
    lines = capsys.readouterr().err.splitlines()
    assert lines, "no progress line was printed"
    assert re.fullmatch(r"progress: 8 documents read \([\d,]+/s, 2 workers\)", lines[-1]), lines


def test_workers_that_report_within_one_interval_print_one_line(tmp_path, capsys):
    first, second = _worker(tmp_path, 3600), _worker(tmp_path, 3600)
    first._report()
    second._report()
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_tally_folder_removed_at_the_end_of_the_run_stops_the_lines_quietly(tmp_path, capsys):
    folder = tmp_path / "tallies"
    folder.mkdir()
    worker = _worker(folder, 1e-9)
    folder.rmdir()
    worker.process("document")
    worker.finish_bundle()
    assert capsys.readouterr().err == ""


def test_tallies_of_other_collections_are_not_summed(tmp_path):
    (tmp_path / f"{tally_name('documents read')}.1-2.count").write_text("4")
    (tmp_path / f"{tally_name('articles written')}.1-2.count").write_text("9")
    assert summed_tallies(tmp_path, tally_name("documents read")) == (4, 1)


def test_the_rate_is_counted_from_the_start_of_the_run():
    assert progress_line(1200, "documents read", 10.0, 1) == "progress: 1,200 documents read (120/s, 1 worker)"
