"""Page types on the three shared sets: which pages are written as articles, and what the others are.

    python benchmarks/page_types.py [--shared DIR] [--errors] [--text]

Every page goes through clean_document (the pipeline's page-level path, language id included) with
its URL. Article pages come from ../shared/benchmarks/article-extraction (181) and wcxb-dev (708);
the other pages from wcxb-dev-other (626, labelled service, forum, listing, documentation, product,
collection). Printed: a confusion matrix (true type x outcome: the detected type when the page is
written or filtered for its type, `rejected` when it gave no article text), then one line with the
share of article pages written as articles and the share of other pages kept out, overall and per
type, for the even and the odd ids of wcxb-dev-other apart (the weights were chosen on the even ids).
With --text, the pages are first flattened by ../shared/eval/naive_text.py and cleaned in text mode.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from article_cleaner.transforms.clean_document import clean_document
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.config.page_type_settings import ARTICLE, PAGE_TYPES
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.outcomes import UNWANTED_PAGE_TYPE
from article_cleaner.transforms.records import Article, Filtered, InputDocument

REPO_ROOT = Path(__file__).resolve().parent.parent

ARTICLE_SETS = ("article-extraction", "wcxb-dev")
OTHER_SET = "wcxb-dev-other"
REJECTED = "rejected"


def pages_of(bench: Path, flatten: Path | None):
    """(page id, true type, document) of every page of one benchmark set: its HTML, or with flatten
    (naive_text.py) the text a naive scraper makes of it."""
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    if flatten is not None:
        command = [sys.executable, str(flatten), "--bench", str(bench)]
        lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
        for record in map(json.loads, lines):
            entry = truth.get(record["id"], {})
            document = InputDocument(source=f"{bench.name}/{record['id']}", text=record["text"], url=entry.get("url"))
            yield record["id"], entry.get("page_type", ARTICLE), document
        return
    for path in sorted((bench / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        entry = truth.get(page_id, {})
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        yield (
            page_id,
            entry.get("page_type", ARTICLE),
            InputDocument(f"{bench.name}/{page_id}", html=html, url=entry.get("url")),
        )


def outcome_of(result) -> str:
    """The detected type of a written or type-filtered page, else `rejected`."""
    if isinstance(result, Article):
        return result.page_type
    if isinstance(result, Filtered) and result.reason == UNWANTED_PAGE_TYPE:
        return result.page_type
    return REJECTED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--errors", action="store_true", help="list the article pages not written as articles")
    parser.add_argument("--text", action="store_true", help="flatten the pages first and clean them in text mode")
    args = parser.parse_args(argv)
    config = load_config()
    detector = LanguageDetector(config.language)
    confusion: dict[str, Counter] = defaultdict(Counter)
    written: dict[str, Counter] = defaultdict(Counter)  # group -> true type -> pages written as articles
    totals: dict[str, Counter] = defaultdict(Counter)
    lost = []
    flatten = args.shared / "eval" / "naive_text.py" if args.text else None
    for name in (*ARTICLE_SETS, OTHER_SET):
        for page_id, true_type, document in pages_of(args.shared / "benchmarks" / name, flatten):
            result = clean_document(document, config, detector)
            confusion[true_type][outcome_of(result)] += 1
            group = name if name != OTHER_SET else ("even" if int(page_id) % 2 == 0 else "odd")
            totals[group][true_type] += 1
            if isinstance(result, Article):
                written[group][true_type] += 1
            elif true_type == ARTICLE:
                lost.append(f"{document.source} {document.url}: {getattr(result, 'detail', '')}")

    columns = (*PAGE_TYPES, REJECTED)
    print("true \\ outcome".ljust(16) + "".join(column[:9].rjust(10) for column in columns))
    for true_type in PAGE_TYPES:
        print(true_type.ljust(16) + "".join(str(confusion[true_type][column]).rjust(10) for column in columns))
    parts = []
    for name in ARTICLE_SETS:
        parts.append(f"articles written: {name} {written[name][ARTICLE] / totals[name][ARTICLE]:.1%}")
    for half in ("even", "odd"):
        others = [page_type for page_type in PAGE_TYPES if page_type != ARTICLE]
        kept_out = {t: totals[half][t] - written[half][t] for t in others}
        overall = sum(kept_out.values()) / sum(totals[half][t] for t in others)
        per_type = " ".join(f"{t} {kept_out[t] / totals[half][t]:.0%}" for t in others)
        parts.append(f"others kept out ({half} ids): {overall:.1%} ({per_type})")
    print("; ".join(parts))
    if args.errors:
        print("\n".join(lost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
