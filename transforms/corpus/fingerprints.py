"""Fingerprints of text that ignore case, punctuation and spacing: equal text, equal key."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from article_cleaner.transforms.corpus.word_characters import letters_and_digits

_NOT_WORD = re.compile(r"[\W_]+")

# A body is fingerprinted twice per run (by both exact dedups), and the regular expression
# reads it at about 30 ns a character: most of what those steps cost. numpy classifies a long
# text's characters at once; below this length its fixed cost outweighs the regular expression's.
_VECTOR_MIN_CHARS = 256
_SPACE = ord(" ")


def normalized_words(text: str) -> str:
    """The text's words (runs of letters and digits), casefolded, joined by one space."""
    return normalized_words_of_each([text])[0]


def normalized_words_of_each(texts: list[str]) -> list[str]:
    """normalized_words of each text: long texts, or many short ones together, in one numpy pass."""
    folded = [text.casefold() for text in texts]
    if sum(map(len, folded)) < _VECTOR_MIN_CHARS:
        return [_NOT_WORD.sub(" ", text).strip() for text in folded]
    points = np.frombuffer("".join(folded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    is_word = letters_and_digits()[points]
    # Keep each word character and the first other character after a word of the same text, as
    # one space; a text's leading and trailing spaces go.
    after_word = np.empty_like(is_word)
    after_word[0] = False
    after_word[1:] = is_word[:-1]
    bounds = np.cumsum([0, *map(len, folded)])  # where each text starts in points, and the end
    after_word[bounds[:-1][bounds[:-1] < len(points)]] = False
    kept = is_word | after_word
    joined = np.where(is_word, points, _SPACE)[kept].tobytes().decode("utf-32-le", "surrogatepass")
    kept_before = np.concatenate(([0], np.cumsum(kept)))[bounds].tolist()
    return [joined[begin:end].rstrip(" ") for begin, end in zip(kept_before, kept_before[1:], strict=False)]


def text_fingerprint(text: str, digest_size: int = 16) -> str:
    """Hex key of the text's words, casefolded; 'Sign up!' and 'sign up' share one."""
    return text_fingerprints([text], digest_size)[0]


def text_fingerprints(texts: list[str], digest_size: int = 16) -> list[str]:
    """text_fingerprint of each text, their words found together (a body's paragraphs at once)."""
    return [
        hashlib.blake2b(words.encode("utf-8", "surrogatepass"), digest_size=digest_size).hexdigest()
        for words in normalized_words_of_each(texts)
    ]
