"""The vocabulary of removal kinds, and the rule ids the code emits, held against the config."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml

from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, ENGINE_RULE_KINDS, load_config
from article_cleaner.transforms.corpus.site_boilerplate import paragraph_key, remove_site_boilerplate
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.records import InputDocument
from article_cleaner.transforms.removal_kinds import REMOVAL_KINDS
from article_cleaner.transforms.report.explain import LANGUAGE_ROW, PAGE_TYPE_ROW, explain_document

from support import REPO_ROOT, article_of, require_shared

# Every tenth page of each article set, in HTML and as a naive scraper flattens it.
SAMPLE_STEP = 10

# A summary with a headed reference list, as research newsletters and wiki-like pages end.
CITED_SUMMARY = (
    "Harbour silt study finds dredging doubled since 2010\n\n"
    "A survey of the Port Ellis channel found that the silt removed each year has doubled since 2010 [1], "
    "and that winter storms now account for most of it [2].\n\n"
    "The harbour authority said it would publish a new dredging plan in the spring, after consulting "
    "the fishing fleet and the ferry operator.\n\n"
    "Sources:\n\n"
    "1. Port Ellis Harbour Authority, Annual Dredging Report 2024.\n\n"
    "2. Coastal Sediment Survey, Winter Storms and Channel Silt, 2023."
)


def declared_rule_ids(node: object) -> set[str]:
    """Every rule id the YAML declares: the `id` of each rule, and the values of `rule` and `duplicate_rule`."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "rule", "duplicate_rule") and isinstance(value, str):
                found.add(value)
            found |= declared_rule_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= declared_rule_ids(item)
    return found


def documents() -> list[InputDocument]:
    """Real pages of every shape the tests hold: the examples, the test pages and corpus, the golden
    seeds, and a sample of both article benchmark sets in both modes."""
    found = []
    for path in sorted((REPO_ROOT / "examples" / "inputs").glob("*.txt")) + sorted(
        (REPO_ROOT / "tests" / "data" / "html").glob("*.html")
    ):
        text = path.read_text(encoding="utf-8")
        html = path.suffix == ".html"
        found.append(InputDocument(source=path.name, text=None if html else text, html=text if html else None))
    for path in sorted((REPO_ROOT / "tests" / "data" / "corpus").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            found.append(
                InputDocument(source=f"{path.name}:{number}", text=record.get("text"), html=record.get("html"))
            )
    golden = require_shared("golden")
    for path in sorted(golden.glob("*.txt")):
        found.append(InputDocument(source=path.name, text=path.read_text(encoding="utf-8")))
    found.append(InputDocument(source="cited-summary.txt", text=CITED_SUMMARY))
    naive_text = _naive_text_function()
    for name in ("article-extraction", "wcxb-dev"):
        pages = sorted(require_shared("benchmarks", name).rglob("*.html.gz"))[::SAMPLE_STEP]
        for path in pages:
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            found.append(InputDocument(source=path.name, html=html))
            found.append(InputDocument(source=f"{path.name}.txt", text=naive_text(html)))
    return found


def _naive_text_function():
    from support import load_module_file

    return load_module_file(require_shared("eval", "naive_text.py"), "naive_text").naive_text


@pytest.fixture(scope="module")
def explained_rows():
    config = load_config()
    detector = LanguageDetector(config.language)
    return [row for document in documents() for row in explain_document(document, config, detector)]


def test_every_rule_id_the_code_emits_is_declared_in_the_config(explained_rows):
    declared = declared_rule_ids(yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    # The page-type summary row names the section; its evidence rows name page_types rules.
    emitted = {
        row.rule
        for row in explained_rows
        if not (row.label == PAGE_TYPE_ROW and row.rule == "page_types") and row.label != LANGUAGE_ROW
    }
    assert emitted - declared == set()
    # The sample reaches the rules the code applies by structure, not only the YAML's patterns.
    assert {
        "structure.outside_main_region",
        "structure.short_line_run",
        "html.caption",
        "html.title",
        "text.first_paragraph",
        "body",
        "citations.reference_item",
        "citations.reference_heading",
    } <= emitted


def test_every_removal_kind_the_code_emits_is_in_the_vocabulary(explained_rows):
    labels = {"kept", "title", "caption", "reference", PAGE_TYPE_ROW, LANGUAGE_ROW}
    kinds = {row.label for row in explained_rows} - labels
    assert kinds and kinds <= set(REMOVAL_KINDS)
    assert set(REMOVAL_KINDS) <= set(ENGINE_RULE_KINDS)


def test_the_site_boilerplate_rule_is_declared_with_its_site_placeholder():
    paragraph = "Sign up for the Harbour Gazette's morning briefing, delivered to your inbox daily."
    body = f"{paragraph}\n\nThe storm kept the harbour closed."
    article = article_of(body, source="a.txt", title="Storm", site="harbour-gazette.example")
    cleaned = remove_site_boilerplate(article, article.site, {paragraph_key(paragraph)})
    (removal,) = cleaned.removed
    declared = declared_rule_ids(yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    site = removal.rule.split(":", 1)[1]
    assert (removal.kind, site) == ("site_boilerplate", "harbour-gazette.example")
    assert removal.rule.replace(site, "<site>") in declared


def test_the_readme_names_every_removal_kind_of_the_vocabulary():
    readme = Path(REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert [kind for kind in REMOVAL_KINDS if f"`{kind}`" not in readme] == []
