"""Where the article text an extraction missed went: which step or rule of the record took it.

The metric counts 4-word shingles, so the missed text is the truth's shingles absent from the body.
Each is put down to the first place of the record that holds it: the captions, a named removal rule
(the record's `removed` list, kind and rule), or the parts outside the selected container; what none
holds was never extracted (dropped by the walker, or cut at a block edge).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from article_cleaner.transforms.records import Caption, Removal

CAPTIONS = "captions"
NEVER_EXTRACTED = "never extracted"


@dataclass(frozen=True, slots=True)
class LostText:
    """The share of the truth's shingles the body missed, and the share each place took."""

    lost_share: float
    causes: tuple[tuple[str, float], ...]  # (place, share of the truth), largest first

    def describe(self, places: int = 3) -> str:
        if not self.causes:
            return "nothing lost: the page's loss is extra text"
        named = ", ".join(f"{place} {share:.0%}" for place, share in self.causes[:places])
        return f"lost {self.lost_share:.0%} of the truth: {named}"


def place_of(removal: Removal, outside_kind: str) -> str:
    """A removal's place: 'selection (rule)' for what lay outside the container, else 'kind/rule'."""
    if removal.kind == outside_kind:
        return f"selection ({removal.rule})"
    return f"{removal.kind}/{removal.rule}"


def lost_text(
    truth: str,
    body: str,
    captions: tuple[Caption, ...],
    removals: tuple[Removal, ...],
    outside_kind: str,
    scorer,
) -> LostText:
    """Where the truth's shingles missing from body went. scorer: shared/eval/score.py."""
    truth_shingles = scorer.shingle_counts(scorer.tokenize(truth))
    missing = truth_shingles - scorer.shingle_counts(scorer.tokenize(body))
    total = sum(truth_shingles.values())
    if not missing or not total:
        return LostText(0.0, ())
    # A shingle is put down to a named rule before the coarse "outside the container" reports.
    places: dict[str, set] = {CAPTIONS: set()}
    for caption in captions:
        places[CAPTIONS] |= _shingles(f"{caption.text} {caption.credit or ''}", scorer)
    for removal in sorted(removals, key=lambda item: item.kind == outside_kind):
        places.setdefault(place_of(removal, outside_kind), set()).update(_shingles(removal.text, scorer))
    taken: Counter = Counter()
    for shingle, count in missing.items():
        place = next((name for name, shingles in places.items() if shingle in shingles), NEVER_EXTRACTED)
        taken[place] += count
    causes = tuple((place, count / total) for place, count in sorted(taken.items(), key=lambda item: -item[1]))
    return LostText(sum(missing.values()) / total, causes)


def _shingles(text: str, scorer) -> set:
    return set(scorer.shingle_counts(scorer.tokenize(text)))
