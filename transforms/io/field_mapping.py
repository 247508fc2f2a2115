"""Which field of an input record (JSON object, Parquet row) fills which field of an InputDocument."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from article_cleaner.transforms.outcomes import INVALID_FIELD, MISSING_FIELD

DOCUMENT_FIELDS = ("text", "html", "id", "url", "title")


class FieldMapError(ValueError):
    """A --field_map value names an unknown document field, repeats one, or has an empty source."""


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """For each document field, the path of the record field that fills it (a dotted path walks
    into nested objects: `meta.url`)."""

    paths: tuple[tuple[str, tuple[str, ...]], ...] = tuple((name, (name,)) for name in DOCUMENT_FIELDS)

    def source_of(self, document_field: str) -> str:
        return ".".join(dict(self.paths)[document_field])


DEFAULT_FIELD_MAPPING = FieldMapping()


def parse_field_map(spec: str | None) -> FieldMapping:
    """`text=content,url=meta.link` -> a FieldMapping; unnamed document fields keep their own name."""
    if not spec:
        return DEFAULT_FIELD_MAPPING
    paths = dict(DEFAULT_FIELD_MAPPING.paths)
    seen: set[str] = set()
    for item in spec.split(","):
        target, separator, source = (part.strip() for part in item.partition("="))
        if not separator or not source or any(not step for step in source.split(".")):
            raise FieldMapError(f"--field_map {item.strip()!r}: expected FIELD=SOURCE, e.g. text=content")
        if target not in DOCUMENT_FIELDS:
            raise FieldMapError(f"--field_map {target!r}: unknown field (allowed: {', '.join(DOCUMENT_FIELDS)})")
        if target in seen:
            raise FieldMapError(f"--field_map {target!r}: mapped twice")
        seen.add(target)
        paths[target] = tuple(source.split("."))
    return FieldMapping(tuple((name, paths[name]) for name in DOCUMENT_FIELDS))


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Why a record cannot become a document: reason invalid_field or missing_field, and detail."""

    reason: str
    detail: str


def document_fields(record: Mapping, mapping: FieldMapping) -> dict[str, str | bytes | None] | FieldProblem:
    """The document fields of one record: strings (bytes for text/html from binary columns), None
    where absent. An integer id becomes a string; any other non-string value is a problem."""
    fields: dict[str, str | bytes | None] = {}
    for name, path in mapping.paths:
        value = _lookup(record, path)
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        allowed = (str, bytes) if name in ("text", "html") else str
        if value is not None and not isinstance(value, allowed):
            source = ".".join(path)
            mapped = "" if source == name else f" (mapped to {name})"
            return FieldProblem(INVALID_FIELD, f"field {source!r}{mapped} must be a string, got {type(value).__name__}")
        fields[name] = value
    if fields["text"] is None and fields["html"] is None:
        sources = " nor ".join(repr(mapping.source_of(name)) for name in ("text", "html"))
        return FieldProblem(MISSING_FIELD, f"the record has neither a {sources} field")
    return fields


def _lookup(record: Mapping, path: tuple[str, ...]):
    value = record
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value
