"""article-cleaner's entry point: options -> read -> CleanArticles -> write, and a run report.

    article-cleaner --input 'pages/*.txt' --output out/ [--format auto|text|html|jsonl|warc|parquet]
        [--field_map text=content,url=link] [--output_format jsonl|parquet] [--output_compression gzip]
        [--config FILE]

Any Beam pipeline option (--runner, --direct_num_workers, ...) passes through to Beam.
"""

from __future__ import annotations

import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from transforms.clean import ARTICLES, REJECTS, CleanArticles
from transforms.config_checks import ConfigError
from transforms.field_mapping import FieldMapError, parse_field_map
from transforms.rules import load_config
from transforms.run_summary import summarize_metrics
from transforms.sinks import OUTPUT_COMPRESSIONS, OUTPUT_FORMATS, WriteRecords, write_report
from transforms.sources import DOCUMENTS, FILTERED, FORMATS, ReadDocuments, ReadSettings

# The in-process runner: Beam's default DirectRunner first tries Prism, which downloads a binary.
DEFAULT_RUNNER = "FnApiRunner"

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_BAD_ARGUMENTS = 2


class CleanArticlesOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument(
            "--input", action="append", help="file or glob to read (repeatable); local paths, gs://, s3://"
        )
        parser.add_argument("--output", help="directory for articles*, rejects*, filtered* and _report.json")
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
        parser.add_argument("--config", default=None, help="rules YAML (default: the bundled configs/default.yaml)")


def build_pipeline(pipeline: beam.Pipeline, options: CleanArticlesOptions, config, fields) -> None:
    settings = ReadSettings(input_format=options.format, fields=fields, limits=config.limits)
    read = pipeline | "Read" >> ReadDocuments(options.input, settings)
    # One big input file must not pin all its documents to the worker that read it.
    documents = read[DOCUMENTS] | "Spread" >> beam.Reshuffle()
    cleaned = documents | "CleanArticles" >> CleanArticles(config)
    output_format = options.output_format
    compression = "gzip" if options.compress else options.output_compression
    cleaned[ARTICLES] | "WriteArticles" >> WriteRecords(options.output, "articles", output_format, compression)
    (
        (read[REJECTS], cleaned[REJECTS])
        | "AllRejects" >> beam.Flatten()
        | "WriteRejects" >> WriteRecords(options.output, "rejects", output_format, compression)
    )
    read[FILTERED] | "WriteFiltered" >> WriteRecords(options.output, "filtered", output_format, compression)


def unmatched_inputs(patterns: list[str]) -> list[str]:
    results = FileSystems.match(patterns)
    return [pattern for pattern, result in zip(patterns, results, strict=True) if not result.metadata_list]


def run(argv: list[str] | None = None) -> int:
    """Run the job; returns the exit code (0 ok, 1 run failed, 2 bad arguments or config)."""
    options = PipelineOptions(argv if argv is not None else sys.argv[1:])
    cleaner_options = options.view_as(CleanArticlesOptions)
    problems = []
    if not cleaner_options.input:
        problems.append("--input is required")
    if not cleaner_options.output:
        problems.append("--output is required")
    if problems:
        print("article-cleaner: " + "; ".join(problems), file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    try:
        config = load_config(cleaner_options.config)
    except ConfigError as error:
        print(f"article-cleaner: invalid config: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    try:
        fields = parse_field_map(cleaner_options.field_map)
    except FieldMapError as error:
        print(f"article-cleaner: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    missing = unmatched_inputs(cleaner_options.input)
    if missing:
        print(f"article-cleaner: no file matches --input {missing[0]!r}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    standard = options.view_as(StandardOptions)
    if standard.runner is None:
        standard.runner = DEFAULT_RUNNER

    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, cleaner_options, config, fields)
    result = pipeline.run()
    result.wait_until_finish()
    summary = summarize_metrics(result)
    report_path = write_report(cleaner_options.output, summary.as_report(config.fingerprint))
    print(summary.as_table())
    print(f"report: {report_path}")
    return EXIT_OK if summary.is_balanced() else EXIT_RUN_FAILED


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
