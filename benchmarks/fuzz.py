"""Fuzzing at scale: generated hostile documents through the cleaner, under the real time budget.

    python benchmarks/fuzz.py [--documents 100000] [--seed 0] [--workers 2] [--show INDEX]

Document i is family i mod 10 of tests/data/hostile/generate.py's FUZZ_FAMILIES (deep nesting of
every tag, attribute bombs, huge attribute values, 5 MB paragraphs, runs of '(' '©' '[1]', NUL,
zero-width, right-to-left and astral characters, broken entities, deep JSON-LD, rows that make
regexes backtrack, truncated real pages, many blocks, markup soup), drawn from Random(f"{seed}:{i}"),
so `--show i` rebuilds any one of them. Each goes through clean_document_in_time in W worker
processes, as the pipeline's DoFn does. Prints the outcomes per reason and per family, the slowest
documents, and exits 1 when any document raised (a bug) or took more than twice the budget.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import multiprocessing
import random
import sys
import time
import traceback
from pathlib import Path

from article_cleaner.transforms.clean_document import clean_document_in_time
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.limits.watchdog import Watchdog
from article_cleaner.transforms.records import Filtered, InputDocument, Rejected

REPO_ROOT = Path(__file__).resolve().parent.parent

SLOWEST_SHOWN = 15


def load_families() -> dict:
    spec = importlib.util.spec_from_file_location("hostile_generate", REPO_ROOT / "tests/data/hostile/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FUZZ_FAMILIES


def fuzz_document(families: dict, seed: int, index: int) -> tuple[str, InputDocument]:
    name = sorted(families)[index % len(families)]
    mode, content = families[name](random.Random(f"{seed}:{index}"))
    return name, InputDocument(source=f"fuzz-{seed}-{index}", **{mode: content})


class Worker:
    """What a worker process builds once, as the pipeline's DoFn does in setup()."""

    families: dict
    config = None
    detector: LanguageDetector
    watchdog: Watchdog

    @classmethod
    def set_up(cls) -> None:
        cls.families = load_families()
        cls.config = load_config()
        cls.detector = LanguageDetector(cls.config.language)
        cls.watchdog = Watchdog()


def clean_range(arguments: tuple[int, int, int]) -> list[tuple[int, str, str, float, int]]:
    """(index, family, outcome, seconds, characters) for documents start..stop-1."""
    seed, start, stop = arguments
    if Worker.config is None:
        Worker.set_up()
    results = []
    for index in range(start, stop):
        family, document = fuzz_document(Worker.families, seed, index)
        started = time.monotonic()
        try:
            result = clean_document_in_time(document, Worker.config, Worker.detector, Worker.watchdog)
            if isinstance(result, Rejected):
                outcome = result.reason
            elif isinstance(result, Filtered):
                outcome = f"filtered {result.reason}"
            else:
                outcome = "article"
        except Exception as error:  # a bug: counted, shown, and the exit code says so
            outcome = f"EXCEPTION {type(error).__name__}: {traceback.format_exc(limit=-2)}"
        content = document.html if document.text is None else document.text
        results.append((index, family, outcome, time.monotonic() - started, len(content or "")))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", type=int, default=None, help="print document INDEX (its first 300 characters)")
    args = parser.parse_args(argv)
    if args.show is not None:
        family, document = fuzz_document(load_families(), args.seed, args.show)
        content = document.html if document.text is None else document.text
        print(f"{family} ({'text' if document.text is not None else 'html'}, {len(content)} characters):")
        print(repr(content[:300]))
        return 0

    budget = load_config().limits.time_budget_seconds
    chunk = 200
    ranges = [(args.seed, start, min(start + chunk, args.documents)) for start in range(0, args.documents, chunk)]
    started = time.monotonic()
    results = []
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        for part in pool.imap_unordered(clean_range, ranges):
            results += part
            if len(results) % 10_000 < len(part):  # a long run says how far it is, on stderr
                so_far = collections.Counter(outcome.split(":")[0] for _, _, outcome, _, _ in results)
                print(f"{len(results)} documents, {time.monotonic() - started:.0f} s: {dict(so_far)}", file=sys.stderr)
    wall = time.monotonic() - started

    by_reason = collections.Counter(outcome.split(":")[0] for _, _, outcome, _, _ in results)
    by_family: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for _, family, outcome, _, _ in results:
        by_family[family][outcome.split(":")[0]] += 1
    cpu = sum(seconds for _, _, _, seconds, _ in results)
    print(f"{len(results)} documents, seed {args.seed}, {args.workers} workers: ", end="")
    print(f"{wall:.0f} s wall, {cpu:.0f} s cleaning")
    print(f"budget {budget} s per document; documents x budget = {len(results) * budget:.0f} s\n")
    print("outcomes:")
    for reason, count in by_reason.most_common():
        print(f"  {count:>8}  {reason}")
    print("\nper family:")
    for family in sorted(by_family):
        print(f"  {family:<16} " + ", ".join(f"{reason} {count}" for reason, count in by_family[family].most_common()))
    print(f"\nslowest {SLOWEST_SHOWN} (python benchmarks/fuzz.py --seed {args.seed} --show INDEX rebuilds one):")
    for index, family, outcome, seconds, characters in sorted(results, key=lambda item: -item[3])[:SLOWEST_SHOWN]:
        print(f"  {seconds:7.2f} s  #{index:<7} {family:<16} {characters:>9} chars  {outcome.splitlines()[0]}")
    exceptions = [item for item in results if item[2].startswith("EXCEPTION")]
    for index, family, outcome, _, _ in exceptions[:5]:
        print(f"\n#{index} {family}: {outcome}")
    over_bound = [item for item in results if item[3] > 2 * budget]
    return 1 if exceptions or over_bound else 0


if __name__ == "__main__":
    sys.exit(main())
