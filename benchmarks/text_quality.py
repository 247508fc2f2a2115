"""Text-mode quality on real pages: flatten every article benchmark set's pages as a naive scraper does,
run the real pipeline on them, and score the bodies with the benchmark's metric.

    python benchmarks/text_quality.py [--bench NAME|DIR] [--per-doc FILE] [--keep DIR]

By default every article set under ../shared/benchmarks (article-extraction, wcxb-dev), in one run.
Reference points on article-extraction: untouched naive text scores F1 0.672, C4-style line rules 0.833.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmark_sets import EVAL, BenchmarkSet, chosen_sets, load_scorer

REPO_ROOT = Path(__file__).resolve().parent.parent


def flatten_pages(bench: Path, destination: Path) -> None:
    """The input of text mode: shared/eval/naive_text.py's {id, text} for every page."""
    with destination.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, str(EVAL / "naive_text.py"), "--bench", str(bench)], stdout=out, check=True)


def predictions_from_output(output: Path) -> dict[str, str]:
    """{id: body}; a rejected page predicts nothing, as the metric expects."""
    predictions = {}
    for path in output.glob("articles*.jsonl"):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            predictions[record["id"]] = record["body"]
    return predictions


def score_text_mode(benchmark: BenchmarkSet, keep: Path | None, scorer) -> dict | int:
    """The benchmark's scores of the pipeline's bodies for the set's naively flattened pages, or the
    pipeline's exit code when it failed."""
    from article_cleaner.pipelines.clean_articles import run

    with tempfile.TemporaryDirectory() as scratch:
        pages = Path(scratch) / "pages.jsonl"
        flatten_pages(benchmark.folder, pages)
        output = keep / benchmark.name if keep else Path(scratch) / "out"
        exit_code = run(["--input", str(pages), "--output", str(output), "--format", "jsonl"])
        if exit_code != 0:
            return exit_code
        predictions = predictions_from_output(output)
    return scorer.score(scorer.load_texts(benchmark.ground_truth), predictions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="one benchmark set: a folder, or a name under ../shared/benchmarks")
    parser.add_argument("--per-doc", type=Path, help="write per-page scores here (JSONL), worst first per set")
    parser.add_argument("--keep", type=Path, help="keep the pipeline's output in this directory, a folder per set")
    args = parser.parse_args(argv)
    scorer = load_scorer()
    rows = []
    for benchmark in chosen_sets(args.bench):
        result = score_text_mode(benchmark, args.keep, scorer)
        if isinstance(result, int):
            return result
        for key, row in sorted(result["per_doc"].items(), key=lambda item: item[1]["f1"] or 0):
            rows.append({"bench": benchmark.name, "id": key, **row})
        print(
            f"{benchmark.name} text mode: n={result['n']} f1={result['f1']:.4f} precision={result['precision']:.4f} "
            f"recall={result['recall']:.4f} accuracy={result['accuracy']:.4f} (missing={result['missing']})"
        )
    if args.per_doc:
        with args.per_doc.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
