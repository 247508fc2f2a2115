"""runners: the allocator limits a run sets for itself and its worker processes."""

from __future__ import annotations

import os

from article_cleaner.transforms.corpus.runners import limit_allocator_growth


def test_the_allocator_limit_reaches_the_workers_environment(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    limit_allocator_growth()
    assert os.environ["MALLOC_ARENA_MAX"] == "2"


def test_a_users_own_arena_limit_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    limit_allocator_growth()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"


def test_a_value_the_c_library_cannot_read_is_left_to_it(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "many")
    limit_allocator_growth()
    assert os.environ["MALLOC_ARENA_MAX"] == "many"
