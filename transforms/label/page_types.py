"""What kind of page a document is (article, forum, product, ...): the evidence a page gives, weighed
by the rules of the config's `page_types:` section, into a type, a score and the rules that fired. Pure.

The taxonomy is WCXB's. Each rule adds its weight to one type when its signal holds; article starts
with a prior, and another type wins only when it outscores article by a margin: losing an article
costs more than keeping a listing, so when unsure the page is an article.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from article_cleaner.transforms.config.page_type_settings import (
    ARTICLE,
    MARKUP_SIGNALS,
    PAGE_TYPES,
    SET_SIGNALS,
    URL_SIGNALS,
    PageTypeRule,
    PageTypeSettings,
    PersonWords,
    TextShapeSettings,
    UrlShapeSettings,
)
from article_cleaner.transforms.records import BODY, LabelledBlock, ParsedPage

_RATE_SIGNALS = ("we_rate", "i_rate", "you_rate")


@dataclass(frozen=True, slots=True)
class PageTypeEvidence:
    """A rule that fired: the type it speaks for, its weight, and the value it saw."""

    rule: str
    type: str
    weight: float
    signal: str
    value: str


@dataclass(frozen=True, slots=True)
class PageTypeDecision:
    """A page's type, how clearly it won, and every rule that fired (for any type)."""

    type: str
    score: float  # in (0, 1): how clearly the type beat the runner-up (a logistic of the gap)
    evidence: tuple[PageTypeEvidence, ...]  # the rules that fired, in config order

    def detail(self) -> str:
        """'product 0.97: declared.product, markup.price_meta': the type, its score and its rules."""
        rules = ", ".join(item.rule for item in self.evidence if item.type == self.type) or "prior"
        return f"{self.type} {self.score:.2f}: {rules}"


def url_signals(url: str | None, shape: UrlShapeSettings) -> dict[str, object]:
    """What a URL's path says: its words, how many segments it has (0: a site's home page), the
    most words one segment is made of (a headline slug, '/2024/05/council-votes-to-extend-the-harbour-wall'
    -> 8) and whether it holds a year. Without a URL only the (empty) words are known."""
    try:
        path = urlsplit(url).path if url else None
    except ValueError:
        path = None
    if path is None:
        return dict.fromkeys(URL_SIGNALS) | {"url_words": frozenset()}
    segments = [segment for segment in path.split("/") if segment]
    return {
        "url_words": url_words(url, shape),
        "url_segments": len(segments),
        "url_slug_words": max((len(shape.slug_separators.split(segment)) for segment in segments), default=0),
        "url_year": int(shape.year_segment.search(path) is not None),
    }


def url_words(url: str | None, shape: UrlShapeSettings) -> frozenset[str]:
    """The lowercased words of a URL's path, and its host's subdomain: sites put their forum, docs or
    shop on one ('https://forum.example.org/t/123-my-thread' -> forum, t, my, thread)."""
    if not url:
        return frozenset()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return frozenset()
    path = unquote(parts.path).lower()  # /cat%C3%A9gorie/ is /catégorie/
    words = {word for word in shape.word_separators.split(path) if word and not word.isdigit()}
    labels = host.split(".")
    if len(labels) >= 3 and labels[0] != "www":  # example.org has none; www. is no word
        words.add(labels[0])
    return frozenset(words)


def page_signals(
    page: ParsedPage,
    labelled: tuple[LabelledBlock, ...],
    url: str | None,
    language: str | None,
    page_types: PageTypeSettings,
    link_rule: str,
) -> dict[str, object]:
    """Every signal of one page: its markup (HTML only), its URL and the shape of its kept text
    (some word rates in the language the text was detected in)."""
    settings = page_types.text_shape
    signals: dict[str, object] = dict.fromkeys(MARKUP_SIGNALS)
    markup = page.markup
    if markup is not None:
        counts = dict(markup.element_counts)
        signals.update(
            declared_types=markup.declared_types,
            meta_names=markup.meta_names,
            has_published_date=int(page.published is not None),
            has_author=int(page.author is not None),
            time_elements=counts.get("time", 0),
            article_elements=counts.get("article", 0),
            pre_elements=counts.get("pre", 0),
            code_elements=counts.get("code", 0),
            table_cells=counts.get("td", 0),
            h1_elements=counts.get("h1", 0),
            paragraphs_per_div=_paragraphs_per_div(counts.get("p", 0), counts.get("div", 0), settings),
            prose_concentration=markup.prose_concentration,
            repeated_item_prose_share=markup.repeated_item_prose_share,
            commerce_elements=markup.commerce_elements,
            removal_kinds=frozenset(removal.kind for removal in page.removals),
        )
    signals.update(url_signals(page.url or url, page_types.url_shape))
    signals.update(_text_shape(labelled, settings, settings.person_words.get(language)))
    # Prices anywhere on the page, the removed text too: a shelf's prices sit in its removed link blocks.
    removed_text = "\n".join(
        [item.block.text for item in labelled if item.label != BODY] + [removal.text for removal in page.removals]
    )
    signals["page_price_mentions"] = signals["price_mentions"] + _count_signs(removed_text, settings.currency_signs)
    signals["link_blocks_removed"] = sum(1 for removal in page.removals if removal.rule == link_rule)
    # The kept text's share of all the page's visible text: a product or a shop's shelf is a small
    # box of text in a large page.
    signals["content_share"] = round(signals["text_chars"] / page.chars_in, 3) if page.chars_in else 0.0
    return signals


def _paragraphs_per_div(paragraphs: int, divs: int, settings: TextShapeSettings) -> float | None:
    """<p> elements per <div>: posts, cards and widgets are divs, an article's text is in <p>s.
    Unknown (None) on a page of few divs, where a ratio says nothing (a plain page of <br>s)."""
    return round(paragraphs / divs, 3) if divs >= settings.min_divs_for_ratio else None


def _text_shape(
    labelled: tuple[LabelledBlock, ...], settings: TextShapeSettings, person_words: PersonWords | None
) -> dict[str, float | None]:
    """Shares of the kept text by role and by shape; all zero for a page without kept text."""
    kept = [item.block for item in labelled if item.label == BODY]
    total = sum(len(block.text) for block in kept)
    by_role: dict[str, int] = {}
    prose = prose_paragraphs = short = headings = linked_headings = 0
    links = 0.0
    for block in kept:
        length = len(block.text)
        by_role[block.role] = by_role.get(block.role, 0) + length
        links += length * block.link_density
        if block.role == "heading":
            headings += 1
            linked_headings += block.link_density >= settings.linked_heading_density
        if length < settings.short_block_chars:
            short += 1
        if (
            block.role in ("paragraph", "quote")
            and length >= settings.prose_min_chars
            and block.text.rstrip()[-1:] in settings.prose_endings
        ):
            prose += length
            prose_paragraphs += 1
    blocks = len(kept)
    text = "\n".join(block.text for block in kept)

    def share(chars: float) -> float:
        return round(chars / total, 3) if total else 0.0

    return {
        "text_chars": total,
        "blocks": blocks,
        "prose_share": share(prose),
        "prose_paragraphs": prose_paragraphs,
        "heading_share": round(headings / blocks, 3) if blocks else 0.0,
        "linked_heading_share": round(linked_headings / headings, 3) if headings else 0.0,
        "link_share": share(links),
        "code_share": share(by_role.get("preformatted", 0)),
        "list_share": share(by_role.get("list_item", 0)),
        "table_share": share(by_role.get("table_cell", 0)),
        "short_block_share": round(short / blocks, 3) if blocks else 0.0,
        "price_mentions": _count_signs(text, settings.currency_signs),
        **_word_rates(text[: settings.sample_chars], person_words),
    }


def _count_signs(text: str, signs: str) -> int:
    return sum(text.count(sign) for sign in signs)


def _word_rates(sample: str, words: PersonWords | None) -> dict[str, float | None]:
    """How often a sample of the kept text says "we", "I" and "you", per 1,000 words, in the words
    of the text's language; unknown (None) in a language the config gives no words for: a word
    means one thing in one language only (Italian "i" is "the", Spanish "me" a pronoun)."""
    if words is None:
        return dict.fromkeys(_RATE_SIGNALS)
    # In C throughout: the tokens by str.split, the forms present by a set intersection, and each
    # one's count by list.count. A regular expression, str.translate, a Counter or a Python loop
    # over the tokens costs several times more.
    tokens = sample.lower().split()
    rates = {}
    for name, forms in zip(_RATE_SIGNALS, (words.we, words.i, words.you), strict=True):
        found = sum(map(tokens.count, forms.intersection(tokens)))
        rates[name] = round(1000 * found / len(tokens), 1) if tokens else 0.0
    return rates


def is_kept(page_type: str, settings: PageTypeSettings, html_mode: bool) -> bool:
    """Whether a page of this type is written as an article record (text mode only labels, unless told)."""
    return page_type in settings.keep or not (html_mode or settings.filter_text_mode)


def decide_page_type(signals: Mapping[str, object], settings: PageTypeSettings, html_mode: bool) -> PageTypeDecision:
    """The page's type: the best-scoring other type when it beats article by the margin, else article."""
    scores = dict.fromkeys(PAGE_TYPES, 0.0)
    scores[ARTICLE] = settings.article_prior
    evidence = []
    for rule in settings.rules:
        value = signals.get(rule.signal)
        if rule.holds(value):
            scores[rule.type] += rule.weight
            evidence.append(PageTypeEvidence(rule.id, rule.type, rule.weight, rule.signal, _shown(value, rule)))
    margin = settings.min_margin if html_mode else settings.text_min_margin
    # Ties go to the type listed first in PAGE_TYPES: deterministic.
    best_other = max(PAGE_TYPES[1:], key=lambda name: scores[name])
    if scores[best_other] - scores[ARTICLE] >= margin:
        winner, gap = best_other, scores[best_other] - max(scores[name] for name in PAGE_TYPES if name != best_other)
    else:
        winner, gap = ARTICLE, scores[ARTICLE] + margin - scores[best_other]
    return PageTypeDecision(type=winner, score=round(1.0 / (1.0 + math.exp(-gap)), 3), evidence=tuple(evidence))


def _shown(value, rule: PageTypeRule) -> str:
    if rule.signal in SET_SIGNALS:
        return ",".join(sorted(rule.any_of & value))
    return str(value)


# --- config -----------------------------------------------------------------------------------
