"""near_duplicates: MinHash signatures estimate Jaccard similarity, band keys find the pairs, and
clusters keep one copy whatever the order of the pairs."""

from __future__ import annotations

import pickle
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.config.corpus_settings import NearDuplicateSettings
from article_cleaner.transforms.corpus.near_duplicates import (
    ClusterMember,
    MinHasher,
    NearDuplicate,
    bucket_pairs,
    estimated_similarity,
    has_words,
    resolve_clusters,
    shingle_hashes,
)

SETTINGS = NearDuplicateSettings(
    enabled=True, threshold=0.8, shingle_words=5, permutations=192, bands=24, seed=0, giant_bucket_articles=1000
)

WIRE_STORY = (
    "The central bank raised its main interest rate by a quarter of a percentage point on Wednesday, "
    "the third increase this year, saying that inflation had proved more persistent than expected. "
    "Officials said they would watch wage growth and energy prices closely before deciding on further "
    "moves, and markets had largely priced in the decision after strong employment figures last week. "
    "The governor told reporters that the bank was prepared to act again if price pressures did not ease, "
    "but added that the effects of earlier increases were still working their way through the economy. "
    "Mortgage lenders are expected to pass the increase on to borrowers within days, adding to the cost "
    "of living for households that have already seen food and fuel bills climb sharply since the winter. "
    "Business groups warned that higher borrowing costs would weigh on investment, while unions called "
    "for measures to protect low-income families from the combined effect of rising rates and prices."
)
OTHER_STORY = (
    "Heavy rain caused flooding across the northern valleys overnight, closing two main roads and forcing "
    "the evacuation of a care home, emergency services said on Thursday morning. Rivers rose faster than "
    "forecast after a month's rainfall fell in under twelve hours, and volunteers helped residents move "
    "furniture upstairs as water entered homes along the old mill street. The regional council opened "
    "three shelters and asked people to avoid travelling unless necessary, while engineers inspected a "
    "railway bridge that was damaged when debris struck one of its supports during the night."
)


def jaccard(first: str, second: str) -> float:
    a, b = set(shingle_hashes(first, 5).tolist()), set(shingle_hashes(second, 5).tolist())
    return len(a & b) / len(a | b)


@pytest.fixture(scope="module")
def hasher() -> MinHasher:
    return MinHasher(SETTINGS)


def test_a_reprint_with_its_own_intro_and_footer_is_estimated_close_to_its_jaccard(hasher):
    reprint = "LONDON (Wire) - " + WIRE_STORY + " This story was originally published by the Daily Ledger."
    true = jaccard(WIRE_STORY, reprint)
    estimate = estimated_similarity(hasher.signature(WIRE_STORY), hasher.signature(reprint))
    assert true > 0.85
    assert abs(estimate - true) < 0.1


def test_different_stories_are_estimated_far_apart_and_share_no_band(hasher):
    first, second = hasher.signature(WIRE_STORY), hasher.signature(OTHER_STORY)
    assert estimated_similarity(first, second) < 0.1
    assert not (hasher.band_hashes(first) == hasher.band_hashes(second)).any()


def test_identical_bodies_up_to_case_and_punctuation_have_identical_signatures_and_bands(hasher):
    shouted = WIRE_STORY.upper().replace(",", " ;")
    assert (hasher.signature(WIRE_STORY) == hasher.signature(shouted)).all()
    assert (hasher.band_hashes(hasher.signature(WIRE_STORY)) == hasher.band_hashes(hasher.signature(shouted))).all()


def test_a_long_bodys_signature_is_the_least_value_over_all_its_shingles(hasher):
    # Far more shingles than the signature hashes at once; two halves overlapping by four words hold
    # together exactly the shingles of the whole, so its signature is the least of theirs.
    words = " ".join(f"{WIRE_STORY} {OTHER_STORY} Update {number}." for number in range(12)).split()
    middle = len(words) // 2 + 7
    first_half, second_half = " ".join(words[:middle]), " ".join(words[middle - 4 :])
    expected = np.minimum(hasher.signature(first_half), hasher.signature(second_half))
    assert len(words) > 2000
    assert np.array_equal(hasher.signature(" ".join(words)), expected)


def test_signatures_are_the_same_after_pickling_to_a_worker(hasher):
    shipped = pickle.loads(pickle.dumps(hasher))
    assert (shipped.signature(WIRE_STORY) == hasher.signature(WIRE_STORY)).all()


def test_an_empty_body_has_a_signature_that_matches_no_real_body(hasher):
    empty = hasher.signature("")
    assert estimated_similarity(empty, hasher.signature(WIRE_STORY)) == 0.0
    assert not has_words(empty) and not has_words(hasher.signature("— … ·")) and has_words(hasher.signature("a"))


def test_copies_at_high_similarity_almost_always_share_a_band():
    # The LSH curve: with 24 bands of 8 rows a pair at 0.85 is a candidate 99.9% of the time.
    assert SETTINGS.candidate_probability(0.85) > 0.99
    assert SETTINGS.candidate_probability(0.3) < 0.01


def test_pairs_join_transitively_and_the_longest_body_is_kept():
    members = [ClusterMember("a", 900), ClusterMember("b", 1200), ClusterMember("c", 1000), ClusterMember("d", 50)]
    duplicates = resolve_clusters(members, [("a", "c", 0.91), ("c", "b", 0.88)])
    assert duplicates == [NearDuplicate("a", "b", 0.91), NearDuplicate("c", "b", 0.91)]


def test_equal_lengths_keep_the_smallest_id():
    members = [ClusterMember("z", 100), ClusterMember("m", 100)]
    assert resolve_clusters(members, [("z", "m", 0.9)]) == [NearDuplicate("z", "m", 0.9)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=20), st.randoms())
def test_the_clusters_do_not_depend_on_the_order_of_the_pairs(edges, shuffler: random.Random):
    members = [ClusterMember(f"id{index}", 100 + (index * 37) % 5) for index in range(10)]
    pairs = [(f"id{first}", f"id{second}", 0.9) for first, second in edges]
    shuffled = pairs[:]
    shuffler.shuffle(shuffled)
    assert resolve_clusters(members, pairs) == resolve_clusters(members, shuffled)


def test_band_hashes_agree_exactly_where_the_bands_rows_do(hasher):
    reprint = "LONDON (Wire) - " + WIRE_STORY
    first, second = hasher.signature(WIRE_STORY), hasher.signature(reprint)
    rows = (SETTINGS.bands, SETTINGS.rows_per_band)
    same_rows = (first.reshape(rows) == second.reshape(rows)).all(axis=1).tolist()
    assert (hasher.band_hashes(first) == hasher.band_hashes(second)).tolist() == same_rows
    assert any(same_rows) and not all(same_rows)


def test_bands_that_differ_in_one_row_by_one_get_different_hashes(hasher):
    signature = hasher.signature(WIRE_STORY)
    for row in range(0, SETTINGS.permutations, 7):
        changed = signature.copy()
        changed[row] ^= np.uint64(1)
        differs = hasher.band_hashes(signature) != hasher.band_hashes(changed)
        assert differs.tolist() == [band == row // SETTINGS.rows_per_band for band in range(SETTINGS.bands)]


def test_a_bucket_pairs_each_member_with_its_smallest_and_singletons_pair_with_none():
    hashes = np.array([7, 3, 7, 9, 7, 3], dtype=np.uint64)
    members = np.array([50, 12, 40, 99, 45, 11], dtype=np.uint64)
    pairs = sorted(map(tuple, bucket_pairs(hashes, members).tolist()))
    assert pairs == [(11, 12), (40, 45), (40, 50)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10**6)), unique_by=lambda entry: entry[1], max_size=40))
def test_bucket_pairs_connect_exactly_the_members_of_each_bucket_in_linear_count(entries):
    hashes = np.array([bucket for bucket, _ in entries], dtype=np.uint64)
    members = np.array([member for _, member in entries], dtype=np.uint64)
    pairs = bucket_pairs(hashes, members).tolist()
    bucket_of = {member: bucket for bucket, member in entries}
    assert len(pairs) == len(entries) - len(set(bucket_of.values()))
    assert all(bucket_of[first] == bucket_of[second] and first < second for first, second in pairs)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_words_are_the_regex_words_and_equal_words_hash_equal(first, second):
    first_words, second_words = re.findall(r"\w+", first.casefold()), re.findall(r"\w+", second.casefold())
    first_hashes, second_hashes = shingle_hashes(first, 1), shingle_hashes(second, 1)
    assert len(first_hashes) == len(first_words)
    for index, word in enumerate(first_words):
        for other_index, other_word in enumerate(second_words):
            assert (first_hashes[index] == second_hashes[other_index]) == (word == other_word)
