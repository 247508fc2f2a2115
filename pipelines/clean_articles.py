"""article-cleaner's entry point: options -> read -> CleanArticles -> CleanCorpus -> write, and a run
report; `article-cleaner explain FILE` shows how one document is cleaned, `article-cleaner config
show|check` the effective config.

    article-cleaner --input 'pages/*.txt' --output out/ [--format auto|text|html|jsonl|warc|parquet]
        [--field_map text=content,url=link] [--output_format jsonl|parquet] [--output_compression gzip]
        [--config FILE] [--set KEY.PATH=VALUE ...] [--progress_seconds N]

Any Beam pipeline option (--runner, --direct_num_workers, ...) passes through to Beam.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
import tempfile
import time

from article_cleaner.pipelines.quiet_imports import silence_apitools_warning

silence_apitools_warning()  # before Beam is imported, which logs it

import apache_beam as beam
import yaml
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from article_cleaner.pipelines.launch_checks import field_problem, folder_problem, option_problem
from article_cleaner.pipelines.local_runner import local_runner
from article_cleaner.pipelines.partition_lock import PartitionUnavailable, partition_locked
from article_cleaner.pipelines.partitions import (
    DATE_PLACEHOLDER,
    PartitionError,
    check_target,
    discard,
    finish_interrupted_publish,
    new_run_id,
    publish,
    remove_stale_staging,
    resolve_output,
    staging_folder,
    success_manifest,
    today_utc,
    write_manifest,
)
from article_cleaner.pipelines.stop_signals import RunStopped, cancel_unfinished, stops_raised
from article_cleaner.transforms.clean import CleanArticles
from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import config_problems, load_config
from article_cleaner.transforms.config.overlay import effective_config
from article_cleaner.transforms.corpus.clean_corpus import CleanCorpus
from article_cleaner.transforms.corpus.runners import LOCAL_RUNNERS, allocator_growth_limited
from article_cleaner.transforms.io.field_mapping import FieldMapError, parse_field_map
from article_cleaner.transforms.io.sinks import OUTPUT_COMPRESSIONS, OUTPUT_FORMATS, WriteOutputs, write_report
from article_cleaner.transforms.io.sources import FORMATS, ReadDocuments, ReadSettings, read_file
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.limits.watchdog import Watchdog
from article_cleaner.transforms.outcomes import ARTICLES, DOCUMENTS, DUPLICATES, FILTERED, REJECTS
from article_cleaner.transforms.records import InputDocument, Rejected
from article_cleaner.transforms.report.accounting import summarize_metrics
from article_cleaner.transforms.report.explain import explain_within_limits, format_explanation
from article_cleaner.transforms.report.markdown_report import (
    SummarizeCorpus,
    WriteNearDuplicateClusters,
    write_markdown_report,
)
from article_cleaner.transforms.report.progress import CountProgress

# The in-process runner: Beam's default DirectRunner first tries Prism, which downloads a binary.
DEFAULT_RUNNER = "FnApiRunner"

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_BAD_ARGUMENTS = 2

PROGRESS_SECONDS = 10.0
PROGRAM = "article-cleaner"


class CleanArticlesOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument(
            "--input", action="append", help="file or glob to read (repeatable); local paths, gs://, s3://"
        )
        parser.add_argument(
            "--output",
            help="output folder (articles*, rejects*, ..., _report.json, report.md, _SUCCESS); "
            "may hold {date}, e.g. out/dt={date}",
        )
        parser.add_argument(
            "--date", default=None, help="the partition date for {date} in --output (default: today, UTC)"
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="replace an existing output folder (else the run refuses)"
        )
        parser.add_argument(
            "--format", default="auto", choices=FORMATS, help="input format; auto picks by file extension"
        )
        parser.add_argument(
            "--field_map",
            default=None,
            help="JSON lines / Parquet field names, e.g. text=content,url=meta.link (fields: text html id url title)",
        )
        parser.add_argument("--output_format", default="jsonl", choices=OUTPUT_FORMATS)
        parser.add_argument(
            "--output_compression", default="none", choices=OUTPUT_COMPRESSIONS, help="gzip the JSON lines output"
        )
        parser.add_argument("--compress", action="store_true", help="same as --output_compression gzip")
        parser.add_argument(
            "--config", default=None, help="rules YAML laid over the bundled configs/default.yaml (see README: Rules)"
        )
        parser.add_argument(
            "--set",
            dest="config_settings",
            action="append",
            default=None,
            metavar="KEY.PATH=VALUE",
            help="change one config value, read as YAML, e.g. corpus.deduplicate=false (repeatable)",
        )
        parser.add_argument(
            "--progress_seconds",
            type=float,
            default=PROGRESS_SECONDS,
            help="on the local runners, print documents read and articles written on stderr at most this often "
            "(0: never)",
        )
        parser.add_argument(
            "--spread_documents",
            default="auto",
            choices=("auto", "yes", "no"),
            help="cut big uncompressed JSON-lines files into slices of whole lines that any worker reads "
            "(yes), or let each worker read and clean whole files (no); auto: yes on distributed runners, "
            "no on the local ones",
        )


def spreads_documents(choice: str, runner: str | None) -> bool:
    """Whether to shuffle documents after reading (see --spread_documents)."""
    if choice != "auto":
        return choice == "yes"
    return (runner or DEFAULT_RUNNER) not in LOCAL_RUNNERS


def build_pipeline(
    pipeline: beam.Pipeline,
    options: CleanArticlesOptions,
    config,
    fields,
    output_dir: str,
    progress_folder: str | None = None,
) -> None:
    """The whole job; with a progress_folder (a local folder every worker can write), progress
    lines on stderr summed over the workers."""
    settings = ReadSettings(input_format=options.format, fields=fields, limits=config.limits)
    runner = pipeline.options.view_as(StandardOptions).runner
    # A few big input files: spread slices of them over the workers (see ReadDocuments).
    spread = spreads_documents(options.spread_documents, runner)
    read = pipeline | "Read" >> ReadDocuments(options.input, settings, spread_documents=spread)
    cleaned = read[DOCUMENTS] | "CleanArticles" >> CleanArticles(config)
    # The corpus steps spill articles beside the outputs: a folder every worker reads, gone before publishing.
    corpus = cleaned[ARTICLES] | "CleanCorpus" >> CleanCorpus(config.corpus, spill_root=output_dir)
    if progress_folder and options.progress_seconds > 0 and (runner or DEFAULT_RUNNER) in LOCAL_RUNNERS:
        started_at = time.time()
        for label, collection, what in (
            ("ProgressRead", read[DOCUMENTS], "documents read"),
            ("ProgressWritten", corpus[ARTICLES], "articles written"),
        ):
            collection | label >> CountProgress(what, options.progress_seconds, progress_folder, started_at)

    outputs = {
        ARTICLES: corpus[ARTICLES],
        # Each part is written where it is produced: no Flatten, which the local runner materializes.
        REJECTS: (read[REJECTS], cleaned[REJECTS]),
        FILTERED: (read[FILTERED], cleaned[FILTERED], corpus[FILTERED]),
        DUPLICATES: corpus[DUPLICATES],
        "site_boilerplate": corpus["mined"],
    }
    compression = "gzip" if options.compress else options.output_compression
    outputs | "WriteOutputs" >> WriteOutputs(output_dir, options.output_format, compression)
    (corpus[ARTICLES], corpus["mined"]) | "SummarizeCorpus" >> SummarizeCorpus(output_dir)
    corpus["near_duplicate_clusters"] | "WriteNearDuplicateClusters" >> WriteNearDuplicateClusters(output_dir)


def matched_inputs(patterns: list[str]) -> tuple[list[str], list[str]]:
    """(every matched file path, the patterns that match nothing)."""
    results = FileSystems.match(patterns)
    files = [found.path for result in results for found in result.metadata_list]
    missing = [pattern for pattern, result in zip(patterns, results, strict=True) if not result.metadata_list]
    return files, missing


def run(argv: list[str] | None = None) -> int:
    """Run the job; returns the exit code (0 ok, 1 run failed, 2 bad arguments or config)."""
    started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    argv = argv if argv is not None else sys.argv[1:]
    if {"-h", "--help"} & set(argv):
        print(_help_text())
        return EXIT_OK
    problem = option_problem(argv, CleanArticlesOptions)
    if problem:
        return _refuse(problem)
    options = PipelineOptions(argv)
    cleaner_options = options.view_as(CleanArticlesOptions)
    problems = []
    if not cleaner_options.input:
        problems.append("--input is required")
    if not cleaner_options.output:
        problems.append("--output is required")
    if problems:
        return _refuse("; ".join(problems))
    try:
        config = load_config(cleaner_options.config, cleaner_options.config_settings or ())
        fields = parse_field_map(cleaner_options.field_map)
        date = cleaner_options.date or today_utc()
        target = resolve_output(cleaner_options.output, date)
    except (ConfigError, FieldMapError, PartitionError) as error:
        prefix = "invalid config: " if isinstance(error, ConfigError) else ""
        return _refuse(f"{prefix}{error}")
    try:
        with partition_locked(target, started):
            return _run_partition(options, config, fields, date, target, started)
    except PartitionUnavailable as unavailable:
        return _refuse(str(unavailable))


def _run_partition(options: PipelineOptions, config, fields, date: str, target: str, started: str) -> int:
    """The run of one partition, its lock held: the target and inputs checked, the pipeline run, the
    outputs published when every input is accounted for."""
    cleaner_options = options.view_as(CleanArticlesOptions)
    finish_interrupted_publish(target)  # a partition is never left missing by a killed publish
    try:
        check_target(target, cleaner_options.overwrite)
    except PartitionError as error:
        return _refuse(str(error))
    input_files, missing = matched_inputs(cleaner_options.input)
    if missing:
        return _refuse(f"no file matches --input {missing[0]!r}")
    problem = folder_problem(cleaner_options.input, input_files) or field_problem(
        input_files, cleaner_options.format, fields
    )
    if problem:
        return _refuse(problem)
    standard = options.view_as(StandardOptions)
    if standard.runner is None:
        standard.runner = DEFAULT_RUNNER

    remove_stale_staging(target)
    clock = time.monotonic()
    run_id = new_run_id()
    staging = staging_folder(target, run_id)
    progress_folder = tempfile.mkdtemp(prefix="article-cleaner-progress-")
    result = None
    try:
        with stops_raised():
            FileSystems.mkdirs(staging)
            with allocator_growth_limited():
                runner = local_runner(options, CleanArticlesOptions) if standard.runner == DEFAULT_RUNNER else None
                pipeline = beam.Pipeline(runner=runner, options=options)
                build_pipeline(pipeline, cleaner_options, config, fields, staging, progress_folder)
                result = pipeline.run()
                result.wait_until_finish()
    except SystemExit as error:  # argparse, reading an option Beam's own checks use, prints why
        discard(staging)
        return error.code if isinstance(error.code, int) else EXIT_BAD_ARGUMENTS
    except RunStopped as stop:  # a scheduler's timeout, Ctrl-C: as a failed run, saying so
        cancelled = cancel_unfinished(result)
        discard(staging)
        print(f"article-cleaner: the run was {stop}; nothing was published{cancelled}", file=sys.stderr)
        return stop.exit_status
    except Exception as error:  # the run failed: nothing is published, the staging folder goes
        discard(staging)
        print(f"article-cleaner: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    finally:
        shutil.rmtree(progress_folder, ignore_errors=True)
    summary = summarize_metrics(result)
    if cleaner_options.progress_seconds > 0:
        seconds = time.monotonic() - clock
        print(
            f"progress: done in {seconds:,.0f} s: {summary.inputs:,} inputs, {summary.written:,} articles written",
            file=sys.stderr,
        )
    report = summary.as_report(config.fingerprint)
    write_report(staging, report)
    write_markdown_report(staging, report)
    print(summary.as_table())
    if not summary.is_balanced():
        # Kept for inspection (its report says what is missing); the next run of this output clears it.
        print(f"article-cleaner: inputs are unaccounted for; nothing was published (see {staging})", file=sys.stderr)
        return EXIT_RUN_FAILED
    manifest = success_manifest(
        target=target,
        date=date if DATE_PLACEHOLDER in cleaner_options.output else None,
        run_id=run_id,
        started=started,
        report=report,
        inputs=input_files,
        config_fingerprint=config.fingerprint,
        options={
            "runner": standard.runner,
            "format": cleaner_options.format,
            "output_format": cleaner_options.output_format,
        },
    )
    write_manifest(staging, manifest)
    publish(staging, target)
    print(f"output: {target} (report.md, _report.json, _SUCCESS)")
    return EXIT_OK


def _help_text() -> str:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Clean scraped article pages into article records (an Apache Beam pipeline).",
        epilog="Any Beam pipeline option (--runner, --direct_num_workers, ...) passes through to Beam. "
        f"Also: {PROGRAM} explain FILE, {PROGRAM} config show|check (each with --help). "
        f"Exit status: {EXIT_OK} published; {EXIT_RUN_FAILED} the run failed or left inputs unaccounted for "
        f"(nothing published); {EXIT_BAD_ARGUMENTS} refused before running (arguments, config, output, "
        "another run of the partition in progress); 128+N stopped by signal N (nothing published).",
    )
    CleanArticlesOptions._add_argparse_args(parser)
    return parser.format_help()


def _refuse(problem: str) -> int:
    """A mistake in the arguments or config: one line, nothing runs."""
    print(f"{PROGRAM}: {problem}", file=sys.stderr)
    return EXIT_BAD_ARGUMENTS


def explain(argv: list[str]) -> int:
    """`article-cleaner explain FILE`: each block of one document with its label and rule."""
    parser = argparse.ArgumentParser(
        prog="article-cleaner explain", description="Show how one document is cleaned, block by block."
    )
    parser.add_argument("file", help="a .txt, .html(.gz), .jsonl, .warc(.gz) or .parquet file")
    parser.add_argument("--record", type=int, default=1, help="which document of a multi-document file (from 1)")
    parser.add_argument("--format", default="auto", choices=FORMATS)
    parser.add_argument("--config", default=None, help="rules YAML laid over the bundled one")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY.PATH=VALUE")
    parser.add_argument("--width", type=int, default=None, help="line width (default: the terminal's)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config, args.settings)
    except ConfigError as error:
        return _refuse(f"invalid config: {error}")
    settings = ReadSettings(input_format=args.format, limits=config.limits)
    try:
        with FileSystems.open(args.file, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
            documents = [
                item for item in read_file(args.file, stream, settings) if isinstance(item, (InputDocument, Rejected))
            ]
    except OSError as error:
        print(f"article-cleaner: cannot read {args.file}: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    if not 1 <= args.record <= len(documents):
        print(f"article-cleaner: {args.file} holds {len(documents)} documents, not {args.record}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    document = documents[args.record - 1]
    watchdog = Watchdog()
    if isinstance(document, Rejected):
        explained = document
    else:
        explained = explain_within_limits(document, config, LanguageDetector(config.language), watchdog)
    watchdog.stop()
    if isinstance(explained, Rejected):
        print(f"{explained.source}: rejected ({explained.reason}): {explained.detail}")
        return EXIT_OK
    print(f"{document.source}")
    print(format_explanation(explained, args.width))
    return EXIT_OK


def config_command(argv: list[str]) -> int:
    """`article-cleaner config show [--config F] [--set ...]` prints the effective config as YAML;
    `article-cleaner config check F [--set ...]` validates it: exit 0, or 2 with one line per problem."""
    parser = argparse.ArgumentParser(
        prog=f"{PROGRAM} config", description="Show the effective config, or check a config file."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("show", help="print the bundled default with --config and --set laid over it")
    show.add_argument("--config", default=None, help="rules YAML laid over the bundled one")
    check = commands.add_parser("check", help="validate a config file laid over the bundled one")
    check.add_argument("config", help="the YAML file to check")
    for command in (show, check):
        command.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY.PATH=VALUE")
    args = parser.parse_args(argv)
    problems = config_problems(args.config, args.settings)
    for problem in problems:
        print(f"{PROGRAM}: invalid config: {problem}", file=sys.stderr)
    if problems:
        return EXIT_BAD_ARGUMENTS
    if args.command == "show":
        effective = effective_config(args.config, args.settings)
        print(yaml.safe_dump(effective, sort_keys=False, allow_unicode=True, width=120), end="")
    else:
        print(f"{args.config}: ok")
    return EXIT_OK


def main() -> None:
    sys.argv[0] = PROGRAM  # argparse's usage line, also under python -m article_cleaner
    argv = sys.argv[1:]
    if argv[:1] == ["explain"]:
        sys.exit(explain(argv[1:]))
    if argv[:1] == ["config"]:
        sys.exit(config_command(argv[1:]))
    sys.exit(run(argv))


if __name__ == "__main__":
    main()
