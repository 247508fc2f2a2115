"""Whole-pipeline throughput on distinct pages, against trafilatura + langdetect; memory on repeats.

    python benchmarks/throughput.py [--workers 2] [--mode multi_processing|in_memory] [--rounds N]
        [--skip-reference] [--skip-stages] [--keep DIR]
    python benchmarks/throughput.py --repeated [--docs N] [--corpus-steps] [--spread-documents auto|yes|no]
    python benchmarks/throughput.py --memory-check [--corpus-steps]

By default (distinct pages, as a real crawl):
1. The corpus: every page of the three sets under ../shared/benchmarks (article-extraction,
   wcxb-dev, wcxb-dev-other: 1,515 pages, a crawl holds non-article pages too), each once, as JSON
   lines {id, url, html} in 8 files (written before any timing).
2. The whole pipeline through the real command line in a subprocess (`python -m article_cleaner
   ... --direct_running_mode MODE --direct_num_workers W`) with the default config (corpus steps
   on): docs/s over the command's wall time, start-up included; the fixed start-up, the wall time
   of the same command on one tiny file; and the steady state, docs/s with that start-up taken out.
3. In the same run, the reference a user would otherwise run: trafilatura (fast=True, comments
   off), then langdetect on its text, over the same pages in a W-process pool (pool start-up and
   page loading before the clock starts); both ratios.
   With --rounds N, steps 2 and 3 alternate N times, and each figure is given as median (min-max).
   Wall time on a shared machine depends on its load: the CPU time per document of both (the
   command and its workers; the reference's pages in its pool) and its ratios are given too.
4. In this process: the cost of each stage of clean_document per document, mean, p99 and max
   (benchmarks/stage_costs.py: the real function, its stages timed by wrapped clocks, not a profiler).

--repeated instead cycles the article-extraction pages into --docs documents (default 5,000), each
copy with its own id, for memory. Copies of a page are its duplicates, so the corpus steps are
turned off there and every copy is cleaned and written (--corpus-steps keeps them on: one copy of
each page is written, the rest go to duplicates-*). --memory-check runs that corpus at 1,000 and
20,000 documents, each with --spread_documents no and yes, and prints the four peaks of RSS
(launcher and workers, summed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
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
from stage_costs import ALL_SETS, benchmark_pages, measure, print_summary

from benchmark_sets import load_eval_module

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

CORPUS_FILES = 8
SAMPLE_SECONDS = 0.05
MIB = 1024 * 1024
TINY_DOCUMENT = {
    "id": "start-up",
    "url": "https://example.org/news/start-up",
    "html": "<html><head><title>Start-up</title></head><body><article><h1>Start-up</h1>"
    "<p>A single short article, so that the run measures what every run pays before its first page.</p>"
    "</article></body></html>",
}

# (id, url, html): one page of the corpus.
Page = tuple[str, str | None, str]


def distinct_pages() -> list[Page]:
    """Every page of the three shared sets, once."""
    return [(page_id, url, html) for page_id, html, url in benchmark_pages(ALL_SETS)]


def repeated_pages(documents: int) -> list[Page]:
    """documents pages cycling through the article-extraction pages, each copy with its own id."""
    pages = distinct_pages_of(("article-extraction",))
    return [
        (f"{pages[number % len(pages)][0]}-{number // len(pages)}", *pages[number % len(pages)][1:])
        for number in range(documents)
    ]


def distinct_pages_of(names: tuple[str, ...]) -> list[Page]:
    return [(page_id, url, html) for page_id, html, url in benchmark_pages(names)]


def write_corpus(pages: list[Page], folder: Path, files: int = CORPUS_FILES) -> list[Path]:
    """The pages as JSON lines {id, url, html}, page after page spread over `files` files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"corpus-{index:02d}.jsonl" for index in range(files)]
    outputs = [path.open("w", encoding="utf-8") for path in paths]
    for number, (page_id, url, html) in enumerate(pages):
        record = {"id": page_id, "url": url, "html": html}
        outputs[number % files].write(json.dumps(record, ensure_ascii=False) + "\n")
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
    cpu_seconds: float  # of the command and its worker processes: steadier than wall time on a shared machine

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds


def page_level_config(destination: Path) -> Path:
    """The bundled config with the corpus steps off: copies of one page are duplicates and, on one
    site, each other's boilerplate, so with them on almost nothing reaches the writers."""
    from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH

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
    cpu_before = children_cpu_seconds()
    seconds, peak = run_sampling_rss(pipeline_command(corpus, output, mode, workers, config, spread))
    cpu_seconds = children_cpu_seconds() - cpu_before
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    if report["inputs"] != documents or not report["balanced"]:
        raise RuntimeError(f"pipeline read {report['inputs']} of {documents} inputs, balanced {report['balanced']}")
    summary = (
        f"inputs {report['inputs']}, written {report['written']}, rejected {report['rejected_total']}, "
        f"filtered {report['filtered_total']} {report['filtered']}, duplicates {report['duplicates']}, "
        f"balanced {str(report['balanced']).lower()}"
    )
    shutil.rmtree(output, ignore_errors=True)
    return PipelineRun(documents, seconds, peak, summary, spread, cpu_seconds)


def children_cpu_seconds() -> float:
    """User and system CPU of this process's finished children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# The reference, in pool workers: each worker holds the pages, the task is a page's index.
_reference_pages: list[str] = []


def _load_reference_pages(pages: list[str]) -> None:
    import langdetect
    import trafilatura  # noqa: F401  (imported before timing)

    _reference_pages[:] = pages
    langdetect.detect_langs("warm up the profiles before timing")


def _reference_document(index: int) -> tuple[str | None, float]:
    """(language, CPU seconds spent) of one page."""
    import langdetect
    import trafilatura
    from langdetect.lang_detect_exception import LangDetectException

    started = time.process_time()
    text = trafilatura.extract(_reference_pages[index], fast=True, include_comments=False) or ""
    try:
        language = langdetect.detect_langs(text)[0].lang if text else None
    except LangDetectException:
        language = None
    return language, time.process_time() - started


@dataclass
class ReferenceRun:
    docs_per_second: float
    cpu_seconds: float  # summed over the pages, in the pool's processes


def run_reference(pages: list[Page], workers: int) -> ReferenceRun:
    """docs/s of trafilatura + langdetect over the pages in a pool of workers (pool start-up and
    page loading before the clock starts), and the CPU time its pages took."""
    context = multiprocessing.get_context("fork")
    htmls = [html for _, _, html in pages]
    with context.Pool(workers, initializer=_load_reference_pages, initargs=(htmls,)) as pool:
        pool.map(_reference_document, [0] * workers)  # every worker has loaded its pages
        started = time.perf_counter()
        results = pool.map(_reference_document, range(len(htmls)), chunksize=4)
        seconds = time.perf_counter() - started
    return ReferenceRun(len(htmls) / seconds, sum(cpu for _, cpu in results))


def text_mode_speed(bench: Path, passes: int = 5) -> tuple[float, int]:
    """(docs/s on one core, pages) of text mode without language id, over the naive-text pages."""
    naive_text_module = load_eval_module("naive_text", SHARED / "eval")
    naive_text, read_page = naive_text_module.naive_text, naive_text_module.read_page

    from article_cleaner.transforms.config.loading import load_config
    from article_cleaner.transforms.extract.text import parse_text
    from article_cleaner.transforms.label.assemble import assemble_article, body_paragraphs, body_text
    from article_cleaner.transforms.label.classify import classify_blocks

    config = load_config()
    texts = [naive_text(read_page(path)) for path in sorted((bench / "html").glob("*.html.gz"))]
    best = float("inf")
    for _ in range(passes):
        clock = time.perf_counter()
        for number, text in enumerate(texts):
            page = parse_text(text, config.content_selection.block_shape)
            labelled = classify_blocks(page.blocks, config, locate_article=True)
            body = body_paragraphs(labelled, config)
            if body:
                assemble_article(
                    record_id=str(number),
                    source="text",
                    page=page,
                    labelled=labelled,
                    body=body,
                    text=body_text(body),
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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load:.1f}"


def spread_of(values: list[float], unit: str = "", digits: int = 1) -> str:
    """median (min-max) of a figure over the rounds; the figure alone for one round."""
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}{unit}"
    return f"{median:.{digits}f}{unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def distinct_run(args, scratch: Path) -> None:
    """The default: whole run, start-up, steady state and the reference over the distinct pages."""
    pages = distinct_pages()
    corpus, tiny = scratch / "corpus", scratch / "tiny"
    write_corpus(pages, corpus)
    tiny.mkdir()
    (tiny / "tiny.jsonl").write_text(json.dumps(TINY_DOCUMENT) + "\n", encoding="utf-8")
    print(
        f"corpus: {len(pages)} distinct pages of {', '.join(ALL_SETS)} in {CORPUS_FILES} JSON-lines files "
        f"({sum(len(html) for _, _, html in pages) / MIB:.0f} MiB of HTML); default config, corpus steps on"
    )
    whole, start_up, steady, reference, summaries = [], [], [], [], set()
    cpu_whole, cpu_steady, cpu_reference = [], [], []  # ms of CPU per document
    for round_number in range(args.rounds):
        run = run_pipeline(corpus, scratch / "out", len(pages), args.mode, args.workers, None)
        fixed = run_pipeline(tiny, scratch / "out-tiny", 1, args.mode, args.workers, None)
        whole.append(run.docs_per_second)
        start_up.append(fixed.seconds)
        steady.append(len(pages) / max(run.seconds - fixed.seconds, 1e-9))
        cpu_whole.append(run.cpu_seconds / len(pages) * 1e3)
        cpu_steady.append((run.cpu_seconds - fixed.cpu_seconds) / len(pages) * 1e3)
        summaries.add(run.summary)
        line = (
            f"round {round_number + 1}: whole run {run.seconds:.1f} s = {run.docs_per_second:.1f} docs/s, "
            f"start-up {fixed.seconds:.2f} s, steady state {steady[-1]:.1f} docs/s, "
            f"CPU {run.cpu_seconds:.0f} s (start-up {fixed.cpu_seconds:.1f} s), peak RSS {run.peak_rss / MIB:.0f} MiB"
        )
        if not args.skip_reference:
            measured = run_reference(pages, args.workers)
            reference.append(measured.docs_per_second)
            cpu_reference.append(measured.cpu_seconds / len(pages) * 1e3)
            line += f"; reference {measured.docs_per_second:.1f} docs/s, CPU {measured.cpu_seconds:.0f} s"
        print(line, flush=True)
    print(f"outcome: {' | '.join(sorted(summaries))}")
    print(f"article-cleaner, whole run:    {spread_of(whole, ' docs/s')}")
    print(f"fixed start-up (one tiny file): {spread_of(start_up, ' s', 2)}")
    print(f"steady state:                  {spread_of(steady, ' docs/s')}")
    print(f"CPU per document, whole run / steady state: {spread_of(cpu_whole, ' ms')} / {spread_of(cpu_steady, ' ms')}")
    if reference:
        print(f"reference, trafilatura fast + langdetect, {args.workers} processes: {spread_of(reference, ' docs/s')}")
        print(f"ratio, whole run:    {spread_of([w / r for w, r in zip(whole, reference, strict=True)], 'x', 2)}")
        print(f"ratio, steady state: {spread_of([s / r for s, r in zip(steady, reference, strict=True)], 'x', 2)}")
        # CPU per document does not depend on what else runs on the machine as much as wall time does.
        print(f"reference CPU per document: {spread_of(cpu_reference, ' ms')}")
        cpu_ratios = [r / w for w, r in zip(cpu_whole, cpu_reference, strict=True)]
        print(f"ratio of CPU per document, whole run:    {spread_of(cpu_ratios, 'x', 2)}")
        cpu_ratios = [r / s for s, r in zip(cpu_steady, cpu_reference, strict=True)]
        print(f"ratio of CPU per document, steady state: {spread_of(cpu_ratios, 'x', 2)}")
    if not args.skip_stages:
        summary, totals = measure([(page_id, html, url) for page_id, url, html in pages])
        print_summary(summary, totals, f"clean_document per stage, one process, {len(pages)} distinct pages:")


def repeated_run(pages: list[Page], scratch: Path, args, spreads: tuple[str, ...]) -> list[PipelineRun]:
    """One run per --spread_documents choice over the repeated corpus."""
    corpus = scratch / f"corpus-{len(pages)}"
    write_corpus(pages, corpus)
    config = None if args.corpus_steps else page_level_config(scratch / "page-level.yaml")
    try:
        return [
            run_pipeline(
                corpus,
                (args.keep or scratch) / f"out-{len(pages)}-spread-{spread}",
                len(pages),
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
    parser.add_argument("--workers", type=int, default=2, help="pipeline workers and reference processes")
    parser.add_argument("--mode", default="multi_processing", choices=("multi_processing", "in_memory"))
    parser.add_argument("--rounds", type=int, default=1, help="alternate pipeline and reference this many times")
    parser.add_argument("--skip-reference", action="store_true", help="do not time trafilatura + langdetect")
    parser.add_argument("--skip-stages", action="store_true", help="do not time the stages of clean_document")
    parser.add_argument(
        "--repeated", action="store_true", help="the repeated-page corpus (memory tests) instead of distinct pages"
    )
    parser.add_argument("--docs", type=int, default=5000, help="documents of the repeated corpus (default 5000)")
    parser.add_argument(
        "--corpus-steps",
        action="store_true",
        help="repeated corpus: keep site boilerplate mining and dedup on (they filter almost every copy)",
    )
    parser.add_argument(
        "--spread-documents",
        default="auto",
        choices=("auto", "yes", "no"),
        help="the pipeline's --spread_documents (--memory-check runs both yes and no)",
    )
    parser.add_argument("--keep", type=Path, help="keep the repeated corpus's output under this directory")
    parser.add_argument(
        "--memory-check",
        action="store_true",
        help="peak RSS at 1,000 and 20,000 repeated documents, with and without --spread_documents",
    )
    args = parser.parse_args(argv)

    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {machine()}")
    print(f"pipeline: --direct_running_mode {args.mode} --direct_num_workers {args.workers}")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        if args.memory_check:
            for documents in (1000, 20000):
                for run in repeated_run(repeated_pages(documents), scratch, args, ("no", "yes")):
                    print(
                        f"{documents:>6} docs, --spread_documents {run.spread:<3}: "
                        f"peak RSS {run.peak_rss / MIB:7.0f} MiB  {run.docs_per_second:6.1f} docs/s  ({run.summary})",
                        flush=True,
                    )
            return 0
        if not args.repeated:
            distinct_run(args, scratch)
            return 0
        pages = repeated_pages(args.docs)
        (run,) = repeated_run(pages, scratch, args, (args.spread_documents,))
        print(
            f"article-cleaner, repeated corpus{'' if args.corpus_steps else ' (page level)'}: {args.docs} docs in "
            f"{run.seconds:.1f} s = {run.docs_per_second:.1f} docs/s; "
            f"peak RSS {run.peak_rss / MIB:.0f} MiB ({run.summary})"
        )
        if not args.skip_reference:
            reference = run_reference(pages, args.workers).docs_per_second
            print(f"reference, trafilatura + langdetect ({args.workers} processes): {reference:.1f} docs/s")
            print(f"ratio: {run.docs_per_second / reference:.1f}x")
    speed, count = text_mode_speed(SHARED / "benchmarks" / "article-extraction")
    print(
        f"text mode (parse_text + classify + assemble, no language id): {speed:.0f} docs/s on one core ({count} pages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
