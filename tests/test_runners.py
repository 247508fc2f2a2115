"""runners: the allocator limits a run sets for itself and its worker processes, and freed memory
handed back to the system."""

from __future__ import annotations

import os

import pytest

from article_cleaner.transforms.corpus.runners import _glibc, allocator_growth_limited, release_freed_memory


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
