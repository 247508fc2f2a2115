"""Copies of one page: articles with URLs that name the same page, or with the same normalized body;
which copy is kept."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol, TypeVar

from article_cleaner.transforms.config.corpus_settings import SamePageUrlRules
from article_cleaner.transforms.corpus.fingerprints import text_fingerprint
from article_cleaner.transforms.corpus.page_urls import page_url
from article_cleaner.transforms.records import Article


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


def url_key(article: Article, rules: SamePageUrlRules) -> str | None:
    """Equal for articles whose URLs name the same page under the rules; None without a usable URL."""
    url = page_url(article.url, rules)
    if url is None:
        return None
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def split_kept_copy(copies: Iterable[Copy]) -> tuple[Copy, list[Copy]]:
    """(kept, duplicates): the kept copy is the one with the smallest (id, source), whatever the
    order in which a runner delivers them, so reruns keep the same copy."""
    ordered = sorted(copies, key=lambda copy: (copy.id, copy.source))
    return ordered[0], ordered[1:]
