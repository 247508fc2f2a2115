"""The article record's text fields: one Unicode form, whatever form the page wrote."""

from __future__ import annotations

import unicodedata

from article_cleaner.transforms.clean_document import clean_document
from article_cleaner.transforms.label.assemble import collect_captions
from article_cleaner.transforms.records import Article, Caption, InputDocument, ParsedPage

# Decomposed: "e" + combining acute accent, as some CMSs and macOS copy-paste write it.
DECOMPOSED = unicodedata.normalize(
    "NFD", "Le café de la gare a rouvert après des années de travaux, et les habitués sont revenus."
)


def test_body_title_and_captions_written_decomposed_come_out_composed(config, detector):
    html = (
        f"<html><head><title>Café rouvert</title></head><body><article>"
        f"<h1>{unicodedata.normalize('NFD', 'Le café rouvre')}</h1>"
        f"<p>{DECOMPOSED}</p><p>{DECOMPOSED} Le propriétaire a remercié la mairie et les voisins.</p>"
        f"<figure><img src='a.jpg'><figcaption>{unicodedata.normalize('NFD', 'La façade rénovée du café')}"
        f"</figcaption></figure></article></body></html>"
    )
    article = clean_document(InputDocument(source="cafe.html", html=html), config, detector)
    assert isinstance(article, Article)
    assert unicodedata.normalize("NFC", DECOMPOSED) in article.body
    for text in [article.body, article.title, *(caption.text for caption in article.captions)]:
        assert unicodedata.is_normalized("NFC", text)
    assert article.captions and "façade rénovée" in article.captions[0].text


def test_captions_that_are_only_a_credit_are_each_kept_once(config):
    page = ParsedPage(
        blocks=(),
        captions=(
            Caption("", "Beckett Dubay/Reviewed"),
            Caption("", "Jonathan Chan/Reviewed"),
            Caption("", "Beckett Dubay/Reviewed"),
        ),
    )
    assert collect_captions(page, ()) == (Caption("", "Beckett Dubay/Reviewed"), Caption("", "Jonathan Chan/Reviewed"))


def test_a_document_without_article_text_is_rejected_saying_what_it_held(config, detector):
    from article_cleaner.transforms.records import Rejected

    cases = [
        (InputDocument("markup.html", html="<html><body><div></div></body></html>"), "no text was found in it"),
        (InputDocument("prompt.txt", text="Subscribe to our newsletter"), "its one block of text is not article text"),
        (
            InputDocument(
                "menu.html",
                html="<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
                "<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer></body></html>",
            ),
            "blocks of text is article text",
        ),
    ]
    for document, detail in cases:
        result = clean_document(document, config, detector)
        assert isinstance(result, Rejected) and result.reason == "no_article_text", document.source
        assert detail in result.detail, (document.source, result.detail)
