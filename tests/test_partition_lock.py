"""One run of a partition at a time: the lock is per partition, refuses a second holder with who holds
it, and goes with the run that held it (the CLI's overlap test is in test_partitions.py)."""

from __future__ import annotations

import pytest

from article_cleaner.pipelines.partition_lock import PartitionUnavailable, partition_locked

STARTED = "2026-11-21T04:00:00+00:00"


def test_the_lock_is_per_partition_and_goes_with_its_run(tmp_path):
    with partition_locked(str(tmp_path / "dt=2026-11-21"), STARTED):
        with partition_locked(str(tmp_path / "dt=2026-11-22"), STARTED):
            pass  # a backfill of another day runs beside it
        with pytest.raises(PartitionUnavailable, match="another run of .*dt=2026-11-21 is in progress"):
            with partition_locked(str(tmp_path / "dt=2026-11-21"), STARTED):
                pass
    with partition_locked(str(tmp_path / "dt=2026-11-21"), STARTED):
        pass  # released with the run that held it
    assert list(tmp_path.iterdir()) == []


def test_a_second_holder_is_told_who_holds_the_partition(tmp_path):
    target = str(tmp_path / "dt=2026-11-21")
    with partition_locked(target, STARTED):
        with pytest.raises(PartitionUnavailable, match=r"process \d+, started 2026-11-21T04:00:00\+00:00"):
            with partition_locked(target, STARTED):
                pass
