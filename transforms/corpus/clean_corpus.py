"""Cross-document steps in Beam: per-site boilerplate mining, the language filter, exact dedup (and
near-duplicates after it, from transforms/drop_near_duplicates.py).

No article crosses a shuffle: a step that needs the whole corpus sets its articles aside in spill
files (transforms/corpus/spill.py), decides over small records, then reads each file back once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import apache_beam as beam

from article_cleaner.transforms.config.corpus_settings import CorpusSettings, SamePageUrlRules, SiteBoilerplateSettings
from article_cleaner.transforms.corpus.copies import body_key, split_kept_copy, url_key
from article_cleaner.transforms.corpus.drop_near_duplicates import DropNearDuplicates
from article_cleaner.transforms.corpus.site_boilerplate import (
    SITE_BOILERPLATE,
    candidate_keys,
    is_site_boilerplate,
    remove_site_boilerplate,
)
from article_cleaner.transforms.corpus.spill import (
    DeleteSpillFolder,
    SpillArticles,
    SpillPosition,
    new_spill_folder,
    read_spill_file,
    spill_root_of,
)
from article_cleaner.transforms.outcomes import (
    ARTICLES,
    DUPLICATES,
    DUPLICATES_FOUND,
    FILTERED,
    FILTERED_AS,
    ONLY_SITE_BOILERPLATE,
    REMOVED,
    UNWANTED_LANGUAGE,
)
from article_cleaner.transforms.records import Article, Duplicate, Filtered, MinedParagraph
from article_cleaner.transforms.report.counters import counter

# Tags of what a read-back step yields besides articles.
MINED_TEXT = "mined_text"
FILES_READ = "files_read"
COPIES = "copies"


def _filtered(article: Article, reason: str, detail: str) -> Filtered:
    return Filtered(source=article.source, reason=reason, detail=detail, url=article.url, input_length=article.chars_in)


@dataclass(frozen=True, slots=True)
class SiteBoilerplateKeys:
    """One site's mined paragraph keys, each with how many of the site's pages hold it."""

    site_pages: int
    pages_per_key: tuple[tuple[str, int], ...]


def _site_and_candidate_keys(article: Article, settings: SiteBoilerplateSettings) -> tuple[str, tuple[str, ...]]:
    return article.site, tuple(candidate_keys(article, settings))


def _site_alone(article: Article) -> tuple[str, tuple[str, ...]]:
    return article.site, ()


def _paragraph_occurrences(spilled):
    _, (site, keys) = spilled
    for key in keys:
        yield (site, key), 1


def _site_boilerplate_keys(site_group, settings: SiteBoilerplateSettings):
    """The site's mined keys, from its page count and its candidates (already >= min_pages)."""
    site, grouped = site_group
    site_pages = sum(grouped["pages"])
    mined = tuple(
        sorted((key, pages) for key, pages in grouped["candidates"] if is_site_boilerplate(pages, site_pages, settings))
    )
    if mined:
        yield site, SiteBoilerplateKeys(site_pages=site_pages, pages_per_key=mined)


def _site_keys_per_file(site_group):
    """(site, its files and its keys) -> (file, (site, keys or None)) for each file with the site's pages,
    so every spill file is read back, with or without boilerplate to remove."""
    site, grouped = site_group
    keys = next(iter(grouped["boilerplate"]), None)
    for path in grouped["files"]:
        yield path, (site, keys)


def _mined_paragraph(key_text) -> MinedParagraph:
    (site, key, pages, site_pages), text = key_text
    return MinedParagraph(site=site, key=key, pages=pages, site_pages=site_pages, text=text)


class _RemoveSiteBoilerplateFromFile(beam.DoFn):
    """(spill file, its sites' keys) -> its articles without their site's mined paragraphs (main),
    the articles left empty (filtered), ((site, key, pages, site_pages), paragraph) for each mined
    paragraph of each page (mined_text), and the file's path once it is read (files_read)."""

    def __init__(self, settings: SiteBoilerplateSettings):
        self._settings = settings

    def process(self, file_sites):
        path, sites = file_sites
        mined_of = {
            site: (keys.site_pages, dict(keys.pages_per_key), frozenset(key for key, _ in keys.pages_per_key))
            for site, keys in sites
            if keys is not None
        }
        for article in read_spill_file(path):
            site_pages, pages_of, keys = mined_of.get(article.site, (0, {}, frozenset()))
            if keys:
                for key, paragraph in candidate_keys(article, self._settings).items():
                    if key in keys:
                        yield beam.pvalue.TaggedOutput(
                            MINED_TEXT, ((article.site, key, pages_of[key], site_pages), paragraph)
                        )
            yield from self._clean(article, keys)
        yield beam.pvalue.TaggedOutput(FILES_READ, path)

    def _clean(self, article: Article, keys: frozenset[str]):
        site = article.site
        cleaned = remove_site_boilerplate(article, site, keys)
        removed = len(cleaned.removed) - len(article.removed)
        if removed:
            counter(REMOVED + SITE_BOILERPLATE).inc(removed)
        if not cleaned.body:
            counter(FILTERED_AS + ONLY_SITE_BOILERPLATE).inc()
            detail = f"every paragraph is boilerplate of {site}"
            yield beam.pvalue.TaggedOutput(FILTERED, _filtered(article, ONLY_SITE_BOILERPLATE, detail))
        else:
            yield cleaned


class MineSiteBoilerplate(beam.PTransform):
    """Articles -> articles without their site's recurring paragraphs (main), mined paragraphs
    (tag "mined") and articles left empty (tag "filtered"). Given (pages, copies of them), the
    copies are cleaned the same way but do not count as pages.

    Each article waits in a spill file under spill_root (default: --temp_location, else the system's
    temporary folder) while its paragraph keys are counted once per page per site; each file is
    then read back with the mined keys of the sites it holds. Only keys, counts and file names are
    shuffled; the mined paragraphs' texts come from the read-back (the smallest one per key, so
    reruns report the same text).
    """

    def __init__(self, settings: SiteBoilerplateSettings, spill_root: str | None = None):
        super().__init__()
        self._settings = settings
        self._spill_root = spill_root

    def expand(self, articles):
        # (pages, copies): the copies are cleaned like their pages but are not counted.
        articles, copies = articles if isinstance(articles, tuple) else (articles, None)
        settings = self._settings
        folder = new_spill_folder(self._spill_root or spill_root_of(articles.pipeline), "site-boilerplate")
        spilled = articles | "SpillArticles" >> beam.ParDo(
            SpillArticles(folder, partial(_site_and_candidate_keys, settings=settings))
        )
        spilled_everything = spilled
        if copies is not None:
            spilled_copies = copies | "SpillCopies" >> beam.ParDo(SpillArticles(folder, _site_alone))
            spilled_everything = (spilled, spilled_copies) | "PagesAndCopies" >> beam.Flatten()
        site_pages = (
            spilled | "OnePerPage" >> beam.Map(lambda item: (item[1][0], 1)) | "PagesPerSite" >> beam.CombinePerKey(sum)
        )
        candidates = (
            spilled
            | "ParagraphOccurrences" >> beam.FlatMap(_paragraph_occurrences)
            | "PagesPerParagraph" >> beam.CombinePerKey(sum)
            | "OnEnoughPages" >> beam.Filter(lambda item: item[1] >= settings.min_pages)
            | "KeyCandidateBySite" >> beam.Map(lambda item: (item[0][0], (item[0][1], item[1])))
        )
        boilerplate = {"pages": site_pages, "candidates": candidates} | "GroupCandidatesBySite" >> beam.CoGroupByKey()
        site_files = (
            spilled_everything
            | "SiteOfFile" >> beam.Map(lambda item: (item[1][0], item[0].path))
            | "DistinctSiteFiles" >> beam.Distinct()
        )
        cleaned = (
            {
                "files": site_files,
                "boilerplate": boilerplate | "SelectBoilerplate" >> beam.FlatMap(_site_boilerplate_keys, settings),
            }
            | "JoinBySite" >> beam.CoGroupByKey()
            | "SiteKeysPerFile" >> beam.FlatMap(_site_keys_per_file)
            | "GroupByFile" >> beam.GroupByKey()
            | "RemoveBoilerplate"
            >> beam.ParDo(_RemoveSiteBoilerplateFromFile(settings)).with_outputs(
                FILTERED, MINED_TEXT, FILES_READ, main=ARTICLES
            )
        )
        mined = (
            cleaned[MINED_TEXT]
            | "SmallestTextPerKey" >> beam.CombinePerKey(min)
            | "MinedParagraphs" >> beam.Map(_mined_paragraph)
        )
        cleaned[FILES_READ] | "DeleteSpillFolder" >> DeleteSpillFolder(folder)
        return {ARTICLES: cleaned.articles, FILTERED: cleaned[FILTERED], "mined": mined}


class _KeepLanguages(beam.DoFn):
    def __init__(self, languages: tuple[str, ...]):
        self._languages = frozenset(languages)
        self._wanted = ", ".join(languages)

    def process(self, article: Article):
        if article.language in self._languages:
            yield article
            return
        counter(FILTERED_AS + UNWANTED_LANGUAGE).inc()
        detail = f"language {article.language or 'unknown'} is not one of: {self._wanted}"
        yield beam.pvalue.TaggedOutput(FILTERED, _filtered(article, UNWANTED_LANGUAGE, detail))


@dataclass(frozen=True, slots=True)
class ArticleCopy:
    """One article among the copies of a page: what finding its copies, choosing the kept one and
    reporting the others needs, and where the article waits."""

    id: str
    source: str
    url: str | None
    body_key: str
    url_key: str | None  # None: no URL to compare (or none compared, after mining)
    position: SpillPosition | None = None  # set once the article is spilled


@dataclass(frozen=True, slots=True)
class SameUrlCopies:
    """The copies of one page URL: the one kept among them, and the others."""

    kept: ArticleCopy
    others: tuple[ArticleCopy, ...] = ()


def _article_copy(article: Article, rules: SamePageUrlRules | None) -> ArticleCopy:
    return ArticleCopy(
        id=article.id,
        source=article.source,
        url=article.url,
        body_key=body_key(article),
        url_key=None if rules is None else url_key(article, rules),
    )


def _placed_copy(spilled) -> ArticleCopy:
    position, copy = spilled
    return replace(copy, position=position)


def _same_url_copies(url_copies) -> SameUrlCopies:
    kept, others = split_kept_copy(url_copies[1])
    return SameUrlCopies(kept=kept, others=tuple(others))


class _SplitDuplicates(beam.DoFn):
    """(body key, the same-URL groups with that body) -> (spill file, (position, False)) of the one
    copy kept of them all (main), Duplicate records of every other copy (duplicates); or, to keep
    the copies, (spill file, (position, True)) of every other copy (main)."""

    def __init__(self, keep_copies: bool):
        self._keep_copies = keep_copies

    def process(self, key_groups):
        groups = list(key_groups[1])
        kept, _ = split_kept_copy(group.kept for group in groups)
        yield kept.position.path, (kept.position.index, False)
        for group in groups:
            others = group.others if group.kept == kept else (group.kept, *group.others)
            for duplicate in others:
                if self._keep_copies:
                    yield duplicate.position.path, (duplicate.position.index, True)
                    continue
                counter(DUPLICATES_FOUND).inc()
                yield beam.pvalue.TaggedOutput(
                    DUPLICATES,
                    Duplicate(id=duplicate.id, source=duplicate.source, url=duplicate.url, duplicate_of=kept.id),
                )


class _ReadKeptCopies(beam.DoFn):
    """(spill file, (position, whether a copy) of its articles to keep) -> the articles kept as a
    page's one copy (main), the other copies kept (copies), and the file's path once it is read
    (files_read)."""

    def process(self, file_positions):
        path, positions = file_positions
        is_copy = dict(positions)
        for index, article in enumerate(read_spill_file(path)):
            if index in is_copy:
                yield beam.pvalue.TaggedOutput(COPIES, article) if is_copy[index] else article
        yield beam.pvalue.TaggedOutput(FILES_READ, path)


class DropDuplicates(beam.PTransform):
    """Articles -> one copy of each page (main) and a Duplicate record for each other copy (tag
    "duplicates").

    Copies share a normalized body or, given same_page_urls, a URL that names the same page (a
    recrawl, possibly of an updated article; a tracking or AMP variant). The copies of one URL are
    resolved first (the smallest id is kept), then the articles left with the same body (again the
    smallest id); every other copy names the one finally kept. Each article waits in a spill file
    under spill_root (as in MineSiteBoilerplate) while only its keys, id, source, URL and position
    are grouped; the files are then read back for the kept copies alone.

    With keep_copies, the other copies are not duplicates but articles of their own (tag "copies"),
    for a corpus that keeps every copy and still must count each page once.
    """

    def __init__(
        self, spill_root: str | None = None, same_page_urls: SamePageUrlRules | None = None, keep_copies: bool = False
    ):
        super().__init__()
        self._spill_root = spill_root
        self._same_page_urls = same_page_urls
        self._keep_copies = keep_copies

    def expand(self, articles):
        folder = new_spill_folder(self._spill_root or spill_root_of(articles.pipeline), "dedup")
        copies = (
            articles
            | "SpillArticles" >> beam.ParDo(SpillArticles(folder, partial(_article_copy, rules=self._same_page_urls)))
            | "PlacedCopy" >> beam.Map(_placed_copy)
        )
        if self._same_page_urls is None:
            same_url = copies | "NoUrlCompared" >> beam.Map(SameUrlCopies)
        else:
            # An article without a URL is a group of its own: only its body can find its copies.
            same_url = (
                copies
                | "KeyCopyByUrl" >> beam.Map(lambda copy: (copy.url_key or f"body:{copy.body_key}", copy))
                | "GroupByUrl" >> beam.GroupByKey()
                | "KeepOnePerUrl" >> beam.Map(_same_url_copies)
            )
        split = (
            same_url
            | "KeyByBody" >> beam.Map(lambda group: (group.kept.body_key, group))
            | "GroupCopies" >> beam.GroupByKey()
            # Declared: Beam infers a union with the tagged Duplicates, which GroupByKey refuses.
            | "KeepOneCopy"
            >> beam.ParDo(_SplitDuplicates(self._keep_copies))
            .with_output_types(tuple[str, tuple[int, bool]])
            .with_outputs(DUPLICATES, main="kept")
        )
        kept = (
            split.kept
            | "GroupKeptByFile" >> beam.GroupByKey()
            | "ReadKeptCopies" >> beam.ParDo(_ReadKeptCopies()).with_outputs(FILES_READ, COPIES, main=ARTICLES)
        )
        kept[FILES_READ] | "DeleteSpillFolder" >> DeleteSpillFolder(folder)
        return {ARTICLES: kept.articles, DUPLICATES: split[DUPLICATES], "copies": kept[COPIES]}


class CleanCorpus(beam.PTransform):
    """The corpus-level steps after page cleaning, each as the config enables it: copies of a page
    resolved (dedup), site boilerplate mining, the language filter, dedup again of the bodies
    that mining made equal, and near-duplicates (with dedup on; transforms/drop_near_duplicates.py).

    Copies go first so that they cannot vote for each other: a page crawled five times would
    otherwise put each of its paragraphs on five pages of its site, and mining would remove the
    whole article from every copy.

    Returns {"articles", "filtered", "duplicates", "mined", "near_duplicate_clusters"} PCollections.
    Mining and both dedups spill articles to temporary files under spill_root (default:
    --temp_location, else the system's temporary folder on a runner whose workers share this
    machine; on any other runner it must be a folder every worker reads, such as the output's, and
    without one the steps refuse to build) and delete them once read back.
    """

    def __init__(self, settings: CorpusSettings, spill_root: str | None = None):
        super().__init__()
        self._settings = settings
        self._spill_root = spill_root

    def expand(self, articles):
        settings = self._settings
        pipeline = articles.pipeline
        mining = settings.site_boilerplate.enabled
        filtered_parts, duplicate_parts = [], []
        copies = None
        if settings.deduplicate:
            resolved = articles | "ResolveCopies" >> DropDuplicates(self._spill_root, settings.same_page_urls)
            articles = resolved[ARTICLES]
            duplicate_parts.append(resolved[DUPLICATES])
        elif mining:  # every copy is kept, but a page must still count once
            resolved = articles | "FindCopies" >> DropDuplicates(
                self._spill_root, settings.same_page_urls, keep_copies=True
            )
            articles, copies = resolved[ARTICLES], resolved["copies"]
        # An empty placeholder only for a step that is off: each one is a stage of its own.
        if mining:
            pages = articles if copies is None else (articles, copies)
            mined_step = pages | "MineSiteBoilerplate" >> MineSiteBoilerplate(
                settings.site_boilerplate, self._spill_root
            )
            articles, mined = mined_step[ARTICLES], mined_step["mined"]
            filtered_parts.append(mined_step["filtered"])
        else:
            mined = pipeline | "NoMinedParagraphs" >> beam.Create([])
        if settings.languages:
            by_language = articles | "KeepLanguages" >> beam.ParDo(_KeepLanguages(settings.languages)).with_outputs(
                FILTERED, main=ARTICLES
            )
            articles = by_language.articles
            filtered_parts.append(by_language[FILTERED])
        if settings.deduplicate and mining:
            deduplicated = articles | "DropMinedDuplicates" >> DropDuplicates(self._spill_root)
            articles = deduplicated[ARTICLES]
            duplicate_parts.append(deduplicated[DUPLICATES])
        if settings.deduplicate and settings.near_duplicates.enabled:
            near = articles | "DropNearDuplicates" >> DropNearDuplicates(settings.near_duplicates, self._spill_root)
            articles, clusters = near[ARTICLES], near["clusters"]
            duplicate_parts.append(near[DUPLICATES])
        else:
            clusters = pipeline | "NoNearDuplicateClusters" >> beam.Create([])
        filtered = _all_of(pipeline, filtered_parts, "Filtered")
        duplicates = _all_of(pipeline, duplicate_parts, "Duplicates")
        return {
            ARTICLES: articles,
            FILTERED: filtered,
            DUPLICATES: duplicates,
            "mined": mined,
            "near_duplicate_clusters": clusters,
        }


def _all_of(pipeline, parts: list, name: str):
    if len(parts) == 1:
        return parts[0]
    if parts:
        return tuple(parts) | f"All{name}" >> beam.Flatten()
    return pipeline | f"No{name}" >> beam.Create([])
