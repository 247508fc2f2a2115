"""Paragraphs that recur across one site's pages are that site's boilerplate: keys and removal."""

from __future__ import annotations

from dataclasses import replace

from article_cleaner.transforms.config.corpus_settings import SiteBoilerplateSettings
from article_cleaner.transforms.corpus.fingerprints import text_fingerprint, text_fingerprints
from article_cleaner.transforms.records import PARAGRAPH_SEPARATOR, Article, Removal
from article_cleaner.transforms.removal_kinds import SITE_BOILERPLATE

_KEY_BYTES = 8


def paragraph_key(paragraph: str) -> str:
    """Equal for paragraphs that differ only in case, punctuation or spacing."""
    return text_fingerprint(paragraph, digest_size=_KEY_BYTES)


def paragraph_keys(paragraphs: list[str]) -> list[str]:
    """paragraph_key of each paragraph, found together (cheaper than one at a time)."""
    return text_fingerprints(paragraphs, digest_size=_KEY_BYTES)


def body_paragraphs_of(article: Article) -> list[str]:
    return [paragraph for paragraph in article.body.split(PARAGRAPH_SEPARATOR) if paragraph]


def candidate_keys(article: Article, settings: SiteBoilerplateSettings) -> dict[str, str]:
    """{key: paragraph} of the article's minable paragraphs, each key once per page."""
    paragraphs = [paragraph for paragraph in body_paragraphs_of(article) if len(paragraph) <= settings.max_chars]
    keys: dict[str, str] = {}
    for key, paragraph in zip(paragraph_keys(paragraphs), paragraphs, strict=True):
        keys.setdefault(key, paragraph)
    return keys


def is_site_boilerplate(pages_with_paragraph: int, site_pages: int, settings: SiteBoilerplateSettings) -> bool:
    return pages_with_paragraph >= settings.min_pages and pages_with_paragraph >= settings.min_share * site_pages


def remove_site_boilerplate(article: Article, site: str, boilerplate_keys: frozenset[str] | set[str]) -> Article:
    """The article without the site's boilerplate paragraphs, each logged as a removal naming the site.

    The removals follow the ones made while cleaning the page (this step runs after it).
    """
    if not boilerplate_keys:
        return article
    kept, removed = [], []
    paragraphs = body_paragraphs_of(article)
    for key, paragraph in zip(paragraph_keys(paragraphs), paragraphs, strict=True):
        if key in boilerplate_keys:
            removed.append(Removal(kind=SITE_BOILERPLATE, rule=f"site_boilerplate:{site}", text=paragraph))
        else:
            kept.append(paragraph)
    if not removed:
        return article
    body = PARAGRAPH_SEPARATOR.join(kept)
    return replace(
        article,
        body=body,
        removed=article.removed + tuple(removed),
        chars_out=len(body),
        blocks_kept=len(kept),
    )
