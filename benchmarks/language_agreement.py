"""Language id on the pipeline's bodies: per-document cost, and agreement with seeded plain langdetect.

    python benchmarks/language_agreement.py [--sets NAME ...] [--bodies FILE] [--repeat N]

The documents are the bodies the pipeline writes (`extract_body`, the page decoded as the readers
decode it) for every page of the article sets: the 181-page article-extraction set and wcxb-dev
(708), 889 in all, then wcxb-dev-other (626 pages that are not articles) as extra information. The
reference is plain langdetect on the whole body with the configured seed (`language.seed`), which
is what the pipeline's detector promises to give. Cost is CPU time of this thread
(`time.thread_time`) per `LanguageDetector.detect` call, the least of --repeat calls: the machine is
shared, and CPU time is what other processes disturb least. Every disagreement is listed with both
labels and both scores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from article_cleaner.transforms.clean_document import extract_body
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.io.decoding import Undecodable, decode_text
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.records import InputDocument

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

ARTICLE_SETS = ("article-extraction", "wcxb-dev")
EXTRA_SETS = ("wcxb-dev-other",)


def page_bodies(pages: Path, config) -> dict[str, str]:
    """{page id: the body the pipeline writes for it}; "" where nothing is left."""
    bodies = {}
    for path in sorted(pages.glob("*.html.gz")):
        decoded = decode_text(gzip.decompress(path.read_bytes()), html=True)
        html = "" if isinstance(decoded, Undecodable) else decoded.text
        bodies[path.name.removesuffix(".html.gz")] = extract_body(InputDocument(source=path.name, html=html), config)
    return bodies


def cached_bodies(names: list[str], bench: Path, cache: Path | None, config) -> dict[str, dict[str, str]]:
    """{set: {page id: body}}, extracted once and kept in the cache file when one is given."""
    stored = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}
    missing = [name for name in names if name not in stored]
    for name in missing:
        stored[name] = page_bodies(bench / name / "html", config)
    if cache and missing:
        cache.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    return {name: stored[name] for name in names}


def seeded_langdetect(factory: DetectorFactory, text: str) -> tuple[str | None, float | None]:
    """Plain langdetect's best (language, probability) on the text, seeded by the factory."""
    detector = factory.create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None, None
    return best.lang, round(best.prob, 4)


@dataclass(frozen=True, slots=True)
class Measurement:
    name: str
    length: int
    seconds: float  # CPU time of one LanguageDetector.detect call
    method: str  # how the detector decided (LanguageDecision.method)
    ours: tuple[str | None, float | None]
    plain: tuple[str | None, float | None]  # seeded plain langdetect
    plain_seconds: float  # CPU time of seeded plain langdetect on the body, for scale


def least_cpu_time(function, text: str, repeat: int):
    """(the result, the least CPU time of this thread over repeat calls, in seconds)."""
    least = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        result = function(text)
        least = min(least, time.thread_time() - start)
    return result, least


def measure(documents: dict[str, str], detector, factory, repeat: int) -> list[Measurement]:
    measurements = []
    for name, body in documents.items():
        ours, seconds = least_cpu_time(detector.detect, body, repeat)
        method = detector.decide(body).method
        plain, plain_seconds = least_cpu_time(lambda text: seeded_langdetect(factory, text), body, 1)
        measurements.append(Measurement(name, len(body), seconds, method, ours, plain, plain_seconds))
    return measurements


def nearest_rank(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(label: str, measurements: list[Measurement]) -> None:
    ordered = sorted(measurement.seconds for measurement in measurements)
    disagreements = [measurement for measurement in measurements if measurement.ours[0] != measurement.plain[0]]
    total = len(measurements)
    agreed = total - len(disagreements)
    print(
        f"{label}: {total} documents  mean {statistics.fmean(ordered) * 1e3:.3f} ms  "
        f"p99 {nearest_rank(ordered, 0.99) * 1e3:.3f} ms  max {ordered[-1] * 1e3:.3f} ms  "
        f"agreement with seeded langdetect {agreed}/{total} = {agreed / total:.2%}"
    )
    plain = sorted(measurement.plain_seconds for measurement in measurements)
    print(
        f"  seeded plain langdetect itself: mean {statistics.fmean(plain) * 1e3:.3f} ms  "
        f"p99 {nearest_rank(plain, 0.99) * 1e3:.3f} ms  max {plain[-1] * 1e3:.3f} ms"
    )
    print(f"  decided by: {dict(sorted(Counter(measurement.method for measurement in measurements).items()))}")
    for measurement in disagreements:
        (ours, our_score), (plain, plain_score) = measurement.ours, measurement.plain
        print(
            f"  differs: {measurement.name} ({measurement.length} chars): ours {ours} {our_score} "
            f"(decided by {measurement.method}), seeded langdetect {plain} {plain_score}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=SHARED / "benchmarks", help="the folder of the page sets")
    parser.add_argument("--sets", nargs="+", default=[*ARTICLE_SETS, *EXTRA_SETS])
    parser.add_argument("--bodies", type=Path, help="a JSON file to keep the extracted bodies in between runs")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per document (the least counts)")
    args = parser.parse_args(argv)

    config = load_config()
    started = time.process_time()
    detector = LanguageDetector(config.language)
    print(f"detector built in {time.process_time() - started:.2f} s CPU (once per worker)")
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(config.language.seed)
    bodies = cached_bodies(args.sets, args.bench, args.bodies, config)
    by_set = {
        name: measure(
            {f"{name}/{page}": body for page, body in bodies[name].items()},
            detector,
            factory,
            args.repeat,
        )
        for name in args.sets
    }
    article_sets = [name for name in args.sets if name in ARTICLE_SETS]
    if len(article_sets) > 1:
        report(" + ".join(article_sets), [measurement for name in article_sets for measurement in by_set[name]])
    for name in args.sets:
        report(name if name in ARTICLE_SETS else f"{name} (not articles; extra information)", by_set[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
