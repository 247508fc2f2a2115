"""Near-duplicate bodies: MinHash signatures of word shingles, LSH band keys, and the clusters they form.

Pure and deterministic: the permutations come from a seeded generator and words are hashed with
CRC-32, so a signature is the same on every machine, runner and rerun. Unsigned 64-bit arithmetic
wraps around by design (numpy does not warn for arrays).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+")
# Odd 64-bit multipliers for combining the word hashes of a shingle (position-dependent, fixed).
_SHINGLE_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x27D4EB2F165667C5,
        0x94D049BB133111EB,
    ],
    dtype=np.uint64,
)
_SHIFT = np.uint64(32)
_UNSEEN = np.uint64(2**32)  # above every hash value: a permutation no shingle reached
# Shingles hashed against the permutations at once: bounds the temporary matrix of a very long body.
_CHUNK_SHINGLES = 4096


@dataclass(frozen=True, slots=True)
class NearDuplicateSettings:
    enabled: bool
    threshold: float  # estimated Jaccard similarity at or above which two bodies are near-duplicates
    shingle_words: int  # words per shingle
    permutations: int  # MinHash values per signature
    bands: int  # LSH bands: a pair sharing one band's values is compared
    seed: int

    @property
    def rows_per_band(self) -> int:
        return self.permutations // self.bands

    def candidate_probability(self, similarity: float) -> float:
        """The chance that two bodies of this Jaccard similarity share at least one band."""
        return 1.0 - (1.0 - similarity**self.rows_per_band) ** self.bands


class MinHasher:
    """Signatures and band keys of bodies under one set of settings (compile once per worker).

    A shingle's hash combines the CRC-32 of its words (vectorised, no string per shingle); each
    permutation is a multiply-shift hash of it (odd 64-bit multiplier, top 32 bits), a universal
    family that needs no division.
    """

    __slots__ = ("settings", "_multipliers", "_increments")

    def __init__(self, settings: NearDuplicateSettings) -> None:
        self.settings = settings
        generator = np.random.Generator(np.random.PCG64(settings.seed))
        top = np.iinfo(np.uint64).max
        self._multipliers = generator.integers(0, top, size=(settings.permutations, 1), dtype=np.uint64) | np.uint64(1)
        self._increments = generator.integers(0, top, size=(settings.permutations, 1), dtype=np.uint64)

    def __reduce__(self):
        return MinHasher, (self.settings,)

    def signature(self, text: str) -> np.ndarray:
        """The minimum of each permutation over the body's shingles (one value below 2**32 each)."""
        hashes = shingle_hashes(text, self.settings.shingle_words)
        signature = np.full(self.settings.permutations, _UNSEEN, dtype=np.uint64)
        for start in range(0, len(hashes), _CHUNK_SHINGLES):
            chunk = hashes[None, start : start + _CHUNK_SHINGLES]
            permuted = ((self._multipliers * chunk + self._increments) >> _SHIFT).min(axis=1)
            np.minimum(signature, permuted, out=signature)
        return signature

    def band_keys(self, signature: np.ndarray) -> list[str]:
        """One key per band: bodies whose signatures agree on all of a band's rows share its key."""
        rows = self.settings.rows_per_band
        return [
            f"{band}:{hashlib.blake2b(signature[band * rows : (band + 1) * rows].tobytes(), digest_size=8).hexdigest()}"
            for band in range(self.settings.bands)
        ]


def shingle_hashes(text: str, shingle_words: int) -> np.ndarray:
    """One 64-bit hash per run of shingle_words casefolded words (uint64, in text order, repeats
    kept: a minimum does not care); a shorter body is one shingle; no words, no shingles."""
    words = _WORD.findall(text.casefold())
    if not words:
        return np.empty(0, dtype=np.uint64)
    word_hashes = np.fromiter(
        (zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words), dtype=np.uint64, count=len(words)
    )
    width = min(shingle_words, len(words))
    count = len(words) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for position in range(width):
        multiplier = _SHINGLE_MULTIPLIERS[position % len(_SHINGLE_MULTIPLIERS)]
        combined = combined * np.uint64(31) + word_hashes[position : position + count] * multiplier
    return combined


def estimated_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The share of permutations on which two signatures agree: an estimate of their Jaccard similarity."""
    return float(np.count_nonzero(first == second)) / len(first)


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """What choosing the kept copy of a cluster needs to know of an article."""

    id: str
    body_chars: int


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """An article that a cluster's kept copy stands for."""

    id: str
    duplicate_of: str
    similarity: float  # the estimated similarity of the pair that joined it to the cluster (the highest)


def resolve_clusters(members: Iterable[ClusterMember], pairs: Iterable[tuple[str, str, float]]) -> list[NearDuplicate]:
    """Clusters are the connected components of the near-duplicate pairs (transitively: A~B and B~C
    put A, B and C together). Each keeps its longest body, then its smallest id, so every runner and
    rerun keeps the same copy; every other member becomes a NearDuplicate of it.
    """
    by_id = {member.id: member for member in members}
    parent: dict[str, str] = {}
    best_similarity: dict[str, float] = {}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for first, second, similarity in pairs:
        if first not in by_id or second not in by_id or first == second:
            continue
        for node in (first, second):
            parent.setdefault(node, node)
            best_similarity[node] = max(best_similarity.get(node, 0.0), similarity)
        first_root, second_root = root(first), root(second)
        if first_root != second_root:
            # Union by the smaller id: the result does not depend on the order of the pairs.
            low, high = sorted((first_root, second_root))
            parent[high] = low
    components: dict[str, list[ClusterMember]] = {}
    for node in parent:
        components.setdefault(root(node), []).append(by_id[node])
    duplicates = []
    for component in components.values():
        kept = min(component, key=lambda member: (-member.body_chars, member.id))
        duplicates.extend(
            NearDuplicate(member.id, kept.id, round(best_similarity[member.id], 4))
            for member in sorted(component, key=lambda member: member.id)
            if member.id != kept.id
        )
    return sorted(duplicates, key=lambda duplicate: duplicate.id)
