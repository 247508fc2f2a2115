"""The explain view labels every block of a document with the rule that decided it."""

from __future__ import annotations

from article_cleaner.transforms.records import InputDocument
from article_cleaner.transforms.report.explain import (
    LANGUAGE_ROW,
    PAGE_TYPE_ROW,
    explain_document,
    format_explanation,
)

from support import require_shared


def test_explain_shows_every_block_of_the_npr_golden_article_with_label_and_rule(config, detector):
    path = require_shared("golden", "npr-blinken-lavrov.txt")
    text = path.read_text(encoding="utf-8")
    rows = [
        row
        for row in explain_document(InputDocument(source=path.name, text=text), config, detector)
        if row.label not in (PAGE_TYPE_ROW, LANGUAGE_ROW)
    ]
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    assert len(rows) == len(paragraphs)  # the title and every block, none lost
    assert [(row.label, row.rule) for row in rows if row.label not in ("kept",)] == [
        ("title", "text.first_paragraph"),
        ("duplicate_caption", "caption.repeated_text"),
        ("caption", "caption.parenthesized_credit"),
        ("copyright", "copyright.notice"),
        ("newsletter_prompt", "newsletter.sign_up"),
        ("donation_prompt", "donation.fundraising_goal"),
    ]
    assert sum(row.label == "kept" for row in rows) == 7
    assert "(credit: Olivier Douliery/Pool/AFP via Getty Images)" in rows[2].text


def test_formatted_explanation_fits_the_width_and_ends_with_counts(config, detector):
    document = InputDocument(
        source="a.txt", text="Headline\n\n" + "A long article sentence that keeps going. " * 20 + "\n\nAdvertisement"
    )
    output = format_explanation(explain_document(document, config, detector), width=100)
    lines = output.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[-1] == "advertisement 1, kept 1, title 1"


def test_explain_html_lists_dom_removals_and_captions(config, detector):
    html = """<html><head><title>Dam opens - Valley Times</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Dam opens</h1>
    <p>The new dam on the Kell river opened on Monday after six years of construction and delays.</p>
    <figure><img src="d.jpg" alt="The dam"><figcaption>The dam at dawn. Photo: Ana Ruiz/Valley Times</figcaption></figure>
    <p>Engineers said the reservoir would take two winters to fill completely, depending on rainfall.</p>
    </article></body></html>"""
    rows = explain_document(InputDocument(source="d.html", html=html), config, detector)
    labels = [row.label for row in rows]
    assert (rows[0].label, rows[0].rule) == (LANGUAGE_ROW, "language") and rows[0].text.startswith("en ")
    assert labels.count("kept") == 2
    assert "caption" in labels and "navigation" in labels


def test_explain_command_prints_the_blocks_of_one_jsonl_record(capsys):
    from article_cleaner.pipelines.clean_articles import explain

    from support import REPO_ROOT

    assert explain([str(REPO_ROOT / "examples" / "inputs" / "articles.jsonl"), "--record", "1", "--width", "120"]) == 0
    output = capsys.readouterr().out
    assert output.splitlines()[0] == "articles.jsonl:1"
    rows = [line.split()[:2] for line in output.splitlines()[3:-2] if not line.startswith(PAGE_TYPE_ROW)]
    assert rows == [
        ["language", "language"],
        ["title", "input.title"],
        ["kept", "body"],
        ["kept", "body"],
        ["donation_prompt", "donation.membership"],
        ["reference", "citations.reference_item"],
        ["reference", "citations.reference_item"],
    ]
    assert explain([str(REPO_ROOT / "examples" / "inputs" / "articles.jsonl"), "--record", "9"]) == 2


def test_explain_command_shows_a_page_whose_json_ld_nests_a_thousand_deep(tmp_path, capsys):
    from article_cleaner.pipelines.clean_articles import explain
    from tests.test_html import DEEP_JSON_LD_PAGE

    page = tmp_path / "deep-json-ld.html"
    page.write_text(DEEP_JSON_LD_PAGE, encoding="utf-8")
    assert explain([str(page), "--width", "120"]) == 0
    rows = [line.split()[:2] for line in capsys.readouterr().out.splitlines()[3:-2]]
    # The body's language, the page's type and the evidence that decided it come first, then the page.
    assert [row for row in rows if row[0] != "page_type"] == [
        ["language", "language"],
        ["title", "html.title"],
        ["kept", "body"],
        ["kept", "body"],
    ]


def test_explain_command_reports_the_reject_of_an_attribute_bomb_instead_of_parsing_it(tmp_path, capsys):
    from article_cleaner.pipelines.clean_articles import explain

    page = tmp_path / "bomb.html"
    page.write_text("<html><body><p " + " ".join(f"a{n}=x" for n in range(80_000)) + ">text</p></body></html>")
    assert explain([str(page)]) == 0
    assert capsys.readouterr().out == (
        "bomb.html: rejected (too_many_attributes): a <p> element with 80000 attributes, over the limit of 256\n"
    )


def test_explaining_a_document_past_its_time_budget_gives_its_reject(config, detector):
    from dataclasses import replace

    from article_cleaner.transforms.limits.watchdog import Watchdog
    from article_cleaner.transforms.report.explain import explain_within_limits

    no_time = replace(config, limits=replace(config.limits, time_budget_seconds=0.001))
    watchdog = Watchdog()
    explained = explain_within_limits(
        InputDocument(source="many.txt", text="Title\n\n" + "Harbour.\n\n" * 60_000), no_time, detector, watchdog
    )
    watchdog.stop()
    assert (explained.reason, explained.detail) == ("time_budget_exceeded", "stopped once over the 0.001 s budget")
