"""Deterministic language identification that gives langdetect's answer at a fraction of its cost.

langdetect scores a text with a random walk: seven trials, each multiplying language probabilities
by randomly drawn n-grams until one language passes 0.99999, in per-character Python loops. Its
answer is what the n-gram evidence says, unless the evidence is mixed, when the draws decide. So:

1. Text written almost only in a script that one profiled language owns (Hangul, Greek, Thai...)
   is that language; langdetect's own cleaning then keeps only n-grams of that script.
2. Otherwise the same n-grams langdetect would draw (its normalization, its capital-word rule, its
   profiles) are scored all at once, naive Bayes with langdetect's smoothing, in a fixed order.
3. From the per-n-gram evidence between the best language and each other one, the chance that
   one of langdetect's trials ends on another language is estimated; above `max_trial_disagreement` the text
   is mixed enough for the draws to matter, and seeded langdetect's trials decide: replayed here bit
   for bit (same draws, same floating-point operations) on whole rows of its profiles with numpy,
   a third of its cost, so that a text it mulls over for all 1,000 iterations stays cheap too.

Steps 1 and 2 first read a short sample, where most pages are already clear (their estimate is at
most the stricter `short_sample_max_trial_disagreement`); only the others are read again in the
full sample before step 3 is considered. Step 3 reads all that langdetect reads, not a sample.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.language import Language
from langdetect.utils.ngram import NGram

from article_cleaner.transforms.config.loading import LanguageSettings

# langdetect's constants (Detector): smoothing weight alpha / BASE_FREQ, the convergence threshold
# of a trial, its number of trials and the text length it reads.
SMOOTHING = Detector.ALPHA_DEFAULT / Detector.BASE_FREQ
CONVERGED_LOG_ODDS = math.log(Detector.CONV_THRESHOLD / (1 - Detector.CONV_THRESHOLD))
LANGDETECT_TRIALS = 7  # Detector.n_trial, set per instance
NORMALIZE_EVERY = 5  # a trial normalizes and checks for convergence when its iteration i % 5 == 0
LANGDETECT_MAX_CHARS = 10_000

# langdetect's cleaning: Latin letters are dropped from text written mostly in another script
# (what it counts as non-Latin: from U+0300 on, except Latin Extended Additional).
LATIN_LETTER = re.compile("[A-z]")
LATIN_LETTER_POINTS = (ord("A"), ord("z"))
NON_LATIN_FROM, LATIN_EXTENDED_ADDITIONAL = 0x300, (0x1E00, 0x1EFF)
# The combining marks NGram.normalize_vi folds into a letter before them: without one it changes nothing.
VIETNAMESE_MARK = re.compile(f"[{NGram.DMARK_CLASS}]")

# Scripts that exactly one of langdetect's profiles uses. Cyrillic, Arabic, Devanagari and Han are
# shared by several languages and never shortcut. Kana marks Japanese, even among Han characters.
SINGLE_LANGUAGE_SCRIPTS = (
    ("ko", re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")),  # Hangul
    ("el", re.compile("[\u0370-\u03ff\u1f00-\u1fff]")),  # Greek
    ("he", re.compile("[\u0590-\u05ff]")),  # Hebrew
    ("th", re.compile("[\u0e00-\u0e7f]")),  # Thai
    ("bn", re.compile("[\u0980-\u09ff]")),  # Bengali
    ("pa", re.compile("[\u0a00-\u0a7f]")),  # Gurmukhi
    ("gu", re.compile("[\u0a80-\u0aff]")),  # Gujarati
    ("ta", re.compile("[\u0b80-\u0bff]")),  # Tamil
    ("te", re.compile("[\u0c00-\u0c7f]")),  # Telugu
    ("kn", re.compile("[\u0c80-\u0cff]")),  # Kannada
    ("ml", re.compile("[\u0d00-\u0d7f]")),  # Malayalam
)
KANA = re.compile("[\u3040-\u30ff]")
HAN = re.compile("[\u4e00-\u9fff]")
# Japanese prose is a third or more kana; Chinese has none.
JAPANESE_MIN_KANA_SHARE = 0.2


# Log-odds are whole numbers in units of 1/4096, stored as float32 and summed as float64: sums of
# whole numbers below 2**53 are exact in any order, so every machine and BLAS gets the same bits.
LOG_ODDS_SCALE = 4096
# An n-gram of up to three code points (< 2**21 each) packed into one int64.
CODE_POINT_BITS = 21
SPACE = ord(" ")


@dataclass(frozen=True, slots=True)
class NgramEvidence:
    """langdetect's profiles as arrays: n-gram codes (sorted, one table per length) -> a row of
    log(1 + p / smoothing) per language, in LOG_ODDS_SCALE units (0 where a language never uses the
    n-gram: the constant terms of naive Bayes cancel out)."""

    languages: tuple[str, ...]  # sorted, so ties break the same way everywhere
    codes: tuple[np.ndarray, np.ndarray, np.ndarray]  # unigram, bigram, trigram codes, sorted
    rows: tuple[np.ndarray, np.ndarray, np.ndarray]  # the log_odds row of each code
    log_odds: np.ndarray  # float32 whole numbers, one row per n-gram, one column per language
    probabilities: np.ndarray  # langdetect's own float64 p(n-gram | language), its language order
    normalization: np.ndarray  # code point -> langdetect's NGram.normalize of it (the BMP; others kept)
    uppercase: np.ndarray  # bool per code point: str.isupper, for langdetect's capital-word rule


def ngram_codes(ngrams: list[str], length: int) -> np.ndarray:
    """The packed codes of n-grams that all have this length (see CODE_POINT_BITS)."""
    points = np.frombuffer("".join(ngrams).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points.astype(np.int64).reshape(len(ngrams), length)
    codes = np.zeros(len(ngrams), dtype=np.int64)
    for column in range(length):
        codes = (codes << CODE_POINT_BITS) | points[:, column]
    return codes


def build_evidence(factory: DetectorFactory) -> NgramEvidence:
    """From a DetectorFactory with its profiles loaded; about 0.5 s, once per worker."""
    order = sorted(range(len(factory.langlist)), key=lambda index: factory.langlist[index])
    ngrams = sorted(factory.word_lang_prob_map)
    table = factory.word_lang_prob_map
    probabilities = np.fromiter(
        itertools.chain.from_iterable(map(table.__getitem__, ngrams)),
        dtype=np.float64,
        count=len(ngrams) * len(order),
    ).reshape(len(ngrams), len(order))
    log_odds = np.rint(np.log1p(probabilities[:, order] / SMOOTHING) * LOG_ODDS_SCALE).astype(np.float32)
    codes, rows = [], []
    lengths = np.fromiter(map(len, ngrams), dtype=np.int64, count=len(ngrams))
    for length in (1, 2, 3):
        of_length = np.flatnonzero(lengths == length)
        packed = ngram_codes([ngrams[row] for row in of_length], length)
        by_code = np.argsort(packed, kind="stable")
        codes.append(packed[by_code])
        rows.append(of_length[by_code])
    normalization = np.arange(0x110000, dtype=np.uint32)
    normalization[:0x10000] = [ord(NGram.normalize(chr(code_point))) for code_point in range(0x10000)]
    uppercase = np.array([chr(code_point).isupper() for code_point in range(0x110000)], dtype=bool)
    return NgramEvidence(
        languages=tuple(factory.langlist[index] for index in order),
        codes=tuple(codes),
        rows=tuple(rows),
        log_odds=log_odds,
        probabilities=probabilities,
        normalization=normalization,
        uppercase=uppercase,
    )


# How a decision was reached (LanguageDecision.method).
TOO_SHORT = "too_short"  # under min_chars: no language
SCRIPT = "script"
SHORT_SAMPLE = "short_sample"  # the n-grams of the short sample were clear enough
NGRAMS = "ngrams"  # the n-grams of the full sample
LANGDETECT = "langdetect"


@dataclass(frozen=True, slots=True)
class LanguageDecision:
    language: str | None
    score: float | None
    method: str  # TOO_SHORT, SCRIPT, SHORT_SAMPLE, NGRAMS or LANGDETECT


@dataclass(frozen=True, slots=True)
class CleanedText:
    text: str
    non_latin: int
    mostly_non_latin: bool


class LanguageDetector:
    """Built once per worker (CleanDocumentFn.setup); holds langdetect's profiles as arrays (its
    own dict of lists is let go). Same text, same answer, in every run and worker."""

    def __init__(self, settings: LanguageSettings):
        self._settings = settings
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        self._evidence = build_evidence(factory)
        self._langdetect_languages = tuple(factory.langlist)  # the order of its probability rows

    def detect(self, text: str) -> tuple[str | None, float | None]:
        """(language code, probability), or (None, None) when the text is too short to tell."""
        decision = self.decide(text)
        return decision.language, decision.score

    def decide(self, text: str) -> LanguageDecision:
        """The decision on a text, and how it was reached.

        Most pages are clear from a short sample; a page whose short sample leaves the answer open
        is read again in a longer one, and where even that is mixed, seeded langdetect's trials
        decide on the whole text.
        """
        settings = self._settings
        short_sample = language_sample(text, settings.short_sample_chars, settings.sample_windows)
        if len(short_sample) < settings.min_chars:
            return LanguageDecision(None, None, TOO_SHORT)
        if len(short_sample) == len(text[:LANGDETECT_MAX_CHARS]):  # the whole text: no longer sample
            sample = short_sample
        else:
            decision = self._decide_on_sample(short_sample, settings.short_sample_max_trial_disagreement, SHORT_SAMPLE)
            if decision is not None:
                return decision
            sample = language_sample(text, settings.sample_chars, settings.sample_windows)
        decision = self._decide_on_sample(sample, settings.max_trial_disagreement, NGRAMS, final=True)
        # Where langdetect's draws matter, its trials read all it would read, not a sample of it:
        # the answer is then seeded langdetect's own, and costs little more (its trials dominate).
        return decision or LanguageDecision(*self._langdetect(text), LANGDETECT)

    def _decide_on_sample(
        self, sample: str, max_trial_disagreement: float, method: str, final: bool = False
    ) -> LanguageDecision | None:
        """The decision a sample's script or n-grams give, or None while they leave it open (a
        sample without any profiled n-gram is open unless it is the final one)."""
        cleaned = langdetect_text(sample)
        if cleaned.mostly_non_latin:
            language = single_script_language(cleaned.text, cleaned.non_latin, self._settings.script_share)
            if language is not None:
                return LanguageDecision(language, 1.0, SCRIPT)
        scores = score_ngrams(cleaned.text, self._evidence)
        if scores is None:
            return LanguageDecision(None, None, method) if final else None
        if scores.trial_disagreement > max_trial_disagreement:
            return None
        # langdetect's probability is, in effect, the share of its trials that end on the
        # language: here the estimated share, so a clear text scores near 1 as it does there.
        return LanguageDecision(scores.best, round(1.0 - scores.trial_disagreement, 4), method)

    def _langdetect(self, text: str) -> tuple[str | None, float | None]:
        """Seeded langdetect's answer on the text, as Detector.get_probabilities gives it."""
        rows = profiled_ngrams(langdetect_text(text).text, self._evidence, in_text_order=True)
        if not len(rows):
            return None, None  # langdetect: "No features in text."
        averages = langdetect_probabilities(rows, self._evidence.probabilities, self._settings.seed)
        ranked = [
            Language(language, probability)
            for language, probability in zip(self._langdetect_languages, averages, strict=True)
            if probability > Detector.PROB_THRESHOLD
        ]
        if not ranked:
            return None, None
        ranked.sort(reverse=True)  # as langdetect ranks them: ties keep its language order
        return ranked[0].lang, round(ranked[0].prob, 4)


def code_points(text: str) -> np.ndarray:
    """The text's code points as uint32 (lone surrogates included, as Python counts them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def langdetect_text(sample: str) -> CleanedText:
    """The text langdetect reads: URLs and e-mail addresses out, Vietnamese normalized, at most its
    10,000 characters, Latin letters dropped from text written mostly in another script."""
    text = Detector.URL_RE.sub(" ", sample)
    text = Detector.MAIL_RE.sub(" ", text)
    if VIETNAMESE_MARK.search(text):
        text = NGram.normalize_vi(text)
    text = text[:LANGDETECT_MAX_CHARS]
    points = code_points(text)
    latin = int(np.count_nonzero((points >= LATIN_LETTER_POINTS[0]) & (points <= LATIN_LETTER_POINTS[1])))
    low, high = LATIN_EXTENDED_ADDITIONAL
    non_latin = int(np.count_nonzero((points >= NON_LATIN_FROM) & ((points < low) | (points > high))))
    if latin * 2 < non_latin:
        return CleanedText(LATIN_LETTER.sub("", text), non_latin, True)
    return CleanedText(text, non_latin, False)


def single_script_language(text: str, non_latin: int, min_share: float) -> str | None:
    """The language of a script only it uses, when that script holds min_share of the non-Latin text."""
    for language, script in SINGLE_LANGUAGE_SCRIPTS:
        if len(script.findall(text)) >= min_share * non_latin:
            return language
    kana = len(KANA.findall(text))
    if kana and kana + len(HAN.findall(text)) >= min_share * non_latin:
        if kana >= JAPANESE_MIN_KANA_SHARE * non_latin:
            return "ja"
    return None


@dataclass(frozen=True, slots=True)
class NgramScores:
    best: str
    trial_disagreement: float  # estimated chance that one langdetect trial ends on another language


def profiled_ngrams(text: str, evidence: NgramEvidence, in_text_order: bool = False) -> np.ndarray:
    """The evidence rows of the profiled n-grams langdetect extracts from text, one per occurrence;
    in_text_order: in its own order (by the character each ends on, then by length), which its
    random draws index into.

    langdetect reads the text character by character; at each one it takes the unigram, bigram and
    trigram ending there, within the current word (a space starts a word and ends it, so " ab" and
    "ab " count but "b c" does not), except after two capitals in a row (acronyms). Here the same
    positions are masks over the whole text at once.
    """
    points = evidence.normalization[code_points(" " + text)].astype(np.int64)
    previous, current = points[:-1], points[1:]
    kept = ~(evidence.uppercase[current] & evidence.uppercase[previous])
    after_space = previous == SPACE
    at_space = current == SPACE
    unigram = kept & ~at_space
    bigram = kept & ~(after_space & at_space)
    trigram = (kept & ~after_space)[1:]
    queries = (
        current[unigram],
        (previous[bigram] << CODE_POINT_BITS) | current[bigram],
        (points[:-2][trigram] << (2 * CODE_POINT_BITS))
        | (previous[1:][trigram] << CODE_POINT_BITS)
        | current[1:][trigram],
    )
    found = [
        _found_in_profiles(codes, queries_of_length)
        for codes, queries_of_length in zip(evidence.codes, queries, strict=True)
    ]
    rows = np.concatenate([rows[positions[mask]] for rows, (positions, mask) in zip(evidence.rows, found, strict=True)])
    if not in_text_order:
        return rows
    # The character each n-gram ends on (index in text), times 3, plus its length - 1.
    ends = (np.flatnonzero(unigram) * 3, np.flatnonzero(bigram) * 3 + 1, (np.flatnonzero(trigram) + 1) * 3 + 2)
    order = np.concatenate([end[mask] for end, (_, mask) in zip(ends, found, strict=True)])
    return rows[np.argsort(order, kind="stable")]


def _found_in_profiles(codes: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the position in codes of each query, whether it is there)."""
    positions = np.searchsorted(codes, queries)
    positions[positions == len(codes)] = 0
    return positions, codes[positions] == queries


def score_ngrams(text: str, evidence: NgramEvidence) -> NgramScores | None:
    """Naive Bayes over every profiled n-gram, with langdetect's smoothing; None without any."""
    occurrences = profiled_ngrams(text, evidence)
    if not len(occurrences):
        return None
    # Sorting the few thousand occurrences beats counting into a row per profiled n-gram (87,598).
    rows, counts = np.unique(occurrences, return_counts=True)
    counts = counts.astype(np.float64)
    log_odds = evidence.log_odds[rows].astype(np.float64)
    totals = counts @ log_odds
    best = int(np.argmax(totals))  # the first of equals: languages are sorted, ties break the same way
    # Each draw of a langdetect trial moves log(p_best / p_other) by the drawn n-gram's log-odds
    # difference: a random walk per other language, with this drift and variance per draw. A few
    # strong n-grams of another script can end a trial early, so every language is checked.
    drawn = len(occurrences)
    steps = (log_odds[:, best : best + 1] - log_odds) / LOG_ODDS_SCALE
    drifts = (totals[best] - totals) / drawn / LOG_ODDS_SCALE
    variances = (counts @ (steps * steps)) / drawn - drifts * drifts
    others = np.arange(len(totals)) != best
    disagreement = math.fsum(ruin_probabilities(drifts[others], variances[others]))
    return NgramScores(evidence.languages[best], min(disagreement, 1.0))


def ruin_probabilities(drifts: np.ndarray, variances: np.ndarray) -> np.ndarray:
    """Per walk, the chance that a random walk with this drift and variance per step reaches -a
    before +a, with a the log-odds at which a langdetect trial stops (Brownian approximation)."""
    exponents = np.full(len(drifts), np.inf)
    spread = (drifts > 0) & (variances > 0)
    exponents[spread] = 2 * drifts[spread] * CONVERGED_LOG_ODDS / variances[spread]
    probabilities = np.where(exponents > 700, 0.0, 1.0 / (1.0 + np.exp(np.minimum(exponents, 700))))
    return np.where(drifts <= 0, 0.5, probabilities)


def langdetect_probabilities(rows: np.ndarray, probabilities: np.ndarray, seed: int | None) -> list[float]:
    """What langdetect's Detector._detect_block leaves in langprob for these n-grams (evidence rows in
    langdetect's own order), bit for bit: the same seeded draws and the same floating-point
    operations in the same order, on whole rows at once instead of its per-language Python loops.

    Each of its trials starts from equal probabilities, draws an n-gram and multiplies every
    language's probability by alpha / BASE_FREQ + p(n-gram | language), normalizing (with Python's
    sum) after the first draw and every fifth one after, until one language passes 0.99999 or the
    iteration limit; the trials' results are averaged. (On Python 3.12 and later, langdetect's
    sum() rounds differently; this stays with 3.11's, so that every machine gets the same answer.)
    """
    generator = random.Random()
    generator.seed(seed)
    drawn_from = rows.tolist()
    languages = probabilities.shape[1]
    average = np.zeros(languages)
    for _ in range(LANGDETECT_TRIALS):
        probability = np.full(languages, 1.0 / languages)
        alpha = Detector.ALPHA_DEFAULT + generator.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        iteration, draws = 0, 1  # langdetect's i of the last draw; draws until the next normalization
        while True:
            factors = probabilities.take([generator.choice(drawn_from) for _ in range(draws)], axis=0)
            factors += weight
            for factor in factors:
                probability *= factor
            # Added one after the other, as Python 3.11's sum() in langdetect does (numpy's sum adds
            # pairwise, and 3.12's sum() compensates): the same bits on every Python.
            probability /= probability.cumsum()[-1]
            if probability.max() > Detector.CONV_THRESHOLD or iteration >= Detector.ITERATION_LIMIT:
                break
            iteration, draws = iteration + NORMALIZE_EVERY, NORMALIZE_EVERY
        average += probability / LANGDETECT_TRIALS
    return average.tolist()


def language_sample(text: str, limit: int, windows: int = 1) -> str:
    """At most limit characters of what langdetect reads (the first 10,000), as windows stretches
    spread evenly over it, each cut at word boundaries so no half word skews the n-grams.

    Spread stretches stand for the whole of a page that changes language part way, as langdetect's
    draws from all of it do, at the cost of a few of its n-grams.
    """
    span = text[:LANGDETECT_MAX_CHARS]
    if len(span) <= limit:
        return span
    width = limit // windows
    last_start = len(span) - width
    stretches = []
    for index in range(windows):
        start = last_start * index // max(windows - 1, 1)
        if start:
            space = span.find(" ", start, start + width // 2)
            start = space + 1 if space >= 0 else start
        end = start + width
        if end < len(text):  # not at the text's own end: cut before a half word
            cut = span.rfind(" ", start + width // 2, end)
            end = cut if cut >= 0 else end
        stretches.append(span[start:end])
    return " ".join(stretches)
