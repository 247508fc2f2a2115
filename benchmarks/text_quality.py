"""Text-mode quality on real pages: flatten the benchmark's 181 pages as a naive scraper does, run
the real pipeline on them, and score the bodies with the benchmark's metric.

    python benchmarks/text_quality.py [--bench DIR] [--per-doc FILE] [--keep DIR]

Reference points on this set: untouched naive text scores F1 0.672, C4-style line rules 0.833.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
sys.path.insert(0, str(REPO_ROOT))


def flatten_pages(bench: Path, destination: Path) -> None:
    """The input of text mode: shared/eval/naive_text.py's {id, text} for every page."""
    with destination.open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, str(SHARED / "eval" / "naive_text.py"), "--bench", str(bench)], stdout=out, check=True
        )


def predictions_from_output(output: Path) -> dict[str, str]:
    """{id: body}; a rejected page predicts nothing, as the metric expects."""
    predictions = {}
    for path in output.glob("articles*.jsonl"):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            predictions[record["id"]] = record["body"]
    return predictions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=SHARED / "benchmarks" / "article-extraction")
    parser.add_argument("--per-doc", type=Path, help="write per-page scores here (JSONL)")
    parser.add_argument("--keep", type=Path, help="keep the pipeline's output in this directory")
    args = parser.parse_args(argv)
    if not (args.bench / "ground-truth.json").exists():
        print(f"text_quality: no benchmark at {args.bench}", file=sys.stderr)
        return 2

    sys.path.insert(0, str(SHARED / "eval"))
    from score import load_texts, score

    from pipelines.clean_articles import run

    with tempfile.TemporaryDirectory() as scratch:
        pages = Path(scratch) / "pages.jsonl"
        flatten_pages(args.bench, pages)
        output = args.keep or Path(scratch) / "out"
        exit_code = run(["--input", str(pages), "--output", str(output), "--format", "jsonl"])
        if exit_code != 0:
            return exit_code
        predictions = predictions_from_output(output)

    result = score(load_texts(args.bench / "ground-truth.json"), predictions)
    if args.per_doc:
        with args.per_doc.open("w", encoding="utf-8") as out:
            for key, row in sorted(result["per_doc"].items(), key=lambda item: item[1]["f1"] or 0):
                out.write(json.dumps({"id": key, **row}) + "\n")
    print(
        f"text mode: n={result['n']} f1={result['f1']:.4f} precision={result['precision']:.4f} "
        f"recall={result['recall']:.4f} accuracy={result['accuracy']:.4f} (missing={result['missing']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
