"""Hostile input: one CLI run over tests/data/hostile accounts for every input with a clear reason,
and the pure parsing and cleaning functions never raise on arbitrary text, bytes or markup."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.clean_document import clean_document, clean_document_in_time
from article_cleaner.transforms.extract.html import parse_html
from article_cleaner.transforms.extract.text import parse_text
from article_cleaner.transforms.limits.markup_scan import markup_breach
from article_cleaner.transforms.limits.watchdog import Watchdog
from article_cleaner.transforms.records import Article, Filtered, InputDocument, Rejected

from support import fails_instead_of_hanging

REPO_ROOT = Path(__file__).resolve().parent.parent
HOSTILE_DIR = REPO_ROOT / "tests" / "data" / "hostile"
EXPECTED = {
    # HTML pages in WARC archives; two repeat the harbour story of malformed.jsonl:1's twin (ok-1).
    "mixed.warc.gz:3": "duplicate",
    "mixed.warc.gz:6": "written",
    "truncated.warc.gz:3": "duplicate",
    "binary.txt": "undecodable",
    "bomb.jsonl.gz": "decompression_bomb",
    "corrupt.parquet": "unreadable",
    "deep-nesting.html.gz": "too_deeply_nested",
    "empty.html": "empty_input",
    "empty.jsonl": "empty_input",
    "empty.txt": "empty_input",
    "whitespace-only.txt": "empty_input",
    # the harbour story again, as is "long-line.jsonl:2" (after-huge, the smallest id of its copies:
    # copies are resolved by their bodies before site mining could make them differ)
    "invalid-utf8.jsonl:1": "duplicate",
    "invalid-utf8.jsonl:2": "undecodable",
    "latin1-article.txt": "written",
    "long-line.txt.gz": "written",
    "long-line.jsonl:1": "too_large",
    "long-line.jsonl:2": "written",
    "page-50mb.html": "too_large",
    "malformed.jsonl:1": "duplicate",
    **{f"malformed.jsonl:{line}": "malformed_json" for line in (2, 3, 4, 5, 6, 9)},
    "mixed.warc.gz:4": "not_html",
    "mixed.warc.gz:5": "http_status",
    "not-gzip.txt.gz": "corrupt_compression",
    "nul-bytes.txt": "undecodable",
    "scan.pdf": "unknown_format",
    **{f"truncated.jsonl.gz:{line}": "written" for line in range(1, 79)},
    "truncated.jsonl.gz": "corrupt_compression",
    "truncated.txt.bz2": "corrupt_compression",
    "truncated.warc.gz:4": "not_html",
    "truncated.warc.gz:5": "http_status",
    "truncated.warc.gz": "corrupt_compression",
    "utf16.txt": "written",
    **{f"wrong-types.jsonl:{line}": "invalid_field" for line in (1, 2, 3, 4)},
    "wrong-types.jsonl:5": "missing_field",
    "wrong-types.jsonl:6": "missing_field",
    "wrong-types.jsonl:7": "written",
    "attribute-bomb.html.gz": "too_many_attributes",
    "huge-tag.html.gz": "tag_too_large",
    "script-in-attribute.html.gz": "too_deeply_nested",
    "noscript-nesting.html.gz": "too_deeply_nested",
    "deep-json-ld.html.gz": "written",
    "share-row.html.gz": "written",
    # Its body is the template of the two pages above with another heading: a near-duplicate of them.
    "long-credit.html.gz": "duplicate",
}


def load_generator():
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_outputs(directory: Path, pattern: str) -> list[dict]:
    return [json.loads(line) for path in sorted(directory.glob(pattern)) for line in path.open(encoding="utf-8")]


def test_committed_hostile_files_are_small_and_match_their_generator():
    generator = load_generator()
    committed = {path.name for path in HOSTILE_DIR.iterdir() if path.name != "generate.py"}
    assert committed == set(generator.files())
    assert all((HOSTILE_DIR / name).stat().st_size < 200_000 for name in committed)
    assert len(committed) + len(generator.generated_at_test_time()) >= 12


def test_one_cli_run_over_every_hostile_input_exits_0_and_accounts_for_each(tmp_path):
    inputs = tmp_path / "hostile"
    shutil.copytree(HOSTILE_DIR, inputs, ignore=shutil.ignore_patterns("*.py"))
    for name, data in load_generator().generated_at_test_time().items():
        (inputs / name).write_bytes(data)
    output = tmp_path / "out"
    command = [sys.executable, "-m", "article_cleaner", "--input", str(inputs / "*"), "--output", str(output)]
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]

    articles = read_outputs(output, "articles-*.jsonl")
    rejects = read_outputs(output, "rejects-*.jsonl")
    filtered = read_outputs(output, "filtered-*.jsonl")
    duplicates = read_outputs(output, "duplicates-*.jsonl")
    outcomes = {record["source"]: "written" for record in articles}
    for record in duplicates:
        assert record["source"] not in outcomes, f"{record['source']} is accounted for twice"
        outcomes[record["source"]] = "duplicate"
    for record in rejects + filtered:
        assert record["source"] not in outcomes, f"{record['source']} is accounted for twice"
        outcomes[record["source"]] = record["reason"]
    assert outcomes == EXPECTED
    assert all(record["detail"] for record in rejects + filtered)
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert report["balanced"] is True
    assert report["inputs"] == len(EXPECTED)
    assert report["inputs"] == (
        report["written"] + report["rejected_total"] + report["filtered_total"] + report["duplicates"]
    )
    assert report["warc_records_skipped"] == {"metadata": 1, "request": 2, "warcinfo": 2}
    big_page = next(record for record in rejects if record["source"] == "page-50mb.html")
    assert big_page["detail"].endswith("bytes, over the 10485760-byte limit")
    assert big_page["input_length"] > 50 * 1024 * 1024 and len(big_page["input_prefix"]) == 2000


SLOW_SHAPE_OUTCOMES = {
    "attribute-bomb.html": "too_many_attributes",
    "attribute-bomb-80k.html": "too_many_attributes",
    "attribute-bomb-125k.html": "too_many_attributes",
    "huge-tag.html": "tag_too_large",
    "script-in-attribute.html": "too_deeply_nested",
    "noscript-nesting.html": "too_deeply_nested",
    "deep-json-ld.html": "article",
    "share-row.html": "article",
    "long-credit.html": "article",
    "many-blocks.txt": "time_budget_exceeded",
    "many-blocks.html": "time_budget_exceeded",
    "paragraph-5mb.html": "article",
    "paragraph-5mb.txt": "article",
    "runs.txt": "article",
}


def test_every_slow_shape_gets_its_outcome_within_twice_the_budget_and_the_run_far_under_the_budgets(config, detector):
    budget = 2.0  # the fine articles among the shapes take 0.5 s at most: room for a loaded machine
    small_budget = replace(config, limits=replace(config.limits, time_budget_seconds=budget))
    watchdog = Watchdog()
    outcomes, cpu_seconds = {}, {}
    with fails_instead_of_hanging(120):  # before the guards, the attribute bombs alone took minutes
        run_started = time.monotonic()
        for name, (mode, content) in load_generator().slow_documents().items():
            # What a document costs its worker, in this thread's CPU time: on a shared machine the wall
            # clock also counts the other processes' turns (the budget itself is wall time).
            started = time.thread_time()
            result = clean_document_in_time(
                InputDocument(source=name, **{mode: content}), small_budget, detector, watchdog
            )
            cpu_seconds[name] = time.thread_time() - started
            outcomes[name] = result.reason if isinstance(result, Rejected) else "article"
        run_seconds = time.monotonic() - run_started
    watchdog.stop()
    assert outcomes == SLOW_SHAPE_OUTCOMES
    assert {name: round(took, 1) for name, took in cpu_seconds.items() if took >= 2 * budget} == {}
    assert sum(cpu_seconds.values()) < 0.5 * len(outcomes) * budget
    assert run_seconds < len(outcomes) * budget


# --- properties: the pure functions under the readers and the cleaner never raise ---


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000))
def test_clean_document_on_arbitrary_text_returns_an_article_a_reject_or_a_filtered_page(config, detector, text):
    result = clean_document(InputDocument(source="s", text=text), config, detector)
    assert isinstance(result, Article | Rejected | Filtered)
    assert parse_text(text, config.content_selection.block_shape).blocks_in >= 0


MARKUP = st.lists(
    st.one_of(
        st.sampled_from(
            ["<div>", "</div>", "<p>", "<b>", "</b>", "<!--", "-->", "<script>", "</script>", "<a href=x>"]
        ),
        st.text(max_size=20),
    ),
    max_size=200,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(MARKUP)
def test_clean_document_on_arbitrary_markup_returns_an_article_a_reject_or_a_filtered_page(config, detector, html):
    result = clean_document(InputDocument(source="s", html=html), config, detector)
    assert isinstance(result, Article | Rejected | Filtered)
    assert markup_breach(html, max_depth=10_000, max_attributes=10_000, max_tag_bytes=10_000) is None


@settings(max_examples=150, deadline=None)
@given(MARKUP)
def test_parse_html_on_arbitrary_markup_never_raises(config, html):
    page = parse_html(html, config.html)
    assert all(block.text for block in page.blocks)
