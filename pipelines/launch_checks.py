"""Mistakes on the command line found before anything runs, each as one line naming the fix: unknown
or invalid options, folders given as inputs, JSON-lines inputs whose records lack the mapped fields."""

from __future__ import annotations

import difflib
import json
import os
import zlib
from collections.abc import Iterable, Mapping

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

from article_cleaner.transforms.io.field_mapping import DOCUMENT_FIELDS, FieldMapping
from article_cleaner.transforms.io.sources import format_of

# How many records of a JSON-lines file must all lack a mapped field before the run is refused,
# and how many files are looked at (each costs one open, on an object store one request).
FIELD_SAMPLE_RECORDS = 20
FIELD_SAMPLE_FILES = 10
_FIELD_SAMPLE_BYTES = 4 * 1024 * 1024


class OptionError(Exception):
    """An option argparse refuses: unknown, a bad choice, a missing value."""


class _RaisingParser(_BeamArgumentParser):
    """Beam's option parser (it knows ValueProvider options), raising instead of printing usage and exiting."""

    def error(self, message: str):
        raise OptionError(message)


def option_problem(argv: list[str], own_options: type[PipelineOptions]) -> str | None:
    """The first option that neither own_options nor a Beam options class knows (Beam itself only
    warns and runs on), or that argparse refuses, with the closest known option."""
    parser = _RaisingParser(allow_abbrev=False, add_help=False)
    classes = {str(cls): cls for cls in PipelineOptions.__subclasses__()}  # as Beam's get_all_options
    classes.setdefault(str(own_options), own_options)
    for cls in classes.values():
        cls._add_argparse_args(parser)
    try:
        _, unknown = parser.parse_known_args(argv)
    except OptionError as error:
        return str(error)
    known = sorted(option for action in parser._actions for option in action.option_strings)
    for argument in unknown:
        name = argument.split("=", 1)[0]
        if not name.startswith("-"):
            return f"unexpected argument {argument!r} (options take the form --name value)"
        close = difflib.get_close_matches(name, known, n=1)
        return f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else "")
    return None


def folder_problem(patterns: Iterable[str], files: Iterable[str]) -> str | None:
    """A local folder among the matched inputs: the reader takes files."""
    for path in files:
        if "://" not in path and os.path.isdir(path):
            folder = os.path.normpath(path)
            pattern = next((pattern for pattern in patterns if os.path.normpath(pattern) == folder), None)
            named = f"--input {pattern} is a folder" if pattern else f"--input matches the folder {path}"
            return f"{named}; name its files, e.g. --input '{path.rstrip('/')}/*'"
    return None


def field_problem(files: Iterable[str], input_format: str, mapping: FieldMapping) -> str | None:
    """A JSON-lines file whose first records all lack the text and html fields, or a field that
    --field_map names: the names of the fields they do have, and the --field_map that would read them."""
    checked = 0
    for path in files:
        if format_of(path, input_format) != "jsonl":
            continue
        if checked == FIELD_SAMPLE_FILES:
            break
        checked += 1
        records = _first_records(path)
        if not records:
            continue  # an empty or unreadable file is an input of its own, rejected with its reason
        seen = sorted({key for record in records for key in _field_paths(record)})
        where = f"{path}: none of its first {len(records)} records"
        for name, source in mapping.paths:
            if source != (name,) and not any(_has_path(record, source) for record in records):
                shown = ", ".join(seen) or "none"
                return f"--field_map {name}={'.'.join(source)}: {where} has that field (fields seen: {shown})"
        text, html = mapping.source_of("text"), mapping.source_of("html")
        if not any(_has_path(record, tuple(name.split("."))) for record in records for name in (text, html)):
            guess = _longest_text_field(records)
            fix = f"; if {guess!r} holds the text, pass --field_map text={guess}" if guess else ""
            return f"{where} has a {text!r} or {html!r} field (fields seen: {', '.join(seen) or 'none'}){fix}"
    return None


def _first_records(path: str) -> list[Mapping]:
    """The JSON objects among the first lines of a file (compressed files are read through)."""
    try:
        with FileSystems.open(path) as stream:
            head = stream.read(_FIELD_SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error):  # an unreadable file is the reader's to reject, with its reason
        return []
    records = []
    lines = head.split(b"\n")
    if len(head) == _FIELD_SAMPLE_BYTES:
        lines = lines[:-1]  # the last one may be cut
    for line in lines:
        if len(records) == FIELD_SAMPLE_RECORDS:
            break
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # malformed or nested past Python's stack: the reader rejects it
            continue
        if isinstance(record, Mapping):
            records.append(record)
    return records


def _field_paths(record: Mapping, prefix: str = "") -> list[str]:
    paths = []
    for key, value in record.items():
        path = f"{prefix}{key}"
        paths.append(path)
        if isinstance(value, Mapping) and prefix.count(".") < 2:
            paths.extend(_field_paths(value, f"{path}."))
    return paths


def _has_path(record: Mapping, path: tuple[str, ...]) -> bool:
    value: object = record
    for step in path:
        if not isinstance(value, Mapping) or step not in value:
            return False
        value = value[step]
    return value is not None


def _longest_text_field(records: list[Mapping]) -> str | None:
    """The top-level field with the longest string value, not one of the document's own field names."""
    lengths: dict[str, int] = {}
    for record in records:
        for key, value in record.items():
            if isinstance(value, str) and key not in DOCUMENT_FIELDS:
                lengths[key] = max(lengths.get(key, 0), len(value))
    return max(sorted(lengths), key=lengths.__getitem__) if lengths else None
