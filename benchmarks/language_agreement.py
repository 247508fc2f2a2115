"""Language id: agreement with plain langdetect and per-document latency of both, side by side.

    python benchmarks/language_agreement.py [--bench DIR] [--golden DIR] [--repeat N]

The documents are the bodies the pipeline produces: the benchmark's pages in HTML mode and the
golden articles in text mode. The reference is plain `langdetect.detect_langs` on the full body
(its own defaults, unseeded), run once more to show how often it disagrees with itself. Ours is
`LanguageDetector.detect` with the bundled config. Both run over each document in turn, in this one
process, each timed as the best of --repeat runs (the least disturbed by other processes).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
sys.path.insert(0, str(REPO_ROOT))

import langdetect  # noqa: E402
from langdetect.lang_detect_exception import LangDetectException  # noqa: E402

from transforms.cleaning import clean_document  # noqa: E402
from transforms.language import LanguageDetector, language_sample  # noqa: E402
from transforms.records import Article, InputDocument  # noqa: E402
from transforms.rules import load_config  # noqa: E402


def pipeline_bodies(bench: Path, golden: Path, config, detector) -> dict[str, str]:
    """{name: body} as the pipeline writes it; pages that yield no article are left out."""
    documents = [
        InputDocument(source=path.name, html=gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        for path in sorted((bench / "html").glob("*.html.gz"))
    ]
    documents += [
        InputDocument(source=path.name, text=path.read_text(encoding="utf-8")) for path in sorted(golden.glob("*.txt"))
    ]
    bodies = {}
    for document in documents:
        result = clean_document(document, config, detector)
        if isinstance(result, Article):
            bodies[document.source] = result.body
    return bodies


def plain_langdetect(text: str) -> str | None:
    try:
        return langdetect.detect_langs(text)[0].lang
    except LangDetectException:
        return None


def best_time(function, text: str, repeat: int):
    """(result of the last run, best wall time in seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(text)
        best = min(best, time.perf_counter() - start)
    return result, best


def distribution(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"median {statistics.median(ordered) * 1e3:6.2f} ms  p90 {p90 * 1e3:6.2f} ms  "
        f"mean {statistics.fmean(ordered) * 1e3:6.2f} ms  max {ordered[-1] * 1e3:6.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=SHARED / "benchmarks" / "article-extraction")
    parser.add_argument("--golden", type=Path, default=SHARED / "golden")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per document and detector (best counts)")
    args = parser.parse_args(argv)

    config = load_config()
    started = time.perf_counter()
    detector = LanguageDetector(config.language)
    print(f"detector built in {time.perf_counter() - started:.2f} s (once per worker)")
    bodies = pipeline_bodies(args.bench, args.golden, config, detector)
    plain_langdetect("warm up langdetect's profiles before timing")

    ours_times, plain_times, disagreements, methods = [], [], [], Counter()
    plain_first, plain_again = {}, {}
    for name, body in bodies.items():
        (ours, _), ours_seconds = best_time(detector.detect, body, args.repeat)
        plain, plain_seconds = best_time(plain_langdetect, body, args.repeat)
        plain_first[name], plain_again[name] = plain, plain_langdetect(body)
        ours_times.append(ours_seconds)
        plain_times.append(plain_seconds)
        sample = language_sample(body, config.language.sample_chars, config.language.sample_windows)
        methods[detector.decide(sample).method] += 1
        if ours != plain:
            disagreements.append((name, len(body), ours, plain))

    total = len(bodies)
    agreed = total - len(disagreements)
    print(f"documents: {total} (benchmark pages in HTML mode + golden articles in text mode)")
    print(f"languages (plain langdetect): {dict(Counter(plain_first.values()).most_common())}")
    print(f"agreement with plain langdetect: {agreed}/{total} = {agreed / total:.2%}")
    for name, length, ours, plain in disagreements:
        print(f"  differs: {name} ({length} chars): ours {ours}, plain {plain}")
    runs_agree = sum(1 for name in bodies if plain_first[name] == plain_again[name])
    print(f"plain langdetect agrees with itself (one more run): {runs_agree}/{total}")
    print(f"how ours decided: {dict(methods.most_common())}")
    print(f"ours   {distribution(ours_times)}")
    print(f"plain  {distribution(plain_times)}")
    print(
        f"speed-up: median {statistics.median(plain_times) / statistics.median(ours_times):.1f}x, "
        f"total {sum(plain_times) / sum(ours_times):.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
