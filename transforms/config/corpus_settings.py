"""The corpus section's settings: site boilerplate mining, which URLs name one page, near-duplicate
signatures, and the corpus steps they configure (transforms/corpus/ applies them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SiteBoilerplateSettings:
    enabled: bool
    min_pages: int  # a paragraph on fewer pages of a site is never its boilerplate
    min_share: float  # ... nor one on a smaller share of the site's pages
    max_chars: int  # longer paragraphs are article text even when syndicated across pages


@dataclass(frozen=True, slots=True)
class SamePageUrlRules:
    """What does not tell two pages apart in a URL, besides its scheme, the case of its host, a
    default port, its fragment, empty path segments and the order of its query parameters."""

    host_prefixes: tuple[str, ...] = ()  # leading host labels: www.x.com, amp.x.com are x.com
    query_parameters: tuple[str, ...] = ()  # parameter names, case ignored
    query_parameter_prefixes: tuple[str, ...] = ()  # from "utm_*" in the config
    variant_path_segments: tuple[str, ...] = ()  # a first or last path segment: /story/amp is /story


NO_SAME_PAGE_URL_RULES = SamePageUrlRules()  # no rules: only identical URLs name one page


@dataclass(frozen=True, slots=True)
class NearDuplicateSettings:
    enabled: bool
    threshold: float  # estimated Jaccard similarity at or above which two bodies are near-duplicates
    shingle_words: int  # words per shingle
    permutations: int  # MinHash values per signature
    bands: int  # LSH bands: a pair sharing one band's values is compared
    seed: int
    giant_bucket_articles: int  # a band bucket this full is counted (near_duplicates.giant_buckets)

    @property
    def rows_per_band(self) -> int:
        return self.permutations // self.bands

    def candidate_probability(self, similarity: float) -> float:
        """The chance that two bodies of this Jaccard similarity share at least one band."""
        return 1.0 - (1.0 - similarity**self.rows_per_band) ** self.bands


@dataclass(frozen=True, slots=True)
class CorpusSettings:
    """The cross-document steps: site boilerplate mining, language filter, exact and near dedup."""

    site_boilerplate: SiteBoilerplateSettings
    languages: tuple[str, ...]  # empty: every language is kept
    deduplicate: bool
    same_page_urls: SamePageUrlRules  # when two URLs name one page's copies
    near_duplicates: NearDuplicateSettings  # runs only with deduplicate
