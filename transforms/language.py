"""Deterministic language identification with langdetect on a bounded sample of the body."""

from __future__ import annotations

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from transforms.rules import LanguageSettings


class LanguageDetector:
    """langdetect with its own seeded profile set: built once per worker, never shared globally.

    langdetect's module-level detect() keeps a process-wide factory whose seed is unset, so two
    runs can disagree on short or mixed texts; this instance always uses the configured seed.
    """

    def __init__(self, settings: LanguageSettings):
        self._settings = settings
        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(settings.seed)

    def detect(self, text: str) -> tuple[str | None, float | None]:
        """(language code, probability), or (None, None) when the text is too short to tell."""
        sample = language_sample(text, self._settings.sample_chars)
        if len(sample) < self._settings.min_chars:
            return None, None
        detector = self._factory.create()
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return None, None
        return best.lang, round(best.prob, 4)


def language_sample(text: str, limit: int) -> str:
    """At most limit characters, cut at a word boundary so no half word skews the n-grams."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]
