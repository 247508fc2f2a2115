"""Fingerprints of text that ignore case, punctuation and spacing: equal text, equal key."""

from __future__ import annotations

import hashlib
import re

_NOT_WORD = re.compile(r"[\W_]+")


def text_fingerprint(text: str, digest_size: int = 16) -> str:
    """Hex key of the text's words, casefolded; 'Sign up!' and 'sign up' share one."""
    normalized = _NOT_WORD.sub(" ", text.casefold()).strip()
    return hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=digest_size).hexdigest()
