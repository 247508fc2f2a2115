"""Where every <figcaption> of the article benchmark pages ends up: in the captions, in the body, or nowhere.

    python benchmarks/captions.py [--bench NAME|DIR] [--limit N] [--examples N]

For every <figcaption> of at least 3 words on each page, the page goes through the pipeline's HTML path
(parse, classify, assemble) and the figcaption is found in the record: in `captions` (its words are a
caption's, or hold one), in `body` (its words run on in the body: the caption leaked into the article),
or nowhere (dropped with the figure, or outside the selected container). Of those in `captions`, the
ones whose caption carries a credit, and the ones that look credited (a credit word, ©, an agency after
a slash) but carry none. Targets (issue #12): >= 90% in captions, <= 1% in body. A figcaption found
nowhere is told apart by the removal whose text holds it: a sidebar's or a teaser list's figcaptions
go with it (rightly), the others were dropped; the shares are also given of all but the former.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from article_cleaner.transforms.clean_document import label_blocks, parse_document
from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.label.assemble import body_paragraphs, collect_captions, collect_removals
from article_cleaner.transforms.records import Caption, InputDocument, Removal

from benchmark_sets import chosen_sets, load_pages

REPO_ROOT = Path(__file__).resolve().parent.parent

MIN_WORDS = 3
MAX_LABEL_WORDS = 3  # "photo courtesy of", "image credit"
BODY_SHARE = 0.5  # a caption leaked into a body paragraph is at least this share of it
IN_CAPTIONS, IN_BODY, NOWHERE = "captions", "body", "nowhere"
DROPPED = "dropped"
# A removal record keeps this much of the text it removed: all of it, so that a figcaption can be found.
WHOLE_REMOVALS = 10**9
_WORD = re.compile(r"\w+")
# What makes a caption look credited, to a reader: measured here, never used to split (configs/ does that).
_CREDIT_LOOK = re.compile(
    r"©|\b(?:photo|photograph|image|picture|credit|courtesy|foto|bild|quelle|crédit|crédito|fotografia|"
    r"source|getty|reuters|afp|shutterstock|istock|alamy|unsplash|associated press)\b|/\s*(?:AP|AFP|EPA|dpa)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CaptionOutcome:
    text: str
    place: str  # IN_CAPTIONS, IN_BODY or NOWHERE
    reason: str  # for NOWHERE: the removal whose text holds it ('outside_main_content', a kind) or 'dropped'
    credit: str | None  # the credit of the caption it came out as
    looks_credited: bool


def words(text: str) -> str:
    """The text's words, lower-cased, run together: what two renderings of a caption share (whether
    an inline tag between two words parts them or not)."""
    return "".join(_WORD.findall(text.lower()))


def figcaption_texts(html: str) -> list[str]:
    """The visible text of every <figcaption> of at least MIN_WORDS words, in page order."""
    tree = LexborHTMLParser(html)
    texts = (" ".join(node.text(separator=" ").split()) for node in tree.css("figcaption"))
    return [text for text in texts if len(_WORD.findall(text)) >= MIN_WORDS]


def outcome(
    text: str, body_paragraphs: list[str], captions: tuple[Caption, ...], removals: tuple[Removal, ...]
) -> CaptionOutcome:
    """Where one figcaption went. Body first: a caption in the body is the leak to avoid. A body
    paragraph holds a leaked caption when the caption is most of it; a name or a phrase the article
    also uses in a longer paragraph is not the caption leaking."""
    key = words(text)
    looks_credited = bool(_CREDIT_LOOK.search(text))
    if key and any(key in paragraph and len(key) >= BODY_SHARE * len(paragraph) for paragraph in body_paragraphs):
        return CaptionOutcome(text, IN_BODY, "", None, looks_credited)
    for caption in captions:
        caption_key, credit_key = words(caption.text), words(caption.credit or "")
        # A figcaption that is only a credit comes out as its image's alt text with that credit.
        label_words = len(_WORD.findall(text)) - len(_WORD.findall(caption.credit or ""))
        only_credit = credit_key and credit_key in key and label_words <= MAX_LABEL_WORDS
        if (caption_key and (caption_key in key or key in caption_key + credit_key)) or only_credit:
            return CaptionOutcome(text, IN_CAPTIONS, "", caption.credit, looks_credited)
    holder = next((removal.kind for removal in removals if key in words(removal.text)), DROPPED)
    return CaptionOutcome(text, NOWHERE, holder, None, looks_credited)


def page_outcomes(html: str, config) -> list[CaptionOutcome]:
    texts = figcaption_texts(html)
    if not texts:
        return []
    document = InputDocument(source="benchmark", html=html)
    page = parse_document(document, config)
    labelled = label_blocks(page, document, config)
    paragraphs = [words(paragraph) for paragraph in body_paragraphs(labelled, config)]
    captions, removals = collect_captions(page, labelled), collect_removals(page, labelled)
    return [outcome(text, paragraphs, captions, removals) for text in texts]


def report(name: str, outcomes: list[tuple[str, CaptionOutcome]], examples: int) -> None:
    places = Counter(found.place for _, found in outcomes)
    total = len(outcomes) or 1
    shares = ", ".join(
        f"{place} {places[place]} ({places[place] / total:.1%})" for place in (IN_CAPTIONS, IN_BODY, NOWHERE)
    )
    captioned = [found for _, found in outcomes if found.place == IN_CAPTIONS]
    credited = sum(1 for found in captioned if found.credit)
    unsplit = [
        (page, found)
        for page, found in outcomes
        if found.place == IN_CAPTIONS and found.looks_credited and not found.credit
    ]
    print(f"{name}: {len(outcomes)} figcaptions of {MIN_WORDS}+ words: {shares}")
    reasons = Counter(found.reason for _, found in outcomes if found.place == NOWHERE)
    print(f"  nowhere: {', '.join(f'{reason} {count}' for reason, count in reasons.most_common())}")
    # Figcaptions of a sidebar or a teaser list go with it: the share that counts is of the others.
    in_article = len(outcomes) - sum(count for reason, count in reasons.items() if reason != DROPPED)
    print(
        f"  of the {in_article} not removed with a region of the page: "
        f"captions {places[IN_CAPTIONS] / (in_article or 1):.1%}, body {places[IN_BODY] / (in_article or 1):.1%}"
    )
    print(f"  in captions with a credit split: {credited}; looking credited but unsplit: {len(unsplit)}")
    for label, chosen in (
        ("in body", [(page, found) for page, found in outcomes if found.place == IN_BODY]),
        ("nowhere", [(page, found) for page, found in outcomes if found.place == NOWHERE]),
        ("unsplit credit", unsplit),
    ):
        for page, found in chosen[:examples]:
            print(f"    {label:<14} {page[:16]:<16} {found.reason[:12]:<12} {found.text[:100]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="one benchmark set: a folder, or a name under ../shared/benchmarks")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    parser.add_argument("--examples", type=int, default=5, help="figcaptions shown per outcome worth a look")
    args = parser.parse_args(argv)
    config = load_config()
    config = replace(config, html=replace(config.html, removal_text_chars=WHOLE_REMOVALS))
    everything = []
    for benchmark in chosen_sets(args.bench):
        outcomes = [
            (page_id, found)
            for page_id, html in load_pages(benchmark, args.limit).items()
            for found in page_outcomes(html, config)
        ]
        report(benchmark.name, outcomes, args.examples)
        everything += outcomes
    report("all sets", everything, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
