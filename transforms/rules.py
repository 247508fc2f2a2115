"""Load the YAML config, validate it, and compile it once into a frozen CleanerConfig."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from article_cleaner.transforms.captions import CaptionRules, compile_caption_rules, with_credit_vocabulary
from article_cleaner.transforms.config_checks import (
    ConfigError,
    compile_pattern,
    reject_unknown_keys,
    require_keys,
    require_list,
    require_mapping,
    require_number,
    require_string_list,
    require_type,
)
from article_cleaner.transforms.content_region import ContentSelectionSettings, compile_content_selection
from article_cleaner.transforms.html_rules import HtmlRules, compile_html_rules
from article_cleaner.transforms.literal_screen import RequiredLiterals, ScreenedPatterns
from article_cleaner.transforms.near_duplicates import NO_NEAR_DUPLICATES, NearDuplicateSettings
from article_cleaner.transforms.page_types import PageTypeSettings, compile_page_type_settings
from article_cleaner.transforms.page_urls import NO_SAME_PAGE_URL_RULES, SamePageUrlRules
from article_cleaner.transforms.site_boilerplate import SiteBoilerplateSettings

# The bundled YAML is package data of article_cleaner.configs: read through importlib.resources, so an
# editable install, a wheel on a worker and a zipped install all find the same file.
DEFAULT_CONFIG_PATH = resources.files("article_cleaner.configs") / "default.yaml"

REMOVAL_KINDS = (
    "photo_credit",
    "copyright",
    "newsletter_prompt",
    "donation_prompt",
    "comment_widget",
    "social_share",
    "related_links",
    "cookie_notice",
    "advertisement",
    "navigation",
)


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
    """How language is identified (transforms/language.py): see the `language:` section of the config."""

    sample_chars: int  # the detector reads at most this many characters of the body
    seed: int  # langdetect's seed, for the texts it decides itself
    min_chars: int  # a shorter body has no language
    max_trial_disagreement: float = 0.05  # above this estimated chance, langdetect itself decides
    script_share: float = 0.9  # share of the non-Latin characters a single-language script must hold
    sample_windows: int = 1  # the sample is this many stretches spread over what langdetect reads
    short_sample_chars: int = 500  # read first; the full sample only when this one is unclear
    short_sample_max_trial_disagreement: float = 0.01  # the short sample decides at or below this


@dataclass(frozen=True, slots=True)
class LimitsSettings:
    """What a worker will attempt on one input before rejecting it (see transforms/guards.py)."""

    max_document_bytes: int = 10 * 1024 * 1024  # a page or record above this is rejected unparsed
    max_decompressed_bytes: int = 4 * 1024**3  # per compressed file
    max_compression_ratio: float = 100.0  # decompressed / compressed size, past max_document_bytes
    max_html_nesting_depth: int = 400  # Lexbor parses deep <div> nesting in quadratic time
    max_attributes_per_element: int = 256  # ... and the attributes of one element in quadratic time
    max_tag_bytes: int = 4 * 1024 * 1024  # one start tag with its attributes
    time_budget_seconds: float = 10.0  # per document: past it, the document is stopped and rejected


DEFAULT_LIMITS = LimitsSettings()


@dataclass(frozen=True, slots=True)
class CorpusSettings:
    """The cross-document steps: site boilerplate mining, language filter, exact and near dedup."""

    site_boilerplate: SiteBoilerplateSettings
    languages: tuple[str, ...]  # empty: every language is kept
    deduplicate: bool
    same_page_urls: SamePageUrlRules = NO_SAME_PAGE_URL_RULES  # when two URLs name one page's copies
    near_duplicates: NearDuplicateSettings = NO_NEAR_DUPLICATES  # runs only with deduplicate


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
    }
)


def load_config(path: str | Path | None = None) -> CleanerConfig:
    """Read and compile a config file (the bundled default when path is None)."""
    config_path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{config_path}: cannot read config: {error.strerror or error}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{config_path}: not valid YAML: {error}") from None
    return compile_config(raw)


def compile_config(raw: object) -> CleanerConfig:
    """Validate a parsed YAML document and compile it; a ConfigError names the bad key path."""
    root = require_mapping(raw, "config")
    reject_unknown_keys(root, TOP_LEVEL_KEYS, "config")
    require_keys(
        root, {"patterns", "captions", "citations", "language", "content_selection", "html", "page_types"}, "config"
    )
    version = root.get("version", 1)
    if version != 1:
        raise ConfigError(f"config.version: unsupported version {version!r} (supported: 1)")
    captions = compile_caption_rules(root["captions"])
    pattern_rules = _compile_pattern_rules(root["patterns"], captions)
    return CleanerConfig(
        pattern_rules=pattern_rules,
        pattern_search=ScreenedPatterns.build([(rule.pattern, rule.max_chars) for rule in pattern_rules]),
        captions=captions,
        citations=_compile_citation_rules(root["citations"]),
        language=_compile_language_settings(root["language"]),
        content_selection=_compile_content_selection(root["content_selection"], {rule.id for rule in pattern_rules}),
        html=compile_html_rules(root["html"], "html", credits=captions),
        corpus=_compile_corpus_settings(root.get("corpus", {})),
        fingerprint=hashlib.sha256(json.dumps(root, sort_keys=True, default=str).encode()).hexdigest()[:16],
        page_types=compile_page_type_settings(root["page_types"], "page_types"),
        limits=compile_limits(root.get("limits", {})),
    )


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
    reject_unknown_keys(section, set(REMOVAL_KINDS), "patterns")
    rules: list[PatternRule] = []
    seen_ids: set[str] = set()
    for kind in REMOVAL_KINDS:  # fixed order: the first matching kind wins, deterministically
        entries = require_list(section.get(kind, []), f"patterns.{kind}")
        for index, entry in enumerate(entries):
            path = f"patterns.{kind}[{index}]"
            entry = require_mapping(entry, path)
            reject_unknown_keys(entry, {"id", "pattern", "max_chars", "description"}, path)
            require_keys(entry, {"id", "pattern"}, path)
            rule_id = require_type(entry["id"], str, f"{path}.id")
            if rule_id in seen_ids:
                raise ConfigError(f"{path}.id: duplicate rule id {rule_id!r}")
            seen_ids.add(rule_id)
            rules.append(
                PatternRule(
                    id=rule_id,
                    kind=kind,
                    pattern=compile_pattern(
                        with_credit_vocabulary(require_type(entry["pattern"], str, f"{path}.pattern"), captions),
                        f"{path}.pattern",
                    ),
                    max_chars=int(require_number(entry.get("max_chars", 300), f"{path}.max_chars", minimum=1)),
                )
            )
    return tuple(rules)


def _compile_citation_rules(raw: object) -> CitationRules:
    section = require_mapping(raw, "citations")
    allowed = {"inline_marker", "reference_item", "reference_heading", "max_item_chars"}
    reject_unknown_keys(section, allowed, "citations")
    require_keys(section, allowed - {"max_item_chars"}, "citations")
    item = compile_pattern(section["reference_item"], "citations.reference_item")
    missing_groups = {"id", "text"} - set(item.groupindex)
    if missing_groups:
        raise ConfigError("citations.reference_item: needs named groups (?P<id>...) and (?P<text>...)")
    inline_marker = compile_pattern(section["inline_marker"], "citations.inline_marker")
    return CitationRules(
        inline_marker=inline_marker,
        reference_item=item,
        reference_heading=compile_pattern(section["reference_heading"], "citations.reference_heading"),
        max_item_chars=int(require_number(section.get("max_item_chars", 600), "citations.max_item_chars", minimum=1)),
        inline_marker_screen=RequiredLiterals.of(inline_marker),
    )


def _compile_language_settings(raw: object) -> LanguageSettings:
    section = require_mapping(raw, "language")
    reject_unknown_keys(
        section,
        {
            "sample_chars",
            "sample_windows",
            "short_sample_chars",
            "short_sample_max_trial_disagreement",
            "seed",
            "min_chars",
            "max_trial_disagreement",
            "script_share",
        },
        "language",
    )
    sample_chars = int(require_number(section.get("sample_chars", 10000), "language.sample_chars", minimum=1))
    max_trial_disagreement = float(
        require_number(
            section.get("max_trial_disagreement", 0.05), "language.max_trial_disagreement", minimum=0, maximum=0.5
        )
    )
    # Left out, the short sample is at most the full one, so sample_chars alone stays a valid setting.
    short_sample_chars = section.get("short_sample_chars", min(500, sample_chars))
    return LanguageSettings(
        sample_chars=sample_chars,
        sample_windows=int(
            require_number(section.get("sample_windows", 1), "language.sample_windows", minimum=1, maximum=100)
        ),
        short_sample_chars=int(
            require_number(short_sample_chars, "language.short_sample_chars", minimum=1, maximum=sample_chars)
        ),
        short_sample_max_trial_disagreement=float(
            require_number(
                section.get("short_sample_max_trial_disagreement", min(0.01, max_trial_disagreement)),
                "language.short_sample_max_trial_disagreement",
                minimum=0,
                maximum=max_trial_disagreement,
            )
        ),
        seed=int(require_number(section.get("seed", 0), "language.seed", minimum=0)),
        min_chars=int(require_number(section.get("min_chars", 20), "language.min_chars", minimum=0)),
        max_trial_disagreement=max_trial_disagreement,
        script_share=float(
            require_number(section.get("script_share", 0.9), "language.script_share", minimum=0.5, maximum=1)
        ),
    )


def compile_limits(raw: object) -> LimitsSettings:
    """The limits section; every key is optional and falls back to LimitsSettings' default."""
    section = require_mapping(raw, "limits")
    reject_unknown_keys(section, set(LimitsSettings.__slots__), "limits")
    values = {}
    for name in LimitsSettings.__slots__:
        default = getattr(DEFAULT_LIMITS, name)
        minimum = 0.001 if name == "time_budget_seconds" else 1
        values[name] = type(default)(require_number(section.get(name, default), f"limits.{name}", minimum=minimum))
    return LimitsSettings(**values)


def _compile_corpus_settings(raw: object) -> CorpusSettings:
    section = require_mapping(raw, "corpus")
    reject_unknown_keys(
        section, {"site_boilerplate", "languages", "deduplicate", "same_page_urls", "near_duplicates"}, "corpus"
    )
    mining = require_mapping(section.get("site_boilerplate", {}), "corpus.site_boilerplate")
    path = "corpus.site_boilerplate"
    reject_unknown_keys(mining, {"enabled", "min_pages", "min_share", "max_chars"}, path)
    languages = require_string_list(section.get("languages", []), "corpus.languages")
    return CorpusSettings(
        site_boilerplate=SiteBoilerplateSettings(
            enabled=require_type(mining.get("enabled", True), bool, f"{path}.enabled"),
            min_pages=int(require_number(mining.get("min_pages", 5), f"{path}.min_pages", minimum=2)),
            min_share=float(require_number(mining.get("min_share", 0.2), f"{path}.min_share", minimum=0, maximum=1)),
            max_chars=int(require_number(mining.get("max_chars", 1000), f"{path}.max_chars", minimum=1)),
        ),
        languages=tuple(sorted(set(languages))),
        deduplicate=require_type(section.get("deduplicate", True), bool, "corpus.deduplicate"),
        same_page_urls=_compile_same_page_urls(section.get("same_page_urls", {})),
        near_duplicates=_compile_near_duplicates(section.get("near_duplicates")),
    )


def _compile_near_duplicates(raw: object) -> NearDuplicateSettings:
    """corpus.near_duplicates: every key is required (the defaults are the bundled YAML's); a config
    without the section finds no near-duplicates."""
    if raw is None:
        return NO_NEAR_DUPLICATES
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
    """corpus.same_page_urls; a missing list ignores nothing of that kind."""
    path = "corpus.same_page_urls"
    section = require_mapping(raw, path)
    reject_unknown_keys(section, {"host_prefixes", "query_parameters", "variant_path_segments"}, path)
    lists = {}
    for key, shape, allowed in (
        ("host_prefixes", _HOST_LABEL, "a lower-case host label such as www"),
        ("query_parameters", _PARAMETER_NAME, "a parameter name, or a prefix ending in * such as utm_*"),
        ("variant_path_segments", _PATH_SEGMENT, "one path segment without / such as amp"),
    ):
        items = require_string_list(section.get(key, []), f"{path}.{key}")
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
