"""The content_selection section's settings (text mode's article span): how a block is measured,
the span's weights, what is cut inside it, validated once (transforms/extract/content_region.py applies them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from article_cleaner.transforms.config.checks import (
    ConfigError,
    require_settings,
)


@dataclass(frozen=True, slots=True)
class BlockShapeSettings:
    """How a single block is measured and sorted into content, short or boilerplate."""

    sentence_end_characters: str
    closing_characters: str
    unspaced_characters_per_word: float
    function_word_max_length: int
    short_block_max_words: int
    list_item_min_words: int
    content_block_min_words: int
    min_function_word_share: float
    min_lowercase_word_share: float
    inner_sentence_end: re.Pattern
    repeated_prefix_characters: int
    truncation_marks: tuple[str, ...]
    title_max_words: int


@dataclass(frozen=True, slots=True)
class RegionSettings:
    """Weights of the contiguous span search: content adds, boilerplate subtracts."""

    content_weight_per_word: float
    content_max_weight: float
    sentence_weight_per_word: float
    isolation_gap_blocks: int
    isolated_prose_factor: float
    template_min_occurrences: int
    template_max_spacing: int
    template_stream_factor: float
    list_item_penalty: float
    short_block_penalty: float
    boilerplate_block_penalty: float
    removed_block_penalty: float
    lead_in_characters: str
    numbered_line: re.Pattern
    numbered_section_min_lines: int
    numbered_line_max_spacing: int
    list_line_factor: float


@dataclass(frozen=True, slots=True)
class InsideRegionSettings:
    """What is still taken out of the chosen span."""

    short_line_run_min_blocks: int


@dataclass(frozen=True, slots=True)
class SectionHeadingSettings:
    """Headings (pattern rule ids) of one kind of section that follows articles, and the share of
    its weight prose after such a heading keeps."""

    rules: tuple[str, ...]
    prose_weight_after: float


@dataclass(frozen=True, slots=True)
class FollowingSectionSettings:
    """Headings of what follows an article: readers' comments, links to other articles."""

    min_prose_words_before: float
    comments: SectionHeadingSettings
    related_links: SectionHeadingSettings

    def prose_weight_after(self) -> dict[str, float]:
        """Rule id -> the share of its weight prose after a block that rule removed keeps."""
        shares: dict[str, float] = {}
        for section in (self.comments, self.related_links):
            for rule in section.rules:
                shares[rule] = min(shares.get(rule, 1.0), section.prose_weight_after)
        return shares


@dataclass(frozen=True, slots=True)
class ContentSelectionSettings:
    """The content_selection section of the config, validated; see configs/content_selection.yaml."""

    block_shape: BlockShapeSettings
    region: RegionSettings
    inside_region: InsideRegionSettings
    following_sections: FollowingSectionSettings


def compile_content_selection(section: dict, path: str = "content_selection") -> ContentSelectionSettings:
    """Validated settings from the YAML section; a wrong key or type raises ConfigError (a ValueError)."""
    settings = require_settings(ContentSelectionSettings, section, path)
    if not settings.block_shape.sentence_end_characters:
        raise ConfigError(f"{path}.block_shape.sentence_end_characters: must not be empty")
    if settings.block_shape.unspaced_characters_per_word <= 0:
        raise ConfigError(f"{path}.block_shape.unspaced_characters_per_word: must be > 0")
    if "number" not in settings.region.numbered_line.groupindex:
        raise ConfigError(f"{path}.region.numbered_line: needs a named group 'number'")
    return settings
