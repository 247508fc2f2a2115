"""Exact duplicates: articles with the same normalized body; which copy is kept."""

from __future__ import annotations

from collections.abc import Iterable

from transforms.fingerprints import text_fingerprint
from transforms.records import Article


def body_key(article: Article) -> str:
    """Equal for bodies that differ only in case, punctuation or spacing."""
    return text_fingerprint(article.body)


def split_kept_copy(copies: Iterable[Article]) -> tuple[Article, list[Article]]:
    """(kept, duplicates): the kept copy is the one with the smallest (id, source), whatever the
    order in which a runner delivers them, so reruns keep the same copy."""
    ordered = sorted(copies, key=lambda article: (article.id, article.source))
    return ordered[0], ordered[1:]
