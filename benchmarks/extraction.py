"""Quality and speed of the HTML path on the article-extraction benchmark, against trafilatura.

    python benchmarks/extraction.py [--bench DIR] [--limit N] [--per-doc FILE]

Pages are read and decoded before timing; each extractor runs over all pages in this one process.
Ours is the pipeline's body path (HTML parse, main content, classification with the pattern rules,
assembly), without language identification; trafilatura runs with fast=True and comments off.

A third line is the ceiling of any selectolax extractor written in Python: one Lexbor parse and
the visible text of <body> in one call, with no extraction at all (its score is that of keeping
everything). Its speed ratio to trafilatura bounds what ours can reach on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from transforms.cleaning import extract_body  # noqa: E402
from transforms.records import InputDocument  # noqa: E402
from transforms.rules import load_config  # noqa: E402

DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "benchmarks" / "article-extraction"
DEFAULT_EVAL = REPO_ROOT.parent / "shared" / "eval"


def load_pages(bench: Path, limit: int | None) -> dict[str, str]:
    """{page id: decoded HTML}; the benchmark's pages are UTF-8, undecodable bytes are replaced."""
    paths = sorted((bench / "html").glob("*.html.gz"))[:limit]
    return {
        path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in paths
    }


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--bench", type=Path, default=DEFAULT_BENCH, help="benchmark directory (html/, ground-truth.json)"
    )
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="directory holding score.py")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--per-doc", type=Path, metavar="FILE", help="write per-page scores of both extractors as JSONL"
    )
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura comparison")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(args.eval))
    from score import load_texts, score

    pages = load_pages(args.bench, args.limit)
    truth = load_texts(args.bench / "ground-truth.json")
    truth = {page_id: text for page_id, text in truth.items() if page_id in pages}
    config = load_config()

    def extract(html: str) -> str:
        """The body as the pipeline builds it (parse, classify, assemble), language id excluded."""
        return extract_body(InputDocument(source="benchmark", html=html), config)

    ours, ours_speed = time_extractor(pages, extract)
    ours_score = score(truth, ours)
    print(
        f"article-cleaner  n={ours_score['n']} f1={ours_score['f1']:.4f} precision={ours_score['precision']:.4f} "
        f"recall={ours_score['recall']:.4f}  {ours_speed:.1f} docs/s"
    )

    theirs_score = None
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed (a bench-only extra): comparison skipped")
        trafilatura = None
    if trafilatura is not None and not args.no_trafilatura:

        def extract_trafilatura(html: str) -> str:
            return trafilatura.extract(html, fast=True, include_comments=False) or ""

        theirs, theirs_speed = time_extractor(pages, extract_trafilatura)
        theirs_score = score(truth, theirs)
        print(
            f"trafilatura {trafilatura.__version__}  n={theirs_score['n']} f1={theirs_score['f1']:.4f} "
            f"precision={theirs_score['precision']:.4f} recall={theirs_score['recall']:.4f}  {theirs_speed:.1f} docs/s"
        )
        print(f"speed ratio: {ours_speed / theirs_speed:.1f}x")
        _, ceiling_speed = time_extractor(pages, parse_and_read_everything)
        print(
            f"ceiling, Lexbor parse + all visible text, no extraction: {ceiling_speed:.1f} docs/s "
            f"= {ceiling_speed / theirs_speed:.1f}x trafilatura; ours is at {ours_speed / ceiling_speed:.0%} of it"
        )

    if args.per_doc:
        with args.per_doc.open("w", encoding="utf-8") as out:
            for page_id, row in ours_score["per_doc"].items():
                record = {"id": page_id, **{key: row[key] for key in ("f1", "precision", "recall")}}
                if theirs_score:
                    other = theirs_score["per_doc"][page_id]
                    record.update({f"trafilatura_{key}": other[key] for key in ("f1", "precision", "recall")})
                out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
