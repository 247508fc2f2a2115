"""Language identification gives langdetect's answer, deterministically, and decides cheaply where it can."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, compile_config, load_config
from article_cleaner.transforms.label.language import (
    LANGDETECT,
    NGRAMS,
    SCRIPT,
    SHORT_SAMPLE,
    TOO_SHORT,
    LanguageDetector,
    langdetect_probabilities,
    langdetect_text,
    language_sample,
    profiled_ngrams,
)

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


# Whole news paragraphs, longer than the short sample, so that it is the short sample that decides.
PARAGRAPHS = {
    "de": (
        "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. "
        "Nach Angaben des Wirtschaftsministeriums sollen damit bis zum Jahr 2030 deutlich mehr Windräder gebaut "
        "werden. Kritik kam von den Umweltverbänden, denen die Pläne nicht weit genug gehen. Die Opposition "
        "bemängelte, dass die Finanzierung der neuen Stromleitungen weiterhin ungeklärt sei. Der Bundestag soll "
        "noch vor der Sommerpause über den Entwurf abstimmen, der Bundesrat muss anschließend zustimmen. "
        "Die Energieversorger rechnen damit, dass die Strompreise in den kommenden Jahren zunächst steigen."
    ),
    "fr": (
        "Le gouvernement a présenté mercredi un projet de loi sur la réforme des retraites, qui prévoit de "
        "reculer progressivement l'âge légal de départ. Les syndicats ont aussitôt appelé à une nouvelle journée "
        "de mobilisation la semaine prochaine. Selon le ministre du Travail, le texte sera examiné par "
        "l'Assemblée nationale dès le mois prochain. Plusieurs élus de la majorité ont toutefois exprimé leurs "
        "doutes sur le calendrier, jugé trop serré pour un débat de cette ampleur. Dans les sondages, une large "
        "majorité des Français se dit opposée au report de l'âge de départ."
    ),
    "es": (
        "El presidente anunció este lunes un nuevo plan para reducir el desempleo juvenil en las regiones más "
        "afectadas por la crisis. Según fuentes del ministerio, las negociaciones con los sindicatos continuarán "
        "durante las próximas semanas en Madrid. La oposición calificó la propuesta de insuficiente y pidió más "
        "inversión en formación profesional. Los empresarios, por su parte, valoraron positivamente las ayudas "
        "a la contratación, aunque reclamaron menos trámites para las pequeñas empresas. El plan se presentará "
        "en el Congreso antes del verano, según confirmó la portavoz del Gobierno."
    ),
    "pl": (
        "Rząd przyjął we wtorek projekt ustawy o ochronie środowiska naturalnego, który zakłada zaostrzenie kar "
        "za zanieczyszczanie rzek. Według ministra klimatu nowe przepisy mają wejść w życie jeszcze w tym roku. "
        "Organizacje ekologiczne przyjęły projekt z zadowoleniem, ale zwracają uwagę na brak pieniędzy na "
        "kontrole. Samorządy obawiają się, że koszty modernizacji oczyszczalni ścieków spadną na mieszkańców. "
        "Projekt trafi teraz do Sejmu, gdzie pierwsze czytanie zaplanowano na przyszły miesiąc. Opozycja "
        "zapowiada, że zgłosi do niego wiele poprawek."
    ),
    "pt": (
        "O governo anunciou nesta segunda-feira um novo pacote de medidas para a economia, com cortes de impostos "
        "para pequenas empresas e mais crédito para a agricultura familiar. De acordo com o ministro da Fazenda, "
        "as medidas devem custar cerca de dez bilhões de reais por ano. Economistas ouvidos pela reportagem "
        "afirmam que o impacto nas contas públicas ainda é incerto. O Congresso precisa aprovar parte das "
        "mudanças, o que deve acontecer apenas no segundo semestre. Os sindicatos pediram que o reajuste do "
        "salário mínimo também fosse incluído no pacote."
    ),
    "it": (
        "Il consiglio comunale ha approvato ieri sera il nuovo piano per il traffico cittadino, che prevede "
        "l'estensione della zona a traffico limitato a tutto il centro storico. Secondo l'assessore alla "
        "mobilità, le nuove regole entreranno in vigore dal primo settembre. I commercianti temono un calo dei "
        "clienti e chiedono più parcheggi ai margini del centro. L'opposizione ha annunciato un ricorso al "
        "tribunale amministrativo regionale contro la delibera approvata dalla maggioranza. Il sindaco ha "
        "difeso il piano, definendolo necessario per ridurre lo smog in città."
    ),
    "nl": (
        "De gemeenteraad heeft gisteravond ingestemd met het nieuwe plan voor de binnenstad, waarin auto's grotendeels "
        "uit het centrum verdwijnen. Volgens de wethouder moeten de eerste maatregelen al in het voorjaar worden "
        "ingevoerd. Ondernemers maken zich zorgen over de bereikbaarheid van hun winkels en vragen om meer "
        "parkeerplaatsen aan de rand van de stad. Bewoners reageren overwegend positief, al vinden sommigen dat "
        "het openbaar vervoer eerst beter moet worden. Het college wil de komende maanden met alle betrokkenen "
        "in gesprek over de precieze uitwerking van de plannen."
    ),
    "ru": (
        "Правительство утвердило новый план развития транспортной инфраструктуры на ближайшие годы. По словам "
        "представителя министерства, в первую очередь будут отремонтированы федеральные трассы и мосты в "
        "регионах. Эксперты отмечают, что объём финансирования пока не определён окончательно. Губернаторы "
        "нескольких областей уже направили в Москву свои предложения по строительству новых дорог. Первые "
        "работы должны начаться весной следующего года. В министерстве пообещали, что ход строительства будет "
        "регулярно проверять специальная комиссия."
    ),
    "ja": (
        "政府は来年度から新しい経済対策を実施すると発表しました。対策には中小企業への支援や子育て世帯への給付が"
        "含まれています。担当大臣は記者会見で、物価の上昇に苦しむ家庭を支えることが最も大切だと述べました。"
        "一方で、野党からは財源が明らかになっていないという批判が出ています。専門家の中には、効果が出るまでに"
        "時間がかかるという見方もあります。国会での審議は来月から始まる予定で、与党は年内の成立を目指しています。"
        "地方の自治体からは、手続きをもっと簡単にしてほしいという声も上がっています。"
    ),
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


@pytest.mark.parametrize(("expected", "text"), sorted(PARAGRAPHS.items()))
def test_a_clear_paragraph_is_decided_from_the_short_sample_as_langdetect_decides(detector, expected, text):
    decision = detector.decide(text)
    assert decision.method in (SHORT_SAMPLE, SCRIPT)
    assert decision.language == expected == seeded_langdetect(text)
    assert decision.score >= 0.95


def test_a_paragraph_the_short_sample_leaves_open_is_read_in_the_full_sample(config):
    settings = replace(config.language, short_sample_max_trial_disagreement=0.0)
    detector = LanguageDetector(settings)
    for text in (PARAGRAPHS["pt"], PARAGRAPHS["nl"]):
        decision = detector.decide(text)
        assert decision.method == NGRAMS and decision.language == seeded_langdetect(text)


def test_a_long_text_mixing_two_languages_is_left_to_seeded_langdetect(detector):
    # Sentence by sentence, Portuguese then English: no sample of it is clear.
    portuguese = PARAGRAPHS["pt"].split(". ")
    english = [
        "The government announced a new package of measures for the economy on Monday",
        "According to the finance minister, the measures should cost about ten billion a year",
        "Economists interviewed for this story say the impact on public accounts is still uncertain",
        "Congress must approve part of the changes, which should happen only in the second half",
        "Small firms and family farms are the main winners of the plan, officials said",
    ]
    mixed = ". ".join(part for pair in zip(portuguese, english, strict=False) for part in pair)
    decision = detector.decide(mixed)
    assert decision.method == LANGDETECT
    assert (decision.language, decision.score) == detector._langdetect(mixed)
    assert decision.language == seeded_langdetect(mixed)


def test_detects_english_and_german_with_a_high_score(detector):
    language, score = detector.detect(GERMAN)
    assert language == "de" and score > 0.9


def test_same_text_gives_the_same_answer_in_two_detectors(config):
    texts = [
        "Ciao amici, this is una prova molto breve",
        GERMAN,
        TEXTS["pt"][0] + " " + TEXTS["en"][1],
        *PARAGRAPHS.values(),
        PARAGRAPHS["fr"] + " " + PARAGRAPHS["it"],
    ]
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
    in_order = profiled_ngrams(langdetect_text(text).text, detector._evidence, in_text_order=True)
    assert [ngrams[row] for row in in_order.tolist()] == reference._extract_ngrams()


@pytest.mark.parametrize(
    "text",
    [
        "Reunião de amanhã cancelada. The meeting tomorrow is cancelled because of the strike.",
        "Ciao amici, this is una prova molto breve",
        TEXTS["ru"][1],
        "Die NATO und die EU: ein Treffen in Brüssel, das niemand wollte. Rien ne va plus!",
        "ok",
    ],
)
def test_replays_seeded_langdetects_trials_bit_for_bit(detector, text):
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    reference = factory.create()
    reference.append(text)
    expected = [(language.lang, language.prob) for language in reference.get_probabilities()]
    rows = profiled_ngrams(langdetect_text(text).text, detector._evidence, in_text_order=True)
    averages = langdetect_probabilities(rows, detector._evidence.probabilities, 0)
    assert averages == reference.langprob
    assert detector._langdetect(text) == (expected[0][0], round(expected[0][1], 4))


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
    assert decision.language == seeded_langdetect(mixed)


def test_a_clear_text_is_decided_from_its_ngrams(detector):
    decision = detector.decide(TEXTS["fr"][1])
    assert decision.method == NGRAMS and decision.language == "fr" and 0.95 <= decision.score <= 1.0


@pytest.mark.parametrize("text", ["", " ", "\n\n", "Hi", "Read more \n\n", "Share this"])
def test_an_empty_or_near_empty_body_has_no_language(detector, text):
    assert detector.decide(text).method == TOO_SHORT
    assert detector.detect(text) == (None, None)


def test_featureless_text_has_no_language(detector):
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


# Letters and marks of several scripts, capitals, digits, spaces (doubled too) and punctuation.
WORDLIKE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdeéèçñøßAEÉÇ  .,'-1\nабвгдАБВ日本のカナ가나αβΑΒ\u0301\u0300ıİ")), max_size=120
)


@pytest.fixture(scope="module")
def seeded_factory():
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory, sorted(factory.word_lang_prob_map)


@settings(max_examples=100, deadline=None)
@given(text=WORDLIKE_TEXT)
def test_gives_seeded_langdetects_ngrams_and_answer_on_any_text(detector, seeded_factory, text):
    factory, ngrams = seeded_factory
    reference = factory.create()
    reference.append(text)
    reference.cleaning_text()
    rows = profiled_ngrams(langdetect_text(text).text, detector._evidence, in_text_order=True)
    assert [ngrams[row] for row in rows.tolist()] == reference._extract_ngrams()
    expected = factory.create()
    expected.append(text)
    try:
        best = expected.get_probabilities()[0]
        answer = (best.lang, round(best.prob, 4))
    except (LangDetectException, IndexError):
        answer = (None, None)
    assert detector._langdetect(text) == answer


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
        ("short_sample_chars", 3000, r"language\.short_sample_chars: must be <= 2000, got 3000"),
        (
            "short_sample_max_trial_disagreement",
            0.1,
            r"language\.short_sample_max_trial_disagreement: must be <= 0\.05, got 0\.1",
        ),
    ],
)
def test_bad_language_setting_is_named_with_its_path(raw_config, key, value, message):
    changed = copy.deepcopy(raw_config)
    changed["language"][key] = value
    with pytest.raises(ConfigError, match=message):
        compile_config(changed)


def test_a_language_overlay_keeps_the_bundled_values_of_the_keys_it_does_not_name(tmp_path):
    overlay = tmp_path / "site.yaml"
    overlay.write_text("language: {seed: 7}\n", encoding="utf-8")
    settings, default = load_config(overlay).language, load_config().language
    assert settings.seed == 7
    assert replace(settings, seed=default.seed) == default


def test_a_full_sample_shorter_than_the_short_sample_is_named(raw_config):
    changed = copy.deepcopy(raw_config)
    changed["language"]["sample_chars"] = 300
    with pytest.raises(ConfigError, match=r"^language\.short_sample_chars: must be <= 300, got 500$"):
        compile_config(changed)
