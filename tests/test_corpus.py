"""Corpus-level steps: per-site boilerplate mining, language filter and dedup, with hand counts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from article_cleaner.transforms.clean import CleanArticles
from article_cleaner.transforms.config.corpus_settings import (
    NO_SAME_PAGE_URL_RULES,
    CorpusSettings,
    SiteBoilerplateSettings,
)
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.corpus.clean_corpus import CleanCorpus
from article_cleaner.transforms.corpus.copies import split_kept_copy
from article_cleaner.transforms.corpus.site_boilerplate import is_site_boilerplate, remove_site_boilerplate
from article_cleaner.transforms.corpus.sites import registered_domain, site_of
from article_cleaner.transforms.io.sinks import to_json_line
from article_cleaner.transforms.outcomes import ARTICLES
from article_cleaner.transforms.records import Article, InputDocument

from support import article_of

CORPUS = Path(__file__).parent / "data" / "corpus" / "local_news.jsonl"
SITE_PROMPT = (
    "Riverdale Gazette readers keep this newsroom going: add your name to the Gazette Circle "
    "and get first look at every Sunday edition."
)
MINING = SiteBoilerplateSettings(enabled=True, min_pages=5, min_share=0.2, max_chars=1000)
OUTPUTS = ("articles", "filtered", "duplicates", "mined")
# The bundled near-duplicate settings, off: these tests are of the other corpus steps.
NO_NEAR_DUPLICATES = replace(load_config().corpus.near_duplicates, enabled=False)
NOTHING = CorpusSettings(
    site_boilerplate=replace(MINING, enabled=False),
    languages=(),
    deduplicate=False,
    same_page_urls=NO_SAME_PAGE_URL_RULES,
    near_duplicates=NO_NEAR_DUPLICATES,
)


def corpus_documents() -> list[InputDocument]:
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return [InputDocument(source=f"local_news.jsonl:{n}", **item) for n, item in enumerate(items, 1)]


def run_corpus(config, documents, settings, tmp_path):
    """{output name: sorted list of JSON records} of CleanArticles + CleanCorpus over the documents."""
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        cleaned = pipeline | beam.Create(documents) | CleanArticles(config)
        outputs = cleaned[ARTICLES] | CleanCorpus(settings)
        for name in OUTPUTS:
            (
                outputs[name]
                | f"Serialize{name}" >> beam.Map(to_json_line)
                | f"Write{name}" >> beam.io.WriteToText(str(tmp_path / name), file_name_suffix=".jsonl")
            )
    return {
        name: sorted(
            (
                json.loads(line)
                for path in tmp_path.glob(f"{name}*.jsonl")
                for line in path.read_text("utf-8").splitlines()
            ),
            key=json.dumps,
        )
        for name in OUTPUTS
    }


def test_site_prompt_is_mined_from_every_page_of_its_site_and_nothing_else_is_touched(config, tmp_path):
    settings = replace(NOTHING, site_boilerplate=MINING)
    results = run_corpus(config, corpus_documents(), settings, tmp_path)
    articles = {record["id"]: record for record in results["articles"]}
    riverdale = [record for key, record in articles.items() if key.startswith("riverdale-")]
    assert len(riverdale) == 24
    for record in riverdale:
        assert SITE_PROMPT not in record["body"]
        assert record["body"].count("\n\n") == 2  # lead, quote and detail stay
        assert {
            "kind": "site_boilerplate",
            "rule": "site_boilerplate:riverdalegazette.com",
            "text": SITE_PROMPT,
        } in record["removed"]
    harbour = [record for key, record in articles.items() if key.startswith("harbour-")]
    assert len(harbour) == 3
    for record in harbour:
        assert all(item["kind"] != "site_boilerplate" for item in record["removed"])
    # repeated on two pages of its site only: below min_pages, so kept on both
    assert sum("Tickets for the new crossing go on sale next week." in r["body"] for r in harbour) == 2
    assert [(m["site"], m["pages"], m["site_pages"], m["text"]) for m in results["mined"]] == [
        ("riverdalegazette.com", 24, 24, SITE_PROMPT)
    ]
    assert results["filtered"] == [] and results["duplicates"] == []


def test_language_filter_and_dedup_match_hand_counts(config, tmp_path):
    documents = corpus_documents()[24:]  # the three harbour pages, all English
    german = InputDocument(
        source="de.txt",
        id="de-1",
        text="Hafen geschlossen\n\nDer Hafen bleibt wegen des Sturms bis Donnerstag geschlossen, teilte die Stadtverwaltung am Montag mit. Die Fischer müssen ihre Boote im Hafenbecken lassen.",
    )
    french = InputDocument(
        source="fr.txt",
        id="fr-1",
        text="Le port fermé\n\nLe port restera fermé jusqu'à jeudi à cause de la tempête, a annoncé la mairie lundi. Les pêcheurs doivent laisser leurs bateaux au quai.",
    )
    copies = [replace(documents[0], id=f"copy-{n}", source=f"mirror-{n}.jsonl:1") for n in (3, 1, 2)]
    second_copy = replace(documents[1], id="aaa-first", source="mirror.jsonl:9")
    settings = replace(NOTHING, languages=("en",), deduplicate=True)
    results = run_corpus(config, [*documents, german, french, *copies, second_copy], settings, tmp_path)
    # 3 harbour + 3 copies of page 1 + 1 copy of page 2 = 7 English; 4 are duplicates
    assert sorted(record["id"] for record in results["articles"]) == ["aaa-first", "copy-1", "harbour-news-3"]
    assert sorted((d["id"], d["duplicate_of"]) for d in results["duplicates"]) == [
        ("copy-2", "copy-1"),
        ("copy-3", "copy-1"),
        ("harbour-news-1", "copy-1"),
        ("harbour-news-2", "aaa-first"),
    ]
    assert sorted((f["source"], f["reason"]) for f in results["filtered"]) == [
        ("de.txt", "language"),
        ("fr.txt", "language"),
    ]
    assert "language de is not one of: en" in {f["detail"] for f in results["filtered"]}


def article(body: str, removed=()) -> Article:
    return article_of(body, removed=tuple(removed))


def test_boilerplate_threshold_needs_both_page_count_and_share():
    assert is_site_boilerplate(5, 20, MINING)
    assert not is_site_boilerplate(4, 4, MINING)  # every page, but too few pages
    assert not is_site_boilerplate(5, 100, MINING)  # enough pages, too small a share


def test_removal_matches_case_and_punctuation_variants_and_updates_stats():
    from article_cleaner.transforms.corpus.site_boilerplate import paragraph_key

    keys = {paragraph_key("Join the Gazette Circle today!")}
    cleaned = remove_site_boilerplate(
        article("First paragraph.\n\njoin the gazette circle today\n\nLast one."), "x.com", keys
    )
    assert cleaned.body == "First paragraph.\n\nLast one."
    assert cleaned.blocks_kept == 2 and cleaned.chars_out == len(cleaned.body)
    assert cleaned.removed[-1].rule == "site_boilerplate:x.com"


def test_kept_copy_does_not_depend_on_arrival_order():
    first, second = replace(article("same"), id="b"), replace(article("same"), id="a")
    assert split_kept_copy([first, second])[0].id == split_kept_copy([second, first])[0].id == "a"


def test_site_is_the_registered_domain_or_the_input_folder():
    assert registered_domain("https://www.bbc.co.uk/news/world") == "bbc.co.uk"
    assert registered_domain("https://someone.github.io/post") == "someone.github.io"
    assert site_of(None, "crawl/site-a") == "folder:crawl/site-a"
    assert site_of("not a url at all", None) == "unknown"


def test_cli_run_writes_a_readable_report_with_sites_languages_and_mined_lines(tmp_path, capsys):
    from article_cleaner.pipelines.clean_articles import run

    output = tmp_path / "out"
    assert run(["--input", str(CORPUS), "--output", str(output)]) == 0
    report = (output / "report.md").read_text(encoding="utf-8")
    assert "| articles written | 27 |" in report
    assert "| site_boilerplate | 24 |" in report
    assert "| en | 27 |" in report
    assert "| riverdalegazette.com | 24 |" in report and "| example.org | 3 |" in report
    assert f"- 24/24 pages: {SITE_PROMPT}" in report
    mined = [
        json.loads(line) for path in output.glob("site_boilerplate*.jsonl") for line in path.open(encoding="utf-8")
    ]
    assert [(m["site"], m["pages"]) for m in mined] == [("riverdalegazette.com", 24)]
    assert json.loads((output / "_report.json").read_text(encoding="utf-8"))["languages"] == {"en": 27}


def expected_corpus(config, documents, settings) -> dict[str, list[dict]]:
    """What the corpus steps give, worked out over the whole list of articles at once with the pure
    functions (the order of the steps as CleanCorpus documents it), as sorted JSON records."""
    from collections import Counter, defaultdict

    from article_cleaner.transforms.clean_document import clean_document
    from article_cleaner.transforms.corpus.copies import body_key, url_key
    from article_cleaner.transforms.corpus.site_boilerplate import candidate_keys
    from article_cleaner.transforms.label.language import LanguageDetector
    from article_cleaner.transforms.records import Duplicate, Filtered, MinedParagraph

    detector = LanguageDetector(config.language)
    articles = [clean_document(document, config, detector) for document in documents]
    articles = [item for item in articles if isinstance(item, Article)]
    # Copies first: one per page URL, then one per body among those, every other copy naming the kept one.
    by_url = defaultdict(list)
    for article in articles:
        by_url[url_key(article, settings.same_page_urls) or body_key(article)].append(article)
    by_body = defaultdict(list)
    for copies in by_url.values():
        first, others = split_kept_copy(copies)
        by_body[body_key(first)].append((first, others))
    articles, duplicates = [], []
    for groups in by_body.values():
        kept, _ = split_kept_copy(first for first, _ in groups)
        articles.append(kept)
        for first, others in groups:
            copies = others if first == kept else [first, *others]
            duplicates += [Duplicate(copy.id, copy.source, copy.url, kept.id) for copy in copies]
    mining = settings.site_boilerplate
    site_pages = Counter(article.site for article in articles)
    pages, sample = Counter(), {}
    for article in articles:
        for key, text in candidate_keys(article, mining).items():
            pages[article.site, key] += 1
            sample[article.site, key] = min(sample.get((article.site, key), text), text)
    mined = [
        MinedParagraph(site=site, key=key, pages=count, site_pages=site_pages[site], text=sample[site, key])
        for (site, key), count in pages.items()
        if is_site_boilerplate(count, site_pages[site], mining)
    ]
    keys_of = defaultdict(set)
    for paragraph in mined:
        keys_of[paragraph.site].add(paragraph.key)
    filtered, by_body = [], defaultdict(list)
    for article in articles:
        cleaned = remove_site_boilerplate(article, article.site, frozenset(keys_of[article.site]))
        if not cleaned.body:
            detail = f"every paragraph is boilerplate of {article.site}"
            filtered.append(Filtered(article.source, "only_site_boilerplate", detail, article.url, article.chars_in))
        elif cleaned.language not in settings.languages:
            detail = f"language {cleaned.language} is not one of: {', '.join(settings.languages)}"
            filtered.append(Filtered(article.source, "language", detail, article.url, article.chars_in))
        else:
            by_body[body_key(cleaned)].append(cleaned)
    kept = []
    for copies in by_body.values():
        first, others = split_kept_copy(copies)
        kept.append(first)
        duplicates += [Duplicate(other.id, other.source, other.url, first.id) for other in others]
    outputs = {"articles": kept, "filtered": filtered, "duplicates": duplicates, "mined": mined}
    return {
        name: sorted((json.loads(to_json_line(record)) for record in records), key=json.dumps)
        for name, records in outputs.items()
    }


def test_spilled_corpus_steps_give_the_records_of_grouping_whole_articles(config, tmp_path):
    documents = corpus_documents()
    riverdale_1, harbour_3 = documents[0], documents[26]
    extra = [
        # riverdale-01 without the site prompt, at another URL: a copy of it only once the prompt is mined
        replace(
            riverdale_1,
            id="riverdale-01-copy",
            source="mirror.jsonl:1",
            url="https://www.riverdalegazette.com/print-edition/millbrook-1",
            text=riverdale_1.text.replace(SITE_PROMPT, ""),
        ),
        # a page whose body is nothing but the site prompt: empty once the prompt is mined
        InputDocument(
            source="join.txt",
            id="riverdale-join",
            url="https://www.riverdalegazette.com/join",
            text=f"Join the Gazette Circle\n\n{SITE_PROMPT}",
        ),
        replace(harbour_3, id="aaa-harbour-3", source="mirror.jsonl:2"),
        InputDocument(
            source="de.txt",
            id="harbour-de",
            url="https://harbour-news.example.org/de",
            text="Hafen geschlossen\n\nDer Hafen bleibt wegen des Sturms bis Donnerstag geschlossen, teilte die Stadtverwaltung am Montag mit. Die Fischer müssen ihre Boote im Hafenbecken lassen.",
        ),
    ]
    settings = replace(NOTHING, site_boilerplate=MINING, languages=("en",), deduplicate=True)
    results = run_corpus(config, [*documents, *extra], settings, tmp_path)
    expected = expected_corpus(config, [*documents, *extra], settings)
    assert results == expected
    # every step had something to do
    assert sorted((d["id"], d["duplicate_of"]) for d in results["duplicates"]) == [
        ("harbour-news-3", "aaa-harbour-3"),
        ("riverdale-01-copy", "riverdale-01"),
    ]
    assert sorted((f["source"], f["reason"]) for f in results["filtered"]) == [
        ("de.txt", "language"),
        ("join.txt", "only_site_boilerplate"),
    ]
    assert [(m["pages"], m["site_pages"]) for m in results["mined"]] == [(25, 26)]


def test_spill_files_are_gone_after_a_run(config, tmp_path):
    spill_root = tmp_path / "spill"
    documents = [*corpus_documents(), replace(corpus_documents()[0], id="copy", source="copy.jsonl:1")]
    settings = replace(NOTHING, site_boilerplate=MINING, deduplicate=True)
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        cleaned = pipeline | beam.Create(documents) | CleanArticles(config)
        outputs = cleaned[ARTICLES] | CleanCorpus(settings, spill_root=str(spill_root))
        articles = outputs["articles"] | beam.combiners.Count.Globally()
        assert_that(articles, equal_to([27]))
    assert spill_root.is_dir()  # where both steps spilled ...
    assert list(spill_root.rglob("*")) == []  # ... and nothing is left


RECRAWLED = Path(__file__).parent / "data" / "corpus" / "recrawled_article.jsonl"


def test_an_article_crawled_five_times_is_kept_once_with_its_full_body_and_nothing_is_filtered(tmp_path):
    # Ten pages of a site and one of its articles fetched on five days (one fetch through a
    # newsletter link, the last after the article was updated): the copies must not make the
    # article's paragraphs "site boilerplate" by voting for each other.
    from article_cleaner.pipelines.clean_articles import run

    output = tmp_path / "out"
    assert run(["--input", str(RECRAWLED), "--output", str(output)]) == 0
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert (report["inputs"], report["written"], report["filtered_total"], report["duplicates"]) == (15, 11, 0, 4)
    assert report["balanced"] is True
    articles = {record["id"]: record for record in read_records(output, "articles")}
    kept = articles["elm-grove-11-fetched-2026-11-16"]  # the smallest id of the five
    original = json.loads(RECRAWLED.read_text(encoding="utf-8").splitlines()[10])["text"]
    article_paragraphs = [p for p in original.split("\n\n")[1:] if p != SITE_PROMPT]
    assert kept["body"].split("\n\n") == article_paragraphs
    assert sorted((d["id"], d["duplicate_of"]) for d in read_records(output, "duplicates")) == [
        (f"elm-grove-11-fetched-2026-11-{day}", "elm-grove-11-fetched-2026-11-16") for day in (17, 18, 19, 20)
    ]
    # the site's own prompt is still mined: from all eleven distinct pages, counted once each
    assert [(m["pages"], m["site_pages"]) for m in read_records(output, "site_boilerplate")] == [(11, 11)]


def read_records(output: Path, name: str) -> list[dict]:
    return [json.loads(line) for path in output.glob(f"{name}-*.jsonl") for line in path.open(encoding="utf-8")]


def test_every_copy_names_the_copy_finally_kept_across_url_and_body_copies(config, tmp_path):
    from article_cleaner.transforms.corpus.clean_corpus import DropDuplicates

    story, mirror = "https://news.example.org/story", "https://mirror.example.net/story"
    first_fetch = replace(article("Harbour reopens.\n\nBoats are back."), id="b", source="a:1", url=story)
    updated = replace(article("Harbour reopens.\n\nBoats are back.\n\nUpdate."), id="c", source="a:2", url=story)
    mirrored = replace(first_fetch, id="a", source="b:1", url=mirror)
    other = replace(article("Another story."), id="d", source="a:3", url=f"{story}-2?utm_source=x")
    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        articles = pipeline | beam.Create([first_fetch, updated, mirrored, other])
        resolved = articles | DropDuplicates(str(tmp_path), config.corpus.same_page_urls)
        kept = resolved["articles"] | beam.Map(lambda item: item.id)
        assert_that(kept, equal_to(["a", "d"]), label="kept")
        duplicates = resolved["duplicates"] | beam.Map(lambda item: (item.id, item.duplicate_of))
        assert_that(duplicates, equal_to([("b", "a"), ("c", "a")]), label="duplicates")


def test_twenty_thousand_copies_of_the_benchmark_pages_keep_every_distinct_page_once(config, detector, tmp_path):
    import gzip

    from article_cleaner.transforms.clean_document import clean_document

    from support import require_shared

    pages = sorted(require_shared("benchmarks", "article-extraction", "html").glob("*.html.gz"))
    documents = [
        InputDocument(
            source=path.name,
            id=path.name.removesuffix(".html.gz")[:16],
            html=gzip.decompress(path.read_bytes()).decode("utf-8", "replace"),
            folder="corpus",
        )
        for path in pages
    ]
    distinct = [clean_document(document, config, detector) for document in documents]
    assert all(isinstance(page, Article) for page in distinct) and len(distinct) == 181
    copies = 20_000

    def copies_of(numbered):
        # as benchmarks/throughput.py writes the corpus: page after page, each copy with its own id
        number, page = numbered
        for copy in range(number, copies, len(distinct)):
            yield replace(page, id=f"{page.id}-{copy // len(distinct)}", source=f"corpus-{copy % 8:02d}.jsonl:{copy}")

    with BeamTestPipeline(runner="FnApiRunner") as pipeline:
        articles = pipeline | beam.Create(list(enumerate(distinct))) | beam.FlatMap(copies_of)
        outputs = articles | CleanCorpus(config.corpus, spill_root=str(tmp_path))
        # each page once, as it was cleaned: its first copy (the smallest id), its whole body
        kept = outputs["articles"] | "KeptPage" >> beam.Map(lambda item: (item.id, item.url, item.body))
        assert_that(kept, equal_to([(f"{page.id}-0", page.url, page.body) for page in distinct]))
        others = (
            (outputs["duplicates"], outputs["filtered"], outputs["mined"])
            | beam.Flatten()
            | beam.Map(lambda item: type(item).__name__)
            | beam.combiners.Count.PerElement()
        )
        assert_that(others, equal_to([("Duplicate", copies - len(distinct))]), label="others")


def test_without_dedup_every_copy_is_written_with_its_article_and_still_counts_once_in_mining(config, tmp_path):
    items = [json.loads(line) for line in RECRAWLED.read_text(encoding="utf-8").splitlines()]
    documents = [InputDocument(source=f"recrawled_article.jsonl:{n}", **item) for n, item in enumerate(items, 1)]
    settings = replace(config.corpus, site_boilerplate=MINING, languages=(), deduplicate=False)
    results = run_corpus(config, documents, settings, tmp_path)
    assert len(results["articles"]) == 15 and results["filtered"] == [] and results["duplicates"] == []
    fetches = [record for record in results["articles"] if record["id"].startswith("elm-grove-11-fetched-")]
    assert len(fetches) == 5
    for record in fetches:  # the article's own paragraphs stay in every copy; the site prompt goes
        assert SITE_PROMPT not in record["body"] and record["body"].count("\n\n") >= 2
    assert [(m["pages"], m["site_pages"]) for m in results["mined"]] == [(11, 11)]
