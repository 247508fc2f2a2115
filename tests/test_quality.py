"""Quality on the article-extraction benchmark (181 real pages, hand-annotated bodies), scored with
the benchmark's own metric: the issue targets, kept from regressing. No timing here (benchmarks/)."""

from __future__ import annotations

import gzip
import importlib.util
import sys

import pytest

from tests.conftest import require_shared
from transforms.cleaning import extract_body
from transforms.records import InputDocument


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    """(ground truth {id: text}, {id: html}, score module, naive_text module)."""
    bench_dir = require_shared("benchmarks", "article-extraction")
    eval_dir = require_shared("eval")
    score = load_module(eval_dir / "score.py", "benchmark_score")
    naive = load_module(eval_dir / "naive_text.py", "benchmark_naive_text")
    truth = score.load_texts(bench_dir / "ground-truth.json")
    pages = {
        path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in sorted((bench_dir / "html").glob("*.html.gz"))
    }
    assert len(pages) == len(truth) == 181
    return truth, pages, score, naive


def test_html_mode_scores_at_least_f1_097_and_precision_096(bench, config):
    truth, pages, score, _ = bench
    predictions = {key: extract_body(InputDocument(source=key, html=html), config) for key, html in pages.items()}
    result = score.score(truth, predictions)
    assert result["f1"] >= 0.97 and result["precision"] >= 0.96, (result["f1"], result["precision"], result["recall"])


def test_text_mode_on_naively_flattened_pages_scores_at_least_f1_090(bench, config):
    truth, pages, score, naive = bench
    predictions = {
        key: extract_body(InputDocument(source=key, text=naive.naive_text(html)), config) for key, html in pages.items()
    }
    result = score.score(truth, predictions)
    assert result["f1"] >= 0.90, (result["f1"], result["precision"], result["recall"])
