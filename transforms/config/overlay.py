"""A user's config as an overlay on the bundled default, and `--set KEY.PATH=VALUE` one-off changes.

Mappings merge key by key; any other value a user's file names replaces the default's. A list of
rules (entries with an `id`) merges by id: a new id is appended, a known id replaces that rule in
place, `{id: X, disabled: true}` removes it. `!replace` before a list or mapping replaces it whole.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from article_cleaner.transforms.config.checks import ConfigError

# The bundled YAML is package data of article_cleaner.configs: read through importlib.resources, so an
# editable install, a wheel on a worker and a zipped install all find the same file.
DEFAULT_CONFIG_PATH = resources.files("article_cleaner.configs") / "default.yaml"

REPLACE_TAG = "!replace"
DISABLED_KEY = "disabled"


@dataclass(frozen=True, slots=True)
class Replacement:
    """A value tagged !replace: it replaces the default's list or mapping instead of merging into it."""

    value: object


# libyaml's parser where PyYAML was built with it (its wheels are): the same documents, about seven
# times faster than the pure-Python one on the bundled config, which every worker reads at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _OverlayLoader(_SAFE_LOADER):
    """yaml.safe_load plus the !replace tag."""


_OverlayLoader.add_constructor(
    REPLACE_TAG,
    lambda loader, node: Replacement(
        loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)
    ),
)


def read_yaml(path: str | Path, *, allow_replace: bool = False) -> dict:
    """A YAML config file as a mapping (an empty file is an empty mapping)."""
    try:
        text = (Path(path) if isinstance(path, str) else path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config: {error.strerror or error}") from None
    try:
        raw = yaml.load(text, Loader=_OverlayLoader if allow_replace else _SAFE_LOADER)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: expected a mapping of config sections, got {type(raw).__name__}")
    return raw


def effective_config(path: str | Path | None = None, settings: Iterable[str] = ()) -> dict:
    """The bundled default, with the file at path laid over it, then each `KEY.PATH=VALUE` setting."""
    merged = read_yaml(DEFAULT_CONFIG_PATH)
    if path is not None:
        merged = overlay(merged, read_yaml(path, allow_replace=True), "")
    for setting in settings:
        merged = overlay(merged, parse_setting(setting, merged), "")
    return merged


def overlay(base: object, changes: object, path: str) -> object:
    """base with changes laid over it (neither is modified)."""
    if isinstance(changes, Replacement):
        return _without_tags(changes.value, path)
    if isinstance(base, Mapping) and isinstance(changes, Mapping):
        merged = dict(base)
        for key, value in changes.items():
            key_path = f"{path}.{key}" if path else str(key)
            merged[key] = overlay(base[key], value, key_path) if key in base else _without_tags(value, key_path)
        return merged
    if _is_rule_list(base) and isinstance(changes, list):
        return _merge_rules(base, changes, path)
    return _without_tags(changes, path)


def parse_setting(setting: str, current: Mapping) -> dict:
    """`corpus.deduplicate=false` as the overlay {corpus: {deduplicate: false}}; the value is read as YAML."""
    key_path, separator, text = setting.partition("=")
    keys = key_path.strip().split(".")
    if not separator or not all(keys):
        raise ConfigError(f"--set {setting!r}: expected KEY.PATH=VALUE, e.g. corpus.deduplicate=false")
    try:
        value = yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError as error:
        raise ConfigError(f"--set {key_path}: the value is not valid YAML: {error}") from None
    node: object = current
    for depth, key in enumerate(keys[:-1]):
        if isinstance(node, Mapping) and key not in node:
            break  # an unknown key: validation names it and the closest known one
        node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, list):
            prefix = ".".join(keys[: depth + 1])
            raise ConfigError(f"--set {key_path}: {prefix} is a list; change its entries in a config file (--config)")
    for key in reversed(keys):
        value = {key: value}
    return value


def _is_rule_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) and "id" in item for item in value)


def _merge_rules(base: list, changes: list, path: str) -> list:
    rules = {rule["id"]: rule for rule in base}  # dicts keep order: a replaced rule keeps its place
    for index, entry in enumerate(changes):
        where = f"{path}[{index}]"
        if isinstance(entry, Replacement) or not isinstance(entry, Mapping) or "id" not in entry:
            raise ConfigError(
                f"{where}: a rule laid over the default's list needs an id (a new id adds a rule, a known one "
                f"replaces it, {{id: ..., {DISABLED_KEY}: true}} removes it; !replace before the list replaces it)"
            )
        rule_id = entry["id"]
        if DISABLED_KEY not in entry:
            rules[rule_id] = _without_tags(entry, where)
            continue
        if entry[DISABLED_KEY] is not True or set(entry) != {"id", DISABLED_KEY}:
            raise ConfigError(f"{where}.{DISABLED_KEY}: only `{{id: ..., {DISABLED_KEY}: true}}` disables a rule")
        if rule_id not in rules:
            close = difflib.get_close_matches(str(rule_id), [str(known) for known in rules], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}.id: no rule {rule_id!r} to disable in {path}{hint}")
        del rules[rule_id]
    return list(rules.values())


def _without_tags(value: object, path: str) -> object:
    """A value with no !replace left inside (one inside a new value has nothing to replace)."""
    if isinstance(value, Replacement):
        return _without_tags(value.value, path)
    if isinstance(value, Mapping):
        return {key: _without_tags(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_without_tags(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value
