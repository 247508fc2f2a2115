"""The literal words a regular expression cannot match without, as a cheap pre-check before searching.

Python's `re` has no literal prefilter for case-insensitive, unanchored patterns: a search tries the
whole pattern at every position of the text. A substring test (`"cookie" in text`) runs in C at
memchr speed, so a text holding none of a pattern's required literals is skipped without a search.
The literals are read from the compiled pattern itself, never declared by hand, so a rule edited in
the YAML cannot drift from its screen. Screens may let through texts the pattern does not match
(the search then decides); they never skip a text the pattern matches.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from re import _compiler as sre_compile  # the parser and compiler behind re.compile; stable since Python 3.11
from re import _constants as sre_constants
from re import _parser as sre_parse

# Under re.IGNORECASE an ASCII letter also matches these characters (checked against all of Unicode
# in tests/test_pattern_prefilter.py).
_CASE_EXCEPTIONS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_CASE_EXCEPTION_CHARACTERS = "\u0130\u0131\u017f\u212a"
# What screen_form makes of every other non-ASCII character.
_NON_ASCII = "?"
# More alternatives than this and a literal set stops being a cheap screen.
_MAX_ALTERNATIVES = 24
_SELECTIVE_LENGTH = 5
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def screen_form(text: str) -> str:
    """The form of a text that screen literals (lower-case ASCII) are looked up in: ASCII letters in
    lower case, a character IGNORECASE equates with one (İ ı ſ K) as that letter, any other non-ASCII
    character as "?" (a screen may then let a text through, never skip one). One character stands
    for one, so a page's form is its texts' forms joined.
    """
    if text.isascii():
        return text.lower()
    if "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text:
        text = text.translate(_CASE_EXCEPTIONS)  # rare, and translate is slow on non-ASCII text
    # Lower-casing ASCII bytes is several times cheaper than Unicode lower-casing, and the
    # one-byte form makes every literal lookup cheaper too.
    return text.encode("ascii", "replace").lower().decode("ascii")


def required_literals(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Lower-case literals of which every match of the pattern contains at least one, or None.

    None when no such set can be read off (a pattern that can match without any literal). Literals are
    in screen_form(): ASCII in lower case, which makes their case-insensitive lookup exact, and "?"
    for any other character (a screen by the shape of a word of another script).
    """
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError):  # bytes patterns and the like: no screen, always search
        return None
    exact, required = _sequence(list(parsed))
    candidates = [*required, exact] if exact is not None else required
    best = _best_set(candidates)
    return tuple(sorted(best)) if best else None


def _sequence(items: list) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """(every string the sequence can match when they are few, else None; literal sets it requires)."""
    run: list[frozenset[str]] = []  # exact sets of the consecutive elements being collected
    required: list[frozenset[str]] = []
    broken = False
    for op, value in items:
        exact, inner = _node(op, value)
        required.extend(inner)
        if exact is not None:
            run.append(exact)
            continue
        broken = True
        required.extend(_factors(run))
        run = []
    required.extend(_factors(run))
    return (None if broken else _product(run)), required


def _product(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """Every concatenation of one string from each set, or None when there are too many."""
    strings = frozenset({""})
    for options in sets:
        if len(strings) * len(options) > _MAX_ALTERNATIVES:
            return None
        strings = frozenset(head + tail for head in strings for tail in options)
    return strings


def _factors(run: list[frozenset[str]]) -> list[frozenset[str]]:
    """The literal sets of every stretch of consecutive exact elements: each is required."""
    factors = []
    for start in range(len(run)):
        strings = frozenset({""})
        for options in run[start:]:
            if len(strings) * len(options) > _MAX_ALTERNATIVES:
                break
            strings = frozenset(head + tail for head in strings for tail in options)
            if "" not in strings:
                factors.append(strings)
    return factors


def _node(op, value) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    if op is sre_constants.LITERAL:
        character = chr(value)
        if character.isascii():
            return frozenset({character.lower()}), []
        # Any other character matches only non-ASCII ones, even under IGNORECASE: "?" in the screen
        # form. A rule of another script ("все права защищены") is screened by its shape of letters.
        return (None, []) if character in _CASE_EXCEPTION_CHARACTERS else (frozenset({_NON_ASCII}), [])
    if op is sre_constants.IN:
        characters = [chr(code) for kind, code in value if kind is sre_constants.LITERAL]
        if len(characters) == len(value) and all(character.isascii() for character in characters):
            return frozenset(character.lower() for character in characters), []
        return None, []
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(value[-1]))
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence(list(value))
    if op is sre_constants.BRANCH:
        branches = [_sequence(list(branch)) for branch in value[1]]
        # Some literal of every branch: one set from each (a branch without one requires nothing).
        per_branch = [_best_set([*inner, exact] if exact is not None else inner) for exact, inner in branches]
        required = [frozenset().union(*per_branch)] if all(per_branch) else []
        if all(exact is not None for exact, _ in branches):
            union = frozenset().union(*(exact for exact, _ in branches))
            if len(union) <= _MAX_ALTERNATIVES:
                return union, required
        return None, required
    if op in _REPEATS:
        low, high, body = value
        exact, inner = _sequence(list(body))
        if low == high == 1:
            return exact, inner
        if low == 0:
            if high == 1 and exact is not None:
                return exact | {""}, []
            return None, []
        return None, [*inner, exact] if exact is not None else inner
    if op in _ZERO_WIDTH:
        return frozenset({""}), []
    return None, []  # any other character class or construct: matches something unknown


def _best_set(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The cheapest selective set: literals of _SELECTIVE_LENGTH characters are rare enough in prose,
    so among those the fewest literals (each is one substring test), then the longest."""
    usable = {_minimal(candidate) for candidate in candidates if candidate and "" not in candidate}
    if not usable:
        return None
    return max(
        usable,
        key=lambda candidate: (
            min(min(map(len, candidate)), _SELECTIVE_LENGTH),
            -len(candidate),
            min(map(len, candidate)),
            sorted(candidate),
        ),
    )


def _minimal(literals: frozenset[str]) -> frozenset[str]:
    """Drop literals that contain another one: a text holding the longer one holds the shorter."""
    return frozenset(
        literal for literal in literals if not any(other != literal and other in literal for other in literals)
    )


@dataclass(frozen=True, slots=True)
class ScreenForms:
    """The screen forms of a page's distinct texts, shortest first, joined: a literal is looked up once
    per page, and only as far as the longest text a pattern needing it applies to (most of a page's
    characters are in paragraphs too long for any rule).

    Distinct text j's form is form[starts[j] : starts[j + 1] - 1]; a newline separates one from the next.
    """

    form: str
    starts: tuple[int, ...]  # one more than there are distinct texts: the last is len(form) + 1
    lengths: tuple[int, ...]  # the distinct texts' lengths, ascending
    # Per text given, the index of its distinct text; a text too long for every pattern has
    # len(lengths), an index no literal is ever found at.
    slots: tuple[int, ...]

    @classmethod
    def of(cls, texts: Sequence[str], max_length: int) -> ScreenForms:
        """max_length: texts longer than this are left out: no pattern applies to them."""
        # Mapped with C-level calls (no Python step per text): a page has a hundred or more texts.
        distinct = sorted(dict.fromkeys(texts), key=len)
        lengths = tuple(map(len, distinct))
        kept = bisect_right(lengths, max_length)
        distinct, lengths = distinct[:kept], lengths[:kept]
        slot_of = dict(zip(distinct, range(kept), strict=True))
        slots = tuple(map(slot_of.get, texts, repeat(kept)))
        starts = (0, *accumulate(length + 1 for length in lengths))
        return cls(screen_form("\n".join(distinct)), starts, lengths, slots)

    def holding(self, literal: str, max_length: int) -> list[int]:
        """Distinct texts of at most max_length characters whose forms hold the literal, ascending.

        A literal with a newline may also be found across two texts: a screen may let a text through.
        """
        form, starts = self.form, self.starts
        end = starts[bisect_right(self.lengths, max_length)]
        found = []
        position = form.find(literal, 0, end)
        while position >= 0:
            index = bisect_right(starts, position) - 1
            found.append(index)
            position = form.find(literal, starts[index + 1], end)  # one hit per text is enough
        return found


@dataclass(frozen=True, slots=True)
class RequiredLiterals:
    """One pattern's required literals as a pre-check: a text holding none of them cannot match."""

    literals: tuple[str, ...]
    caseless: bool  # no letters in them: looked up in the text as it is, without lower-casing it

    @classmethod
    def of(cls, pattern: re.Pattern) -> RequiredLiterals | None:
        literals = required_literals(pattern)
        if literals is None:
            return None
        return cls(literals, caseless=not any(character.isalpha() for literal in literals for character in literal))

    def may_match(self, text: str) -> bool:
        form = text if self.caseless else screen_form(text)
        for literal in self.literals:
            if literal in form:
                return True
        return False


def is_anchored_at_start(pattern: re.Pattern) -> bool:
    """True when every match starts at the beginning of the text: a search is one attempt, no screen needed."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError):
        return False
    return _starts_anchored(list(parsed), multiline=bool(parsed.state.flags & re.MULTILINE))


def _starts_anchored(items: list, multiline: bool) -> bool:
    if not items:
        return False
    op, value = items[0]
    if op is sre_constants.AT:
        # Under MULTILINE, ^ also matches after every newline.
        return value is sre_constants.AT_BEGINNING_STRING or (value is sre_constants.AT_BEGINNING and not multiline)
    if op is sre_constants.SUBPATTERN:
        _, add_flags, del_flags, body = value
        inner_multiline = (multiline or bool(add_flags & re.MULTILINE)) and not del_flags & re.MULTILINE
        return _starts_anchored(list(body), inner_multiline)
    if op is sre_constants.BRANCH:
        return all(_starts_anchored(list(branch), multiline) for branch in value[1])
    return False


def ascii_starts(pattern: re.Pattern) -> int:
    """Bit c set when a match of the pattern at the start of a text may begin with chr(c), c < 128.

    Read off the pattern's first character classes, each compiled alone and tried on every ASCII
    character under the pattern's flags, so IGNORECASE and the like decide as they do in the pattern.
    All bits when the first characters cannot be read off (or the pattern can match the empty text).
    """
    every = (1 << 128) - 1
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError):
        return every
    atoms = _first_atoms(list(parsed))
    if atoms is None or atoms[1]:  # unknown, or the whole pattern can match without a character
        return every
    bits = 0
    for atom in atoms[0]:
        single = sre_compile.compile(sre_parse.SubPattern(parsed.state, [atom]), pattern.flags)
        for code in range(128):
            if single.match(chr(code)):
                bits |= 1 << code
    return bits


_ATOMS = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY)


def _first_atoms(items: list) -> tuple[list, bool] | None:
    """(the one-character nodes a match of the sequence may begin with, whether it can match empty), or None."""
    atoms: list = []
    for op, value in items:
        if op in _ATOMS:
            return [*atoms, (op, value)], False
        if op is sre_constants.AT:  # zero width: the next element gives the first character
            continue
        if op is sre_constants.SUBPATTERN:
            _, add_flags, del_flags, body = value
            if add_flags or del_flags:  # an atom compiled alone would lose these flags
                return None
            inner = _first_atoms(list(body))
        elif op is sre_constants.ATOMIC_GROUP:
            inner = _first_atoms(list(value))
        elif op is sre_constants.BRANCH:
            branches = [_first_atoms(list(branch)) for branch in value[1]]
            if any(branch is None for branch in branches):
                return None
            inner = [atom for branch_atoms, _ in branches for atom in branch_atoms], any(empty for _, empty in branches)
        elif op in _REPEATS:
            low, _, body = value
            inner = _first_atoms(list(body))
            if inner is not None and low == 0:
                inner = inner[0], True
        else:
            return None
        if inner is None:
            return None
        atoms.extend(inner[0])
        if not inner[1]:
            return atoms, False
    return atoms, True


@dataclass(frozen=True, slots=True)
class ScreenedPatterns:
    """An ordered list of patterns, each for texts up to a length; finds the first that matches a text.

    The order of the list decides, as in a plain loop over it, but few patterns are searched:
    - a pattern only applies to texts of at most its max length;
    - a pattern whose required literals are all absent from the text cannot match it;
    - the patterns anchored at the start (one attempt each) are tried in one match of their
      alternation, compiled per length bucket, instead of one Python call each; for a text that
      starts with an ASCII character, the alternation holds only those that can start with it
      (one that can start with any word character is screened by its literals instead).
    Masks are bit sets over positions in the list.
    """

    patterns: tuple[re.Pattern, ...]
    literals: tuple[tuple[str, int], ...]  # (literal, mask of the screened patterns requiring it)
    literal_reach: tuple[int, ...]  # per literal, the longest text a pattern requiring it applies to
    screened: int  # mask of the patterns with a screen
    joined: int  # mask of the anchored patterns tried through the joined alternation
    unscreened: int  # mask of the patterns without a screen (the joined ones among them)
    length_limits: tuple[int, ...]  # the distinct max lengths, ascending
    length_masks: tuple[int, ...]  # [i]: mask of the patterns that apply to texts of length_limits[i] chars
    joined_by_length: tuple[tuple[re.Pattern | None, tuple[int, ...]], ...]  # [i]: (alternation, group -> position)
    literals_by_length: tuple[tuple[tuple[str, int], ...], ...]  # [i]: the literals some pattern of bucket i needs
    # [i][c]: joined_by_length[i] for texts starting with chr(c): only the patterns that can start so
    joined_by_first: tuple[tuple[tuple[re.Pattern | None, tuple[int, ...]], ...], ...]

    @classmethod
    def build(cls, patterns: list[tuple[re.Pattern, int]]) -> ScreenedPatterns:
        """patterns: (pattern, max text length) in priority order."""
        masks: dict[str, int] = {}
        screened = joined = 0
        for index, (pattern, _) in enumerate(patterns):
            literals = required_literals(pattern)
            if is_anchored_at_start(pattern) and (literals is None or not _may_start_with_any_word(pattern)):
                if _joinable(pattern, patterns[0][0].flags):
                    joined |= 1 << index
                continue
            if literals is None:
                continue
            screened |= 1 << index
            for literal in literals:
                masks[literal] = masks.get(literal, 0) | 1 << index
        reach: dict[str, int] = {}
        for literal, requiring in masks.items():
            reach[literal] = max(max_length for index, (_, max_length) in enumerate(patterns) if requiring >> index & 1)
        limits = tuple(sorted({max_length for _, max_length in patterns}))
        length_masks = tuple(
            sum(1 << index for index, (_, max_length) in enumerate(patterns) if max_length >= limit) for limit in limits
        )
        joined_by_length = tuple(_join(patterns, length_mask & joined) for length_mask in length_masks)
        literals = tuple(sorted(masks.items()))
        literals_by_length = tuple(
            tuple((literal, requiring) for literal, requiring in literals if requiring & length_mask)
            for length_mask in length_masks
        )
        starts = [ascii_starts(pattern) if joined >> index & 1 else 0 for index, (pattern, _) in enumerate(patterns)]
        starting_with = [
            sum(1 << index for index, bits in enumerate(starts) if bits >> code & 1) for code in range(128)
        ]
        alternations: dict[int, tuple[re.Pattern | None, tuple[int, ...]]] = {}  # one per distinct set
        for length_mask in length_masks:
            for code in range(128):
                members = length_mask & joined & starting_with[code]
                if members not in alternations:
                    alternations[members] = _join(patterns, members)
        joined_by_first = tuple(
            tuple(alternations[length_mask & joined & starting_with[code]] for code in range(128))
            for length_mask in length_masks
        )
        return cls(
            tuple(pattern for pattern, _ in patterns),
            literals,
            tuple(reach[literal] for literal, _ in literals),
            screened,
            joined,
            (1 << len(patterns)) - 1 & ~screened,
            limits,
            length_masks,
            joined_by_length,
            literals_by_length,
            joined_by_first,
        )

    @property
    def max_length(self) -> int:
        """The longest text a pattern applies to."""
        return self.length_limits[-1] if self.length_limits else -1

    def literals_present(self, forms: ScreenForms) -> list[int]:
        """Per text, the mask of the screened patterns whose required literals it holds: what
        search(text, present=...) would otherwise work out text by text."""
        present = [0] * (len(forms.lengths) + 1)  # the last entry is the too-long texts' slot: always 0
        for (literal, requiring), reach in zip(self.literals, self.literal_reach, strict=True):
            for index in forms.holding(literal, reach):
                present[index] |= requiring
        return list(map(present.__getitem__, forms.slots))

    def search(self, text: str, present: int | None = None) -> tuple[int, re.Match] | None:
        """(position of the first pattern that matches, its match), or None.

        present: the text's entry of literals_present(), when a page's texts were screened at once.
        """
        if present == 0 and not self.unscreened:  # every pattern needs a literal the text lacks
            return None
        bucket = bisect_left(self.length_limits, len(text))
        if bucket == len(self.length_limits):
            return None
        mask = self.length_masks[bucket] & ~self.joined
        first_joined = None
        first = text[:1]
        if first and first < "\x80":
            alternation, positions = self.joined_by_first[bucket][ord(first)]
        else:  # a non-ASCII character may equal an ASCII one under IGNORECASE (ſ, K): every pattern
            alternation, positions = self.joined_by_length[bucket]
        if alternation is not None:
            match = alternation.match(text)
            if match is not None:
                first_joined = positions[match.lastindex]
                mask &= (1 << first_joined) - 1  # only earlier patterns can still take precedence
        if present is not None:
            mask &= ~self.screened | present
        elif mask & self.screened:
            form = screen_form(text)
            found = 0
            for literal, requiring in self.literals_by_length[bucket]:
                if literal in form:
                    found |= requiring
            mask &= ~self.screened | found
        patterns = self.patterns
        while mask:
            lowest = mask & -mask
            index = lowest.bit_length() - 1
            match = patterns[index].search(text)
            if match is not None:
                return index, match
            mask ^= lowest
        if first_joined is not None:
            return first_joined, patterns[first_joined].search(text)
        return None


_WORD_STARTS = sum(1 << ord(character) for character in string.ascii_letters + string.digits)


def _may_start_with_any_word(pattern: re.Pattern) -> bool:
    """Whether a match may begin with any ASCII letter or digit ("[\\w .]{0,80}/..."): the first
    character then rules out no text, and such a pattern, tried on every one, is better screened
    by its literals even though it is anchored."""
    return ascii_starts(pattern) & _WORD_STARTS == _WORD_STARTS


def _joinable(pattern: re.Pattern, flags: int) -> bool:
    """Whether the pattern means the same as a group in an alternation compiled with these flags:
    no groups of its own (their numbers would shift) and no flags of its own."""
    if pattern.groups or pattern.flags != flags:
        return False
    try:
        re.compile(f"({pattern.pattern})", flags)
    except re.error:  # a global inline flag such as (?x) is only allowed at the very start
        return False
    return True


def _join(patterns: list[tuple[re.Pattern, int]], mask: int) -> tuple[re.Pattern | None, tuple[int, ...]]:
    """One alternation of the masked patterns, each in its own group, in order: its first matching
    branch is the first matching pattern. positions[group number] is the pattern's position."""
    members = [index for index in range(len(patterns)) if mask >> index & 1]
    if not members:
        return None, ()
    source = "|".join(f"({patterns[index][0].pattern})" for index in members)
    return re.compile(source, patterns[members[0]][0].flags), (-1, *members)
