"""Whole-pipeline throughput and memory on the HTML benchmark corpus, against trafilatura + langdetect.

    python benchmarks/throughput.py [--docs N] [--workers 2] [--mode multi_processing|in_memory]
        [--spread-documents auto|yes|no] [--skip-reference] [--keep DIR] [--memory-check] [--bench DIR]
        [--corpus-steps]

1. A corpus of N documents (default 5,000): the benchmark's pages repeated, each copy with its
   own id, as JSON lines {id, html} in 8 files (written before any timing).
2. The whole pipeline through the real command line in a subprocess (`python -m
   article_cleaner ... --direct_running_mode MODE --direct_num_workers W`): docs/s over
   the command's wall time (start-up included) and the peak RSS of its process tree (launcher and
   worker subprocesses, summed, sampled from /proc every 50 ms).
3. In the same run, the reference: trafilatura (fast=True, comments off) then langdetect on its
   text, over the same documents, in a W-process multiprocessing pool; and the ratio.
4. In this one process: the cost per stage of the pure functions (parse, classify, assemble,
   language, serialize) over the benchmark pages, and text mode (parse_text + classify + assemble,
   language excluded) over the naive-text versions of the pages, in docs/s on one core.

--memory-check instead runs the pipeline at 1,000 and 20,000 documents, each with
--spread_documents no and yes (slices of the 8 files spread over the workers), and prints the four
peaks.

The corpus steps (copies, site boilerplate mining, dedup) are off by default: the copies of a page
are its duplicates, so with them on (--corpus-steps) one copy of each of the 181 pages is written
and the rest go to duplicates-*, and the writers see almost nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmark_sets import load_eval_module

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

CORPUS_FILES = 8
SAMPLE_SECONDS = 0.05
MIB = 1024 * 1024


def load_pages(bench: Path) -> dict[str, str]:
    return {
        path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in sorted((bench / "html").glob("*.html.gz"))
    }


def write_corpus(pages: dict[str, str], documents: int, folder: Path) -> list[Path]:
    """documents JSON lines cycling through the pages, ids page-copy, spread over CORPUS_FILES files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"corpus-{index:02d}.jsonl" for index in range(CORPUS_FILES)]
    outputs = [path.open("w", encoding="utf-8") for path in paths]
    names = list(pages)
    for number in range(documents):
        name = names[number % len(names)]
        record = {"id": f"{name[:16]}-{number // len(names)}", "html": pages[name]}
        outputs[number % CORPUS_FILES].write(json.dumps(record, ensure_ascii=False) + "\n")
    for output in outputs:
        output.close()
    return paths


def tree_rss_bytes(root: int) -> int:
    """RSS of a process and all its descendants, summed (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def run_sampling_rss(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS of the process tree) of a command run from the repository, sampled
    every SAMPLE_SECONDS; raises RuntimeError with its stderr when it fails."""
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finished = threading.Event()
    streams: dict[str, str] = {}

    def drain():
        streams["out"], streams["err"] = process.communicate()
        finished.set()

    threading.Thread(target=drain, daemon=True).start()
    while not finished.wait(SAMPLE_SECONDS):
        peak = max(peak, tree_rss_bytes(process.pid))
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} exited {process.returncode}:\n{streams['err'][-3000:]}")
    return seconds, peak


@dataclass
class PipelineRun:
    documents: int
    seconds: float
    peak_rss: int
    summary: str
    spread: str

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds


def page_level_config(destination: Path) -> Path:
    """The bundled config with the corpus steps off: copies of one page are duplicates and, on one
    site, each other's boilerplate, so with them on almost nothing reaches the writers."""
    from article_cleaner.transforms.rules import DEFAULT_CONFIG_PATH

    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["corpus"] = {"site_boilerplate": {"enabled": False}, "deduplicate": False, "languages": []}
    destination.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return destination


def pipeline_command(
    corpus: Path, output: Path, mode: str, workers: int, config: Path | None, spread: str = "auto"
) -> list[str]:
    """The command line that runs the pipeline over the JSON lines under corpus."""
    return [
        sys.executable,
        "-m",
        "article_cleaner",
        "--input",
        str(corpus / "*.jsonl"),
        "--output",
        str(output),
        "--overwrite",
        *(["--config", str(config)] if config else []),
        "--direct_running_mode",
        mode,
        "--direct_num_workers",
        str(workers),
        "--spread_documents",
        spread,
    ]


def run_pipeline(
    corpus: Path, output: Path, documents: int, mode: str, workers: int, config: Path | None, spread: str = "auto"
) -> PipelineRun:
    seconds, peak = run_sampling_rss(pipeline_command(corpus, output, mode, workers, config, spread))
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    if report["inputs"] != documents or not report["balanced"]:
        raise RuntimeError(f"pipeline read {report['inputs']} of {documents} inputs, balanced {report['balanced']}")
    summary = (
        f"inputs {report['inputs']}, written {report['written']}, rejected {report['rejected_total']}, "
        f"filtered {report['filtered_total']} {report['filtered']}, duplicates {report['duplicates']}, "
        f"balanced {str(report['balanced']).lower()}"
    )
    return PipelineRun(documents, seconds, peak, summary, spread)


# The reference, in pool workers: each worker holds the pages, the task is a page name.
_reference_pages: dict[str, str] = {}


def _load_reference_pages(bench: str) -> None:
    import langdetect
    import trafilatura  # noqa: F401  (imported before timing)

    _reference_pages.update(load_pages(Path(bench)))
    langdetect.detect_langs("warm up the profiles before timing")


def _reference_document(name: str) -> str | None:
    import langdetect
    import trafilatura
    from langdetect.lang_detect_exception import LangDetectException

    text = trafilatura.extract(_reference_pages[name], fast=True, include_comments=False) or ""
    try:
        return langdetect.detect_langs(text)[0].lang if text else None
    except LangDetectException:
        return None


def run_reference(bench: Path, names: list[str], documents: int, workers: int) -> float:
    """docs/s of trafilatura + langdetect over the same documents in a pool of workers (pool
    start-up and page loading before the clock starts)."""
    tasks = [names[number % len(names)] for number in range(documents)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_load_reference_pages, initargs=(str(bench),)) as pool:
        pool.map(_reference_document, tasks[:workers])  # every worker has loaded its pages
        started = time.perf_counter()
        pool.map(_reference_document, tasks, chunksize=16)
        seconds = time.perf_counter() - started
    return documents / seconds


def stage_costs(pages: dict[str, str]) -> dict[str, float]:
    """Mean ms per page for each pure stage of HTML mode, in this process (best of 3 passes)."""
    from article_cleaner.transforms.assemble import assemble_article, body_paragraphs
    from article_cleaner.transforms.classify import classify_blocks
    from article_cleaner.transforms.html import parse_html
    from article_cleaner.transforms.language import LanguageDetector
    from article_cleaner.transforms.rules import load_config
    from article_cleaner.transforms.sinks import to_json_line

    config = load_config()
    detector = LanguageDetector(config.language)
    best = {stage: float("inf") for stage in ("parse", "classify", "assemble", "language", "serialize")}
    for _ in range(3):
        spent = dict.fromkeys(best, 0.0)
        for name, html in pages.items():
            clock = time.perf_counter()
            page = parse_html(html, config.html)
            spent["parse"] += time.perf_counter() - clock
            clock = time.perf_counter()
            labelled = classify_blocks(page.blocks, config, locate_article=False)
            spent["classify"] += time.perf_counter() - clock
            clock = time.perf_counter()
            body = body_paragraphs(labelled, config)
            spent["assemble"] += time.perf_counter() - clock
            if not body:
                continue
            clock = time.perf_counter()
            language = detector.detect("\n\n".join(body))
            spent["language"] += time.perf_counter() - clock
            clock = time.perf_counter()
            article = assemble_article(
                record_id=name, source=name, page=page, labelled=labelled, body=body, language=language, site="x"
            )
            spent["assemble"] += time.perf_counter() - clock
            clock = time.perf_counter()
            to_json_line(article)
            spent["serialize"] += time.perf_counter() - clock
        best = {stage: min(best[stage], spent[stage]) for stage in best}
    return {stage: seconds / len(pages) * 1e3 for stage, seconds in best.items()}


def text_mode_speed(bench: Path, passes: int = 5) -> tuple[float, int]:
    """(docs/s on one core, pages) of text mode without language id, over the naive-text pages."""
    naive_text_module = load_eval_module("naive_text", SHARED / "eval")
    naive_text, read_page = naive_text_module.naive_text, naive_text_module.read_page

    from article_cleaner.transforms.assemble import assemble_article, body_paragraphs
    from article_cleaner.transforms.classify import classify_blocks
    from article_cleaner.transforms.rules import load_config
    from article_cleaner.transforms.text import parse_text

    config = load_config()
    texts = [naive_text(read_page(path)) for path in sorted((bench / "html").glob("*.html.gz"))]
    best = float("inf")
    for _ in range(passes):
        clock = time.perf_counter()
        for number, text in enumerate(texts):
            page = parse_text(text)
            labelled = classify_blocks(page.blocks, config, locate_article=True)
            body = body_paragraphs(labelled, config)
            if body:
                assemble_article(
                    record_id=str(number),
                    source="text",
                    page=page,
                    labelled=labelled,
                    body=body,
                    language=(None, None),
                    site="x",
                )
        best = min(best, time.perf_counter() - clock)
    return len(texts) / best, len(texts)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def pipeline_at(pages, documents: int, scratch: Path, args, spreads: tuple[str, ...]) -> list[PipelineRun]:
    """One run per --spread_documents choice over the same corpus of documents."""
    corpus = scratch / f"corpus-{documents}"
    write_corpus(pages, documents, corpus)
    config = None if args.corpus_steps else page_level_config(scratch / "page-level.yaml")
    try:
        return [
            run_pipeline(
                corpus,
                (args.keep or scratch) / f"out-{documents}-spread-{spread}",
                documents,
                args.mode,
                args.workers,
                config,
                spread,
            )
            for spread in spreads
        ]
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000, help="documents in the corpus (default 5000)")
    parser.add_argument("--workers", type=int, default=2, help="pipeline workers and reference processes")
    parser.add_argument("--mode", default="multi_processing", choices=("multi_processing", "in_memory"))
    parser.add_argument("--skip-reference", action="store_true", help="do not time trafilatura + langdetect")
    parser.add_argument(
        "--spread-documents",
        default="auto",
        choices=("auto", "yes", "no"),
        help="the pipeline's --spread_documents (--memory-check runs both yes and no)",
    )
    parser.add_argument("--keep", type=Path, help="keep the pipeline's output under this directory")
    parser.add_argument(
        "--memory-check",
        action="store_true",
        help="peak RSS at 1,000 and 20,000 documents, with and without --spread_documents",
    )
    parser.add_argument("--bench", type=Path, default=SHARED / "benchmarks" / "article-extraction")
    parser.add_argument(
        "--corpus-steps",
        action="store_true",
        help="keep site boilerplate mining and dedup on (on this corpus of copies they filter almost everything)",
    )
    args = parser.parse_args(argv)

    pages = load_pages(args.bench)
    print(f"{time.strftime('%Y-%m-%d')}  {machine()}")
    print(f"pipeline: --direct_running_mode {args.mode} --direct_num_workers {args.workers}", end="")
    print("" if args.corpus_steps else "; corpus steps off (every copy is cleaned and written)")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        if args.memory_check:
            for documents in (1000, 20000):
                for run in pipeline_at(pages, documents, scratch, args, ("no", "yes")):
                    print(
                        f"{documents:>6} docs, --spread_documents {run.spread:<3}: "
                        f"peak RSS {run.peak_rss / MIB:7.0f} MiB  {run.docs_per_second:6.1f} docs/s  ({run.summary})",
                        flush=True,
                    )
            return 0

        (run,) = pipeline_at(pages, args.docs, scratch, args, (args.spread_documents,))
        print(
            f"article-cleaner, whole pipeline: {args.docs} docs in {run.seconds:.1f} s = "
            f"{run.docs_per_second:.1f} docs/s; peak RSS {run.peak_rss / MIB:.0f} MiB ({run.summary})"
        )
        if not args.skip_reference:
            reference = run_reference(args.bench, list(pages), args.docs, args.workers)
            print(f"reference, trafilatura + langdetect ({args.workers} processes): {reference:.1f} docs/s")
            print(f"ratio: {run.docs_per_second / reference:.1f}x")

    costs = stage_costs(pages)
    total = sum(costs.values())
    print(f"per stage, one process, mean over {len(pages)} pages (ms/doc):")
    for stage, milliseconds in costs.items():
        print(f"  {stage:<10} {milliseconds:6.2f}")
    print(f"  {'total':<10} {total:6.2f}  = {1e3 / total:.0f} docs/s per core before Beam")
    speed, count = text_mode_speed(args.bench)
    print(
        f"text mode (parse_text + classify + assemble, no language id): {speed:.0f} docs/s on one core ({count} pages)"
    )
    print(f"median page: {statistics.median(len(html) for html in pages.values()) / 1024:.0f} KiB of HTML")
    return 0


if __name__ == "__main__":
    sys.exit(main())
