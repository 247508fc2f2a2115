"""The page_types section's settings: the taxonomy, the signals a rule may name, the rules and the
text-shape measures, validated and compiled once (transforms/label/page_types.py applies them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from article_cleaner.transforms.config.checks import (
    ConfigError,
    compile_pattern,
    require_list,
    require_mapping,
    require_number,
    require_section,
    require_string_list,
    require_type,
)

ARTICLE = "article"


PAGE_TYPES = (ARTICLE, "forum", "product", "collection", "listing", "documentation", "service")


# Signals a rule can test. Sets hold words; numbers are counts or shares. Markup signals are unknown
# (None) in text mode, and a rule on an unknown signal never fires, for or against a type.
SET_SIGNALS = frozenset({"declared_types", "meta_names", "removal_kinds", "url_words"})


MARKUP_SIGNALS = frozenset(
    {
        "declared_types",
        "meta_names",
        "has_published_date",
        "has_author",
        "time_elements",
        "article_elements",
        "pre_elements",
        "code_elements",
        "table_cells",
        "h1_elements",
        "paragraphs_per_div",
        "prose_concentration",
        "repeated_item_prose_share",
        "commerce_elements",
        "removal_kinds",
    }
)


TEXT_SIGNALS = frozenset(
    {
        "text_chars",
        "blocks",
        "prose_share",
        "prose_paragraphs",
        "heading_share",
        "link_share",
        "code_share",
        "list_share",
        "table_share",
        "short_block_share",
        "price_mentions",
        "link_blocks_removed",
        "content_share",
        "page_price_mentions",
        "linked_heading_share",
        "we_rate",
        "i_rate",
        "you_rate",
    }
)


URL_SIGNALS = frozenset({"url_words", "url_segments", "url_slug_words", "url_year"})


SIGNALS = MARKUP_SIGNALS | TEXT_SIGNALS | URL_SIGNALS


# Punctuation that sticks to a word in running text ("us.", "(my", "“we").
_TRAILING_PUNCTUATION = (".", ",", ";", ":", "!", "?", ")", '"', "”", "’", "…")


_LEADING_PUNCTUATION = ("(", '"', "“", "‘")


@dataclass(frozen=True, slots=True)
class PageTypeRule:
    """Adds weight to type when signal holds: a set signal holds one of any_of; a number is
    >= at_least and < below (each bound optional)."""

    id: str
    type: str
    signal: str
    weight: float
    any_of: frozenset[str] = frozenset()
    at_least: float | None = None
    below: float | None = None

    def holds(self, value) -> bool:
        if value is None:
            return False
        if self.signal in SET_SIGNALS:
            return not self.any_of.isdisjoint(value)
        return (self.at_least is None or value >= self.at_least) and (self.below is None or value < self.below)


@dataclass(frozen=True, slots=True)
class PersonWords:
    """One language's forms of "we", "I" and "you" (with their possessives), as whitespace-split
    tokens show them; their rates per 1,000 words are the signals we_rate, i_rate and you_rate."""

    we: frozenset[str]  # a business speaking of itself
    i: frozenset[str]  # a member posting in a thread
    you: frozenset[str]  # a page addressing its customer


PERSONS = ("we", "i", "you")


@dataclass(frozen=True, slots=True)
class TextShapeSettings:
    """How the text's shape is measured: what counts as prose, a short block, a price."""

    prose_min_chars: int
    prose_endings: str
    short_block_chars: int
    currency_signs: str  # each one in the kept text is a price mentioned (price_mentions)
    person_words: Mapping[str, PersonWords]  # by language code: the words whose rates are signals
    sample_chars: int  # the word rates are read on at most this much of the kept text
    linked_heading_density: float  # a heading this much link text is linked (a teaser's headline, a menu entry)
    min_divs_for_ratio: int  # paragraphs_per_div is unknown on a page of fewer <div>s


@dataclass(frozen=True, slots=True)
class UrlShapeSettings:
    """How a URL's path is read into words, slug words and a year, compiled once."""

    word_separators: re.Pattern  # between the words of a path (url_words)
    slug_separators: re.Pattern  # between the words of one segment (url_slug_words)
    year_segment: re.Pattern  # a year filed as a segment of its own (url_year)


@dataclass(frozen=True, slots=True)
class PageTypeSettings:
    """The `page_types:` section, validated: which types are written, the prior and margins, how
    the text's shape is measured, and the evidence rules in config order."""

    keep: frozenset[str]  # types written as article records; the others are filtered
    filter_text_mode: bool  # whether text mode filters too, or only labels (its evidence is thinner)
    article_prior: float
    min_margin: float  # HTML: another type must outscore article by this much
    text_min_margin: float  # text mode, where the evidence is thinner
    text_shape: TextShapeSettings
    url_shape: UrlShapeSettings
    rules: tuple[PageTypeRule, ...]


_SECTION_KEYS = {
    "keep",
    "filter_text_mode",
    "article_prior",
    "min_margin",
    "text_min_margin",
    "text_shape",
    "url_shape",
    "rules",
}


_URL_SHAPE_KEYS = {"word_separators", "slug_separators", "year_segment"}


_RULE_KEYS = {"id", "type", "signal", "weight", "any_of", "at_least", "below", "description"}


def compile_page_type_settings(raw: object, path: str = "page_types") -> PageTypeSettings:
    """The `page_types:` section, validated; a ConfigError names the bad key path."""
    section = require_section(raw, path, _SECTION_KEYS)
    keep = require_string_list(section["keep"], f"{path}.keep")
    for index, name in enumerate(keep):
        if name not in PAGE_TYPES:
            raise ConfigError(f"{path}.keep[{index}]: unknown page type {name!r} (types: {', '.join(PAGE_TYPES)})")
    shape_path = f"{path}.text_shape"
    shape_keys = {
        "prose_min_chars",
        "prose_endings",
        "short_block_chars",
        "currency_signs",
        "person_words",
        "sample_chars",
        "linked_heading_density",
        "min_divs_for_ratio",
    }
    shape = require_section(section["text_shape"], shape_path, shape_keys)
    rules, seen = [], set()
    for index, entry in enumerate(require_list(section["rules"], f"{path}.rules")):
        rule = _compile_rule(entry, f"{path}.rules[{index}]")
        if rule.id in seen:
            raise ConfigError(f"{path}.rules[{index}].id: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return PageTypeSettings(
        keep=frozenset(keep),
        filter_text_mode=require_type(section["filter_text_mode"], bool, f"{path}.filter_text_mode"),
        article_prior=float(require_number(section["article_prior"], f"{path}.article_prior")),
        min_margin=float(require_number(section["min_margin"], f"{path}.min_margin", minimum=0)),
        text_min_margin=float(require_number(section["text_min_margin"], f"{path}.text_min_margin", minimum=0)),
        text_shape=TextShapeSettings(
            prose_min_chars=int(require_number(shape["prose_min_chars"], f"{shape_path}.prose_min_chars", minimum=1)),
            prose_endings=require_type(shape["prose_endings"], str, f"{shape_path}.prose_endings"),
            short_block_chars=int(
                require_number(shape["short_block_chars"], f"{shape_path}.short_block_chars", minimum=1)
            ),
            currency_signs=require_type(shape["currency_signs"], str, f"{shape_path}.currency_signs"),
            person_words=_person_words(shape["person_words"], f"{shape_path}.person_words"),
            sample_chars=int(require_number(shape["sample_chars"], f"{shape_path}.sample_chars", minimum=1)),
            linked_heading_density=float(
                require_number(
                    shape["linked_heading_density"], f"{shape_path}.linked_heading_density", minimum=0, maximum=1
                )
            ),
            min_divs_for_ratio=int(
                require_number(shape["min_divs_for_ratio"], f"{shape_path}.min_divs_for_ratio", minimum=1)
            ),
        ),
        url_shape=_url_shape(section["url_shape"], f"{path}.url_shape"),
        rules=tuple(rules),
    )


def _person_words(raw: object, path: str) -> dict[str, PersonWords]:
    """Each language's words of the three persons; every language names all three."""
    by_language = {}
    for language, entry in require_mapping(raw, path).items():
        entry_path = f"{path}.{language}"
        words = require_section(entry, entry_path, set(PERSONS))
        by_language[str(language)] = PersonWords(
            **{person: _word_forms(words[person], f"{entry_path}.{person}") for person in PERSONS}
        )
    return by_language


def _url_shape(raw: object, path: str) -> UrlShapeSettings:
    shape = require_section(raw, path, _URL_SHAPE_KEYS)
    return UrlShapeSettings(
        **{key: compile_pattern(shape[key], f"{path}.{key}", flags=0) for key in sorted(_URL_SHAPE_KEYS)}
    )


def _word_forms(raw: object, path: str) -> frozenset[str]:
    """Each word of a list, lowercased, as a whitespace-split token shows it: bare, or with the
    punctuation that often sticks to it ("us.", "(we", "“i")."""
    words = require_string_list(raw, path)
    if not words:
        raise ConfigError(f"{path}: needs at least one word")
    forms = set()
    for word in (word.lower() for word in words):
        forms.add(word)
        forms.update(word + mark for mark in _TRAILING_PUNCTUATION)
        forms.update(mark + word for mark in _LEADING_PUNCTUATION)
    return frozenset(forms)


def _compile_rule(raw: object, path: str) -> PageTypeRule:
    required = {"id", "type", "signal", "weight"}
    entry = require_section(raw, path, required, _RULE_KEYS - required)
    page_type = require_type(entry["type"], str, f"{path}.type")
    if page_type not in PAGE_TYPES:
        raise ConfigError(f"{path}.type: unknown page type {page_type!r} (types: {', '.join(PAGE_TYPES)})")
    signal = require_type(entry["signal"], str, f"{path}.signal")
    if signal not in SIGNALS:
        raise ConfigError(f"{path}.signal: unknown signal {signal!r} (signals: {', '.join(sorted(SIGNALS))})")
    if signal in SET_SIGNALS:
        if "at_least" in entry or "below" in entry or "any_of" not in entry:
            raise ConfigError(f"{path}: the set signal {signal} takes any_of, not at_least or below")
        words = require_string_list(entry["any_of"], f"{path}.any_of")
        return PageTypeRule(
            id=require_type(entry["id"], str, f"{path}.id"),
            type=page_type,
            signal=signal,
            weight=float(require_number(entry["weight"], f"{path}.weight")),
            any_of=frozenset(word.lower() for word in words),
        )
    if "any_of" in entry or ("at_least" not in entry and "below" not in entry):
        raise ConfigError(f"{path}: the number signal {signal} takes at_least and/or below, not any_of")
    return PageTypeRule(
        id=require_type(entry["id"], str, f"{path}.id"),
        type=page_type,
        signal=signal,
        weight=float(require_number(entry["weight"], f"{path}.weight")),
        at_least=float(require_number(entry["at_least"], f"{path}.at_least")) if "at_least" in entry else None,
        below=float(require_number(entry["below"], f"{path}.below")) if "below" in entry else None,
    )
