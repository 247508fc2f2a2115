"""Language identification gives langdetect's answer, deterministically, and decides cheaply where it can."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
import yaml
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from transforms.config_checks import ConfigError
from transforms.language import (
    LANGDETECT,
    NGRAMS,
    SCRIPT,
    LanguageDetector,
    langdetect_text,
    language_sample,
    profiled_ngrams,
)
from transforms.rules import DEFAULT_CONFIG_PATH, compile_config

GERMAN = (
    "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. "
    "Nach Angaben des Wirtschaftsministeriums sollen damit bis zum Jahr 2030 deutlich mehr Windräder gebaut werden."
)

# Real-looking news sentences, long and short, in languages langdetect knows.
TEXTS = {
    "en": [
        "The ministers met briefly on the sidelines of the summit in New Delhi on Thursday.",
        "Officials from NATO and the EU said the talks would resume next week, according to a statement "
        "released late on Tuesday by the foreign ministry.",
    ],
    "de": [GERMAN, "Der Zug nach Berlin fährt heute später ab."],
    "fr": [
        "Le gouvernement a présenté mercredi un projet de loi sur la réforme des retraites.",
        "Les habitants de la ville ont été évacués après les fortes pluies de la nuit dernière, selon la préfecture.",
    ],
    "es": [
        "El presidente anunció este lunes un nuevo plan para reducir el desempleo juvenil.",
        "Según fuentes del ministerio, las negociaciones continuarán durante las próximas semanas en Madrid.",
    ],
    "it": [
        "Il consiglio comunale ha approvato ieri sera il nuovo piano per il traffico cittadino.",
        "Secondo i dati diffusi dall'istituto di statistica, la disoccupazione è scesa al livello più basso.",
    ],
    "pt": [
        "O governo anunciou nesta segunda-feira um novo pacote de medidas para a economia.",
        "De acordo com a polícia, o acidente aconteceu por volta das seis horas da manhã na rodovia.",
    ],
    "nl": [
        "De gemeenteraad heeft gisteravond ingestemd met het nieuwe plan voor de binnenstad.",
        "Volgens de politie raakte niemand gewond bij de brand in het bedrijfspand aan de haven.",
    ],
    "ru": [
        "Правительство утвердило новый план развития транспортной инфраструктуры на ближайшие годы.",
        "По словам представителя министерства, переговоры продолжатся на следующей неделе в Москве.",
    ],
    "pl": [
        "Rząd przyjął we wtorek projekt ustawy o ochronie środowiska naturalnego.",
        "Według policji nikt nie został ranny w pożarze, który wybuchł w nocy w centrum miasta.",
    ],
    "sv": ["Regeringen presenterade på onsdagen ett nytt förslag om skatter för småföretag i landet."],
    "tr": ["Hükümet, yeni ekonomik paketin önümüzdeki hafta meclise sunulacağını açıkladı."],
}


def seeded_langdetect(text: str, seed: int = 0) -> str:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    detector = factory.create()
    detector.append(text)
    return detector.get_probabilities()[0].lang


@pytest.mark.parametrize(
    ("expected", "text"), [(language, text) for language, texts in TEXTS.items() for text in texts]
)
def test_gives_langdetects_language_on_long_and_short_news_text(detector, expected, text):
    language, score = detector.detect(text)
    assert language == expected == seeded_langdetect(text)
    assert 0.0 <= score <= 1.0


def test_detects_english_and_german_with_a_high_score(detector):
    language, score = detector.detect(GERMAN)
    assert language == "de" and score > 0.9


def test_same_text_gives_the_same_answer_in_two_detectors(config):
    texts = ["Ciao amici, this is una prova molto breve", GERMAN, TEXTS["pt"][0] + " " + TEXTS["en"][1]]
    first, second = LanguageDetector(config.language), LanguageDetector(config.language)
    answers = [first.detect(text) for text in texts]
    assert answers == [second.detect(text) for text in texts] == [first.detect(text) for text in texts]


def test_extracts_the_same_ngrams_as_langdetect(detector):
    # Acronyms (two capitals in a row), a one-letter word, digits, punctuation, a URL, mixed scripts,
    # and a last word with no space after it.
    text = (
        "NATO and the EU met in São Paulo at 10:30, a US-led talk (see https://example.org/x?a=1). "
        "O iPhone custa R$ 5.000 — «Привет» McDonald's ÉTÉ! x"
    )
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    reference = factory.create()
    reference.append(text)
    reference.cleaning_text()
    ngrams = sorted(factory.word_lang_prob_map)
    ours = Counter(ngrams[row] for row in profiled_ngrams(langdetect_text(text).text, detector._evidence).tolist())
    assert ours == Counter(reference._extract_ngrams())


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        ("ko", "서울시는 내년부터 대중교통 요금을 인상한다고 밝혔다. 시민들의 반발이 예상된다."),
        ("el", "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία και την απασχόληση."),
        ("he", "הממשלה אישרה היום תוכנית חדשה לשיפור התחבורה הציבורית בערים הגדולות."),
        ("th", "รัฐบาลประกาศมาตรการใหม่เพื่อกระตุ้นเศรษฐกิจในปีหน้า"),
        ("ja", "政府は来年度から新しい経済対策を実施すると発表しました。市民の反応はさまざまです。"),
    ],
)
def test_a_script_only_one_language_uses_decides_without_scoring(detector, config, expected, text):
    decision = detector.decide(text)
    assert (decision.language, decision.method) == (expected, SCRIPT)
    assert seeded_langdetect(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        TEXTS["ru"][0],  # Cyrillic: Russian, Ukrainian, Bulgarian, Macedonian
        "国务院总理今天在北京主持召开常务会议，研究部署进一步扩大内需的政策措施。",  # Han: Chinese or Japanese
        "وقالت الحكومة في بيان إن المحادثات ستستأنف الأسبوع المقبل في العاصمة",  # Arabic: ar, fa, ur
    ],
)
def test_a_shared_script_is_never_shortcut(detector, text):
    decision = detector.decide(text)
    assert decision.method != SCRIPT
    assert decision.language == seeded_langdetect(text)


def test_a_text_in_one_script_with_some_latin_still_takes_the_shortcut(detector):
    text = "Η Apple ανακοίνωσε σήμερα το νέο iPhone στην Αθήνα μπροστά σε εκατοντάδες δημοσιογράφους."
    assert detector.decide(text).language == "el" == seeded_langdetect(text)


def test_a_mixed_text_is_left_to_seeded_langdetect(detector):
    mixed = "Reunião de amanhã cancelada. The meeting tomorrow is cancelled because of the strike."
    decision = detector.decide(mixed)
    assert decision.method == LANGDETECT
    assert (decision.language, decision.score) == detector._langdetect(mixed)


def test_a_clear_text_is_decided_from_its_ngrams(detector):
    decision = detector.decide(TEXTS["fr"][1])
    assert decision.method == NGRAMS and decision.language == "fr" and 0.95 <= decision.score <= 1.0


def test_too_short_or_featureless_text_has_no_language(detector):
    assert detector.detect("Hi") == (None, None)
    assert detector.detect("1234 5678 9012 3456 7890 !!!") == (None, None)


def test_sample_is_bounded_and_cut_at_a_word_boundary():
    text = "word " * 1000
    sample = language_sample(text, 52)
    assert len(sample) <= 52 and sample.endswith("word")
    assert language_sample("short", 52) == "short"


def test_sample_windows_spread_over_what_langdetect_reads_in_whole_words():
    words = [f"w{index:04d}" for index in range(3000)]  # 18,000 characters; langdetect reads 10,000
    sample = language_sample(" ".join(words), 400, windows=4)
    taken = sample.split()
    assert len(sample) <= 400 and set(taken) <= set(words)
    indexes = [int(word[1:]) for word in taken]
    # Four stretches: at the start, a third and two thirds in, and ending at character 10,000.
    assert indexes[0] == 0 and max(indexes) <= 10_000 // 6
    assert [sum(low <= index < low + 30 for index in indexes) > 0 for low in (0, 540, 1090, 1630)] == [True] * 4


@pytest.fixture()
def raw_config():
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("max_trial_disagreement", 0.7, r"language\.max_trial_disagreement: must be <= 0\.5, got 0\.7"),
        ("max_trial_disagreement", "low", r"language\.max_trial_disagreement: expected int or float, got str"),
        ("script_share", 0.3, r"language\.script_share: must be >= 0\.5, got 0\.3"),
        ("script_shares", 0.9, r"language\.script_shares: unknown key"),
    ],
)
def test_bad_language_setting_is_named_with_its_path(raw_config, key, value, message):
    changed = copy.deepcopy(raw_config)
    changed["language"][key] = value
    with pytest.raises(ConfigError, match=message):
        compile_config(changed)


def test_language_settings_default_when_left_out(raw_config):
    changed = copy.deepcopy(raw_config)
    changed["language"] = {}
    settings = compile_config(changed).language
    assert (settings.max_trial_disagreement, settings.script_share, settings.seed) == (0.05, 0.9, 0)
