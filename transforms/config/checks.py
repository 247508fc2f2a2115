"""Checks shared by every config section: each failure is a ConfigError naming the key path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import fields
from typing import get_type_hints


class ConfigError(ValueError):
    """A config value is missing, unknown, of the wrong type or not a valid pattern."""


def require_mapping(value: object, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}: expected a mapping, got {type(value).__name__}")
    return value


def require_list(value: object, path: str) -> list:
    if not isinstance(value, list):
        raise ConfigError(f"{path}: expected a list, got {type(value).__name__}")
    return value


def reject_unknown_keys(section: Mapping, allowed: set[str] | frozenset[str], path: str) -> None:
    unknown = sorted(str(key) for key in section if key not in allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(f"{path}.{unknown[0]}: unknown key ({hint}allowed: {', '.join(sorted(allowed))})")


def require_keys(section: Mapping, required: set[str], path: str) -> None:
    missing = sorted(required - set(section))
    if missing:
        raise ConfigError(f"{path}.{missing[0]}: required key is missing")


def require_type(value: object, expected: type | tuple[type, ...], path: str) -> object:
    # bool is an int in Python; a YAML `true` where a number is wanted is a mistake.
    if isinstance(value, bool) and bool not in _as_tuple(expected):
        raise ConfigError(f"{path}: expected {_type_names(expected)}, got bool")
    if not isinstance(value, expected):
        raise ConfigError(f"{path}: expected {_type_names(expected)}, got {type(value).__name__}")
    return value


def require_number(value: object, path: str, minimum: float | None = None, maximum: float | None = None) -> float:
    number = require_type(value, (int, float), path)
    if minimum is not None and number < minimum:
        raise ConfigError(f"{path}: must be >= {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{path}: must be <= {maximum}, got {number}")
    return number


def require_string_list(value: object, path: str) -> tuple[str, ...]:
    items = require_list(value, path)
    for index, item in enumerate(items):
        require_type(item, str, f"{path}[{index}]")
    return tuple(items)


def require_section(
    section: object, path: str, required: set[str], optional: set[str] | frozenset[str] = frozenset()
) -> Mapping:
    """A mapping with every required key and no key beyond required and optional ones."""
    mapping = require_mapping(section, path)
    reject_unknown_keys(mapping, set(required) | set(optional), path)
    require_keys(mapping, set(required), path)
    return mapping


def require_text(value: object, path: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: expected a non-empty string, got {value!r}")
    return value


def require_texts(value: object, path: str) -> tuple[str, ...]:
    """A list of non-empty strings."""
    return tuple(require_text(item, f"{path}[{index}]") for index, item in enumerate(require_list(value, path)))


def require_number_in(value: object, path: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{path}: expected a number in [{low}, {high}], got {value!r}")
    return float(value)


def require_integer_in(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{path}: expected an integer in [{low}, {high}], got {value!r}")
    return value


def require_choice(value: object, path: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{path}: unknown value {value!r} (allowed: {', '.join(allowed)})")
    return value


def require_choices(value: object, path: str, allowed: tuple[str, ...]) -> frozenset[str]:
    """A list whose every item is one of allowed; a bad item is named by its index."""
    return frozenset(
        require_choice(item, f"{path}[{index}]", allowed) for index, item in enumerate(require_list(value, path))
    )


def require_rule(entry: object, path: str, allowed: set[str], required: set[str], seen_ids: set[str]) -> Mapping:
    """One entry of a rule list: a mapping of known keys, with an id no earlier rule has (added to seen_ids)."""
    rule = require_mapping(entry, path)
    reject_unknown_keys(rule, allowed, path)
    require_keys(rule, required, path)
    rule_id = require_type(rule["id"], str, f"{path}.id")
    if rule_id in seen_ids:
        raise ConfigError(f"{path}.id: duplicate rule id {rule_id!r}")
    seen_ids.add(rule_id)
    return rule


def compile_pattern(value: object, path: str, flags: int = re.IGNORECASE) -> re.Pattern:
    source = require_type(value, str, path)
    try:
        return re.compile(source, flags)
    except re.error as error:
        raise ConfigError(f"{path}: invalid regular expression {source!r}: {error}") from None


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _type_names(expected: type | tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in _as_tuple(expected))


def require_settings(cls: type, section: object, path: str) -> object:
    """A frozen settings dataclass read field by field from a mapping with exactly its fields, each
    checked by its type with the checks above (str, int >= 0, float >= 0, a list of strings, a
    regular expression, or a nested settings dataclass)."""
    mapping = require_mapping(section, path)
    hints = get_type_hints(cls)
    names = [field.name for field in fields(cls)]
    reject_unknown_keys(mapping, set(names), path)
    require_keys(mapping, set(names), path)
    values = {}
    for name in names:
        key_path = f"{path}.{name}"
        hint = hints[name]
        value = mapping[name]
        if hint is str:
            values[name] = require_type(value, str, key_path)
        elif hint is int:
            values[name] = int(require_number(require_type(value, int, key_path), key_path, minimum=0))
        elif hint is float:
            values[name] = float(require_number(value, key_path, minimum=0))
        elif hint == tuple[str, ...]:
            values[name] = require_string_list(value, key_path)
        elif hint is re.Pattern:
            values[name] = compile_pattern(value, key_path, flags=0)
        else:
            values[name] = require_settings(hint, value, key_path)
    return cls(**values)
