"""article-cleaner's entry point: options -> read -> CleanArticles -> write, and a run summary.

    article-cleaner --input 'pages/*.txt' --output out/ [--format auto|text|jsonl] [--config FILE]

Any Beam pipeline option (--runner, --direct_num_workers, ...) passes through to Beam.
"""

from __future__ import annotations

import sys

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from transforms.clean import ARTICLES, REJECTS, CleanArticles
from transforms.config_checks import ConfigError
from transforms.rules import load_config
from transforms.run_summary import summarize_metrics
from transforms.sinks import WriteJsonLines
from transforms.sources import DOCUMENTS, FORMATS, ReadDocuments

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
        parser.add_argument("--output", help="directory for articles*.jsonl and rejects*.jsonl")
        parser.add_argument(
            "--format", default="auto", choices=FORMATS, help="input format; auto picks by file extension"
        )
        parser.add_argument("--config", default=None, help="rules YAML (default: the bundled configs/default.yaml)")


def build_pipeline(pipeline: beam.Pipeline, options: CleanArticlesOptions, config) -> None:
    documents = pipeline | "Read" >> ReadDocuments(options.input, options.format)
    cleaned = documents[DOCUMENTS] | "CleanArticles" >> CleanArticles(config)
    cleaned[ARTICLES] | "WriteArticles" >> WriteJsonLines(options.output, "articles")
    (
        (documents[REJECTS], cleaned[REJECTS])
        | "AllRejects" >> beam.Flatten()
        | "WriteRejects" >> WriteJsonLines(options.output, "rejects")
    )


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
    missing = unmatched_inputs(cleaner_options.input)
    if missing:
        print(f"article-cleaner: no file matches --input {missing[0]!r}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    standard = options.view_as(StandardOptions)
    if standard.runner is None:
        standard.runner = DEFAULT_RUNNER

    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, cleaner_options, config)
    result = pipeline.run()
    result.wait_until_finish()
    summary = summarize_metrics(result)
    print(summary.as_table())
    return EXIT_OK if summary.is_balanced() else EXIT_RUN_FAILED


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
