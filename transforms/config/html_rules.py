"""The HTML extractor's rules: validate the `html` section of the YAML config and compile it once."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The top-level captions section, named apart from this module's CaptionRules (figures and caption markup).
from article_cleaner.transforms.config.caption_settings import CaptionRules as CreditRules
from article_cleaner.transforms.config.checks import (
    ConfigError,
    compile_pattern,
    require_choice,
    require_choices,
    require_integer_in,
    require_list,
    require_number_in,
    require_section,
    require_text,
    require_texts,
)
from article_cleaner.transforms.removal_kinds import ELEMENT_KINDS, REMOVAL_KINDS

# Class and id values are split into lower-case words at punctuation and camelCase humps, so that
# "share" matches "article__share", "share-bar" and "shareBar" but not "shared" or "sharepoint".
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Distinct (tag, attributes) whose rulings a worker remembers: a few MB, more than a site's markup.
_REMEMBERED_RULINGS = 50_000

BLOCK_ROLES = ("paragraph", "heading", "list_item", "quote", "preformatted", "table_cell")


_MAX_COMPOUND_CHARS = 40  # longer run-together values are hashes and generated names, not words


def class_words(value: str) -> tuple[str, ...]:
    """The lower-case words of a class or id attribute value, and each pair of neighbours joined.

    Pairs let "entrycontent" match "entry-content" and "entryContent" as well as "entrycontent".
    """
    if not value.islower():  # an upper-case letter may open a camelCase hump (one C call to know)
        value = _CAMEL_HUMP.sub(" ", value)
    words = [word.lower() for word in _NON_ALPHANUMERIC.split(value) if word]
    if len(words) < 2:
        return tuple(words)
    return (*words, *map(str.__add__, words, words[1:]))


@dataclass(frozen=True, slots=True)
class CompoundWords:
    """Class/id words run together from two known words ("relatedposts", "commentform", "entryfooter"),
    read as their parts too when they split wholly into known words: "commentary" does not."""

    known: frozenset[str]  # every configured word and the layout nouns
    min_part_chars: int
    # The split of each word met so far: words recur across a site's class values. Bounded, and
    # pickled without it, as ElementRulings' memory.
    _splits: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self):
        return CompoundWords, (self.known, self.min_part_chars)

    def with_parts(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """words (as class_words gives them: the words, then each pair of neighbours joined) and the
        parts of each word; a joined pair's parts are its two words already."""
        known, splits = self.known, self._splits
        parts = []
        for word in words[: (len(words) + 1) // 2]:
            if word in known:
                continue
            split = splits.get(word)
            if split is None:
                split = remembered(splits, word, self.parts(word), _REMEMBERED_RULINGS)
            parts += [part for part in split if part not in words]
        return (*words, *dict.fromkeys(parts)) if parts else words

    def parts(self, word: str) -> tuple[str, ...]:
        """The split of word into two known words, or (): one pass of slices over the word (it runs
        for every class word of every element a page's rules look at)."""
        length, known, shortest = len(word), self.known, self.min_part_chars
        if length < 2 * shortest or length > _MAX_COMPOUND_CHARS:
            return ()
        for cut in range(shortest, length - shortest + 1):
            if word[:cut] in known and word[cut:] in known:
                return word[:cut], word[cut:]
        return ()


@dataclass(frozen=True, slots=True)
class WordMatcher:
    """Matches class/id words exactly, or by prefix for configured words ending in '*'."""

    words: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, words: tuple[str, ...]) -> bool:
        for word in words:
            if word in self.words or (self.prefixes and word.startswith(self.prefixes)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class ElementMatcher:
    """Matches an element by tag, by an attribute value pattern, or by a class/id word (any of them)."""

    tags: frozenset[str]
    attributes: tuple[tuple[str, re.Pattern[str]], ...]
    words: WordMatcher | None

    def matches(self, tag: str, attributes: dict, words: tuple[str, ...]) -> bool:
        if tag in self.tags:
            return True
        for name, pattern in self.attributes:
            value = attributes.get(name)
            if value is not None and pattern.search(value):
                return True
        return self.words is not None and self.words.matches(words)


@dataclass(frozen=True, slots=True)
class RemovalRule:
    """One DOM removal rule: the kind it reports and the elements it takes out."""

    id: str
    kind: str
    matcher: ElementMatcher


@dataclass(frozen=True, slots=True)
class RemovalIndex:
    """The removal rules folded into lookups, so an element costs a few dict hits, not a rule loop.

    When several rules match, the first in configuration order wins, as if they were tried in turn.
    """

    rules: tuple[RemovalRule, ...]
    by_tag: dict[str, int]
    by_word: dict[str, int]
    by_prefix: tuple[tuple[str, int], ...]
    by_attribute: dict[str, tuple[tuple[re.Pattern[str], int], ...]]
    modifier_words: frozenset[str]
    prefixes: tuple[str, ...]  # the prefixes of by_prefix, for one startswith() test per word
    # The rule of an element without attributes, which only its tag can match.
    rule_by_tag: dict[str, RemovalRule]

    @classmethod
    def build(cls, rules: tuple[RemovalRule, ...], modifier_words: frozenset[str]) -> RemovalIndex:
        by_tag: dict[str, int] = {}
        by_word: dict[str, int] = {}
        by_prefix, by_attribute = [], {}
        for index, rule in enumerate(rules):
            for tag in sorted(rule.matcher.tags):
                by_tag.setdefault(tag, index)
            for name, pattern in rule.matcher.attributes:
                by_attribute[name] = (*by_attribute.get(name, ()), (pattern, index))
            if rule.matcher.words:
                for word in sorted(rule.matcher.words.words):
                    by_word.setdefault(word, index)
                by_prefix.extend((prefix, index) for prefix in rule.matcher.words.prefixes)
        prefixes = tuple(prefix for prefix, _ in by_prefix)
        rule_by_tag = {tag: rules[index] for tag, index in by_tag.items()}
        return cls(rules, by_tag, by_word, tuple(by_prefix), by_attribute, modifier_words, prefixes, rule_by_tag)

    def first_match(self, tag: str, attributes: dict, words: tuple[str, ...]) -> RemovalRule | None:
        best = self.by_tag.get(tag, len(self.rules))
        if attributes:  # most elements of a page have none: the tag alone decides
            # Elements carry one or two attributes: look those up, not every configured name.
            by_attribute = self.by_attribute
            for name, value in attributes.items():
                patterns = by_attribute.get(name)
                if patterns is not None:
                    value = value or ""  # <div hidden>: Lexbor gives a value-less attribute as None
                    for pattern, index in patterns:
                        if index < best and pattern.search(value):
                            best = index
        if words and self.modifier_words.isdisjoint(words):
            by_word = self.by_word
            prefixes = self.prefixes
            for word in words:
                index = by_word.get(word)
                if index is not None and index < best:
                    best = index
                if prefixes and word.startswith(prefixes):  # one C call; rarely true
                    for prefix, index in self.by_prefix:
                        if index < best and word.startswith(prefix):
                            best = index
        return self.rules[best] if best < len(self.rules) else None


@dataclass(frozen=True, slots=True)
class RemovalGuard:
    """A removal rule does not take out an element that holds most of the article (a wrapper)."""

    max_share_of_content: float
    min_guarded_chars: int
    # Removal kinds that spare an element holding prose (collapsed content: an accordion panel, a tab,
    # a section streamed in hidden until a script shows it), and what counts as prose.
    prose_kinds: frozenset[str]
    min_prose_chars: int
    max_chars_per_sentence: int
    sentence_ends: str
    # Kinds that are a line or two of prompt (a newsletter box, a share bar): a box of one of them
    # holding more text than this is the article itself, named after what it is about.
    prompt_kinds: frozenset[str]
    max_prompt_chars: int

    def spares(self, kind: str, text: str) -> bool:
        """Whether an element a rule of this kind matched keeps its text, from the text itself."""
        if kind in self.prompt_kinds and len(text) > self.max_prompt_chars:
            return True
        return kind in self.prose_kinds and self.holds_prose(text)

    def holds_prose(self, text: str) -> bool:
        """Running sentences, not a form, a menu or a template of short labels."""
        length = len(text)
        if length < self.min_prose_chars:
            return False
        sentences = sum(text.count(end) for end in self.sentence_ends)
        return sentences * self.max_chars_per_sentence >= length


@dataclass(frozen=True, slots=True)
class ContentHint:
    """Markup that says 'this is the article body': a candidate it matches has its score multiplied."""

    matcher: ElementMatcher
    weight: float
    boundary: bool
    # A boundary is left for a less strongly hinted ancestor only when that ancestor holds this many
    # times its prose: a class word may name one section of a split article; infinity never.
    leave_at_gain: float


@dataclass(frozen=True, slots=True)
class HintIndex:
    """The content hints and the negative hint folded into lookups: an element's score factor and
    whether it marks the article, from a few dict hits instead of one matcher call per hint."""

    weights: tuple[float, ...]  # per hint, the negative hint last
    boundaries: tuple[bool, ...]
    leave_gains: tuple[float, ...]
    by_tag: dict[str, tuple[int, ...]]
    by_attribute: dict[str, tuple[tuple[re.Pattern[str], int], ...]]
    by_word: dict[str, tuple[int, ...]]
    by_prefix: tuple[tuple[str, int], ...]
    prefixes: tuple[str, ...]

    @classmethod
    def build(cls, hints: tuple[ContentHint, ...], negative: ElementMatcher, negative_weight: float) -> HintIndex:
        matchers = [hint.matcher for hint in hints] + [negative]
        by_tag: dict[str, tuple[int, ...]] = {}
        by_attribute: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {}
        by_word: dict[str, tuple[int, ...]] = {}
        by_prefix: list[tuple[str, int]] = []
        for position, matcher in enumerate(matchers):
            for tag in sorted(matcher.tags):
                by_tag[tag] = (*by_tag.get(tag, ()), position)
            for name, pattern in matcher.attributes:
                by_attribute[name] = (*by_attribute.get(name, ()), (pattern, position))
            if matcher.words:
                for word in sorted(matcher.words.words):
                    by_word[word] = (*by_word.get(word, ()), position)
                by_prefix.extend((prefix, position) for prefix in matcher.words.prefixes)
        return cls(
            weights=(*(hint.weight for hint in hints), negative_weight),
            boundaries=(*(hint.boundary for hint in hints), False),
            leave_gains=(*(hint.leave_at_gain for hint in hints), 0.0),
            by_tag=by_tag,
            by_attribute=by_attribute,
            by_word=by_word,
            by_prefix=tuple(by_prefix),
            prefixes=tuple(prefix for prefix, _ in by_prefix),
        )

    def score(self, tag: str, attributes: dict, words: tuple[str, ...]) -> tuple[float, bool, float]:
        """(product of the weights of the hints the element matches, whether one is a boundary, the
        prose gain that leaves it: the largest of its boundary hints')."""
        matched = set(self.by_tag.get(tag, ()))
        if attributes:
            by_attribute = self.by_attribute
            for name, value in attributes.items():
                entries = by_attribute.get(name)
                if entries is not None and value is not None:
                    for pattern, position in entries:
                        if position not in matched and pattern.search(value):
                            matched.add(position)
        by_word = self.by_word
        for word in words:
            positions = by_word.get(word)
            if positions:
                matched.update(positions)
            if self.prefixes and word.startswith(self.prefixes):
                matched.update(position for prefix, position in self.by_prefix if word.startswith(prefix))
        weight, boundary, leave_gain = 1.0, False, 0.0
        for position in sorted(matched):  # multiplied in configuration order, as hint by hint
            weight *= self.weights[position]
            if self.boundaries[position]:
                boundary = True
                leave_gain = max(leave_gain, self.leave_gains[position])
        return weight, boundary, leave_gain


@dataclass(frozen=True, slots=True)
class DeclaredBody:
    """When the markup holds (almost) none of the article, the body a page declares in JSON-LD."""

    min_chars: int  # a declared body shorter than this is a teaser, not the article
    max_markup_share: float  # used only when the markup gave less than this share of its length
    rule: str  # reported with the markup blocks it replaces


@dataclass(frozen=True, slots=True)
class TwinChunks:
    """An article in chunks of one tag and class, each maybe wrapped: where twins are looked for."""

    max_wrapper_levels: int  # ancestors of the choice, holding no more prose than it, searched for twins
    min_share_of_prose: float  # a wrapper's twin holds at least this share of the choice's prose


@dataclass(frozen=True, slots=True)
class RepeatedItems:
    """Runs of sibling elements of one tag and class, each linked and short (teasers, result rows):
    where they are looked for and what makes one (transforms/extract/repeated_items.py)."""

    max_levels: int  # ancestors of a paragraph's holder that may be the item
    min_items: int  # siblings of one shape, and as many of them holding a link
    max_points_per_item: float  # an item's prose points, on average: a teaser's, not an article chunk's


@dataclass(frozen=True, slots=True)
class ContentSelection:
    paragraph_selector: str
    text_holder_tags: frozenset[str]
    inline_text_tags: frozenset[str]
    min_inline_paragraph_chars: int
    inside_only_kinds: frozenset[str]
    min_paragraph_chars: int
    chars_per_point: int
    max_comma_points: int
    max_points_per_paragraph: float
    parent_share: float
    grandparent_share: float
    hints: tuple[ContentHint, ...]
    negative: ElementMatcher
    negative_weight: float
    climb_min_gain: float
    climb_into_article_min_gain: float
    twin_chunks: TwinChunks
    repeated_items: RepeatedItems
    outside_kind: str
    outside_rule: str
    declared_body: DeclaredBody
    hint_index: HintIndex  # hints and negative, folded for one lookup per element


@dataclass(frozen=True, slots=True)
class TextRule:
    """A short block whose whole text matches the pattern is boilerplate of this kind."""

    id: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class BlockRules:
    roles: dict[str, str]
    block_tags: frozenset[str]
    # Where a block ends in HTML held as text (a JSON-LD articleBody): the end tag of an element with a
    # role or of a block element, or a <br>. Derived from roles and block_tags.
    end_in_markup: re.Pattern[str]
    skip_tags: frozenset[str]
    verbatim_roles: frozenset[str]  # blocks whose elements no removal rule applies to (code)
    max_link_density: float
    link_block_kind: str
    link_block_rule: str
    # A linked heading followed by text is the title of an item of the article (a listicle's entry),
    # not a teaser: it is kept when the next block is not a heading and not itself all links.
    keep_linked_heading_before_text: bool
    max_text_rule_chars: int
    text_rules: tuple[TextRule, ...]


@dataclass(frozen=True, slots=True)
class CaptionRules:
    figure_tags: frozenset[str]
    figure_text_selector: str | None  # a figure holding one of these elements holds article text, not an image
    caption_words: WordMatcher
    credit_words: WordMatcher
    min_alt_words: int
    max_caption_chars: int
    # A link to a file of these (lower-case) endings opens the image itself (a lightbox), where a link
    # to a page makes a figure a teaser of that page.
    image_link_suffixes: tuple[str, ...]
    credits: CreditRules  # the top-level captions section: how a credit is split off a caption
    # Elements taken as captions: the figure tags and a figcaption (a lone one too, outside any
    # figure), and the selector that finds them.
    caption_tags: frozenset[str]
    caption_selector: str


@dataclass(frozen=True, slots=True)
class TitleRules:
    separators: tuple[str, ...]
    max_suffix_words: int
    min_length_ratio: float


@dataclass(frozen=True, slots=True)
class HtmlRules:
    """Everything parse_html needs, validated and compiled."""

    drop_tags: frozenset[str]
    # The tags the content walk skips with their content: the dropped tags, the blocks' skip_tags
    # and comments, less the caption tags (taken as captions instead).
    walk_skipped_tags: frozenset[str]
    removal: RemovalIndex
    rulings: ElementRulings  # removal and hint verdicts per element, remembered
    removal_guard: RemovalGuard
    removal_text_chars: int
    content: ContentSelection
    blocks: BlockRules
    captions: CaptionRules
    title: TitleRules
    # Class/id words of a shop's markup (price, cart): counted for the page's type, never removed.
    commerce_words: WordMatcher
    # The C-side prefilter of the elements that may carry one (by class: shops mark their markup with
    # classes), with those declaring a microdata type.
    markup_selector: str


@dataclass(frozen=True, slots=True)
class LayoutWords:
    """Which class/id words may turn out to be a page's layout vocabulary, and when they do.

    A removal or negative word ("widget", "nav", "cmp") marking the elements that together hold at
    least min_share_of_prose of a page's prose names the page builder's boxes, not boilerplate: on
    that page it neither excludes, removes nor weighs down an element. Words of the never_kinds
    (comments: a much-discussed post holds more prose in them than in the article) never are.
    """

    min_share_of_prose: float
    candidates: frozenset[str]
    prefixes: tuple[str, ...]

    def of(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The words of an element that could be layout vocabulary."""
        if not words:  # most elements: no class/id value holds a configured word
            return ()
        candidates, prefixes = self.candidates, self.prefixes
        return tuple(word for word in words if word in candidates or (prefixes and word.startswith(prefixes)))


class ElementRuling(NamedTuple):
    """What the rules say of one element (a tuple: the walk reads it by position on its hot path)."""

    words: tuple[str, ...]  # its class/id words
    rule: RemovalRule | None  # the removal rule it matches
    weight: float  # the product of the content hints it matches
    boundary: bool  # a hint marks it as the article
    layout_candidates: tuple[str, ...]  # its words that could be the page's layout vocabulary
    leave_gain: float  # the prose gain at which selection climbs out of it (see ContentHint)


class ElementRulings:
    """What the rules say of an element (an ElementRuling), from its tag and attributes alone.

    Remembered per distinct tag and attributes for as long as the worker lives: a site repeats its
    markup page after page, and within a page hundreds of elements share a few class values. The
    memory is bounded (emptied when full) and holds nothing but what the rules compute, so answers
    never depend on what was seen before. Pickled without it.
    """

    __slots__ = (
        "_removal",
        "_hints",
        "_keyword_scan",
        "layout",
        "_compounds",
        "_limit",
        "_known",
        "_read_attributes",
        "_matched_attributes",
        "_known_by_read",
        "_known_wordless",
        "_known_words",
    )

    def __init__(
        self,
        removal: RemovalIndex,
        hints: HintIndex,
        keyword_scan: re.Pattern[str],
        layout: LayoutWords,
        compounds: CompoundWords,
        limit: int,
    ) -> None:
        self._removal = removal
        self._hints = hints
        self._keyword_scan = keyword_scan
        self.layout = layout
        self._compounds = compounds
        self._limit = limit
        self._known: dict = {}
        # The attributes a ruling reads: class, id and those the rules and hints match on. Elements
        # with a unique href, src or data-* value share a ruling with their twins on other pages.
        self._matched_attributes = frozenset(removal.by_attribute) | frozenset(hints.by_attribute)
        self._read_attributes = self._matched_attributes | {"class", "id"}
        self._known_by_read: dict = {}
        # Rulings of elements whose class/id value holds no configured word (a site's own names, new
        # on each site): their tag and matched attributes decide, so a handful serve them all.
        self._known_wordless: dict = {}
        self._known_words: dict[str, tuple[str, ...]] = {}  # by class and id value: a site's vocabulary repeats

    def __reduce__(self):
        return ElementRulings, (
            self._removal,
            self._hints,
            self._keyword_scan,
            self.layout,
            self._compounds,
            self._limit,
        )

    def of(self, tag: str, attributes: dict) -> ElementRuling:
        key = (tag, *attributes.items())
        ruling = self._known.get(key)
        if ruling is None:
            ruling = remembered(self._known, key, self._of_read_attributes(tag, attributes), self._limit)
        return ruling

    def _of_read_attributes(self, tag: str, attributes: dict) -> ElementRuling:
        """The ruling remembered by the attributes it reads alone (a second, slower key: most elements
        are found by all their attributes first). An element carries a few attributes: filtering its
        own costs less than looking up every read name."""
        read = self._read_attributes
        key = (tag, *[item for item in attributes.items() if item[0] in read])
        ruling = self._known_by_read.get(key)
        if ruling is None:
            words = self.words(attributes)
            ruling = self._ruling(tag, attributes, words) if words else self._wordless_ruling(tag, attributes)
            remembered(self._known_by_read, key, ruling, self._limit)
        return ruling

    def _wordless_ruling(self, tag: str, attributes: dict) -> ElementRuling:
        """The ruling of an element without class/id words: its tag and matched attributes decide."""
        matched = self._matched_attributes
        key = (tag, *[item for item in attributes.items() if item[0] in matched])
        ruling = self._known_wordless.get(key)
        if ruling is None:
            ruling = remembered(self._known_wordless, key, self._ruling(tag, attributes, ()), self._limit)
        return ruling

    def without(
        self, tag: str, attributes: dict, words: tuple[str, ...], layout_words: frozenset[str]
    ) -> ElementRuling:
        """The ruling of an element as if its class/id words held none of a page's layout words."""
        return self._ruling(tag, attributes, tuple(word for word in words if word not in layout_words))

    def _ruling(self, tag: str, attributes: dict, words: tuple[str, ...]) -> ElementRuling:
        weight, boundary, leave_gain = self._hints.score(tag, attributes, words)
        rule = self._removal.first_match(tag, attributes, words)
        return ElementRuling(words, rule, weight, boundary, self.layout.of(words), leave_gain)

    def words(self, attributes: dict) -> tuple[str, ...]:
        """The class/id words of an element; values without any configured keyword are not split."""
        value = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
        words = self._known_words.get(value)
        if words is None:
            words = ()
            # Separators out: a configured word may be two neighbours joined ("upnext" for "up-next").
            if self._keyword_scan.search(_SEPARATORS.sub("", value.lower())):
                words = self._compounds.with_parts(class_words(value))
            remembered(self._known_words, value, words, self._limit)
        return words


def remembered(memory: dict, key, value, limit: int):
    """Stores value under key and returns it; a memory at its limit is emptied first (what a site
    repeats is met again soon; what it does not would only grow the memory)."""
    if len(memory) >= limit:
        memory.clear()
    memory[key] = value
    return value


def _substring_roots(words: frozenset[str]) -> list[str]:
    """The words no shorter word is part of: a class holding "addtocart" holds "cart", so one
    substring test per root finds every element a word may be on (each test costs a pass over the tree)."""
    return [word for word in sorted(words) if not any(other != word and other in word for other in words)]


# --- validation -------------------------------------------------------------------------------


def _regex(value: Any, path: str, allow_empty: bool = False) -> re.Pattern[str]:
    if not (allow_empty and value == ""):
        require_text(value, path)
    return compile_pattern(value, path)


def _selector(value: Any, path: str) -> str:
    text = require_text(value, path)
    # Lexbor silently matches nothing for a selector it cannot parse; catch the common slips here.
    if text.count("(") != text.count(")") or text.count("[") != text.count("]") or text.count('"') % 2:
        raise ConfigError(f"{path}: unbalanced brackets or quotes in selector {text!r}")
    return text


def _tags(value: Any, path: str) -> frozenset[str]:
    tags = require_texts(value, path)
    for index, tag in enumerate(tags):
        if not re.fullmatch(r"[a-z][a-z0-9-]*", tag):
            raise ConfigError(f"{path}[{index}]: {tag!r} is not a lower-case tag name")
    return frozenset(tags)


def _words(value: Any, path: str) -> WordMatcher:
    words, prefixes = set(), []
    for index, word in enumerate(require_texts(value, path)):
        if not re.fullmatch(r"[a-z0-9]+\*?", word):
            raise ConfigError(f"{path}[{index}]: a class word is lower-case letters/digits, optionally ending in '*'")
        if word.endswith("*"):
            prefixes.append(word[:-1])
        else:
            words.add(word)
    return WordMatcher(frozenset(words), tuple(sorted(prefixes)))


def _matcher(entry: dict, path: str) -> ElementMatcher:
    """tags / attributes / words of a rule entry; at least one of them."""
    if not any(key in entry for key in ("tags", "attributes", "words")):
        raise ConfigError(f"{path}: needs tags, attributes or words")
    attributes = entry.get("attributes", {})
    if not isinstance(attributes, dict):
        raise ConfigError(f"{path}.attributes: expected a mapping of attribute name -> regular expression")
    return ElementMatcher(
        tags=_tags(entry["tags"], f"{path}.tags") if "tags" in entry else frozenset(),
        attributes=tuple(
            (require_text(name, f"{path}.attributes"), _regex(pattern, f"{path}.attributes.{name}", allow_empty=True))
            for name, pattern in attributes.items()
        ),
        words=_words(entry["words"], f"{path}.words") if "words" in entry else None,
    )


def _removal_rules(section: Any, path: str) -> tuple[RemovalRule, ...]:
    require_section(section, path, set(), set(ELEMENT_KINDS))
    rules, seen = [], set()
    # Kinds apply in the order of ELEMENT_KINDS, so a hidden share bar is reported as hidden.
    for kind in ELEMENT_KINDS:
        for index, entry in enumerate(require_list(section.get(kind, []), f"{path}.{kind}")):
            where = f"{path}.{kind}[{index}]"
            require_section(entry, where, {"id"}, {"tags", "attributes", "words"})
            rule_id = require_text(entry["id"], f"{where}.id")
            if rule_id in seen:
                raise ConfigError(f"{where}.id: duplicate rule id {rule_id!r}")
            seen.add(rule_id)
            rules.append(RemovalRule(rule_id, kind, _matcher(entry, where)))
    return tuple(rules)


def _class_keyword_scan(matchers: list[WordMatcher]) -> re.Pattern[str]:
    """One regex finding any configured word in a class/id value, as a trie: a plain alternation of
    ~150 words costs the regex engine ~150 attempts at every character."""
    stems = {stem for matcher in matchers for stem in (*matcher.words, *matcher.prefixes)}
    # Any word containing a shorter configured word is found through that one.
    stems = {stem for stem in stems if not any(other != stem and other in stem for other in stems)}
    trie: dict = {}
    for stem in stems:
        node = trie
        for character in stem:
            node = node.setdefault(character, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie) if trie else "(?!)")


def _trie_pattern(trie: dict) -> str:
    if "" in trie:
        return ""  # a complete stem: whatever follows is irrelevant to "contains"
    branches = [re.escape(character) + _trie_pattern(child) for character, child in sorted(trie.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _content(section: Any, path: str) -> ContentSelection:
    keys = {
        "paragraph_selector",
        "text_holder_tags",
        "inline_text_tags",
        "min_inline_paragraph_chars",
        "inside_only_kinds",
        "min_paragraph_chars",
        "chars_per_point",
        "max_comma_points",
        "max_points_per_paragraph",
        "parent_share",
        "grandparent_share",
        "hints",
        "negative",
        "negative_weight",
        "climb_min_gain",
        "climb_into_article_min_gain",
        "twin_chunks",
        "repeated_items",
        "layout_words",
        "outside",
        "declared_body",
    }
    require_section(section, path, keys)
    hints = []
    for index, hint in enumerate(require_list(section["hints"], f"{path}.hints")):
        where = f"{path}.hints[{index}]"
        require_section(hint, where, {"weight"}, {"tags", "attributes", "words", "boundary", "leave_at_gain"})
        boundary = hint.get("boundary", False)
        if not isinstance(boundary, bool):
            raise ConfigError(f"{where}.boundary: expected true or false, got {boundary!r}")
        if "leave_at_gain" in hint and not boundary:
            raise ConfigError(f"{where}.leave_at_gain: only a boundary hint is left (set boundary: true)")
        leave_at_gain = math.inf
        if "leave_at_gain" in hint:
            leave_at_gain = require_number_in(hint["leave_at_gain"], f"{where}.leave_at_gain", 1.0, 1000.0)
        hints.append(
            ContentHint(
                _matcher(hint, where),
                require_number_in(hint["weight"], f"{where}.weight", 0.0, 100.0),
                boundary,
                leave_at_gain,
            )
        )
    negative = _matcher(
        require_section(section["negative"], f"{path}.negative", set(), {"tags", "attributes", "words"}),
        f"{path}.negative",
    )
    negative_weight = require_number_in(section["negative_weight"], f"{path}.negative_weight", 0.0, 1.0)
    outside = require_section(section["outside"], f"{path}.outside", {"kind", "rule"})
    declared = require_section(
        section["declared_body"], f"{path}.declared_body", {"min_chars", "max_markup_share", "rule"}
    )
    inline_tags = _tags(section["inline_text_tags"], f"{path}.inline_text_tags")
    twins = require_section(section["twin_chunks"], f"{path}.twin_chunks", {"max_wrapper_levels", "min_share_of_prose"})
    items_path = f"{path}.repeated_items"
    items = require_section(section["repeated_items"], items_path, {"max_levels", "min_items", "max_points_per_item"})
    return ContentSelection(
        # The inline tags are scanned with the paragraphs: one selector, one pass over the page.
        paragraph_selector=", ".join(
            [_selector(section["paragraph_selector"], f"{path}.paragraph_selector"), *sorted(inline_tags)]
        ),
        text_holder_tags=_tags(section["text_holder_tags"], f"{path}.text_holder_tags"),
        inline_text_tags=inline_tags,
        min_inline_paragraph_chars=require_integer_in(
            section["min_inline_paragraph_chars"], f"{path}.min_inline_paragraph_chars", 1, 10**6
        ),
        inside_only_kinds=require_choices(section["inside_only_kinds"], f"{path}.inside_only_kinds", ELEMENT_KINDS),
        min_paragraph_chars=require_integer_in(
            section["min_paragraph_chars"], f"{path}.min_paragraph_chars", 0, 10_000
        ),
        chars_per_point=require_integer_in(section["chars_per_point"], f"{path}.chars_per_point", 1, 10_000),
        max_comma_points=require_integer_in(section["max_comma_points"], f"{path}.max_comma_points", 0, 10_000),
        max_points_per_paragraph=require_number_in(
            section["max_points_per_paragraph"], f"{path}.max_points_per_paragraph", 0.0, 1000.0
        ),
        parent_share=require_number_in(section["parent_share"], f"{path}.parent_share", 0.0, 1.0),
        grandparent_share=require_number_in(section["grandparent_share"], f"{path}.grandparent_share", 0.0, 1.0),
        hints=tuple(hints),
        negative=negative,
        negative_weight=negative_weight,
        climb_min_gain=require_number_in(section["climb_min_gain"], f"{path}.climb_min_gain", 0.0, 1000.0),
        climb_into_article_min_gain=require_number_in(
            section["climb_into_article_min_gain"], f"{path}.climb_into_article_min_gain", 0.0, 1000.0
        ),
        twin_chunks=TwinChunks(
            max_wrapper_levels=require_integer_in(
                twins["max_wrapper_levels"], f"{path}.twin_chunks.max_wrapper_levels", 0, 100
            ),
            min_share_of_prose=require_number_in(
                twins["min_share_of_prose"], f"{path}.twin_chunks.min_share_of_prose", 0.0, 1000.0
            ),
        ),
        repeated_items=RepeatedItems(
            max_levels=require_integer_in(items["max_levels"], f"{items_path}.max_levels", 0, 100),
            min_items=require_integer_in(items["min_items"], f"{items_path}.min_items", 2, 10_000),
            max_points_per_item=require_number_in(
                items["max_points_per_item"], f"{items_path}.max_points_per_item", 0.0, 1000.0
            ),
        ),
        outside_kind=require_choice(outside["kind"], f"{path}.outside.kind", REMOVAL_KINDS),
        outside_rule=require_text(outside["rule"], f"{path}.outside.rule"),
        declared_body=DeclaredBody(
            min_chars=require_integer_in(declared["min_chars"], f"{path}.declared_body.min_chars", 1, 10**7),
            max_markup_share=require_number_in(
                declared["max_markup_share"], f"{path}.declared_body.max_markup_share", 0.0, 1.0
            ),
            rule=require_text(declared["rule"], f"{path}.declared_body.rule"),
        ),
        hint_index=HintIndex.build(tuple(hints), negative, negative_weight),
    )


def _layout_words(section: dict, rules: tuple[RemovalRule, ...], content: ContentSelection) -> LayoutWords:
    """The removal and negative words that may be a page's layout vocabulary (see LayoutWords)."""
    path = "html.content.layout_words"
    entry = require_section(section["layout_words"], path, {"min_share_of_prose", "never_kinds"})
    never = require_choices(entry["never_kinds"], f"{path}.never_kinds", ELEMENT_KINDS)
    matchers = [rule.matcher.words for rule in rules if rule.matcher.words and rule.kind not in never]
    excluded = [rule.matcher.words for rule in rules if rule.matcher.words and rule.kind in never]
    if content.negative.words:
        matchers.append(content.negative.words)
    never_words = frozenset(word for matcher in excluded for word in matcher.words)
    return LayoutWords(
        min_share_of_prose=require_number_in(entry["min_share_of_prose"], f"{path}.min_share_of_prose", 0.0, 1.0),
        candidates=frozenset(word for matcher in matchers for word in matcher.words) - never_words,
        prefixes=tuple(sorted({prefix for matcher in matchers for prefix in matcher.prefixes})),
    )


def _blocks(section: Any, path: str) -> BlockRules:
    keys = {
        "roles",
        "block_tags",
        "skip_tags",
        "verbatim_roles",
        "max_link_density",
        "link_block",
        "max_text_rule_chars",
        "text_rules",
    }
    require_section(section, path, keys)
    roles = section["roles"]
    if not isinstance(roles, dict):
        raise ConfigError(f"{path}.roles: expected a mapping of tag -> role")
    for tag, role in roles.items():
        require_choice(role, f"{path}.roles.{tag}", BLOCK_ROLES)
    link_block = require_section(
        section["link_block"], f"{path}.link_block", {"kind", "rule", "keep_linked_heading_before_text"}
    )
    keep_linked_heading = link_block["keep_linked_heading_before_text"]
    if not isinstance(keep_linked_heading, bool):
        raise ConfigError(
            f"{path}.link_block.keep_linked_heading_before_text: expected true or false, got {keep_linked_heading!r}"
        )
    text_rules = []
    for index, entry in enumerate(require_list(section["text_rules"], f"{path}.text_rules")):
        where = f"{path}.text_rules[{index}]"
        require_section(entry, where, {"id", "kind", "pattern"})
        text_rules.append(
            TextRule(
                require_text(entry["id"], f"{where}.id"),
                require_choice(entry["kind"], f"{where}.kind", ELEMENT_KINDS),
                _regex(entry["pattern"], f"{where}.pattern"),
            )
        )
    block_tags = _tags(section["block_tags"], f"{path}.block_tags")
    ending = "|".join(sorted((set(roles) | block_tags) - {"br"}, key=lambda tag: (-len(tag), tag)))
    return BlockRules(
        roles=dict(roles),
        block_tags=block_tags,
        end_in_markup=re.compile(rf"</(?:{ending})\s*>|<br\s*/?>", re.IGNORECASE),
        skip_tags=_tags(section["skip_tags"], f"{path}.skip_tags"),
        verbatim_roles=require_choices(section["verbatim_roles"], f"{path}.verbatim_roles", BLOCK_ROLES),
        max_link_density=require_number_in(section["max_link_density"], f"{path}.max_link_density", 0.0, 1.0),
        link_block_kind=require_choice(link_block["kind"], f"{path}.link_block.kind", ELEMENT_KINDS),
        link_block_rule=require_text(link_block["rule"], f"{path}.link_block.rule"),
        keep_linked_heading_before_text=keep_linked_heading,
        max_text_rule_chars=require_integer_in(
            section["max_text_rule_chars"], f"{path}.max_text_rule_chars", 0, 100_000
        ),
        text_rules=tuple(text_rules),
    )


def _captions(section: Any, path: str, credits: CreditRules) -> CaptionRules:
    keys = {
        "figure_tags",
        "figure_text_tags",
        "caption_words",
        "credit_words",
        "min_alt_words",
        "max_caption_chars",
        "image_link_suffixes",
    }
    require_section(section, path, keys)
    figure_tags = _tags(section["figure_tags"], f"{path}.figure_tags")
    caption_tags = figure_tags | {"figcaption"}
    return CaptionRules(
        figure_tags=figure_tags,
        figure_text_selector=", ".join(sorted(_tags(section["figure_text_tags"], f"{path}.figure_text_tags"))) or None,
        caption_words=_words(section["caption_words"], f"{path}.caption_words"),
        credit_words=_words(section["credit_words"], f"{path}.credit_words"),
        min_alt_words=require_integer_in(section["min_alt_words"], f"{path}.min_alt_words", 0, 1000),
        max_caption_chars=require_integer_in(section["max_caption_chars"], f"{path}.max_caption_chars", 1, 100_000),
        image_link_suffixes=tuple(
            suffix.lower() for suffix in require_texts(section["image_link_suffixes"], f"{path}.image_link_suffixes")
        ),
        credits=credits,
        caption_tags=caption_tags,
        caption_selector=", ".join(sorted(caption_tags)),
    )


def compile_html_rules(section: dict, path: str = "html", *, credits: CreditRules) -> HtmlRules:
    """Validate the `html` config section and compile its patterns. credits: the compiled top-level
    captions section, which splits credits off captions in both modes.

    Raises ValueError naming the offending key path (e.g. html.removal.navigation[2].words).
    """
    keys = {
        "drop_tags",
        "removal",
        "modifier_words",
        "compound_parts",
        "removal_guard",
        "removal_text_chars",
        "content",
        "blocks",
        "captions",
        "title",
        "commerce_words",
    }
    require_section(section, path, keys)
    rules = _removal_rules(section["removal"], f"{path}.removal")
    commerce_words = _words(section["commerce_words"], f"{path}.commerce_words")
    if commerce_words.prefixes:
        raise ConfigError(f"{path}.commerce_words: whole words only, no prefixes ('*')")
    content = _content(section["content"], f"{path}.content")
    captions = _captions(section["captions"], f"{path}.captions", credits)
    blocks = _blocks(section["blocks"], f"{path}.blocks")
    guard = require_section(
        section["removal_guard"],
        f"{path}.removal_guard",
        {
            "max_share_of_content",
            "min_guarded_chars",
            "prose_kinds",
            "min_prose_chars",
            "max_chars_per_sentence",
            "sentence_ends",
            "prompt_kinds",
            "max_prompt_chars",
        },
    )
    title = require_section(section["title"], f"{path}.title", {"separators", "max_suffix_words", "min_length_ratio"})
    word_matchers = [rule.matcher.words for rule in rules if rule.matcher.words]
    word_matchers += [hint.matcher.words for hint in content.hints if hint.matcher.words]
    word_matchers += [
        matcher for matcher in (content.negative.words, captions.caption_words, captions.credit_words) if matcher
    ]
    removal = RemovalIndex.build(rules, frozenset(_words(section["modifier_words"], f"{path}.modifier_words").words))
    # One scan over a lower-cased class/id value: only values it hits are split into words.
    keyword_scan = _class_keyword_scan(word_matchers)
    drop_tags = _tags(section["drop_tags"], f"{path}.drop_tags")
    return HtmlRules(
        drop_tags=drop_tags,
        walk_skipped_tags=(drop_tags | blocks.skip_tags | {"-comment"}) - captions.caption_tags,
        removal=removal,
        rulings=ElementRulings(
            removal,
            content.hint_index,
            keyword_scan,
            _layout_words(section["content"], rules, content),
            CompoundWords(
                # Not the modifier words: "nocontent" is no layout statement about a "content" box.
                known=frozenset(word for matcher in word_matchers for word in matcher.words)
                | frozenset(_words(section["compound_parts"], f"{path}.compound_parts").words),
                min_part_chars=2,
            ),
            _REMEMBERED_RULINGS,
        ),
        removal_guard=RemovalGuard(
            max_share_of_content=require_number_in(
                guard["max_share_of_content"], f"{path}.removal_guard.max_share_of_content", 0.0, 1.0
            ),
            min_guarded_chars=require_integer_in(
                guard["min_guarded_chars"], f"{path}.removal_guard.min_guarded_chars", 0, 10**9
            ),
            prose_kinds=require_choices(guard["prose_kinds"], f"{path}.removal_guard.prose_kinds", ELEMENT_KINDS),
            min_prose_chars=require_integer_in(
                guard["min_prose_chars"], f"{path}.removal_guard.min_prose_chars", 1, 10**9
            ),
            max_chars_per_sentence=require_integer_in(
                guard["max_chars_per_sentence"], f"{path}.removal_guard.max_chars_per_sentence", 1, 10**6
            ),
            sentence_ends=require_text(guard["sentence_ends"], f"{path}.removal_guard.sentence_ends"),
            prompt_kinds=require_choices(guard["prompt_kinds"], f"{path}.removal_guard.prompt_kinds", ELEMENT_KINDS),
            max_prompt_chars=require_integer_in(
                guard["max_prompt_chars"], f"{path}.removal_guard.max_prompt_chars", 1, 10**9
            ),
        ),
        removal_text_chars=require_integer_in(section["removal_text_chars"], f"{path}.removal_text_chars", 0, 100_000),
        content=content,
        blocks=blocks,
        captions=captions,
        title=TitleRules(
            separators=require_texts(title["separators"], f"{path}.title.separators"),
            max_suffix_words=require_integer_in(title["max_suffix_words"], f"{path}.title.max_suffix_words", 0, 100),
            min_length_ratio=require_number_in(title["min_length_ratio"], f"{path}.title.min_length_ratio", 0.0, 100.0),
        ),
        commerce_words=commerce_words,
        markup_selector=", ".join(
            ["[itemtype]", *(f'[class*="{root}" i]' for root in _substring_roots(commerce_words.words))]
        ),
    )
