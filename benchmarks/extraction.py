"""Quality and speed of the HTML path on every article benchmark set, against trafilatura.

    python benchmarks/extraction.py [--bench NAME|DIR] [--limit N] [--per-doc FILE] [--no-trafilatura] [--worst N]

By default every article set under ../shared/benchmarks (article-extraction, wcxb-dev; not
wcxb-dev-other, whose pages are not articles) is scored in this one run. Pages are read and decoded
before timing; each extractor runs over all pages of a set in this one process. Ours is the pipeline's
body path (HTML parse, main content, classification with the pattern rules, assembly), without language
identification; trafilatura runs with comments off, in its default mode and with fast=True.

Per set: F1/P/R and docs/s of each extractor, the ceiling, and our worst pages against trafilatura's
default mode (or our lowest F1, without trafilatura), each with where its missing text went: outside
the selected container (selection), a named removal rule, the captions, or never extracted.

The ceiling is that of any selectolax extractor written in Python: one Lexbor parse and the visible
text of <body> in one call, with no extraction at all (its score is that of keeping everything).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from article_cleaner.transforms.clean_document import extract_body, label_blocks, parse_document
from article_cleaner.transforms.config.loading import CleanerConfig, load_config
from article_cleaner.transforms.label.assemble import body_paragraphs, collect_captions, collect_removals
from article_cleaner.transforms.records import InputDocument

from benchmark_sets import EVAL, chosen_sets, load_pages, load_scorer, load_truth
from lost_text import lost_text

REPO_ROOT = Path(__file__).resolve().parent.parent

OURS = "article-cleaner"
SCORES = ("f1", "precision", "recall")
# A removal record keeps this much of the text it removed: all of it, so that lost text can be found.
WHOLE_REMOVALS = 10**9


def time_extractor(pages: dict[str, str], extract) -> tuple[dict[str, str], float]:
    """Every page's extracted text and the extractor's docs/s over all pages."""
    texts = {}
    start = time.perf_counter()
    for page_id, html in pages.items():
        texts[page_id] = extract(html)
    elapsed = time.perf_counter() - start
    return texts, len(pages) / elapsed if elapsed else float("inf")


def parse_and_read_everything(html: str) -> str:
    """The least an extractor does: parse once and take every visible character of <body>."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style"])
    return tree.body.text(separator="\n") if tree.body is not None else ""


def score_line(name: str, result: dict, speed: float) -> str:
    return (
        f"  {name:<28} n={result['n']} f1={result['f1']:.4f} precision={result['precision']:.4f} "
        f"recall={result['recall']:.4f}  {speed:7.1f} docs/s"
    )


def trafilatura_extractors() -> dict[str, object]:
    """{name: extract(html)} for trafilatura's default mode and fast=True, comments off; {} if absent.
    A name is also the prefix of the extractor's scores in --per-doc."""
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed (pip install '.[bench]'): comparison skipped")
        return {}
    print(f"trafilatura {trafilatura.__version__}, comments off")
    return {
        "trafilatura": lambda html: trafilatura.extract(html, include_comments=False) or "",
        "trafilatura_fast": lambda html: trafilatura.extract(html, fast=True, include_comments=False) or "",
    }


def worst_pages(ours: dict, reference: dict | None, count: int) -> list[str]:
    """Our pages furthest below the reference's F1 (or our lowest F1 without one), worst first."""

    def gap(page_id: str) -> float:
        our_f1 = ours[page_id]["f1"] or 0.0
        return (reference[page_id]["f1"] or 0.0) - our_f1 if reference else -our_f1

    return sorted(ours, key=lambda page_id: (-gap(page_id), page_id))[:count]


def explain_loss(page_id: str, html: str, truth: str, config: CleanerConfig, scorer) -> str:
    """Where this page's missing truth text went, in the words of its record (see lost_text.py)."""
    document = InputDocument(source=page_id, html=html)
    page = parse_document(document, config)
    labelled = label_blocks(page, document, config)
    body = "\n\n".join(body_paragraphs(labelled, config))
    outside_kind = config.html.content.outside_kind
    found = lost_text(
        truth, body, collect_captions(page, labelled), collect_removals(page, labelled), outside_kind, scorer
    )
    return found.describe()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="one benchmark set: a folder, or a name under ../shared/benchmarks")
    parser.add_argument("--eval", type=Path, default=EVAL, help="directory holding score.py")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    parser.add_argument("--per-doc", type=Path, metavar="FILE", help="write per-page scores of every extractor (JSONL)")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura comparison")
    parser.add_argument("--worst", type=int, default=10, help="how many of our worst pages to explain")
    args = parser.parse_args(argv)

    scorer = load_scorer(args.eval)
    config = load_config()
    explaining_config = replace(config, html=replace(config.html, removal_text_chars=WHOLE_REMOVALS))
    others = {} if args.no_trafilatura else trafilatura_extractors()
    per_doc_rows = []

    for benchmark in chosen_sets(args.bench):
        pages = load_pages(benchmark, args.limit)
        truth = load_truth(benchmark, pages, scorer)
        print(f"{benchmark.name} ({len(pages)} pages)")

        def extract(html: str) -> str:
            """The body as the pipeline builds it (parse, classify, assemble), language id excluded."""
            return extract_body(InputDocument(source="benchmark", html=html), config)

        ours, ours_speed = time_extractor(pages, extract)
        results = {OURS: scorer.score(truth, ours)}
        print(score_line(OURS, results[OURS], ours_speed))
        speeds = {OURS: ours_speed}
        for name, extract_other in others.items():
            theirs, speeds[name] = time_extractor(pages, extract_other)
            results[name] = scorer.score(truth, theirs)
            print(score_line(name, results[name], speeds[name]))
        _, ceiling_speed = time_extractor(pages, parse_and_read_everything)
        compared = "".join(f", {ceiling_speed / speed:.1f}x {name}" for name, speed in speeds.items() if name in others)
        print(
            f"  ceiling, Lexbor parse + all visible text, no extraction: {ceiling_speed:.1f} docs/s{compared}; "
            f"ours is at {ours_speed / ceiling_speed:.0%} of it"
        )

        reference_name = next(iter(others), None)
        reference = results[reference_name]["per_doc"] if reference_name else None
        ours_per_doc = results[OURS]["per_doc"]
        against = f"against {reference_name}" if reference_name else "by F1"
        print(f"  our {args.worst} worst pages {against}:")
        for page_id in worst_pages(ours_per_doc, reference, args.worst):
            row = ours_per_doc[page_id]
            theirs_f1 = f" vs {reference[page_id]['f1'] or 0:.2f}" if reference else ""
            cause = explain_loss(page_id, pages[page_id], truth[page_id], explaining_config, scorer)
            print(
                f"    {page_id[:16]:<16} f1 {row['f1'] or 0:.2f}{theirs_f1}  "
                f"p {row['precision'] or 0:.2f} r {row['recall'] or 0:.2f}  {cause}"
            )

        for page_id in ours_per_doc:
            record = {"bench": benchmark.name, "id": page_id}
            for name, result in results.items():
                prefix = "" if name == OURS else f"{name}_"
                record.update({f"{prefix}{key}": result["per_doc"][page_id][key] for key in SCORES})
            per_doc_rows.append(record)

    if args.per_doc:
        with args.per_doc.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(record) + "\n" for record in per_doc_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
