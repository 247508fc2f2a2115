"""Exact duplicates: articles with the same normalized body; which copy is kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from transforms.fingerprints import text_fingerprint
from transforms.records import Article


class Identified(Protocol):
    """An article, or a small record standing for one: what choosing the kept copy needs."""

    @property
    def id(self) -> str: ...

    @property
    def source(self) -> str: ...


Copy = TypeVar("Copy", bound=Identified)


def body_key(article: Article) -> str:
    """Equal for bodies that differ only in case, punctuation or spacing."""
    return text_fingerprint(article.body)


def split_kept_copy(copies: Iterable[Copy]) -> tuple[Copy, list[Copy]]:
    """(kept, duplicates): the kept copy is the one with the smallest (id, source), whatever the
    order in which a runner delivers them, so reruns keep the same copy."""
    ordered = sorted(copies, key=lambda copy: (copy.id, copy.source))
    return ordered[0], ordered[1:]
