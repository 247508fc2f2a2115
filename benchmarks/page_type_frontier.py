"""How many other pages can be kept out for how many article pages lost: the config's rules against a
learner that sees every signal they see.

    python benchmarks/page_type_frontier.py [--shared DIR] [--seed N] [--no-learner]

Every page of the three shared sets goes through the pipeline's own steps up to its page type (the
signals of page_signals and the rules of the config's `page_types:` section that hold on them, as
fit_page_type_weights.py collects them). A page with no article text is rejected before its type is
read: lost if it is an article, kept out if not, at every point below.

Printed:
1. The config's curve: the decision replayed with article_prior from 3.0 down to -2.0 (the other
   weights as configured; a lower prior gives the page to another type sooner): article pages lost
   (of the 889) and other pages kept out (of the 626, per half of wcxb-dev-other's ids and per type).
   Users choose their own point with `page_types.article_prior`.
2. With scikit-learn (the bench extra): a random forest that sees every numeric signal and whether
   each rule holds, trained on the pages of one half of the ids (an article set's id is a hash: its
   last hex digit's parity; wcxb-dev-other's a number) and scored on the other half, both ways. Its
   threshold is set on the training half alone (out-of-fold probabilities) to lose at most a share of
   the training articles; printed per share: held-out articles lost and others kept out. A flexible
   learner on the same evidence, honestly held out: where it keeps out fewer pages than the rules for
   as many articles lost, the evidence, not the weights, sets the limit.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.config.page_type_settings import ARTICLE, PAGE_TYPES, SET_SIGNALS
from article_cleaner.transforms.label.language import LanguageDetector

from fit_page_type_weights import (
    ARTICLE_SETS,
    HALVES,
    OTHER_SET,
    decide_by_weights,
    fired_rules,
    half_of,
    pages_of,
    signals_of,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
PRIORS = tuple(x / 2 for x in range(6, -5, -1))  # article_prior 3.0, 2.5, ... -2.0
LOSS_SHARES = (0.01, 0.02, 0.05, 0.10)  # the learner's threshold: at most this share of training articles lost
FOLDS = 5  # out-of-fold probabilities of the training half, for its threshold
UNKNOWN = -1.0  # a signal with no value (no markup, a ratio over too few elements)


@dataclass(frozen=True, slots=True)
class TypedPage:
    """One page: its set, id, true type, and its signals and the rules they fire (None: no article text)."""

    benchmark: str
    page_id: str
    true_type: str
    signals: dict[str, object] | None
    fired: tuple[str, ...] | None

    @property
    def half(self) -> str:
        return half_of(self.benchmark, self.page_id)

    @property
    def is_article(self) -> bool:
        return self.true_type == ARTICLE


def collect_pages(shared: Path, config) -> list[TypedPage]:
    detector = LanguageDetector(config.language)
    pages = []
    for name in (*ARTICLE_SETS, OTHER_SET):
        for page_id, true_type, document in pages_of(shared / "benchmarks" / name):
            signals = signals_of(document, config, detector)
            fired = None if signals is None else fired_rules(signals, config.page_types)
            pages.append(TypedPage(name, page_id, true_type, signals, fired))
    return pages


def kept_as_article_by_rules(pages: list[TypedPage], settings, article_prior: float) -> list[bool]:
    """Whether each page is written as an article by the config's rules with this article_prior."""
    weights = {rule.id: rule.weight for rule in settings.rules}
    return [
        page.fired is not None and decide_by_weights(page.fired, weights, settings, article_prior) == ARTICLE
        for page in pages
    ]


def curve_line(pages: list[TypedPage], written: list[bool]) -> str:
    """Article pages lost, and others kept out per half and per type, for one set of outcomes."""
    articles = [kept for page, kept in zip(pages, written, strict=True) if page.is_article]
    lost = len(articles) - sum(articles)
    parts = [f"articles lost {lost:3d} ({_share(lost, len(articles))})"]
    others = [(page, kept) for page, kept in zip(pages, written, strict=True) if not page.is_article]
    for half in HALVES:
        mine = [kept for page, kept in others if page.half == half]
        parts.append(f"kept out {half} {_share(len(mine) - sum(mine), len(mine))}")
    parts.append(f"all {_share(sum(not kept for _, kept in others), len(others))}")
    per_type = []
    for page_type in PAGE_TYPES[1:]:
        of_type = [kept for page, kept in others if page.true_type == page_type]
        per_type.append(f"{page_type} {_share(len(of_type) - sum(of_type), len(of_type), '.0%')}")
    return ", ".join(parts) + " (" + " ".join(per_type) + ")"


def _share(part: int, whole: int, style: str = ".1%") -> str:
    return format(part / whole, style) if whole else "-"


def feature_matrix(pages: list[TypedPage], settings) -> tuple[np.ndarray, list[str]]:
    """One row per page with article text: every numeric signal (UNKNOWN where it has no value) and
    0/1 for each rule (the set signals, declared types and URL words, reach the learner this way)."""
    typed = [page for page in pages if page.signals is not None]
    numeric = sorted(name for name in typed[0].signals if name not in SET_SIGNALS)
    rule_ids = [rule.id for rule in settings.rules]
    rows = []
    for page in typed:
        fired = set(page.fired)
        values = [UNKNOWN if page.signals[name] is None else float(page.signals[name]) for name in numeric]
        rows.append(values + [float(rule_id in fired) for rule_id in rule_ids])
    return np.array(rows), numeric + rule_ids


def threshold_losing_at_most(article_probabilities: np.ndarray, share: float) -> float:
    """The probability below which a page is kept out, such that at most `share` of these articles
    fall below it (ties stay above: a page exactly at the threshold is written)."""
    ordered = np.sort(article_probabilities)
    return float(ordered[int(share * len(ordered))])


def learner_lines(pages: list[TypedPage], settings, seed: int) -> list[str]:
    """The forest's held-out articles lost and others kept out, per share of training articles lost."""
    from sklearn.ensemble import RandomForestClassifier  # the bench extra; the curve above needs none
    from sklearn.model_selection import cross_val_predict

    features, _ = feature_matrix(pages, settings)
    typed = [page for page in pages if page.signals is not None]
    is_article = np.array([page.is_article for page in typed])
    halves = np.array([page.half for page in typed])
    rejected = [page for page in pages if page.signals is None]

    def forest():
        # Articles weigh ten others: losing an article is worse than keeping a listing.
        return RandomForestClassifier(
            n_estimators=500, min_samples_leaf=3, class_weight={True: 10, False: 1}, random_state=seed
        )

    lost = dict.fromkeys(LOSS_SHARES, 0)
    kept_out = dict.fromkeys(LOSS_SHARES, 0)
    for train_half, test_half in zip(HALVES, reversed(HALVES), strict=True):
        train, test = halves == train_half, halves == test_half
        out_of_fold = cross_val_predict(forest(), features[train], is_article[train], cv=FOLDS, method="predict_proba")
        probabilities = forest().fit(features[train], is_article[train]).predict_proba(features[test])[:, 1]
        for share in LOSS_SHARES:
            threshold = threshold_losing_at_most(out_of_fold[:, 1][is_article[train]], share)
            below = probabilities < threshold
            lost[share] += int((below & is_article[test]).sum())
            kept_out[share] += int((below & ~is_article[test]).sum())
    articles = int(is_article.sum()) + sum(page.is_article for page in rejected)
    others = int((~is_article).sum()) + sum(not page.is_article for page in rejected)
    lines = []
    for share in LOSS_SHARES:
        lost_all = lost[share] + sum(page.is_article for page in rejected)
        out_all = kept_out[share] + sum(not page.is_article for page in rejected)
        lines.append(
            f"  threshold for {share:.0%} of training articles lost: held-out articles lost {lost_all:3d} "
            f"({_share(lost_all, articles)}), others kept out {_share(out_all, others)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--seed", type=int, default=0, help="the forest's random seed")
    parser.add_argument("--no-learner", action="store_true", help="print the config's curve only")
    args = parser.parse_args(argv)
    config = load_config()
    settings = config.page_types
    pages = collect_pages(args.shared, config)
    print(f"the config's rules, article_prior varied (configured: {settings.article_prior}):")
    for prior in PRIORS:
        mark = "*" if prior == settings.article_prior else " "
        written = kept_as_article_by_rules(pages, settings, prior)
        print(f" {mark}article_prior {prior:4.1f}: {curve_line(pages, written)}")
    if not args.no_learner:
        print(f"a random forest on every signal and rule, trained on one half of the ids (seed {args.seed}):")
        print("\n".join(learner_lines(pages, settings, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
