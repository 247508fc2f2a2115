"""Fit the weights of the page-type rules on the even ids, and compare them with the config's on the odd ids.

    python benchmarks/fit_page_type_weights.py [--shared DIR] [--evidence FILE]
        [--objective types|kept-out|hinge] [--article-cost 10]

The rules stay as they are (their signals and thresholds); only their weights and article_prior are
fitted. Every page of the three shared sets goes through the pipeline's own steps up to its page type
(parse, label, body, language, page_signals), and each rule of the config's `page_types:` section is
asked whether it holds (PageTypeRule.holds): a page becomes a row of 0/1, one per rule. Replaying the
config's weights over these rows must give decide_page_type's type on every page (checked). A page
with no article text is rejected before its type is read: it counts as lost (an article) or kept out
(another page) whatever the weights. With --evidence FILE the rows are written there, or read from it
when it exists (the config's rules must not have changed since).

The fit keeps the decision's shape: a type's score is the sum of the weights of its rules that hold,
plus article_prior for article, and another type wins by leading article by min_margin. Each weight
keeps the sign the config gives it (a rule speaks for its type or against it, as its comment says),
and an article page costs --article-cost times another page (losing an article is worse than keeping
a listing). Objectives: `types`, a multinomial logistic regression on each page's own type (L2
penalty); `kept-out`, the same on article or not (any other type will do); `hinge`, a linear SVM on
the decision's margin (L1 penalty), a linear programme. The penalty is chosen by a two-fold split of
the even ids; the weights are rounded to halves, and article_prior is set to the least value (in
halves) with which the even ids lose no more articles than the config's weights lose there. Fitting
sees the even ids of the three sets only (an article set's id is a hash: its last hex digit's
parity); the odd ids are held out.

Printed: per half, articles written per set and others kept out per type, for the config's weights
and the fitted ones (and for the fitted ones with article_prior raised until all ids lose no more
articles than the config's weights: a diagnostic that peeks at the odd ids); a loose upper bound
on what any weights of these signs could keep out without losing an article page; and the fitted
weights beside the config's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from article_cleaner.transforms.clean_document import label_blocks, parse_document
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.config.page_type_settings import ARTICLE, PAGE_TYPES
from article_cleaner.transforms.label.assemble import body_paragraphs, body_text
from article_cleaner.transforms.label.language import LanguageDetector
from article_cleaner.transforms.label.page_types import decide_page_type, page_signals
from article_cleaner.transforms.records import InputDocument

REPO_ROOT = Path(__file__).resolve().parent.parent

ARTICLE_SETS = ("article-extraction", "wcxb-dev")
OTHER_SET = "wcxb-dev-other"
HALVES = ("even", "odd")
TYPES, KEPT_OUT, HINGE = "types", "kept-out", "hinge"  # the fit's objectives
ZERO, CONFIG = "zero", "config"  # what the penalty pulls the weights towards
HINGE_GAP = 0.5  # the hinge objective wants each decision this clear of min_margin
PENALTIES = (0.0, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # tried on the even ids
WEIGHT_STEP = 0.5  # fitted weights are rounded to this, as the config's hand weights are
PRIOR_SEARCH_STEPS = 20  # article_prior is searched upwards from this many steps below the fit's


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """One page: where it is from, its true type, and the rules that hold on it (None: rejected, no text)."""

    benchmark: str
    page_id: str
    true_type: str
    fired: tuple[str, ...] | None

    @property
    def half(self) -> str:
        return half_of(self.benchmark, self.page_id)


def half_of(benchmark: str, page_id: str) -> str:
    """'even' or 'odd': an article set's id is a hash (its last hex digit's parity), wcxb-dev-other's a number."""
    number = int(page_id) if benchmark == OTHER_SET else int(page_id[-1], 16)
    return HALVES[number % 2]


def pages_of(bench: Path):
    """(page id, true type, document) of every page of one benchmark set."""
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((bench / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        entry = truth.get(page_id, {})
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        document = InputDocument(f"{bench.name}/{page_id}", html=html, url=entry.get("url"))
        yield page_id, entry.get("page_type", ARTICLE), document


def signals_of(document: InputDocument, config, detector: LanguageDetector) -> dict[str, object] | None:
    """A page's page-type signals, by the pipeline's own steps (clean_document's up to the page type);
    None when the page has no article text."""
    page = parse_document(document, config)
    labelled = label_blocks(page, document, config)
    body = body_paragraphs(labelled, config)
    if not body:
        return None
    language = detector.detect(body_text(body))[0]
    return page_signals(page, labelled, document.url, language, config.page_types, config.html.blocks.link_block_rule)


def rules_fired(document: InputDocument, config, detector: LanguageDetector) -> tuple[str, ...] | None:
    """The ids of the rules that hold on a page (None: no article text). The config's decision over
    these rules must be the real decide_page_type's: checked on every page."""
    signals = signals_of(document, config, detector)
    if signals is None:
        return None
    return fired_rules(signals, config.page_types)


def fired_rules(signals: dict[str, object], settings) -> tuple[str, ...]:
    """The ids of the rules that hold on these signals, checked against decide_page_type."""
    fired = tuple(rule.id for rule in settings.rules if rule.holds(signals.get(rule.signal)))
    replayed = decide_by_weights(fired, {rule.id: rule.weight for rule in settings.rules}, settings)
    real = decide_page_type(signals, settings, html_mode=True).type
    if replayed != real:
        raise AssertionError(f"the rules replayed say {replayed}, the pipeline {real}: {signals}")
    return fired


def decide_by_weights(fired, weights: dict[str, float], settings, article_prior: float | None = None) -> str:
    """decide_page_type's decision (HTML mode) from the rules that hold and a set of weights."""
    types = {rule.id: rule.type for rule in settings.rules}
    scores = dict.fromkeys(PAGE_TYPES, 0.0)
    scores[ARTICLE] = settings.article_prior if article_prior is None else article_prior
    for rule_id in fired:
        scores[types[rule_id]] += weights[rule_id]
    best_other = max(PAGE_TYPES[1:], key=lambda name: scores[name])
    return best_other if scores[best_other] - scores[ARTICLE] >= settings.min_margin else ARTICLE


def collect_evidence(shared: Path, config, cache: Path | None) -> list[PageEvidence]:
    rule_ids = [rule.id for rule in config.page_types.rules]
    if cache is not None and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored["rules"] != rule_ids:
            raise SystemExit(f"{cache} was made with other rules: delete it to collect the evidence again")
        return [PageEvidence(*row[:3], None if row[3] is None else tuple(row[3])) for row in stored["pages"]]
    detector = LanguageDetector(config.language)
    evidence = []
    for name in (*ARTICLE_SETS, OTHER_SET):
        for page_id, true_type, document in pages_of(shared / "benchmarks" / name):
            evidence.append(PageEvidence(name, page_id, true_type, rules_fired(document, config, detector)))
    if cache is not None:
        rows = [[item.benchmark, item.page_id, item.true_type, item.fired] for item in evidence]
        cache.write_text(json.dumps({"rules": rule_ids, "pages": rows}), encoding="utf-8")
    return evidence


class RuleModel:
    """The decision as a linear model: rows of fired rules -> one score per type. The penalty pulls
    the weights towards anchor: zero, or the config's weights (a fit that only moves them where the
    evidence asks)."""

    def __init__(self, settings, anchor: str = ZERO):
        self.settings = settings
        self.rules = list(settings.rules)
        self.anchor = np.array([rule.weight if anchor == CONFIG else 0.0 for rule in self.rules])
        self.type_of_rule = np.zeros((len(self.rules), len(PAGE_TYPES)))
        for index, rule in enumerate(self.rules):
            self.type_of_rule[index, PAGE_TYPES.index(rule.type)] = 1.0

    def rows(self, pages: list[PageEvidence]) -> tuple[np.ndarray, np.ndarray]:
        index = {rule.id: position for position, rule in enumerate(self.rules)}
        features = np.zeros((len(pages), len(self.rules)))
        for row, page in enumerate(pages):
            features[row, [index[rule_id] for rule_id in page.fired]] = 1.0
        return features, np.array([PAGE_TYPES.index(page.true_type) for page in pages])

    def fit(
        self, pages: list[PageEvidence], penalty: float, article_cost: float, objective: str
    ) -> tuple[np.ndarray, float]:
        """Weights and article bias (article_prior - min_margin) minimising the cost-weighted log loss
        of the objective (see the module's doc) plus penalty * the squared distance of the weights
        from the anchor, each weight of its hand sign."""
        features, labels = self.rows(pages)
        cost = np.where(labels == 0, article_cost, 1.0)
        cost = cost / cost.sum()
        one_hot = np.eye(len(PAGE_TYPES))[labels]
        is_article = (labels == 0).astype(float)

        def loss(parameters):
            weights, bias = parameters[:-1], parameters[-1]
            scores = features @ (weights[:, None] * self.type_of_rule)
            scores[:, 0] += bias
            scores -= scores.max(axis=1, keepdims=True)
            probabilities = np.exp(scores)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            if objective == TYPES:
                target = one_hot
            else:  # any other type will do for another page: its target is the others' own shares
                others = probabilities * (1 - is_article)[:, None]
                others[:, 0] = 0.0
                target = np.where(
                    is_article[:, None] == 1, one_hot, others / np.clip(others.sum(1, keepdims=True), 1e-300, None)
                )
            log_likelihood = np.log(np.clip((probabilities * np.sign(target)).sum(axis=1), 1e-300, None))
            value = -(cost * log_likelihood).sum() + penalty * ((weights - self.anchor) ** 2).sum() / len(pages)
            residual = cost[:, None] * (probabilities - target)
            gradient_weights = ((features.T @ residual) * self.type_of_rule).sum(axis=1)
            gradient_weights += 2 * penalty * (weights - self.anchor) / len(pages)
            return value, np.append(gradient_weights, residual[:, 0].sum())

        bounds = [(0.0, None) if rule.weight >= 0 else (None, 0.0) for rule in self.rules] + [(None, None)]
        if objective == HINGE:
            return self._fit_hinge(features, labels, penalty, article_cost, bounds)
        start = np.array(
            [rule.weight for rule in self.rules] + [self.settings.article_prior - self.settings.min_margin]
        )
        from scipy.optimize import minimize  # the bench extra: evidence and replay need no scipy

        result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
        return result.x[:-1], float(result.x[-1])

    def _fit_hinge(self, features, labels, penalty, article_cost, bounds) -> tuple[np.ndarray, float]:
        """A linear SVM on the decision itself, solved as a linear programme: another page's own type
        should lead article by min_margin + HINGE_GAP, and on an article page every other type should
        trail min_margin by HINGE_GAP; each shortfall costs (article_cost for an article page), and
        each weight's distance from the anchor costs penalty (L1: the weight is the anchor plus an
        increase less a decrease, both at least zero, and their sum is the distance)."""
        rules, margin = len(self.rules), self.settings.min_margin
        article_rules = self.type_of_rule[:, 0]
        rows, limits, costs = [], [], []
        for features_row, label in zip(features, labels, strict=True):
            for page_type in range(1, len(PAGE_TYPES)) if label == 0 else (label,):
                lead = features_row * (self.type_of_rule[:, page_type] - article_rules)  # type minus article
                if label == 0:  # lead - prior <= margin - gap + shortfall
                    rows.append(np.append(lead, -1.0))
                    limits.append(margin - HINGE_GAP)
                    costs.append(article_cost)
                else:  # lead - prior >= margin + gap - shortfall
                    rows.append(np.append(-lead, 1.0))
                    limits.append(-(margin + HINGE_GAP))
                    costs.append(1.0)
        constraints = len(rows)
        # Variables: the weights, the prior, a shortfall per constraint, an increase and a decrease per weight.
        matrix = np.hstack([np.array(rows), -np.eye(constraints), np.zeros((constraints, 2 * rules))])
        distance = np.hstack([np.eye(rules), np.zeros((rules, 1 + constraints)), -np.eye(rules), np.eye(rules)])
        step = penalty / len(features)
        objective = np.concatenate([np.zeros(rules + 1), np.array(costs) / constraints, np.full(2 * rules, step)])
        from scipy.optimize import linprog

        result = linprog(
            objective,
            A_ub=matrix,
            b_ub=np.array(limits),
            A_eq=distance,
            b_eq=self.anchor,
            bounds=bounds + [(0.0, None)] * (constraints + 2 * rules),
            method="highs",
        )
        if not result.success:
            raise RuntimeError(f"the linear programme failed: {result.message}")
        return result.x[:rules], float(result.x[rules]) - margin


def outcomes(pages, weights: dict[str, float], settings, article_prior: float) -> list[str]:
    """Each page's outcome: its decided type, or `rejected` (no article text)."""
    return [
        "rejected" if page.fired is None else decide_by_weights(page.fired, weights, settings, article_prior)
        for page in pages
    ]


def articles_lost(pages, decided) -> int:
    return sum(
        1 for page, outcome in zip(pages, decided, strict=True) if page.true_type == ARTICLE and outcome != ARTICLE
    )


def others_kept_out(pages, decided) -> int:
    return sum(
        1 for page, outcome in zip(pages, decided, strict=True) if page.true_type != ARTICLE and outcome != ARTICLE
    )


def summary(pages, weights, settings, article_prior) -> str:
    """One line per half: articles written per set, others kept out overall and per type."""
    decided = outcomes(pages, weights, settings, article_prior)
    lines = []
    for half in HALVES:
        parts = []
        for name in ARTICLE_SETS:
            mine = [(p, o) for p, o in zip(pages, decided, strict=True) if p.benchmark == name and p.half == half]
            written = sum(1 for _, outcome in mine if outcome == ARTICLE)
            parts.append(f"{name} {written}/{len(mine)}")
        others = [(p, o) for p, o in zip(pages, decided, strict=True) if p.benchmark == OTHER_SET and p.half == half]
        out = sum(1 for _, outcome in others if outcome != ARTICLE)
        per_type = []
        for page_type in PAGE_TYPES[1:]:
            of_type = [outcome for page, outcome in others if page.true_type == page_type]
            per_type.append(f"{page_type} {_share(sum(o != ARTICLE for o in of_type), len(of_type), '.0%')}")
        parts.append(f"others kept out {_share(out, len(others), '.1%')} ({' '.join(per_type)})")
        lines.append(f"  {half:4} ids: articles written " + ", ".join(parts[:2]) + "; " + parts[2])
    return "\n".join(lines)


def _share(part: int, whole: int, style: str) -> str:
    return format(part / whole, style) if whole else "-"


def fitted_weights(
    model: RuleModel, pages, penalty, article_cost, objective, allowed_lost
) -> tuple[dict[str, float], float]:
    """Rounded fitted weights, and the least article_prior (in steps) losing at most allowed_lost
    articles of pages."""
    weights, bias = model.fit(pages, penalty, article_cost, objective)
    rounded = {rule.id: round(w / WEIGHT_STEP) * WEIGHT_STEP for rule, w in zip(model.rules, weights, strict=True)}
    settings = model.settings
    # The fit's own prior is the log-loss's choice; the decision's is the least that keeps the losses.
    prior = round((bias + settings.min_margin) / WEIGHT_STEP) * WEIGHT_STEP - PRIOR_SEARCH_STEPS * WEIGHT_STEP
    while articles_lost(pages, outcomes(pages, rounded, settings, prior)) > allowed_lost:
        prior += WEIGHT_STEP
    return rounded, prior


def choose_penalty(model: RuleModel, pages, article_cost: float, objective: str) -> float:
    """The penalty whose fit on one half of the even ids keeps out most others of the other half
    (and back), with article_prior held to the hand weights' article losses on the fitting half."""
    settings = model.settings
    hand = {rule.id: rule.weight for rule in settings.rules}
    # Two folds of the even ids by a bit of their id (read as hex: a hash, or four decimal digits).
    folds = [[p for p in pages if (int(p.page_id, 16) // 2) % 2 == fold] for fold in (0, 1)]
    best, best_score = PENALTIES[0], None
    for penalty in PENALTIES:
        kept_out = lost = 0
        for fit_fold, test_fold in ((0, 1), (1, 0)):
            train, test = folds[fit_fold], folds[test_fold]
            allowed = articles_lost(train, outcomes(train, hand, settings, settings.article_prior))
            weights, prior = fitted_weights(model, train, penalty, article_cost, objective, allowed)
            decided = outcomes(test, weights, settings, prior)
            kept_out += others_kept_out(test, decided)
            lost += articles_lost(test, decided)
        score = kept_out - article_cost * lost
        print(f"  penalty {penalty:<5}: two-fold on even ids: {kept_out} others kept out, {lost} articles lost")
        if best_score is None or score > best_score:
            best, best_score = penalty, score
    return best


def unseparable_bound(pages, settings) -> str:
    """The most other pages any weights of the config's signs could keep out without losing an article
    page: another page whose evidence is an article page's, or less (no more rules of another type,
    no fewer rules for article, no more against it), outscores article by no more than that article
    page does, whatever the weights. Such a page is kept out only with the article page it shadows."""
    bits = {rule.id: 1 << index for index, rule in enumerate(settings.rules)}

    def mask(rules) -> int:
        return sum(bits[rule.id] for rule in rules)

    for_article = mask(r for r in settings.rules if r.type == ARTICLE and r.weight >= 0)
    against_article = mask(r for r in settings.rules if r.type == ARTICLE and r.weight < 0)
    for_others = mask(r for r in settings.rules if r.type != ARTICLE)
    articles = {
        sum(bits[rule_id] for rule_id in p.fired) for p in pages if p.true_type == ARTICLE and p.fired is not None
    }

    def shadowed(fired: int) -> bool:
        return any(
            not (article & for_article & ~fired)
            and not (fired & against_article & ~article)
            and not (fired & for_others & ~article)
            for article in articles
        )

    lines = []
    for half in HALVES:
        others = [p for p in pages if p.benchmark == OTHER_SET and p.half == half]
        free = [p.fired is None or not shadowed(sum(bits[r] for r in p.fired)) for p in others]
        per_type = []
        for page_type in PAGE_TYPES[1:]:
            of_type = [kept for p, kept in zip(others, free, strict=True) if p.true_type == page_type]
            per_type.append(f"{page_type} {_share(sum(of_type), len(of_type), '.0%')}")
        lines.append(f"  {half:4} ids: at most {_share(sum(free), len(others), '.1%')} ({' '.join(per_type)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--evidence", type=Path, help="where the rules fired on each page are kept between runs")
    parser.add_argument("--article-cost", type=float, default=10.0, help="an article lost costs this many others")
    parser.add_argument(
        "--objective",
        choices=(TYPES, KEPT_OUT, HINGE),
        default=TYPES,
        help="types: each page's own type (multinomial); kept-out: article or not, any other type will do; "
        "hinge: a linear SVM on the decision's margin",
    )
    parser.add_argument(
        "--anchor",
        choices=(ZERO, CONFIG),
        default=ZERO,
        help="what the penalty pulls the weights towards: zero, or the config's weights",
    )
    args = parser.parse_args(argv)
    config = load_config()
    settings = config.page_types
    pages = collect_evidence(args.shared, config, args.evidence)
    typed = [page for page in pages if page.fired is not None]
    even = [page for page in typed if page.half == "even"]
    hand = {rule.id: rule.weight for rule in settings.rules}
    print(f"config's weights (article_prior {settings.article_prior}):")
    print(summary(pages, hand, settings, settings.article_prior))

    print("kept out at best by any weights of these signs, losing no article page of the 889:")
    print(unseparable_bound(pages, settings))
    model = RuleModel(settings, args.anchor)
    penalty = choose_penalty(model, even, args.article_cost, args.objective)
    allowed = articles_lost(even, outcomes(even, hand, settings, settings.article_prior))
    weights, prior = fitted_weights(model, even, penalty, args.article_cost, args.objective, allowed)
    print(
        f"fitted on the even ids ({args.objective}, anchor {args.anchor}, penalty {penalty}, "
        f"article_prior {prior}, at most {allowed} even articles lost):"
    )
    print(summary(pages, weights, settings, prior))
    # A diagnostic that peeks at the odd ids: the fit's weights with article_prior raised until all
    # pages lose no more articles than the config's weights do.
    hand_lost = articles_lost(pages, outcomes(pages, hand, settings, settings.article_prior))
    raised = prior
    while articles_lost(pages, outcomes(pages, weights, settings, raised)) > hand_lost:
        raised += WEIGHT_STEP
    print(f"the same with article_prior {raised}, losing at most the config's {hand_lost} articles of all ids:")
    print(summary(pages, weights, settings, raised))
    print("rule".ljust(40) + "config".rjust(8) + "fitted".rjust(8))
    for rule in settings.rules:
        print(rule.id.ljust(40) + f"{rule.weight:8.1f}{weights[rule.id]:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
