"""Near-duplicate bodies: MinHash signatures of word shingles, LSH band keys, and the clusters they form.

Pure and deterministic: the permutations come from a seeded generator and words are hashed by fixed
arithmetic on their code points, so a signature is the same on every machine, runner and rerun.
Unsigned 64-bit arithmetic wraps around by design (numpy does not warn for arrays).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from article_cleaner.transforms.config.corpus_settings import NearDuplicateSettings
from article_cleaner.transforms.corpus.word_characters import word_characters

_WORD_BASE = np.uint64(0x100000001B3)  # odd, so its powers never vanish modulo 2**64
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
# Odd 64-bit multipliers of a band's rows, from a fixed seed (a band hash is the same on every run);
# a band has at most 1024 rows (corpus.near_duplicates.permutations <= 1024).
_ROW_MULTIPLIERS = np.random.Generator(np.random.PCG64(0x5EED)).integers(
    0, np.iinfo(np.uint64).max, size=1024, dtype=np.uint64
) | np.uint64(1)
_SHIFT = np.uint64(32)
_UNSEEN = np.uint64(2**32)  # above every hash value: a permutation no shingle reached
# Shingles hashed against the permutations at once: bounds the temporary matrix of a very long body
# (permutations x 512 x 8 bytes, 768 KiB at 192 permutations: it stays in a core's cache).
_CHUNK_SHINGLES = 512


class MinHasher:
    """Signatures and band keys of bodies under one set of settings (compile once per worker).

    A shingle's hash combines the hashes of its words (vectorised, no string per word or shingle);
    each permutation is a multiply-add-shift hash of it (odd 64-bit multiplier, top 32 bits), a
    universal family that needs no division. The multipliers and increments are held as whole
    permutations x _CHUNK_SHINGLES matrices: numpy's loops over two contiguous rows run at about
    twice the speed of those that broadcast one value along a row.
    """

    __slots__ = ("settings", "_multipliers", "_increments")

    def __init__(self, settings: NearDuplicateSettings) -> None:
        self.settings = settings
        generator = np.random.Generator(np.random.PCG64(settings.seed))
        top = np.iinfo(np.uint64).max
        multipliers = generator.integers(0, top, size=(settings.permutations, 1), dtype=np.uint64) | np.uint64(1)
        increments = generator.integers(0, top, size=(settings.permutations, 1), dtype=np.uint64)
        shape = (settings.permutations, _CHUNK_SHINGLES)
        self._multipliers = np.ascontiguousarray(np.broadcast_to(multipliers, shape))
        self._increments = np.ascontiguousarray(np.broadcast_to(increments, shape))

    def __reduce__(self):
        return MinHasher, (self.settings,)

    def signature(self, text: str) -> np.ndarray:
        """The minimum of each permutation over the body's shingles (one value below 2**32 each)."""
        hashes = shingle_hashes(text, self.settings.shingle_words)
        if not len(hashes):
            return np.full(self.settings.permutations, _UNSEEN, dtype=np.uint64)
        lowest = np.full(self.settings.permutations, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, len(hashes), _CHUNK_SHINGLES):
            chunk = hashes[None, start : start + _CHUNK_SHINGLES]
            permuted = self._multipliers[:, : chunk.shape[1]] * chunk
            permuted += self._increments[:, : chunk.shape[1]]
            np.minimum(lowest, permuted.min(axis=1), out=lowest)
        # The top 32 bits of the least value are the least top 32 bits: shift 192 values, not all.
        return lowest >> _SHIFT

    def band_hashes(self, signature: np.ndarray) -> np.ndarray:
        """One 64-bit hash per band (uint64, band order), the key a band bucket is grouped by: equal
        for bands whose rows are equal, and for different rows only by a chance of about 2**-32
        (which costs one comparison of the two signatures, never a wrong pair).

        Vectorised over the bands: each band's rows are summed with fixed odd 64-bit multipliers
        (a value below 2**32 times an odd number never vanishes modulo 2**64), then mixed.
        """
        rows = signature.reshape(self.settings.bands, self.settings.rows_per_band)
        return _mixed(rows @ _ROW_MULTIPLIERS[: self.settings.rows_per_band])


def shingle_hashes(text: str, shingle_words: int) -> np.ndarray:
    """One 64-bit hash per run of shingle_words casefolded words (uint64, in text order, repeats
    kept: a minimum does not care); a shorter body is one shingle; no words, no shingles."""
    word_hashes = _word_hashes(text)
    if not len(word_hashes):
        return word_hashes
    width = min(shingle_words, len(word_hashes))
    count = len(word_hashes) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for position in range(width):
        multiplier = _SHINGLE_MULTIPLIERS[position % len(_SHINGLE_MULTIPLIERS)]
        combined = combined * np.uint64(31) + word_hashes[position : position + count] * multiplier
    return combined


def _word_hashes(text: str) -> np.ndarray:
    """One 64-bit hash per word (a run of \\w characters, casefolded), in text order.

    All in numpy over the text's code points, no Python step per word: each word is a polynomial
    in its code points, sum((code + 1) * B**(place in word + 1)) modulo 2**64 (B = _WORD_BASE), then
    mixed (the MurmurHash3 finalizer) so that similar words get unrelated hashes. The polynomials
    come from one running sum over the whole text: a word's is the difference of the sums at its
    two ends, brought back to its own start by B's inverse (B is odd, so it has one modulo 2**64).
    """
    codes = np.frombuffer(text.casefold().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    edges = np.flatnonzero(np.diff(word_characters()[codes], prepend=False, append=False))
    if not len(edges):
        return np.empty(0, dtype=np.uint64)
    starts, ends = edges[0::2], edges[1::2]  # a word is codes[start:end]
    powers, inverse_powers = _powers_of_word_base(len(codes))
    running = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum((codes.astype(np.uint64) + np.uint64(1)) * powers[1 : len(codes) + 1], out=running[1:])
    return _mixed((running[ends] - running[starts]) * inverse_powers[starts])


def _mixed(hashes: np.ndarray) -> np.ndarray:
    """The MurmurHash3 finalizer, in place: every input bit moves about half of the output bits."""
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xFF51AFD7ED558CCD)
    hashes ^= hashes >> np.uint64(33)
    hashes *= np.uint64(0xC4CEB9FE1A85EC53)
    hashes ^= hashes >> np.uint64(33)
    return hashes


_SHORTEST_POWER_TABLE = 2**16  # characters: one table (1 MiB) serves every body up to this length


def _powers_of_word_base(characters: int) -> tuple[np.ndarray, np.ndarray]:
    """(B**i, B**-i modulo 2**64 for i up to at least characters + 1), read-only, B = _WORD_BASE."""
    return _power_tables(max(_SHORTEST_POWER_TABLE, 1 << (characters + 1).bit_length()))


@functools.cache
def _power_tables(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Built once per process for each size (a power of two): a body longer than any before costs
    one table of twice its length, never one per body."""
    inverse = np.uint64(pow(int(_WORD_BASE), -1, 2**64))
    tables = []
    for base in (_WORD_BASE, inverse):
        table = np.ones(size, dtype=np.uint64)
        np.cumprod(np.full(size - 1, base, dtype=np.uint64), out=table[1:])
        table.flags.writeable = False
        tables.append(table)
    return tables[0], tables[1]


def has_words(signature: np.ndarray) -> bool:
    """Whether the signature is of a body with words (one without is nobody's near-duplicate)."""
    return bool(signature[0] != _UNSEEN)


def estimated_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The share of permutations on which two signatures agree: an estimate of their Jaccard similarity."""
    return float(agreeing_values(first, second)) / len(first)


def agreeing_values(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """On how many permutations signatures agree: of two signatures, or of each pair of rows of two
    stacks of them."""
    return np.count_nonzero(first == second, axis=-1)


def bucket_pairs(band_hashes: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The candidate pairs of one band's buckets: (anchor, member) for every other member of a
    bucket (the members sharing a band hash), the anchor being its smallest member.

    band_hashes and members are parallel uint64 arrays; returns an (n, 2) uint64 array. A star, not
    every pair: a bucket of k members gives k - 1 pairs, so a bucket that a template or a wire story
    fills with thousands of bodies costs linear time, and a cluster stays connected through its
    anchor (members that miss it meet in another band, where the buckets differ).
    """
    if len(members) < 2:
        return np.empty((0, 2), dtype=np.uint64)
    order = np.lexsort((members, band_hashes))
    hashes, sorted_members = band_hashes[order], members[order]
    starts = np.r_[True, hashes[1:] != hashes[:-1]]
    anchors = sorted_members[np.flatnonzero(starts)]
    anchor_of = anchors[np.cumsum(starts) - 1]
    others = ~starts
    return np.column_stack((anchor_of[others], sorted_members[others]))


def bucket_sizes(band_hashes: np.ndarray) -> np.ndarray:
    """How many members each bucket of one band holds (in the order of their hashes)."""
    return np.unique(band_hashes, return_counts=True)[1]


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
