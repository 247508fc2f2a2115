"""Load the YAML config, validate it, and compile it once into a frozen CleanerConfig."""

from __future__ import annotations

import copy as copy_module
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import get_type_hints

from article_cleaner.transforms.config.caption_settings import (
    CaptionRules,
    compile_caption_rules,
    with_credit_vocabulary,
)
from article_cleaner.transforms.config.checks import (
    ConfigError,
    compile_pattern,
    reject_unknown_keys,
    require_keys,
    require_list,
    require_mapping,
    require_number,
    require_rule,
    require_string_list,
    require_type,
)
from article_cleaner.transforms.config.content_selection import ContentSelectionSettings, compile_content_selection
from article_cleaner.transforms.config.corpus_settings import (
    CorpusSettings,
    NearDuplicateSettings,
    SamePageUrlRules,
    SiteBoilerplateSettings,
)
from article_cleaner.transforms.config.html_rules import HtmlRules, compile_html_rules
from article_cleaner.transforms.config.overlay import DEFAULT_CONFIG_PATH as DEFAULT_CONFIG_PATH
from article_cleaner.transforms.config.overlay import effective_config, read_yaml
from article_cleaner.transforms.config.page_type_settings import PageTypeSettings, compile_page_type_settings
from article_cleaner.transforms.config.pattern_prefilter import RequiredLiterals, ScreenedPatterns
from article_cleaner.transforms.records import BODY, CAPTION, REFERENCE, TITLE
from article_cleaner.transforms.removal_kinds import PATTERN_KINDS, REMOVAL_KINDS

# What an engine rule does to a block: remove it as a kind, or label it.
ENGINE_RULE_KINDS = (*REMOVAL_KINDS, TITLE, BODY, CAPTION, REFERENCE)


@dataclass(frozen=True, slots=True)
class PatternRule:
    """Removes a whole block of at most max_chars characters that the pattern matches."""

    id: str
    kind: str
    pattern: re.Pattern
    max_chars: int


@dataclass(frozen=True, slots=True)
class CitationRules:
    inline_marker: re.Pattern
    reference_item: re.Pattern
    reference_heading: re.Pattern
    max_item_chars: int
    inline_marker_screen: RequiredLiterals | None = None  # a text without its literals has no marker


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """How language is identified (transforms/label/language.py): see the `language:` section of the config."""

    sample_chars: int  # the detector reads at most this many characters of the body
    seed: int  # langdetect's seed, for the texts it decides itself
    min_chars: int  # a shorter body has no language
    max_trial_disagreement: float  # above this estimated chance, langdetect itself decides
    script_share: float  # share of the non-Latin characters a single-language script must hold
    sample_windows: int  # the sample is this many stretches spread over what langdetect reads
    short_sample_chars: int  # read first; the full sample only when this one is unclear
    short_sample_max_trial_disagreement: float  # the short sample decides at or below this


@dataclass(frozen=True, slots=True)
class LimitsSettings:
    """What a worker will attempt on one input before rejecting it (see transforms/limits/guards.py)."""

    max_document_bytes: int  # a page or record above this is rejected unparsed
    max_decompressed_bytes: int  # per compressed file
    max_compression_ratio: float  # decompressed / compressed size, past max_document_bytes
    max_html_nesting_depth: int  # Lexbor parses deep <div> nesting in quadratic time
    max_attributes_per_element: int  # ... and the attributes of one element in quadratic time
    max_tag_bytes: int  # one start tag with its attributes
    time_budget_seconds: float  # per document: past it, the document is stopped and rejected


def compile_limits(raw: object) -> LimitsSettings:
    """The limits section; every key is required (the values are the bundled YAML's)."""
    section = require_mapping(raw, "limits")
    keys = set(LimitsSettings.__slots__)
    reject_unknown_keys(section, keys, "limits")
    require_keys(section, keys, "limits")
    number_types = get_type_hints(LimitsSettings)
    values = {}
    for name in LimitsSettings.__slots__:
        minimum = 0.001 if name == "time_budget_seconds" else 1
        values[name] = number_types[name](require_number(section[name], f"limits.{name}", minimum=minimum))
    return LimitsSettings(**values)


# The bundled YAML's limits, for callers of the readers that bring no config of their own: read from
# the YAML (its limits section only), so the values have one home.
DEFAULT_LIMITS = compile_limits(read_yaml(DEFAULT_CONFIG_PATH)["limits"])


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Everything the cleaning functions need, validated and compiled; picklable for workers."""

    pattern_rules: tuple[PatternRule, ...]
    pattern_search: ScreenedPatterns  # pattern_rules' patterns and max_chars, screened, in the same order
    captions: CaptionRules
    citations: CitationRules
    language: LanguageSettings
    content_selection: ContentSelectionSettings
    html: HtmlRules
    corpus: CorpusSettings
    fingerprint: str  # hash of the validated config, recorded with each run
    page_types: PageTypeSettings
    limits: LimitsSettings = DEFAULT_LIMITS


TOP_LEVEL_KEYS = frozenset(
    {
        "version",
        "patterns",
        "captions",
        "citations",
        "language",
        "content_selection",
        "html",
        "corpus",
        "page_types",
        "limits",
        "engine_rules",
    }
)


def load_config(path: str | Path | None = None, settings: Iterable[str] = ()) -> CleanerConfig:
    """The bundled default with the file at path (if any) and `KEY.PATH=VALUE` settings laid over it, compiled."""
    raw = effective_config(path, settings)
    try:
        return compile_config(raw)
    except ConfigError as error:
        raise ConfigError(_rule_ids_for_indexes(str(error), raw)) from None


def config_problems(path: str | Path | None = None, settings: Iterable[str] = (), limit: int = 50) -> list[str]:
    """Every problem of a config, one line each: after each, the bad key takes the default's value again
    (or goes, when the default has none) and validation goes on."""
    try:
        raw = effective_config(path, settings)
    except ConfigError as error:
        return [str(error)]
    default = effective_config()
    problems: list[str] = []
    while len(problems) < limit:
        try:
            compile_config(raw)
            return problems
        except ConfigError as error:
            message = str(error)
            problem = _rule_ids_for_indexes(message, raw)
            if problem in problems:
                return problems  # reverting did not help: the rest follows from this one
            problems.append(problem)
            raw = _reverted(raw, default, _key_path(message))
            if raw is None:
                return problems
    return problems


def _key_path(message: str) -> list[str | int]:
    """The keys and list indexes of the path a ConfigError message starts with ('config.' is the root)."""
    head = message.split(": ", 1)[0].removeprefix("config.")
    path: list[str | int] = []
    for part in head.split("."):
        name, *indexes = part.split("[")
        if name:
            path.append(name)
        path.extend(int(index.rstrip("]")) for index in indexes if index.rstrip("]").isdigit())
    return path


def _reverted(raw: dict, default: dict, path: list[str | int]) -> dict | None:
    """raw with the deepest node of path that it holds put back to the default's; inside a list, the
    list's entry goes (a bad rule is dropped whole). None when raw holds none of path."""
    reverted = copy_module.deepcopy(raw)
    node, parent, last, default_node, entry = reverted, None, None, default, None
    for step in path:
        holds = (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and step < len(node)
        )
        if not holds:
            break
        if isinstance(node, list):
            entry = (node, step)
        parent, last, node = node, step, node[step]
        default_node = default_node.get(step) if isinstance(default_node, dict) and isinstance(step, str) else None
    if entry is not None:
        del entry[0][entry[1]]
    elif parent is None:
        return None
    elif default_node is not None:
        parent[last] = default_node
    else:
        del parent[last]
    return reverted


def _rule_ids_for_indexes(message: str, raw: Mapping) -> str:
    """'patterns.copyright[12].pattern: ...' as 'patterns.copyright[id=copyright.mine].pattern: ...': the
    index is one of the merged list, which a user's file does not show."""
    head, separator, rest = message.partition(": ")
    path = _key_path(message)
    node: object = raw
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break  # the path names a key the entry lacks
        if isinstance(step, int) and isinstance(node, Mapping) and isinstance(node.get("id"), str):
            head = head.replace(f"[{step}]", f"[id={node['id']}]", 1)
    return head + separator + rest


def compile_config(raw: object) -> CleanerConfig:
    """Validate a parsed YAML document and compile it; a ConfigError names the bad key path."""
    root = require_mapping(raw, "config")
    reject_unknown_keys(root, TOP_LEVEL_KEYS, "config")
    require_keys(
        root,
        {"patterns", "captions", "citations", "language", "content_selection", "html", "page_types", "engine_rules"},
        "config",
    )
    require_keys(root, {"version", "corpus", "limits"}, "config")
    version = root["version"]
    if version != 1:
        raise ConfigError(f"config.version: unsupported version {version!r} (supported: 1)")
    captions = compile_caption_rules(root["captions"])
    pattern_rules = _compile_pattern_rules(root["patterns"], captions)
    _check_engine_rules(root["engine_rules"], root, {rule.id for rule in pattern_rules})
    return CleanerConfig(
        pattern_rules=pattern_rules,
        pattern_search=ScreenedPatterns.build([(rule.pattern, rule.max_chars) for rule in pattern_rules]),
        captions=captions,
        citations=_compile_citation_rules(root["citations"]),
        language=_compile_language_settings(root["language"]),
        content_selection=_compile_content_selection(root["content_selection"], {rule.id for rule in pattern_rules}),
        html=compile_html_rules(root["html"], "html", credits=captions),
        corpus=_compile_corpus_settings(root["corpus"]),
        fingerprint=_fingerprint(root),
        page_types=compile_page_type_settings(root["page_types"], "page_types"),
        limits=compile_limits(root["limits"]),
    )


def _fingerprint(root: Mapping) -> str:
    """A hash of what decides the output: engine_rules only documents the code, so it is left out."""
    deciding = {key: value for key, value in root.items() if key != "engine_rules"}
    return hashlib.sha256(json.dumps(deciding, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _check_engine_rules(raw: object, root: Mapping, pattern_rule_ids: set[str]) -> None:
    """engine_rules declares the ids of the rules the code applies by structure: each with a known
    kind or label, and the settings it names must be a section of the config."""
    entries = require_list(raw, "engine_rules")
    seen = set(pattern_rule_ids)
    for index, raw_entry in enumerate(entries):
        path = f"engine_rules[{index}]"
        entry = require_rule(raw_entry, path, {"id", "kind", "settings", "about"}, {"id", "kind", "about"}, seen)
        kind = require_type(entry["kind"], str, f"{path}.kind")
        if kind not in ENGINE_RULE_KINDS:
            raise ConfigError(f"{path}.kind: unknown kind {kind!r} (kinds: {', '.join(ENGINE_RULE_KINDS)})")
        require_type(entry["about"], str, f"{path}.about")
        if "settings" in entry:
            node: object = root
            for key in require_type(entry["settings"], str, f"{path}.settings").split("."):
                node = node.get(key) if isinstance(node, Mapping) else None
            if node is None:
                raise ConfigError(f"{path}.settings: no section {entry['settings']!r} in the config")


def _compile_content_selection(raw: object, rule_ids: set[str]) -> ContentSelectionSettings:
    settings = compile_content_selection(raw, "content_selection")
    for name in ("comments", "related_links"):
        for rule in getattr(settings.following_sections, name).rules:
            if rule not in rule_ids:
                raise ConfigError(f"content_selection.following_sections.{name}.rules: no pattern rule {rule!r}")
    return settings


def _compile_pattern_rules(raw: object, captions: CaptionRules) -> tuple[PatternRule, ...]:
    """The pattern rules, in kind order; {agencies} and {credit_label} stand for the captions section's lists."""
    section = require_mapping(raw, "patterns")
    reject_unknown_keys(section, set(PATTERN_KINDS), "patterns")
    require_keys(section, set(PATTERN_KINDS), "patterns")
    rules: list[PatternRule] = []
    seen_ids: set[str] = set()
    for kind in PATTERN_KINDS:  # fixed order: the first matching kind wins, deterministically
        entries = require_list(section[kind], f"patterns.{kind}")
        for index, raw_entry in enumerate(entries):
            path = f"patterns.{kind}[{index}]"
            keys = {"id", "pattern", "max_chars"}
            entry = require_rule(raw_entry, path, keys | {"description"}, keys, seen_ids)
            rules.append(
                PatternRule(
                    id=entry["id"],
                    kind=kind,
                    pattern=compile_pattern(
                        with_credit_vocabulary(require_type(entry["pattern"], str, f"{path}.pattern"), captions),
                        f"{path}.pattern",
                    ),
                    max_chars=int(require_number(entry["max_chars"], f"{path}.max_chars", minimum=1)),
                )
            )
    return tuple(rules)


def _compile_citation_rules(raw: object) -> CitationRules:
    section = require_mapping(raw, "citations")
    allowed = {"inline_marker", "reference_item", "reference_heading", "max_item_chars"}
    reject_unknown_keys(section, allowed, "citations")
    require_keys(section, allowed, "citations")
    item = compile_pattern(section["reference_item"], "citations.reference_item")
    missing_groups = {"id", "text"} - set(item.groupindex)
    if missing_groups:
        raise ConfigError("citations.reference_item: needs named groups (?P<id>...) and (?P<text>...)")
    inline_marker = compile_pattern(section["inline_marker"], "citations.inline_marker")
    return CitationRules(
        inline_marker=inline_marker,
        reference_item=item,
        reference_heading=compile_pattern(section["reference_heading"], "citations.reference_heading"),
        max_item_chars=int(require_number(section["max_item_chars"], "citations.max_item_chars", minimum=1)),
        inline_marker_screen=RequiredLiterals.of(inline_marker),
    )


def _compile_language_settings(raw: object) -> LanguageSettings:
    section = require_mapping(raw, "language")
    keys = set(LanguageSettings.__slots__)
    reject_unknown_keys(section, keys, "language")
    require_keys(section, keys, "language")
    sample_chars = int(require_number(section["sample_chars"], "language.sample_chars", minimum=1))
    max_trial_disagreement = float(
        require_number(section["max_trial_disagreement"], "language.max_trial_disagreement", minimum=0, maximum=0.5)
    )
    return LanguageSettings(
        sample_chars=sample_chars,
        sample_windows=int(
            require_number(section["sample_windows"], "language.sample_windows", minimum=1, maximum=100)
        ),
        short_sample_chars=int(
            require_number(
                section["short_sample_chars"], "language.short_sample_chars", minimum=1, maximum=sample_chars
            )
        ),
        short_sample_max_trial_disagreement=float(
            require_number(
                section["short_sample_max_trial_disagreement"],
                "language.short_sample_max_trial_disagreement",
                minimum=0,
                maximum=max_trial_disagreement,
            )
        ),
        seed=int(require_number(section["seed"], "language.seed", minimum=0)),
        min_chars=int(require_number(section["min_chars"], "language.min_chars", minimum=0)),
        max_trial_disagreement=max_trial_disagreement,
        script_share=float(require_number(section["script_share"], "language.script_share", minimum=0.5, maximum=1)),
    )


def _compile_corpus_settings(raw: object) -> CorpusSettings:
    section = require_mapping(raw, "corpus")
    keys = {"site_boilerplate", "languages", "deduplicate", "same_page_urls", "near_duplicates"}
    reject_unknown_keys(section, keys, "corpus")
    require_keys(section, keys, "corpus")
    mining = require_mapping(section["site_boilerplate"], "corpus.site_boilerplate")
    path = "corpus.site_boilerplate"
    reject_unknown_keys(mining, {"enabled", "min_pages", "min_share", "max_chars"}, path)
    require_keys(mining, {"enabled", "min_pages", "min_share", "max_chars"}, path)
    languages = require_string_list(section["languages"], "corpus.languages")
    return CorpusSettings(
        site_boilerplate=SiteBoilerplateSettings(
            enabled=require_type(mining["enabled"], bool, f"{path}.enabled"),
            min_pages=int(require_number(mining["min_pages"], f"{path}.min_pages", minimum=2)),
            min_share=float(require_number(mining["min_share"], f"{path}.min_share", minimum=0, maximum=1)),
            max_chars=int(require_number(mining["max_chars"], f"{path}.max_chars", minimum=1)),
        ),
        languages=tuple(sorted(set(languages))),
        deduplicate=require_type(section["deduplicate"], bool, "corpus.deduplicate"),
        same_page_urls=_compile_same_page_urls(section["same_page_urls"]),
        near_duplicates=_compile_near_duplicates(section["near_duplicates"]),
    )


def _compile_near_duplicates(raw: object) -> NearDuplicateSettings:
    """corpus.near_duplicates: every key is required (the defaults are the bundled YAML's)."""
    path = "corpus.near_duplicates"
    section = require_mapping(raw, path)
    keys = set(NearDuplicateSettings.__slots__)
    reject_unknown_keys(section, keys, path)
    require_keys(section, keys, path)
    integers = {}
    for name, minimum, maximum in (
        ("shingle_words", 1, 64),
        ("permutations", 1, 1024),
        ("bands", 1, 1024),
        ("seed", 0, 2**63 - 1),
        ("giant_bucket_articles", 2, 2**63 - 1),
    ):
        require_type(section[name], int, f"{path}.{name}")
        integers[name] = int(require_number(section[name], f"{path}.{name}", minimum=minimum, maximum=maximum))
    if integers["permutations"] % integers["bands"]:
        raise ConfigError(
            f"{path}.bands: must divide permutations ({integers['permutations']}) into bands of equal rows, "
            f"got {integers['bands']}"
        )
    return NearDuplicateSettings(
        enabled=require_type(section["enabled"], bool, f"{path}.enabled"),
        threshold=float(require_number(section["threshold"], f"{path}.threshold", minimum=0.01, maximum=1)),
        **integers,
    )


_HOST_LABEL = re.compile(r"[a-z0-9-]+")
_PARAMETER_NAME = re.compile(r"[^*&=#\s]+\*?")
_PATH_SEGMENT = re.compile(r"[^/?#\s]+")


def _compile_same_page_urls(raw: object) -> SamePageUrlRules:
    """corpus.same_page_urls: the parts of a URL that do not change which page it names."""
    path = "corpus.same_page_urls"
    section = require_mapping(raw, path)
    keys = {"host_prefixes", "query_parameters", "variant_path_segments"}
    reject_unknown_keys(section, keys, path)
    require_keys(section, keys, path)
    lists = {}
    for key, shape, allowed in (
        ("host_prefixes", _HOST_LABEL, "a lower-case host label such as www"),
        ("query_parameters", _PARAMETER_NAME, "a parameter name, or a prefix ending in * such as utm_*"),
        ("variant_path_segments", _PATH_SEGMENT, "one path segment without / such as amp"),
    ):
        items = require_string_list(section[key], f"{path}.{key}")
        for index, item in enumerate(items):
            if not shape.fullmatch(item) or item != item.lower():
                raise ConfigError(f"{path}.{key}[{index}]: {item!r} is not {allowed} (in lower case)")
        lists[key] = items
    parameters = lists["query_parameters"]
    return SamePageUrlRules(
        host_prefixes=lists["host_prefixes"],
        query_parameters=tuple(name for name in parameters if not name.endswith("*")),
        query_parameter_prefixes=tuple(name.removesuffix("*") for name in parameters if name.endswith("*")),
        variant_path_segments=lists["variant_path_segments"],
    )
