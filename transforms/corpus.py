"""Cross-document steps in Beam: per-site boilerplate mining, the language filter, exact dedup."""

from __future__ import annotations

import apache_beam as beam

from transforms.counters import counter
from transforms.dedup import body_key, split_kept_copy
from transforms.records import Article, Duplicate, Filtered, MinedParagraph
from transforms.rules import CorpusSettings
from transforms.site_boilerplate import (
    SITE_BOILERPLATE,
    SiteBoilerplateSettings,
    candidate_keys,
    is_site_boilerplate,
    remove_site_boilerplate,
)

FILTERED = "filtered"
DUPLICATES = "duplicates"
ONLY_SITE_BOILERPLATE = "only_site_boilerplate"
UNWANTED_LANGUAGE = "language"


class CountPagesWithSample(beam.CombineFn):
    """(pages, one paragraph text) per (site, key): the smallest text, so reruns report the same one."""

    def create_accumulator(self):
        return 0, None

    def add_input(self, accumulator, text):
        pages, sample = accumulator
        return pages + 1, text if sample is None or text < sample else sample

    def merge_accumulators(self, accumulators):
        pages, sample = 0, None
        for other_pages, other_sample in accumulators:
            pages += other_pages
            if other_sample is not None and (sample is None or other_sample < sample):
                sample = other_sample
        return pages, sample

    def extract_output(self, accumulator):
        return accumulator


def _paragraph_occurrences(site_article, settings: SiteBoilerplateSettings):
    site, article = site_article
    for key, paragraph in candidate_keys(article, settings).items():
        yield (site, key), paragraph


def _site_boilerplate(site_group, settings: SiteBoilerplateSettings):
    """The site's mined paragraphs, from its page count and its candidates (already >= min_pages)."""
    site, grouped = site_group
    site_pages = sum(grouped["pages"])
    for key, pages, text in grouped["candidates"]:
        if is_site_boilerplate(pages, site_pages, settings):
            yield MinedParagraph(site=site, key=key, pages=pages, site_pages=site_pages, text=text)


class _CleanSite(beam.DoFn):
    """Removes a site's mined paragraphs from each of its articles; holds only that site's keys."""

    def process(self, site_group):
        site, grouped = site_group
        keys = frozenset(mined.key for mined in grouped["boilerplate"])
        for article in grouped["articles"]:
            cleaned = remove_site_boilerplate(article, site, keys)
            removed = len(cleaned.removed) - len(article.removed)
            if removed:
                counter(f"removed.{SITE_BOILERPLATE}").inc(removed)
            if not cleaned.body:
                counter(f"filtered.{ONLY_SITE_BOILERPLATE}").inc()
                detail = f"every paragraph is boilerplate of {site}"
                yield beam.pvalue.TaggedOutput(FILTERED, _filtered(article, ONLY_SITE_BOILERPLATE, detail))
            else:
                yield cleaned


def _filtered(article: Article, reason: str, detail: str) -> Filtered:
    return Filtered(source=article.source, reason=reason, detail=detail, url=article.url, input_length=article.chars_in)


class MineSiteBoilerplate(beam.PTransform):
    """Articles -> articles without their site's recurring paragraphs (main), mined paragraphs
    (tag "mined") and articles left empty (tag "filtered").

    Two passes: count each paragraph key once per page per site, then join each site's mined keys
    with its articles by site, so a worker holds one site's keys at a time.
    """

    def __init__(self, settings: SiteBoilerplateSettings):
        super().__init__()
        self._settings = settings

    def expand(self, articles):
        settings = self._settings
        by_site = articles | "KeyBySite" >> beam.Map(lambda article: (article.site, article))
        candidates = (
            by_site
            | "ParagraphOccurrences" >> beam.FlatMap(_paragraph_occurrences, settings)
            | "PagesPerParagraph" >> beam.CombinePerKey(CountPagesWithSample())
            | "OnEnoughPages" >> beam.Filter(lambda item: item[1][0] >= settings.min_pages)
            | "KeyCandidateBySite" >> beam.Map(lambda item: (item[0][0], (item[0][1], item[1][0], item[1][1])))
        )
        site_pages = by_site | "OnePerPage" >> beam.Map(lambda item: (item[0], 1))
        mined = (
            {"pages": site_pages, "candidates": candidates}
            | "GroupCandidatesBySite" >> beam.CoGroupByKey()
            | "SelectBoilerplate" >> beam.FlatMap(_site_boilerplate, settings)
        )
        cleaned = (
            {"articles": by_site, "boilerplate": mined | "KeyMinedBySite" >> beam.Map(lambda m: (m.site, m))}
            | "JoinBySite" >> beam.CoGroupByKey()
            | "RemoveBoilerplate" >> beam.ParDo(_CleanSite()).with_outputs(FILTERED, main="articles")
        )
        return {"articles": cleaned.articles, "filtered": cleaned[FILTERED], "mined": mined}


class _KeepLanguages(beam.DoFn):
    def __init__(self, languages: tuple[str, ...]):
        self._languages = frozenset(languages)
        self._wanted = ", ".join(languages)

    def process(self, article: Article):
        if article.language in self._languages:
            yield article
            return
        counter(f"filtered.{UNWANTED_LANGUAGE}").inc()
        detail = f"language {article.language or 'unknown'} is not one of: {self._wanted}"
        yield beam.pvalue.TaggedOutput(FILTERED, _filtered(article, UNWANTED_LANGUAGE, detail))


class _SplitDuplicates(beam.DoFn):
    def process(self, key_copies):
        kept, duplicates = split_kept_copy(key_copies[1])
        yield kept
        for duplicate in duplicates:
            counter("duplicates").inc()
            yield beam.pvalue.TaggedOutput(
                DUPLICATES, Duplicate(id=duplicate.id, source=duplicate.source, url=duplicate.url, duplicate_of=kept.id)
            )


class CleanCorpus(beam.PTransform):
    """The corpus-level steps after page cleaning, each as the config enables it: site boilerplate
    mining, then the language filter, then exact deduplication.

    Returns {"articles", "filtered", "duplicates", "mined"} PCollections.
    """

    def __init__(self, settings: CorpusSettings):
        super().__init__()
        self._settings = settings

    def expand(self, articles):
        settings = self._settings
        pipeline = articles.pipeline
        filtered_parts = []
        # An empty placeholder only for a step that is off: each one is a stage of its own.
        if settings.site_boilerplate.enabled:
            mining = articles | "MineSiteBoilerplate" >> MineSiteBoilerplate(settings.site_boilerplate)
            articles, mined = mining["articles"], mining["mined"]
            filtered_parts.append(mining["filtered"])
        else:
            mined = pipeline | "NoMinedParagraphs" >> beam.Create([])
        if settings.languages:
            by_language = articles | "KeepLanguages" >> beam.ParDo(_KeepLanguages(settings.languages)).with_outputs(
                FILTERED, main="articles"
            )
            articles = by_language.articles
            filtered_parts.append(by_language[FILTERED])
        if settings.deduplicate:
            split = (
                articles
                | "KeyByBody" >> beam.Map(lambda article: (body_key(article), article))
                | "GroupCopies" >> beam.GroupByKey()
                | "KeepOneCopy" >> beam.ParDo(_SplitDuplicates()).with_outputs(DUPLICATES, main="articles")
            )
            articles, duplicates = split.articles, split[DUPLICATES]
        else:
            duplicates = pipeline | "NoDuplicates" >> beam.Create([])
        if filtered_parts:
            filtered = tuple(filtered_parts) | "AllFiltered" >> beam.Flatten()
        else:
            filtered = pipeline | "NothingFiltered" >> beam.Create([])
        return {"articles": articles, "filtered": filtered, "duplicates": duplicates, "mined": mined}
