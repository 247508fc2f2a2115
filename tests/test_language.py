"""Language detection is deterministic and works on a bounded sample."""

from __future__ import annotations

from transforms.language import LanguageDetector, language_sample

GERMAN = (
    "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. "
    "Nach Angaben des Wirtschaftsministeriums sollen damit bis zum Jahr 2030 deutlich mehr Windräder gebaut werden."
)


def test_detects_english_and_german(detector):
    assert (
        detector.detect("The ministers met briefly on the sidelines of the summit in New Delhi on Thursday.")[0] == "en"
    )
    language, score = detector.detect(GERMAN)
    assert language == "de" and score > 0.9


def test_same_text_gives_the_same_answer_in_two_detectors(config):
    mixed = "Ciao amici, this is una prova molto breve"
    first, second = LanguageDetector(config.language), LanguageDetector(config.language)
    assert [first.detect(mixed) for _ in range(3)] == [second.detect(mixed)] * 3


def test_too_short_or_featureless_text_has_no_language(detector):
    assert detector.detect("Hi") == (None, None)
    assert detector.detect("1234 5678 9012 3456 7890 !!!") == (None, None)


def test_sample_is_bounded_and_cut_at_a_word_boundary():
    text = "word " * 1000
    sample = language_sample(text, 52)
    assert len(sample) <= 52 and sample.endswith("word")
    assert language_sample("short", 52) == "short"
