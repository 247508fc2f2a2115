"""Load the YAML config, validate it, and compile it once into a frozen CleanerConfig."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from transforms.config_checks import (
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
from transforms.content_region import ContentSelectionSettings, compile_content_selection
from transforms.html_rules import HtmlRules, compile_html_rules
from transforms.literal_screen import RequiredLiterals, ScreenedPatterns
from transforms.page_types import PageTypeSettings, compile_page_type_settings
from transforms.site_boilerplate import SiteBoilerplateSettings

# configs/ is shipped as package data, so workers and wheel installs find the same file.
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"

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
class CreditPattern:
    id: str
    pattern: re.Pattern  # has a named group "credit"; what precedes the match is the caption


@dataclass(frozen=True, slots=True)
class CaptionRules:
    max_chars: int
    credit_patterns: tuple[CreditPattern, ...]
    duplicate_rule: str
    credit_search: ScreenedPatterns  # the credit patterns, screened: finds the first that matches


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


@dataclass(frozen=True, slots=True)
class LimitsSettings:
    """What a worker will attempt on one input before rejecting it (see transforms/guards.py)."""

    max_document_bytes: int = 10 * 1024 * 1024  # a page or record above this is rejected unparsed
    max_decompressed_bytes: int = 4 * 1024**3  # per compressed file
    max_compression_ratio: float = 100.0  # decompressed / compressed size, past max_document_bytes
    max_html_nesting_depth: int = 400  # Lexbor parses deep <div> nesting in quadratic time
    time_budget_seconds: float = 10.0  # per document, checked between cleaning stages


DEFAULT_LIMITS = LimitsSettings()


@dataclass(frozen=True, slots=True)
class CorpusSettings:
    """The cross-document steps: site boilerplate mining, language filter, exact dedup."""

    site_boilerplate: SiteBoilerplateSettings
    languages: tuple[str, ...]  # empty: every language is kept
    deduplicate: bool


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
    pattern_rules = _compile_pattern_rules(root["patterns"])
    return CleanerConfig(
        pattern_rules=pattern_rules,
        pattern_search=ScreenedPatterns.build([(rule.pattern, rule.max_chars) for rule in pattern_rules]),
        captions=_compile_caption_rules(root["captions"]),
        citations=_compile_citation_rules(root["citations"]),
        language=_compile_language_settings(root["language"]),
        content_selection=compile_content_selection(root["content_selection"], "content_selection"),
        html=compile_html_rules(root["html"], "html"),
        corpus=_compile_corpus_settings(root.get("corpus", {})),
        fingerprint=hashlib.sha256(json.dumps(root, sort_keys=True, default=str).encode()).hexdigest()[:16],
        page_types=compile_page_type_settings(root["page_types"], "page_types"),
        limits=compile_limits(root.get("limits", {})),
    )


def _compile_pattern_rules(raw: object) -> tuple[PatternRule, ...]:
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
                    pattern=compile_pattern(entry["pattern"], f"{path}.pattern"),
                    max_chars=int(require_number(entry.get("max_chars", 300), f"{path}.max_chars", minimum=1)),
                )
            )
    return tuple(rules)


def _compile_caption_rules(raw: object) -> CaptionRules:
    section = require_mapping(raw, "captions")
    reject_unknown_keys(section, {"max_chars", "credit_patterns", "duplicate_rule"}, "captions")
    require_keys(section, {"credit_patterns"}, "captions")
    credit_patterns = []
    for index, entry in enumerate(require_list(section["credit_patterns"], "captions.credit_patterns")):
        path = f"captions.credit_patterns[{index}]"
        entry = require_mapping(entry, path)
        reject_unknown_keys(entry, {"id", "pattern"}, path)
        require_keys(entry, {"id", "pattern"}, path)
        pattern = compile_pattern(entry["pattern"], f"{path}.pattern")
        if "credit" not in pattern.groupindex:
            raise ConfigError(f"{path}.pattern: needs a named group (?P<credit>...)")
        credit_patterns.append(CreditPattern(id=require_type(entry["id"], str, f"{path}.id"), pattern=pattern))
    max_chars = int(require_number(section.get("max_chars", 600), "captions.max_chars", minimum=1))
    return CaptionRules(
        max_chars=max_chars,
        credit_patterns=tuple(credit_patterns),
        credit_search=ScreenedPatterns.build([(credit.pattern, max_chars) for credit in credit_patterns]),
        duplicate_rule=require_type(
            section.get("duplicate_rule", "caption.repeated_text"), str, "captions.duplicate_rule"
        ),
    )


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
        {"sample_chars", "sample_windows", "seed", "min_chars", "max_trial_disagreement", "script_share"},
        "language",
    )
    return LanguageSettings(
        sample_chars=int(require_number(section.get("sample_chars", 10000), "language.sample_chars", minimum=1)),
        sample_windows=int(
            require_number(section.get("sample_windows", 1), "language.sample_windows", minimum=1, maximum=100)
        ),
        seed=int(require_number(section.get("seed", 0), "language.seed", minimum=0)),
        min_chars=int(require_number(section.get("min_chars", 20), "language.min_chars", minimum=0)),
        max_trial_disagreement=float(
            require_number(
                section.get("max_trial_disagreement", 0.05), "language.max_trial_disagreement", minimum=0, maximum=0.5
            )
        ),
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
    reject_unknown_keys(section, {"site_boilerplate", "languages", "deduplicate"}, "corpus")
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
    )
