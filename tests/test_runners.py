"""runners: the allocator limits a run sets for itself and its worker processes, and freed memory
handed back to the system."""

from __future__ import annotations

import os
import weakref

import pytest

from article_cleaner.transforms.corpus import runners
from article_cleaner.transforms.corpus.runners import (
    _glibc,
    allocator_growth_limited,
    release_freed_memory,
    releasing_freed_memory,
)


def test_the_allocator_limit_reaches_workers_started_during_the_run(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    with allocator_growth_limited():
        assert os.environ["MALLOC_ARENA_MAX"] == "2"


def test_the_allocator_limit_leaves_the_environment_as_it_was_after_the_run(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    with allocator_growth_limited():
        pass
    assert "MALLOC_ARENA_MAX" not in os.environ


def test_the_environment_is_restored_when_the_run_fails(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    with pytest.raises(RuntimeError), allocator_growth_limited():
        raise RuntimeError("the pipeline failed")
    assert "MALLOC_ARENA_MAX" not in os.environ


def test_a_users_own_arena_limit_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    with allocator_growth_limited():
        assert os.environ["MALLOC_ARENA_MAX"] == "4"
    assert os.environ["MALLOC_ARENA_MAX"] == "4"


def test_a_value_the_c_library_cannot_read_is_left_to_it(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "many")
    with allocator_growth_limited():
        assert os.environ["MALLOC_ARENA_MAX"] == "many"


def _anonymous_memory_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no RssAnon in /proc/self/status")


@pytest.mark.skipif(_glibc() is None or not os.path.exists("/proc/self/status"), reason="glibc on Linux only")
def test_memory_freed_inside_the_heap_goes_back_to_the_system():
    # Blocks of 64 KiB come from the heap; the last one, kept, stops the heap from shrinking by itself.
    blocks = [bytearray(64 * 1024) for _ in range(1024)]
    kept = bytearray(64 * 1024)
    holding = _anonymous_memory_bytes()
    del blocks
    release_freed_memory()
    assert holding - _anonymous_memory_bytes() > 32 * 1024 * 1024
    del kept


class _Shard:
    """Stands for a large object a worker's method decodes and drops."""


def test_a_generator_method_releases_memory_once_its_last_value_is_taken_and_its_locals_are_gone(monkeypatch):
    events, held = [], []

    def record_release():
        events.append(("released", held[0]() is None))

    monkeypatch.setattr(runners, "release_freed_memory", record_release)

    class Pairing:
        @releasing_freed_memory
        def process(self, band_shard, band_files):
            shard = _Shard()
            held.append(weakref.ref(shard))
            yield from (band_shard, band_files)

    outputs = Pairing().process("band 3", band_files=["bands-a"])
    assert next(outputs) == "band 3" and events == []  # nothing released while values are still taken
    assert list(outputs) == [["bands-a"]]
    assert events == [("released", True)]  # once, after the shard it decoded was dropped


def test_a_plain_method_releases_memory_after_it_returns(monkeypatch):
    events = []
    monkeypatch.setattr(runners, "release_freed_memory", lambda: events.append("released"))

    @releasing_freed_memory
    def write_band_file(rows):
        events.append("written")
        return "bands-a", len(rows)

    assert write_band_file([1, 2, 3]) == ("bands-a", 3)
    assert events == ["written", "released"]
    assert write_band_file.__name__ == "write_band_file"
