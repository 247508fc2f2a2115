"""Text fingerprints: the numpy path finds exactly the words the regular expression finds."""

import re

from hypothesis import given
from hypothesis import strategies as st

from article_cleaner.transforms.corpus.fingerprints import (
    normalized_words,
    normalized_words_of_each,
    text_fingerprint,
    text_fingerprints,
)

# The definition the keys have always had: casefold, runs of non-word characters (and "_") to one
# space, stripped.
_NOT_WORD = re.compile(r"[\W_]+")


def words_by_regex(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


PARAGRAPH = (
    "Storm shuts Port Ellis harbour — for a second day! The council’s harbour master, Ana Ruiz, said "
    "the wall “would hold”; 3,400 boats (and 12 ferries) stayed in port_side moorings. "
)


def test_every_character_of_the_basic_plane_is_a_word_character_exactly_where_the_regex_says():
    text = "".join(chr(point) for point in range(0x10000) if not 0xD800 <= point < 0xE000)
    assert normalized_words(text) == words_by_regex(text)


def test_a_long_article_body_gets_the_regex_words_and_the_same_fingerprint():
    body = "\n\n".join(PARAGRAPH * repeat for repeat in (1, 3, 2))
    assert normalized_words(body) == words_by_regex(body)
    assert text_fingerprint(body) == text_fingerprint(body.upper().replace(",", " , "))


def test_paragraphs_found_together_keep_their_own_words_at_the_boundaries():
    paragraphs = ["Sign up", "", "...", "Ellis", "— Read more —", PARAGRAPH * 2, "!!end", "ß and İstanbul"]
    assert normalized_words_of_each(paragraphs) == [words_by_regex(text) for text in paragraphs]
    assert text_fingerprints(paragraphs, 8) == [text_fingerprint(text, 8) for text in paragraphs]


def test_text_beyond_the_basic_plane_and_lone_surrogates_are_normalized_the_general_way():
    texts = [PARAGRAPH + "🙂 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 words", PARAGRAPH * 2 + "\ud800 lone surrogate"]
    assert normalized_words_of_each(texts) == [words_by_regex(text) for text in texts]


@given(st.lists(st.text(min_size=0, max_size=400), max_size=8))
def test_normalized_words_of_each_equals_the_regular_expression_on_arbitrary_text(texts):
    assert normalized_words_of_each(texts) == [words_by_regex(text) for text in texts]


@given(st.text(alphabet=st.sampled_from(list("aZ_ 9,.\n—’ßİ\u00a0\u2028")), min_size=200, max_size=2000))
def test_long_text_of_words_and_separators_gets_the_regex_words(text):
    assert normalized_words(text) == words_by_regex(text)
