"""Each removal kind fires on real-looking boilerplate and leaves article paragraphs alone."""

from __future__ import annotations

import pytest

from article_cleaner.transforms.label.classify import classify_blocks, label_block, match_pattern_rule
from article_cleaner.transforms.records import BODY, CAPTION, REFERENCE, Block

from support import fails_instead_of_hanging

BOILERPLATE = [
    ("photo_credit", "Photo: Jane Doe/Reuters"),
    ("photo_credit", "Image credit: NASA/JPL-Caltech"),
    ("photo_credit", "(Chip Somodevilla/Getty Images)"),
    ("photo_credit", "AP Photo/Evan Vucci"),
    ("copyright", "Copyright 2023 NPR. To see more, visit https://www.npr.org."),
    ("copyright", "© 2024 The Daily Ledger. All rights reserved."),
    ("copyright", "This material may not be published, broadcast, rewritten or redistributed."),
    ("newsletter_prompt", "Want a digest of WHYY’s programs, events & stories? Sign up for our weekly newsletter."),
    ("newsletter_prompt", "Get the best of our coverage delivered straight to your inbox."),
    ("newsletter_prompt", "Subscribe to our daily newsletter"),
    ("donation_prompt", "Together we can reach 100% of WHYY’s fiscal year goal"),
    ("donation_prompt", "Support independent journalism. Donate today."),
    ("donation_prompt", "Become a member and help keep local news free for everyone."),
    ("comment_widget", "Click Here to Leave a Comment Below 0 comments"),
    ("comment_widget", "12 Comments"),
    ("comment_widget", "Join the conversation"),
    ("social_share", "Share on Facebook"),
    ("social_share", "Facebook Twitter Email Print"),
    ("social_share", "Share this article"),
    ("related_links", "Related Articles"),
    ("related_links", "Read more: Five things to know about the new budget"),
    ("related_links", "You may also like"),
    (
        "cookie_notice",
        "We use cookies to give you the best experience. By continuing to browse you agree to our cookie policy.",
    ),
    ("cookie_notice", "Accept all cookies"),
    ("advertisement", "Advertisement"),
    ("advertisement", "Story continues below advertisement"),
    ("navigation", "Skip to main content"),
    ("navigation", "Home > World > Europe"),
    ("navigation", "Privacy Policy | Terms of Use | Contact Us"),
    ("navigation", "Please enable JavaScript to view this content."),
    # The same kinds on pages in other languages.
    ("photo_credit", "Crédit photo : AFP"),
    ("photo_credit", "Фото: Сергей Иванов / ТАСС"),
    # Standalone credit lines: a gallery counter, a label in any language the credit labels cover, "by".
    ("photo_credit", "2/28 photos © Shutterstock"),
    ("photo_credit", "Quelle: dpa-AFX"),
    ("photo_credit", "Foto: Michael Kappeler/dpa"),
    ("photo_credit", "Fuente: EFE"),
    ("photo_credit", "Photographer: Kiyoshi Ota/Bloomberg"),
    ("photo_credit", "Credit... Doug Mills/The New York Times"),
    ("photo_credit", "Photo by Jane Doe on Unsplash"),
    ("photo_credit", "Foto di Mario Rossi"),
    ("photo_credit", "Image courtesy of NASA"),
    ("photo_credit", "Quelle dpa-AFX"),
    ("photo_credit", "(Foto: dpa)"),
    ("photo_credit", "Image 3 of 10 © Reuters"),
    ("photo_credit", "Photo credit Jane Doe"),
    ("photo_credit", "Foto de Juan Pérez"),
    ("donation_prompt", "Unterstützen Sie unabhängigen Journalismus – jetzt spenden!"),
    ("donation_prompt", "Soutenez le journalisme indépendant : faire un don"),
    ("copyright", "© 2024 Süddeutsche Zeitung GmbH. Alle Rechte vorbehalten."),
    ("copyright", "© Le Monde 2024 - Tous droits réservés"),
    ("copyright", "© 2024 Редакция. Все права защищены."),
    ("newsletter_prompt", "Abonnieren Sie unseren kostenlosen Newsletter und verpassen Sie keine Nachricht."),
    ("newsletter_prompt", "Inscrivez-vous à notre newsletter quotidienne"),
    ("newsletter_prompt", "Подпишитесь на рассылку, чтобы получать главные новости дня"),
    ("comment_widget", "12 Kommentare"),
    ("comment_widget", "Lascia un commento Annulla risposta"),
    ("comment_widget", "Комментарии (3)"),
    ("social_share", "Teilen Drucken E-Mail"),
    ("social_share", "Partager Facebook Twitter"),
    ("related_links", "Lesen Sie auch:"),
    ("related_links", "À lire aussi"),
    ("related_links", "Читайте также"),
    (
        "cookie_notice",
        "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Mit der Nutzung stimmen Sie der Datenschutzerklärung zu.",
    ),
    (
        "cookie_notice",
        "Utilizamos cookies propias y de terceros para mejorar nuestros servicios. Si continúa navegando, consideramos que acepta su uso.",
    ),
    ("advertisement", "Anzeige"),
    ("advertisement", "Publicidade"),
    ("navigation", "Startseite"),
    ("navigation", "Zurück nach oben"),
]

ARTICLE_PARAGRAPHS = [
    "The company said it would donate part of the proceeds to flood relief, a decision that drew praise from local officials.",
    "Researchers found that the cookies sold at the fair contained far more sugar than the labels claimed, according to the report.",
    "Lawmakers argued for hours over whether the newsletter the agency sent to residents had broken election rules.",
    "“We will keep sharing what we learn,” she said, adding that the data would be published next month.",
    "Home prices rose 4% in March, the third monthly gain in a row, as mortgage rates eased.",
    "Copyright law has struggled to keep up with generative models, several scholars told the committee on Tuesday.",
    "Die Anzeige gegen den Bürgermeister wurde am Montag von der Staatsanwaltschaft zurückgewiesen, teilte ein Sprecher mit.",
    "Les commentaires du ministre sur la réforme des retraites ont provoqué la colère des syndicats, qui appellent à la grève.",
    "La empresa dijo que compartir los datos con la agencia había sido un error, y pidió disculpas a sus clientes.",
    "Die Bürger spenden seit Jahren für das Tierheim, sagte die Leiterin bei der Eröffnung des neuen Gebäudes.",
    "Photos by the dozen were taken at the fair, and the organisers said they would publish them all next week.",
    "Bild der Woche: Der Hafen im Nebel, aufgenommen am frühen Morgen von einer Leserin aus Kiel.",
    "Photo de famille des dirigeants du G7 à Biarritz, la première depuis deux ans, avant le dîner officiel.",
    "Foto del día: el puerto de Valencia bajo la niebla, tomada por una lectora desde su balcón al amanecer.",
]


@pytest.mark.parametrize(("kind", "text"), BOILERPLATE)
def test_boilerplate_block_is_removed_with_its_kind(config, kind, text):
    labelled = label_block(Block(text=text), config)
    assert labelled.label == kind, (text, labelled.rule)
    assert labelled.rule.split(".")[0]


@pytest.mark.parametrize("text", ARTICLE_PARAGRAPHS)
def test_article_paragraph_mentioning_boilerplate_words_is_kept(config, text):
    assert match_pattern_rule(text, config) is None
    assert label_block(Block(text=text), config).label == BODY


def test_caption_with_credit_is_split_and_its_alt_text_repeat_dropped(config):
    blocks = (
        Block("Firefighters battle the blaze near Santa Clarita on Friday"),
        Block("Firefighters battle the blaze near Santa Clarita on Friday. (Mario Tama/Getty Images)"),
        Block("The fire has burned more than 10,000 acres and forced thousands of residents to evacuate their homes."),
    )
    labelled = classify_blocks(blocks, config)
    assert [item.label for item in labelled] == ["duplicate_caption", CAPTION, BODY]
    assert labelled[1].block.text == "Firefighters battle the blaze near Santa Clarita on Friday."
    assert labelled[1].block.credit == "Mario Tama/Getty Images"


def test_labelled_photo_credit_after_caption_sentence_is_split(config):
    labelled = label_block(
        Block("Protesters gather outside parliament in Tbilisi. Photo: Irakli Gedenidze/Reuters"), config
    )
    assert labelled.label == CAPTION
    assert labelled.block.text == "Protesters gather outside parliament in Tbilisi."
    assert labelled.block.credit == "Irakli Gedenidze/Reuters"


def test_parenthesis_without_credit_words_is_not_a_caption(config):
    text = "The law takes effect next year (pending a court ruling)"
    assert label_block(Block(text), config).label == BODY


def test_trailing_numbered_list_cited_inline_becomes_references(config):
    blocks = (
        Block("The ministers met on Thursday.[0] They spoke for ten minutes.[1]"),
        Block("0. “Ministers meet” Example News, 2 Mar. 2023,"),
        Block("1. “Brief talks in Delhi” Example Wire, 2 Mar. 2023,"),
        Block("Click Here to Leave a Comment Below 0 comments"),
    )
    labelled = classify_blocks(blocks, config)
    assert [item.label for item in labelled] == [BODY, REFERENCE, REFERENCE, "comment_widget"]
    assert [(item.reference_id, item.block.text) for item in labelled[1:3]] == [
        ("0", "“Ministers meet” Example News, 2 Mar. 2023,"),
        ("1", "“Brief talks in Delhi” Example Wire, 2 Mar. 2023,"),
    ]


def test_numbered_steps_at_the_end_of_an_article_stay_in_the_body(config):
    blocks = (
        Block("Here is how to repot a fern without killing it, according to the gardeners we asked."),
        Block("1. Water the plant a day before you move it."),
        Block("2. Loosen the roots gently with your fingers."),
    )
    assert [item.label for item in classify_blocks(blocks, config)] == [BODY, BODY, BODY]


def test_numbered_list_under_a_sources_heading_becomes_references(config):
    blocks = (
        Block("The survey covered 2,000 households in twelve provinces over two years."),
        Block("Sources"),
        Block("1. National Statistics Office, Household Survey 2022."),
    )
    labelled = classify_blocks(blocks, config)
    assert [item.label for item in labelled] == [BODY, "reference_heading", REFERENCE]


def test_short_note_without_an_article_span_keeps_its_text(config):
    blocks = (Block("Back soon: the office is closed until Monday."),)
    assert [item.label for item in classify_blocks(blocks, config)] == [BODY]


def test_menu_and_footer_around_an_article_are_removed_in_text_mode(config):
    article = [
        "The city council voted on Wednesday to build a new public library in Eastgate, ending a three-year debate over where the branch should go.",
        "The two-storey building will replace a converted shop that has served the neighbourhood since 1998, and construction is due to start next spring.",
        "Residents who spoke at the meeting said the old branch was too small for children's reading groups and had no space for evening classes.",
    ]
    blocks = tuple(
        Block(text)
        for text in [
            "News",
            "Sport",
            "Weather",
            "Opinion",
            *article,
            "Most read",
            "Five things to do this weekend",
            "Why the bus fares went up",
        ]
    )
    labelled = classify_blocks(blocks, config)
    assert [item.block.text for item in labelled if item.label == BODY] == article
    assert not [item for item in classify_blocks(blocks, config, locate_article=False)[:4] if item.label != BODY]


def test_readers_comments_under_a_leave_a_reply_heading_are_not_body_in_text_mode(config):
    article = [
        "The city council voted on Wednesday to build a new public library in Eastgate, ending a three-year debate over where the branch should go.",
        "The two-storey building will replace a converted shop that has served the neighbourhood since 1998, and construction is due to start next spring.",
        "Residents who spoke at the meeting said the old branch was too small for children's reading groups and had no space for evening classes.",
    ]
    comments = [
        "Finally some good news for Eastgate. My kids have been taking two buses to the central library every Saturday for years, and a branch within walking distance will change our weekends completely.",
        "I hope they keep the old reading room open until the new building is finished, because the evening classes there are the only ones in the area and many of us depend on them.",
        "Three years of debate for one library is a long time, but the site next to the park is the right choice and I am glad the council finally listened to the people who live here.",
        "Will there be parking? The street in front of the old shop is always full, and older readers like my mother cannot walk far from the bus stop with a bag full of books.",
    ]
    blocks = tuple(Block(text) for text in ["News", "Sport", "Weather", *article, "Leave a Reply", *comments])
    labelled = classify_blocks(blocks, config)
    assert [item.block.text for item in labelled if item.label == BODY] == article


def test_a_repeated_block_gets_the_same_labelled_record(config):
    menu = Block("Subscribe")
    blocks = (menu, Block("The council met on Tuesday to discuss the new budget for the coming year."), menu)
    labelled = classify_blocks(blocks, config, locate_article=False)
    assert labelled[0] == labelled[2] and labelled[0].label == "newsletter_prompt"


def test_a_standalone_credit_line_of_a_german_page_is_removed_as_photo_credit_not_kept_as_body(config, detector):
    from article_cleaner.transforms.clean_document import clean_document
    from article_cleaner.transforms.records import Article, InputDocument

    html = (
        "<html><body><article><h1>Dax schließt im Plus</h1>"
        "<p>Der deutsche Aktienmarkt hat am Montag fester geschlossen, gestützt von Gewinnen der Autowerte.</p>"
        "<p>Quelle: dpa-AFX</p>"
        "<p>Händler verwiesen auf die Hoffnung auf sinkende Zinsen im Euroraum und auf gute Zahlen aus China.</p>"
        "</article></body></html>"
    )
    article = clean_document(InputDocument(source="dax.html", html=html), config, detector)
    assert isinstance(article, Article)
    assert "Quelle" not in article.body
    assert [(item.kind, item.rule) for item in article.removed if item.text == "Quelle: dpa-AFX"] == [
        ("photo_credit", "photo_credit.credit_label")
    ]


@pytest.mark.parametrize("row", ["x " * 59 + "!", "share , " * 14 + "!", "teilen " * 17 + "!", "x" * 119 + "!"])
def test_a_share_row_failing_at_its_last_character_is_judged_without_backtracking(config, row):
    with fails_instead_of_hanging(5):  # two adjacent \s* made the 120-character row cost 2^59 steps
        assert match_pattern_rule(row, config) is None
    assert match_pattern_rule(row[:-1].strip(" ,"), config).id in ("share.button_row", "share.button_row_translated")
