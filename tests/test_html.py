"""parse_html: main content, captions, removals and metadata of real-looking pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.extract.html import parse_html
from article_cleaner.transforms.label.captions import split_credit
from article_cleaner.transforms.records import Caption

from support import fails_instead_of_hanging

DATA = Path(__file__).parent / "data" / "html"


@pytest.fixture(scope="module")
def rules():
    return load_config().html


@pytest.fixture(scope="module")
def news_page(rules):
    return parse_html((DATA / "news_article.html").read_text(encoding="utf-8"), rules, url="https://given.example/x")


def test_news_article_body_is_the_article_paragraphs_in_order_without_the_headline(news_page):
    assert [(block.role, block.text) for block in news_page.blocks] == [
        (
            "paragraph",
            "The city council voted on Thursday to approve a network of protected bike lanes, ending a debate "
            "that has divided residents, shop owners and commuters for more than two years.",
        ),
        (
            "paragraph",
            "Supporters said the plan would make streets safer for children and older riders, while critics "
            "warned that removing parking spaces could hurt small businesses on the busiest corridors.",
        ),
        ("heading", "What changes next"),
        (
            "paragraph",
            "Construction will begin in the spring, starting with the downtown loop, and the first segments are "
            "expected to open before the summer holidays, according to the transport department.",
        ),
        ("list_item", "Main Street, from the station to the river, with a two-way protected lane."),
        ("list_item", "Harbor Road, between the market and the university campus."),
        ("quote", "We have waited a long time for this, and it will change how people move around the city."),
    ]


@pytest.mark.parametrize(
    ("kind", "rule", "text"),
    [
        ("cookie_notice", "cookie.class", "We use cookies to improve your experience. Accept all cookies?"),
        ("article_metadata", "meta.byline", "By Maria Lopez and Tom Reed"),
        ("social_share", "share.class", "Share on Facebook Share on X"),
        (
            "advertisement",
            "ad.class",
            "Advertisement Buy the best mattress in town, delivered tomorrow to your door, guaranteed.",
        ),
        ("newsletter_prompt", "newsletter.class", "Sign up for our morning newsletter and get the news in your inbox."),
        (
            "related_links",
            "related.class",
            "Related Council budget passes after long night Parking fees to rise in the spring",
        ),
        ("sidebar", "sidebar.element", "Most read Storm warning for the weekend"),
        (
            "footer",
            "footer.element",
            "© 2024 The Daily Ledger. All rights reserved. Contact us at desk@ledger.example.com.",
        ),
    ],
)
def test_each_boilerplate_element_is_removed_and_reported_with_its_kind_and_rule(news_page, kind, rule, text):
    assert (kind, rule, text) in [(removal.kind, removal.rule, removal.text) for removal in news_page.removals]
    assert all(text not in block.text for block in news_page.blocks)


def test_comment_section_is_reported_as_comment_widget(news_page):
    comments = [removal for removal in news_page.removals if removal.kind == "comment_widget"]
    assert [removal.rule for removal in comments] == ["comment.class"]
    assert comments[0].text.startswith("3 Comments Finally! I have been riding on Main Street")


@pytest.mark.parametrize(
    ("class_name", "kind", "rule"),
    [
        ("artikel-teilen", "social_share", "share.class"),
        ("kommentare-liste", "comment_widget", "comment.class"),
        ("bloc-commentaires", "comment_widget", "comment.class"),
        ("anzeige-rechts", "advertisement", "ad.class"),
        ("noticias-relacionadas", "related_links", "related.class"),
    ],
)
def test_class_words_of_other_languages_name_their_boxes(rules, class_name, kind, rule):
    prose = "Der Stadtrat hat am Donnerstag den Ausbau der Radwege beschlossen, nach einer langen Debatte im Rathaus."
    page = parse_html(
        f"<html><body><article><p>{prose}</p>"
        f'<div class="{class_name}"><a href="/x">Eins</a> <a href="/y">Zwei</a></div>'
        f"<p>{prose} Die Arbeiten beginnen im Frühjahr, sagte die Verwaltung.</p></article></body></html>",
        rules,
    )
    assert [(removal.kind, removal.rule, removal.text) for removal in page.removals] == [(kind, rule, "Eins Zwei")]
    assert all("Eins" not in block.text for block in page.blocks)


def test_navigation_inside_a_container_is_removed_as_navigation(rules):
    page = parse_html(
        "<html><body><article>"
        '<div class="breadcrumb"><a href="/">Home</a> › <a href="/news">News</a></div>'
        "<p>First paragraph of a story that is long enough to count as real prose, with commas, clauses.</p>"
        '<nav><a href="/prev">Previous story</a> <a href="/next">Next story</a></nav>'
        "<p>Second paragraph of the same story, again long enough to count, and written as plain prose.</p>"
        "</article></body></html>",
        rules,
    )
    assert [(removal.kind, removal.rule, removal.text) for removal in page.removals] == [
        ("navigation", "nav.breadcrumb", "Home › News"),
        ("navigation", "nav.element", "Previous story Next story"),
    ]
    assert len(page.blocks) == 2


def test_hidden_elements_are_removed_as_hidden(rules):
    page = parse_html(
        "<article><p>Visible paragraph of the article, long enough to be selected as prose content.</p>"
        '<div style="display: none">Hidden tracking text that no reader sees</div>'
        '<p aria-hidden="true">Screen-reader-hidden duplicate text of no interest</p></article>',
        rules,
    )
    assert [block.text for block in page.blocks] == [
        "Visible paragraph of the article, long enough to be selected as prose content."
    ]
    assert [(removal.kind, removal.rule) for removal in page.removals] == [
        ("hidden", "hidden.attribute"),
        ("hidden", "hidden.attribute"),
    ]


def test_figure_caption_is_split_from_its_credit_and_never_in_the_body(news_page):
    assert news_page.captions == (
        Caption(
            text="A cyclist rides along the new lane on Main Street on Thursday.",
            credit="Olivier Douliery/Pool/AFP via Getty Images",
        ),
    )
    assert all("cyclist" not in block.text for block in news_page.blocks)


def test_a_caption_repeated_as_alt_text_and_caption_element_is_kept_once(rules):
    page = parse_html(
        "<article><p>The article paragraph, long enough to be the selected content of this page.</p>"
        '<img src="a.jpg" alt="Firefighters work through the night near the harbour">'
        '<p class="image-caption">Firefighters work through the night near the harbour</p>'
        '<span class="photo-credit">Photo: Jane Doe/Reuters</span></article>',
        rules,
    )
    assert page.captions == (Caption("Firefighters work through the night near the harbour", "Jane Doe/Reuters"),)
    assert [block.text for block in page.blocks] == [
        "The article paragraph, long enough to be the selected content of this page."
    ]


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Protesters gather outside the court on Thursday. (Olivier Douliery/Pool/AFP via Getty Images)",
            ("Protesters gather outside the court on Thursday.", "Olivier Douliery/Pool/AFP via Getty Images"),
        ),
        ("Photo: Jane Doe/Reuters", ("", "Jane Doe/Reuters")),
        ("The harbour at dawn. Photograph: Sam Lee/EPA", ("The harbour at dawn.", "Sam Lee/EPA")),
        ("The president speaks in Berlin (AP)", ("The president speaks in Berlin", "AP")),
        ("A view of the old town (in summer)", ("A view of the old town (in summer)", None)),
        ("Swimmers at the lido (a public pool)", ("Swimmers at the lido (a public pool)", None)),  # agencies as written
        # Credit labels with or without a colon, after a separator, in the languages the pattern rules cover.
        ("Credit Kevin Frayer/Getty Images", ("", "Kevin Frayer/Getty Images")),
        (
            "President Trump at the Economic Club of New York last week. Credit... Anna Moneymaker/The New York Times",
            ("President Trump at the Economic Club of New York last week.", "Anna Moneymaker/The New York Times"),
        ),
        (
            "Tokyo's Ginza district at night. Photographer: Kiyoshi Ota/Bloomberg",
            ("Tokyo's Ginza district at night.", "Kiyoshi Ota/Bloomberg"),
        ),
        ("Kristi Noem at the White House | photo by Alex Wong", ("Kristi Noem at the White House", "Alex Wong")),
        ("Image courtesy of NASA", ("", "NASA")),
        (
            "Der Kanzler am Montag in Berlin. Foto: Michael Kappeler/dpa",
            ("Der Kanzler am Montag in Berlin.", "Michael Kappeler/dpa"),
        ),
        ("Demonstranten vor dem Reichstag. Bild: Keystone", ("Demonstranten vor dem Reichstag.", "Keystone")),
        ("Die Börse in Frankfurt (Quelle: dpa-AFX)", ("Die Börse in Frankfurt", "dpa-AFX")),
        (
            "Le président à l'Élysée. Crédit photo : Ludovic Marin/AFP",
            ("Le président à l'Élysée.", "Ludovic Marin/AFP"),
        ),
        ("El presidente en Madrid. Foto: EFE", ("El presidente en Madrid.", "EFE")),
        (
            "O presidente em Brasília. Foto por Ueslei Marcelino/Reuters",
            ("O presidente em Brasília.", "Ueslei Marcelino/Reuters"),
        ),
        ("Il premier a Palazzo Chigi (Foto di Mario Rossi/ANSA)", ("Il premier a Palazzo Chigi", "Mario Rossi/ANSA")),
        (
            "Capitol on July 25, 2019. J. Scott Applewhite / AP file",
            ("Capitol on July 25, 2019.", "J. Scott Applewhite / AP file"),
        ),
        ("The house on the hill (Image credit: Future plc)", ("The house on the hill", "Future plc")),
        ("Image 1: A simple AI workflow", ("Image 1: A simple AI workflow", None)),  # a numbered figure, no credit
        # A label without a colon: before an agency, or a name with a slash; "de" before a name.
        ("Le président à l'Élysée. Photo AFP", ("Le président à l'Élysée.", "AFP")),
        ("Die Börse in Frankfurt. Quelle dpa-AFX", ("Die Börse in Frankfurt.", "dpa-AFX")),
        ("Photographer Kiyoshi Ota/Bloomberg", ("", "Kiyoshi Ota/Bloomberg")),
        ("Der Kanzler in Berlin. Foto Michael Kappeler/dpa", ("Der Kanzler in Berlin.", "Michael Kappeler/dpa")),
        ("El presidente en Madrid. Foto de Juan Pérez", ("El presidente en Madrid.", "Juan Pérez")),
        ("Photo Booth at the county fair", ("Photo Booth at the county fair", None)),  # a label before a bare name
        ("Photo de famille des dirigeants du G7", ("Photo de famille des dirigeants du G7", None)),
        # An agency in square brackets; a name and a pipe before an agency, but not a description.
        (
            "US troops remain in Afghanistan, 18 years after the invasion [File: Reuters]",
            ("US troops remain in Afghanistan, 18 years after the invasion", "File: Reuters"),
        ),
        ("Studio Light and Shade | Getty Images", ("", "Studio Light and Shade | Getty Images")),
        (
            "A compost heap in autumn. Thomas Lehtinen | Getty Images",
            ("A compost heap in autumn.", "Thomas Lehtinen | Getty Images"),
        ),
        ("Protesters gather in Paris | Reuters", ("Protesters gather in Paris | Reuters", None)),
        ("The photo booth at the fair drew long lines", ("The photo booth at the fair drew long lines", None)),
    ],
)
def test_split_credit_separates_the_credit_from_the_caption(rules, caption, expected):
    assert split_credit(caption, rules.captions.credits) == expected


def test_metadata_comes_from_og_tags_json_ld_and_canonical_link(news_page):
    assert news_page.title == "City Council Approves New Bike Lanes"
    assert news_page.url == "https://ledger.example.com/news/bike-lanes"
    assert news_page.published == "2024-03-14T09:30:00+01:00"
    assert news_page.author == "Maria Lopez, Tom Reed"
    assert news_page.site_name == "The Daily Ledger"


def test_metadata_falls_back_to_title_element_time_element_and_given_url(rules):
    page = parse_html(
        "<html><head><title>Rain expected all week – Weather Desk</title></head><body>"
        '<article><time datetime="2023-11-02T07:15:00Z">2 Nov</time>'
        "<p>Forecasters expect rain every day this week, with the heaviest falls on Thursday.</p>"
        "</article></body></html>",
        rules,
        url="https://weather.example/rain",
    )
    assert page.title == "Rain expected all week"
    assert page.url == "https://weather.example/rain"
    assert page.published == "2023-11-02T07:15:00Z"
    assert page.author is None
    assert page.site_name is None


def test_json_ld_date_without_time_stays_a_date(rules):
    page = parse_html(
        '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Notes",'
        ' "datePublished": "2021-05-07", "author": "Ana Ruiz", "publisher": {"name": "Ana\'s Blog"}}</script>'
        "<p>Some notes about the garden, written in the spring, long enough to be selected.</p>",
        rules,
    )
    assert (page.title, page.published, page.author, page.site_name) == (
        "Notes",
        "2021-05-07",
        "Ana Ruiz",
        "Ana's Blog",
    )


def test_page_without_an_article_container_selects_the_prose_divs(rules):
    menu = "".join(f'<div class="item"><a href="/{n}">Section {n}</a></div>' for n in range(8))
    prose = "".join(
        f'<div class="para">Paragraph {n} of the story tells what happened, where, and why it matters to readers.</div>'
        for n in range(4)
    )
    page = parse_html(
        f'<html><body><div class="top">{menu}</div><div class="wrap"><div class="main">{prose}</div></div>'
        '<div class="bottom"><a href="/about">About</a> <a href="/contact">Contact</a></div></body></html>',
        rules,
    )
    assert [block.text for block in page.blocks] == [
        f"Paragraph {n} of the story tells what happened, where, and why it matters to readers." for n in range(4)
    ]
    assert ("outside_main_content", "content.not_selected") in {(r.kind, r.rule) for r in page.removals}


def test_br_separated_article_becomes_one_block_per_line(rules):
    page = parse_html(
        '<body><div class="links"><a href="/">Home</a></div><div class="post">'
        "First line of a plain old blog post, long enough to count as a paragraph.<br><br>"
        "Second line of the same post, also long enough to count as a paragraph.<br>"
        "</div></body>",
        rules,
    )
    assert [block.text for block in page.blocks] == [
        "First line of a plain old blog post, long enough to count as a paragraph.",
        "Second line of the same post, also long enough to count as a paragraph.",
    ]


def test_a_long_comment_thread_does_not_win_over_a_short_article(rules):
    comments = "".join(
        f'<li class="comment"><div class="comment-content"><p>Reader comment number {n}, long, opinionated, '
        "and full of commas, clauses, asides, and more words than the article itself has.</p></div></li>"
        for n in range(12)
    )
    page = parse_html(
        '<body><div class="entry-content"><p>The short article, with its single paragraph, is what we want.</p></div>'
        f'<ol class="comment-list">{comments}</ol></body>',
        rules,
    )
    assert [block.text for block in page.blocks] == ["The short article, with its single paragraph, is what we want."]


def test_link_density_is_the_share_of_characters_inside_links(rules):
    page = parse_html(
        "<article><p>Read the <a href='/report'>full report</a> published by the agency on Monday morning.</p></article>",
        rules,
    )
    (block,) = page.blocks
    assert block.link_density == round(len("full report") / len(block.text), 3)


def test_link_lists_inside_the_article_are_removed_as_related_links(rules):
    page = parse_html(
        "<article><p>Body paragraph of the article, long enough to be the content we select.</p>"
        "<ul><li><a href='/1'>Another story about the council</a></li></ul></article>",
        rules,
    )
    assert [block.text for block in page.blocks] == [
        "Body paragraph of the article, long enough to be the content we select."
    ]
    assert [(r.kind, r.rule, r.text) for r in page.removals] == [
        ("related_links", "block.link_density", "Another story about the council")
    ]


def test_counts_describe_the_input(news_page):
    assert news_page.blocks_in == 12
    assert news_page.chars_in > sum(len(block.text) for block in news_page.blocks)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html></html>",
        "<html><head><title>No body here</title></head></html>",
        "<frameset><frame src='a.html'></frameset>",
        "<!-- only a comment -->",
        "<p>unclosed <b>bold <div>garbage &&& <<<>>> </p></span></td>",
        "<<<<>>>>&#xdeadbeef;&bogus;</</</",
        "\x00\x01\x02<p>\ufffd\ufffd caf\u00e9 na\u00efve \u2028 \U0001f600</p>",
        "<p>lone surrogate \ud800 in the middle of a paragraph of the page</p>",
        "<table><tr><td>cell<td>cell<tr><td><p>para</table>" * 50,
        "<div>" * 2000 + "deeply nested text that still needs to come out as a block" + "</div>" * 2000,
    ],
)
def test_malformed_or_odd_input_never_raises(rules, html):
    page = parse_html(html, rules)
    assert all(block.text and block.text == " ".join(block.text.split()) for block in page.blocks)


def test_deeply_nested_text_is_still_extracted(rules):
    html = "<div>" * 2000 + "deeply nested text that still needs to come out as a block" + "</div>" * 2000
    assert [block.text for block in parse_html(html, rules).blocks] == [
        "deeply nested text that still needs to come out as a block"
    ]


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises_and_blocks_are_whitespace_collapsed(text):
    page = parse_html(text, load_config().html)
    assert all(block.text and block.text == " ".join(block.text.split()) for block in page.blocks)
    assert 0.0 <= min((block.link_density for block in page.blocks), default=0.0) <= 1.0


LEAD_FIGURE_PAGE = """<html><body><main><article>
<h1>Ferry service resumes</h1>
<figure class="lead"><img src="f.jpg" alt="The ferry leaves the harbour">
<figcaption>The first ferry leaves Port Wren on Monday. (Ana Ruiz/Reuters)</figcaption></figure>
<div class="article-text">
<p>The island ferry resumed service on Monday after a three-week suspension caused by engine repairs.</p>
<p>The operator said the timetable would return to normal by the weekend, with extra crossings in the evening.</p>
<p>Residents had relied on a smaller boat that could carry only foot passengers and a handful of bicycles.</p>
</div></article>
<aside class="related-stories"><figure><img src="t.jpg" alt="x"><figcaption>Harbour dredging begins</figcaption></figure>
<a href="/d">Harbour dredging begins next month</a></aside>
</main></body></html>"""


def test_lead_figure_beside_the_text_container_is_a_caption_but_a_sidebar_thumbnail_is_not(rules):
    page = parse_html(LEAD_FIGURE_PAGE, rules)
    assert [block.text[:20] for block in page.blocks] == [
        "The island ferry res",
        "The operator said th",
        "Residents had relied",
    ]
    assert page.captions == (Caption("The first ferry leaves Port Wren on Monday.", "Ana Ruiz/Reuters"),)
    assert not any("first ferry" in removal.text for removal in page.removals)
    assert any("Harbour dredging" in removal.text for removal in page.removals)


COUNCIL_OPENING = "<p>The council met on Monday to discuss the new budget for the coming financial year in detail.</p>"
COUNCIL_CLOSING = "<p>Members agreed to postpone the vote on library funding until the next session in March.</p>"


def council_article(*parts: str) -> str:
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def test_an_element_with_a_value_less_hidden_attribute_is_removed_as_hidden(rules):
    hidden = "<div hidden><p>Subscribe now and save 50 percent on your first year of unlimited access.</p></div>"
    page = parse_html(council_article(COUNCIL_OPENING, hidden, COUNCIL_CLOSING), rules)
    assert [block.text[:11] for block in page.blocks] == ["The council", "Members agr"]
    assert [(r.kind, r.rule) for r in page.removals if "Subscribe" in r.text] == [("hidden", "hidden.attribute")]


def test_a_configured_two_part_word_matches_across_a_hyphen(rules):
    # "upnext" is configured for related links; sites write it "up-next"
    up_next = (
        '<div class="up-next"><p>Harbour dredging begins next month, and the ferry timetable will change'
        " for six weeks.</p></div>"
    )
    page = parse_html(council_article(COUNCIL_OPENING, COUNCIL_CLOSING, up_next), rules)
    assert [block.text[:11] for block in page.blocks] == ["The council", "Members agr"]
    assert [(r.kind, r.rule) for r in page.removals if "dredging" in r.text] == [("related_links", "related.class")]


def test_a_script_rendered_page_takes_its_body_from_the_json_ld_article_body(rules):
    page = parse_html((DATA / "script_rendered_article.html").read_text(encoding="utf-8"), rules)
    texts = [block.text for block in page.blocks]
    assert len(texts) == 5 and all(block.role == "paragraph" for block in page.blocks)
    assert texts[0].startswith(
        "The city council voted 9 to 2 on Monday night to build protected cycle lanes along the full"
    )
    assert texts[-1].endswith("a regional transport grant awarded last autumn.")
    # The markup's stub is reported as replaced, not silently dropped.
    replaced = [removal for removal in page.removals if removal.rule == "content.declared_article_body"]
    assert [removal.kind for removal in replaced] == ["outside_main_content"] * len(replaced)
    assert any("Loading the rest of the story" in removal.text for removal in replaced)


def test_a_declared_teaser_does_not_replace_an_article_the_markup_holds(rules, news_page):
    markup_article = "".join(f"<p>{block.text}</p>" for block in news_page.blocks)
    teaser = "A short summary of the story, as some sites declare it in their structured data." * 7
    page = parse_html(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm",'
        f' "articleBody": "{teaser}"}}</script><article>{markup_article}</article>',
        rules,
    )
    assert [block.text for block in page.blocks] == [block.text for block in news_page.blocks]


@pytest.mark.parametrize("tag", ["p", "h2", "li", "dd", "td", "section"])
def test_html_inside_a_declared_body_is_read_as_paragraphs_of_text(rules, tag):
    paragraphs = [
        f"Paragraph {number} of a story whose body is written as HTML inside the JSON-LD string." for number in range(8)
    ]
    declared = "".join(f"<{tag}>{text} <b>Bold</b> words.</{tag}>" for text in paragraphs).replace('"', '\\"')
    page = parse_html(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Story",'
        f' "articleBody": "{declared}"}}</script><div id="root"></div>',
        rules,
    )
    assert [block.text for block in page.blocks] == [f"{text} Bold words." for text in paragraphs]


def test_a_table_in_a_wordpress_figure_is_article_text_and_its_figcaption_a_caption(rules):
    table = (
        '<figure class="wp-block-table"><table><thead><tr><th>Route</th><th>Crossings a day</th></tr></thead>'
        "<tbody><tr><td>Port Wren to Alder Bay</td><td>Six crossings, the first at 6:40</td></tr></tbody></table>"
        "<figcaption>Winter timetable of the island ferry, from 1 December</figcaption></figure>"
    )
    page = parse_html(council_article(COUNCIL_OPENING, table, COUNCIL_CLOSING), rules)
    texts = [block.text for block in page.blocks]
    assert "Port Wren to Alder Bay" in texts and "Six crossings, the first at 6:40" in texts
    assert page.captions == (Caption("Winter timetable of the island ferry, from 1 December"),)
    assert not any("Winter timetable" in text for text in texts)


def test_a_figcaption_outside_any_figure_is_a_caption_not_silently_skipped(rules):
    lone = (
        '<div class="lede-image"><img src="v.jpg" alt="">'
        '<figcaption class="css-1am3yn9">Volunteers clear the riverbank after the flood on Sunday. '
        "(Ana Ruiz/Reuters)</figcaption></div>"
    )
    page = parse_html(council_article(COUNCIL_OPENING, lone, COUNCIL_CLOSING), rules)
    assert page.captions == (Caption("Volunteers clear the riverbank after the flood on Sunday.", "Ana Ruiz/Reuters"),)
    assert [block.text[:11] for block in page.blocks] == ["The council", "Members agr"]


def test_every_image_of_a_gallery_figure_gets_its_own_caption(rules):
    gallery = (
        '<figure class="wp-block-gallery has-nested-images columns-2">'
        '<figure class="wp-block-image"><img src="a.jpg" alt="Shibuya Scramble">'
        '<figcaption class="wp-element-caption">Shibuya crossing at rush hour</figcaption></figure>'
        '<figure class="wp-block-image"><img src="b.jpg" alt="">'
        '<figcaption class="wp-element-caption">Atago Shrine in Tokyo</figcaption></figure></figure>'
    )
    page = parse_html(council_article(COUNCIL_OPENING, gallery, COUNCIL_CLOSING), rules)
    assert page.captions == (Caption("Shibuya crossing at rush hour"), Caption("Atago Shrine in Tokyo"))


def test_figcaptions_holding_only_a_credit_take_their_image_alt_text_and_each_is_kept(rules):
    figures = "".join(
        f'<figure class="wp-block-image"><img src="{name}.jpg" alt="{alt}">'
        f'<figcaption class="wp-element-caption">Photo: {name}/Reviewed</figcaption></figure>'
        for name, alt in (("Timothy Renzi", "A washer in a laundry room"), ("Beckett Dubay", ""), ("Jonathan Chan", ""))
    )
    page = parse_html(council_article(COUNCIL_OPENING, figures, COUNCIL_CLOSING), rules)
    assert page.captions == (
        Caption("A washer in a laundry room", "Timothy Renzi/Reviewed"),
        Caption("", "Beckett Dubay/Reviewed"),
        Caption("", "Jonathan Chan/Reviewed"),
    )


def test_a_figcaption_credit_in_another_language_is_split_into_the_caption_credit(rules):
    figure = (
        '<figure><img src="k.jpg" alt="Olaf Scholz"><figcaption>Der Kanzler am Montag im Bundestag in Berlin.'
        " Foto: Michael Kappeler/dpa</figcaption></figure>"
    )
    page = parse_html(council_article(COUNCIL_OPENING, figure, COUNCIL_CLOSING), rules)
    assert page.captions == (Caption("Der Kanzler am Montag im Bundestag in Berlin.", "Michael Kappeler/dpa"),)


DEEP_JSON_LD_PAGE = (
    "<html><head><title>Ferry returns</title>"
    '<script type="application/ld+json">' + "[" * 1000 + "]" * 1000 + "</script>"
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Not read", "author": '
    + "[" * 200
    + '"Deep"'
    + "]" * 200
    + "}</script></head><body><article><h1>Ferry returns</h1>"
    "<p>The island ferry returned to service on Tuesday after a month in dry dock for repairs to its hull.</p>"
    "<p>Passengers said the crossing was calm, and the crew handed out coffee to the first sailing.</p>"
    "</article></body></html>"
)


def test_json_ld_nested_a_thousand_deep_is_ignored_and_the_article_kept(rules):
    page = parse_html(DEEP_JSON_LD_PAGE, rules)
    assert page.title == "Ferry returns"  # from <title>, neither JSON-LD script being read
    assert page.author is None
    assert [block.text[:16] for block in page.blocks] == ["The island ferry", "Passengers said "]


@pytest.mark.parametrize("extra_levels, read", [(0, True), (1, False)])
def test_json_ld_is_read_up_to_its_nesting_limit_and_ignored_past_it(rules, extra_levels, read):
    from article_cleaner.transforms.extract.html import _MAX_JSON_LD_DEPTH

    # The article object is one level; the rest is a chain of lists inside its "about" field.
    chain = "[" * (_MAX_JSON_LD_DEPTH - 1 + extra_levels) + "]" * (_MAX_JSON_LD_DEPTH - 1 + extra_levels)
    script = '{"@type": "NewsArticle", "headline": "Ferry returns", "author": "Ana Ruiz", "about": ' + chain + "}"
    page = parse_html(f'<script type="application/ld+json">{script}</script><p>A paragraph of text.</p>', rules)
    assert (page.author == "Ana Ruiz") is read


def test_json_ld_with_brackets_inside_its_strings_is_read(rules):
    script = '{"@type": "NewsArticle", "headline": "Ferry [' + "[{" * 100 + '] returns", "author": "Ana Ruiz"}'
    page = parse_html(f'<script type="application/ld+json">{script}</script><p>A paragraph of text.</p>', rules)
    assert (page.title, page.author) == ("Ferry [" + "[{" * 100 + "] returns", "Ana Ruiz")


@pytest.mark.parametrize(
    "credit", ["(" + "a/" * 50_000, "(" + "via " * 25_000, "(" + "AP " * 33_000, "(" + "photo " * 16_000]
)
def test_a_long_unclosed_credit_is_split_in_linear_time(rules, credit):
    with fails_instead_of_hanging(5):  # each bracket tried every split of its text: minutes for 100 KB
        assert split_credit(credit, rules.captions.credits) == (credit, None)
    assert split_credit("Crowds at the gate (Jane Doe/AP)", rules.captions.credits) == (
        "Crowds at the gate",
        "Jane Doe/AP",
    )


HERO_ABOVE_THE_ARTICLE_PAGE = """<html><body><div class="story">
<section class="story-hero"><h1>Ferry service resumes</h1>
<div class="hero-media"><img src="f.jpg" alt="">
<figcaption class="hero-caption">The first ferry leaves Port Wren on Monday. Ana Ruiz / Reuters</figcaption></div>
</section>
<article class="story-body"><div class="story-text">
<p>The island ferry resumed service on Monday after a three-week suspension caused by engine repairs.</p>
<p>The operator said the timetable would return to normal by the weekend, with extra crossings in the evening.</p>
<p>Residents had relied on a smaller boat that could carry only foot passengers and a handful of bicycles.</p>
</div></article></div></body></html>"""


def test_a_lone_figcaption_of_the_lead_image_above_the_article_element_is_a_caption(rules):
    page = parse_html(HERO_ABOVE_THE_ARTICLE_PAGE, rules)
    assert page.captions == (Caption("The first ferry leaves Port Wren on Monday.", "Ana Ruiz / Reuters"),)
    assert [block.text[:11] for block in page.blocks] == ["The island ", "The operato", "Residents h"]
    assert not any("first ferry" in removal.text for removal in page.removals)


@pytest.mark.parametrize(
    "holder",
    [
        # a figure that opens a lightbox, wrapped in a button (dropped with its content otherwise)
        '<button class="zoom"><figure><img src="m.jpg" alt="">'
        "<figcaption>The mesh layer of the tamper protection, seen under a microscope</figcaption></figure></button>",
        # a figcaption inside a <picture>, as some templates write it
        '<picture><source srcset="m.webp"><img src="m.jpg" alt="">'
        '<figcaption class="imgFCap">The mesh layer of the tamper protection, seen under a microscope</figcaption>'
        "</picture>",
    ],
)
def test_a_figcaption_inside_an_element_skipped_with_its_content_is_still_a_caption(rules, holder):
    page = parse_html(council_article(COUNCIL_OPENING, holder, COUNCIL_CLOSING), rules)
    assert page.captions == (Caption("The mesh layer of the tamper protection, seen under a microscope"),)
    assert [block.text[:11] for block in page.blocks] == ["The council", "Members agr"]


CHAMBER_CAPTION = "<figcaption>Councillors in the chamber before the vote on Monday</figcaption>"


@pytest.mark.parametrize(
    ("box", "is_caption"),
    [
        (
            f'<div class="article-widget article-image"><figure><img src="c.jpg" alt="">{CHAMBER_CAPTION}</figure></div>',
            True,
        ),
        (f'<aside class="inline-figure"><figure><img src="c.jpg" alt="">{CHAMBER_CAPTION}</figure></aside>', True),
        # a gallery slide whose link opens the image itself
        (
            '<figure class="slide-popup-gallery"><a href="https://cdn.example/2024/11/chamber.image_.JPG?w=1200">'
            f'<img src="c.jpg" alt=""></a>{CHAMBER_CAPTION}</figure>',
            True,
        ),
        # a teaser: the figure links to another story
        (
            f'<aside class="more-stories"><a href="/news/chamber"><figure><img src="l.jpg" alt="">{CHAMBER_CAPTION}'
            "</figure></a></aside>",
            False,
        ),
        # a box holding more than its figure
        (
            f'<div class="sidebar-widget"><figure><img src="l.jpg" alt="">{CHAMBER_CAPTION}</figure>'
            "<p>Most read this week in the city section</p></div>",
            False,
        ),
    ],
)
def test_a_figure_in_a_box_a_removal_rule_names_is_a_caption_only_when_the_box_holds_nothing_else_and_links_nowhere(
    rules, box, is_caption
):
    page = parse_html(council_article(COUNCIL_OPENING, box, COUNCIL_CLOSING), rules)
    chamber = Caption("Councillors in the chamber before the vote on Monday")
    assert page.captions == ((chamber,) if is_caption else ())
    assert any("Councillors" in removal.text for removal in page.removals) is not is_caption
    assert [block.text[:11] for block in page.blocks] == ["The council", "Members agr"]
