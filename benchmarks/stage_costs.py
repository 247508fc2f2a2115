"""What each stage of clean_document costs per document, timed without a profiler.

A profiler inflates Python loops several times over, so it misplaces where time goes. Here the
real clean_document runs unchanged; while `stage_timers()` is active, the functions it calls for
each stage are wrapped with a clock (a wrapper costs well under a microsecond), and a document's
time per stage is collected. The parse stage is parse_html less the selection and walk it calls.

    python benchmarks/stage_costs.py [--bench NAME] [--limit N]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from benchmark_sets import BENCHMARKS, BenchmarkSet, load_pages

# (module path, attribute, stage): the callables clean_document reaches for each stage.
# Attributes of a class are given as "Class.method".
_TIMED = (
    ("article_cleaner.transforms.clean_document", "limit_violation", "guards"),
    ("article_cleaner.transforms.clean_document", "parse_document", "parse"),
    ("article_cleaner.transforms.extract.html", "_select_containers", "selection"),
    ("article_cleaner.transforms.extract.html", "_ContentWalk.walk_container", "walk"),
    ("article_cleaner.transforms.extract.html", "_outside_removals", "walk"),
    ("article_cleaner.transforms.clean_document", "label_blocks", "classification"),
    ("article_cleaner.transforms.clean_document", "body_paragraphs", "assembly"),
    ("article_cleaner.transforms.clean_document", "assemble_article", "assembly"),
    ("article_cleaner.transforms.clean_document", "page_type_of", "page type"),
)
# Stages timed inside another one: their time is taken out of the enclosing stage.
_NESTED_IN = {"selection": "parse", "walk": "parse"}
STAGES = (
    "guards",
    "parse",
    "selection",
    "walk",
    "classification",
    "assembly",
    "page type",
    "language",
    "serialisation",
)


@dataclass
class StageClock:
    """Seconds per stage of the current document, and the per-document totals so far."""

    current: dict[str, float] = field(default_factory=dict)
    documents: list[dict[str, float]] = field(default_factory=list)

    def timed(self, stage: str, function: Callable) -> Callable:
        current = self.current

        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                current[stage] = current.get(stage, 0.0) + time.perf_counter() - started

        return timed_call

    def close_document(self) -> None:
        spent = dict(self.current)
        for inner, outer in _NESTED_IN.items():
            if inner in spent:
                spent[outer] = spent.get(outer, 0.0) - spent[inner]
        self.documents.append(spent)
        self.current.clear()


@contextlib.contextmanager
def stage_timers(clock: StageClock) -> Iterator[StageClock]:
    """clean_document's stage functions wrapped with clock while inside; restored on exit."""
    import importlib

    restore = []
    try:
        for module_name, attribute, stage in _TIMED:
            owner = importlib.import_module(module_name)
            *classes, name = attribute.split(".")
            for class_name in classes:
                owner = getattr(owner, class_name)
            original = owner.__dict__[name]
            restore.append((owner, name, original))
            setattr(owner, name, clock.timed(stage, original))
        yield clock
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


@dataclass(frozen=True)
class StageSummary:
    stage: str
    mean_ms: float
    p99_ms: float
    max_ms: float
    share: float


def summarise(documents: list[dict[str, float]]) -> list[StageSummary]:
    """Mean, 99th percentile and maximum ms per document of each stage (0 where a document skipped it)."""
    table = np.array([[spent.get(stage, 0.0) for stage in STAGES] for spent in documents]) * 1e3
    totals = table.sum(axis=0)
    return [
        StageSummary(
            stage,
            float(table[:, column].mean()),
            float(np.percentile(table[:, column], 99)),
            float(table[:, column].max()),
            float(totals[column] / totals.sum()),
        )
        for column, stage in enumerate(STAGES)
    ]


def measure(pages: list[tuple[str, str, str | None]], passes: int = 1) -> tuple[list[StageSummary], np.ndarray]:
    """Stage summaries and per-document totals (ms) of clean_document over (id, html, url) pages, each
    cleaned `passes` times (the fastest pass of each document is kept, against a busy machine)."""
    from article_cleaner.transforms.clean_document import clean_document
    from article_cleaner.transforms.config.loading import load_config
    from article_cleaner.transforms.io.sinks import to_json_line
    from article_cleaner.transforms.label.language import LanguageDetector
    from article_cleaner.transforms.records import Article, InputDocument

    config = load_config()
    detector = LanguageDetector(config.language)
    documents = [InputDocument(source=page_id, html=html, id=page_id, url=url) for page_id, html, url in pages]
    best: list[dict[str, float]] | None = None
    for _ in range(passes):
        clock = StageClock()
        detector.detect = clock.timed("language", LanguageDetector.detect.__get__(detector))
        with stage_timers(clock):
            for document in documents:
                result = clean_document(document, config, detector)
                started = time.perf_counter()
                to_json_line(result)
                if isinstance(result, Article):  # rejects and filtered pages are written too, but small
                    clock.current["serialisation"] = time.perf_counter() - started
                clock.close_document()
        if best is None:
            best = clock.documents
        else:
            pairs = zip(best, clock.documents, strict=True)
            best = [min(old, new, key=lambda spent: sum(spent.values())) for old, new in pairs]
    totals = np.array([sum(spent.values()) for spent in best]) * 1e3
    return summarise(best), totals


def print_summary(summaries: list[StageSummary], totals: np.ndarray, heading: str) -> None:
    print(heading)
    print(f"  {'stage':<15} {'mean':>7} {'p99':>7} {'max':>7}  share   (ms per document)")
    for summary in summaries:
        print(
            f"  {summary.stage:<15} {summary.mean_ms:7.2f} {summary.p99_ms:7.2f} {summary.max_ms:7.1f}"
            f"  {summary.share:5.1%}"
        )
    print(
        f"  {'total':<15} {totals.mean():7.2f} {np.percentile(totals, 99):7.2f} {totals.max():7.1f}"
        f"          = {1e3 / totals.mean():.0f} docs/s on one core before Beam, reading and writing"
    )


def benchmark_pages(names: tuple[str, ...], limit: int | None = None) -> list[tuple[str, str, str | None]]:
    """(id, html, url) of every page of the named sets, ids prefixed by their set."""
    import json

    pages = []
    for name in names:
        benchmark = BenchmarkSet(name, BENCHMARKS / name)
        truth = json.loads(benchmark.ground_truth.read_text(encoding="utf-8"))
        for page_id, html in load_pages(benchmark, limit).items():
            entry = truth.get(page_id)
            pages.append((f"{name}/{page_id}", html, entry.get("url") if isinstance(entry, dict) else None))
    return pages


ALL_SETS = ("article-extraction", "wcxb-dev", "wcxb-dev-other")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", action="append", help="a set under ../shared/benchmarks (repeatable; default: all)")
    parser.add_argument("--limit", type=int, help="at most this many pages of each set")
    parser.add_argument("--passes", type=int, default=1, help="clean each page this many times, keep the fastest")
    args = parser.parse_args(argv)
    pages = benchmark_pages(tuple(args.bench or ALL_SETS), args.limit)
    summaries, totals = measure(pages, args.passes)
    print_summary(summaries, totals, f"clean_document per stage, one process, {len(pages)} distinct pages:")
    return 0


if __name__ == "__main__":
    sys.exit(main())
