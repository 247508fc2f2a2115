"""What kind of page a document is: small real-looking pages of each type, the hard cases, the
config's validation and the filter in the pipeline."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from article_cleaner.transforms.clean_document import clean_document, label_blocks, page_type_of, parse_document
from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH, compile_config
from article_cleaner.transforms.config.page_type_settings import ARTICLE
from article_cleaner.transforms.extract.html import parse_html
from article_cleaner.transforms.label.page_types import decide_page_type, is_kept, url_signals, url_words
from article_cleaner.transforms.outcomes import UNWANTED_PAGE_TYPE
from article_cleaner.transforms.records import Article, Filtered, InputDocument

PROSE = (
    "The council voted on Tuesday to extend the harbour wall by two hundred metres, after a winter in which "
    "storms flooded the fish market three times and closed the ferry for eleven days. "
)


def _page(head: str, body: str) -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _json_ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _type_of(config, html: str, url: str | None = None, language: str | None = "en") -> str:
    document = InputDocument(source="page.html", html=html, url=url)
    page = parse_document(document, config)
    return page_type_of(page, label_blocks(page, document, config), document, language, config).type


def _article_paragraphs(count: int) -> str:
    return "".join(
        f"<p>{PROSE}Paragraph {index} adds what the mayor said, and why it matters.</p>" for index in range(count)
    )


NEWS_HEAD = (
    "<title>Harbour wall to grow - Port Ellis Times</title>"
    '<meta property="og:type" content="article">'
    '<meta property="article:published_time" content="2026-11-03T08:00:00Z">'
    + _json_ld({"@type": "NewsArticle", "headline": "Harbour wall to grow", "datePublished": "2026-11-03"})
)

PRODUCT_PAGE = _page(
    '<title>Trail Runner 2 - Shoes</title><meta property="og:type" content="product">'
    '<meta property="product:price:amount" content="89.00">'
    + _json_ld({"@type": "Product", "name": "Trail Runner 2", "offers": {"@type": "Offer", "price": "89.00"}}),
    '<nav><a href="/">Home</a> <a href="/shoes">Shoes</a></nav>'
    '<div class="product"><h1>Trail Runner 2</h1><span class="price">$89.00</span>'
    "<p>A light trail shoe with a grippy sole, a roomy toe box and a recycled mesh upper.</p>"
    "<ul><li>Weight: 280 g</li><li>Drop: 6 mm</li><li>Sole: rubber lugs, 4 mm</li></ul>"
    '<form action="/cart/add"><button>Add to cart</button></form></div>',
)


def test_a_page_declaring_a_product_and_its_price_is_a_product(config):
    assert _type_of(config, PRODUCT_PAGE, "https://shop.example.com/products/trail-runner-2") == "product"


def test_an_article_with_a_product_box_in_it_stays_an_article(config):
    box = (
        '<aside class="product-box"><h3>Our pick: Trail Runner 2</h3><span class="price">$89.00</span>'
        '<a class="button" href="https://shop.example.com/p/1">Buy now</a></aside>'
    )
    html = _page(
        NEWS_HEAD + _json_ld({"@type": "Product", "name": "Trail Runner 2", "offers": {"@type": "Offer"}}),
        f"<article><h1>Harbour wall to grow</h1>{_article_paragraphs(5)}{box}{_article_paragraphs(5)}</article>",
    )
    assert _type_of(config, html, "https://news.example.com/2026/11/03/harbour-wall") == ARTICLE


def test_a_forum_thread_of_dated_posts_is_a_forum(config):
    posts = "".join(
        f'<div class="message"><div class="user">member{index}</div><time datetime="2026-10-0{index}">Oct {index}</time>'
        f'<div class="body">I had the same problem with my boiler. I tried bleeding the radiators but it didn\'t help.</div>'
        "<div>Reply</div></div>"
        for index in range(1, 8)
    )
    html = _page(
        "<title>Boiler keeps losing pressure | Home Forum</title>"
        + _json_ld({"@type": "DiscussionForumPosting", "headline": "Boiler keeps losing pressure"}),
        f"<h1>Boiler keeps losing pressure</h1>{posts}",
    )
    assert _type_of(config, html, "https://forum.example.com/threads/boiler-keeps-losing-pressure.123/") == "forum"


def test_a_blog_post_with_many_comments_stays_an_article(config):
    # Comment sections declare each comment in microdata, as blog themes do: a Comment is not a forum.
    comments = "".join(
        f'<li class="comment" itemscope itemtype="https://schema.org/Comment"><span class="author">reader{index}</span>'
        f'<time datetime="2026-11-0{index}">Nov {index}</time>'
        f"<p>I love this, my grandmother made it the same way every Sunday.</p></li>"
        for index in range(1, 10)
    )
    html = _page(
        "<title>Sunday bread, my way</title>"
        '<meta property="article:published_time" content="2026-11-01">'
        + _json_ld({"@type": "BlogPosting", "headline": "Sunday bread, my way", "datePublished": "2026-11-01"}),
        f'<article><h1>Sunday bread, my way</h1>{_article_paragraphs(8)}</article><ol class="comments">{comments}</ol>',
    )
    assert _type_of(config, html, "https://bakes.example.com/2026/11/sunday-bread") == ARTICLE


def test_a_documentation_page_written_as_a_tutorial_is_documentation(config):
    steps = "".join(
        f"<h2>Step {index}</h2><p>Now call <code>client.fetch()</code> with the <code>timeout</code> option, "
        f"as <code>retries</code> defaults to <code>3</code>. You will see the response below.</p>"
        f"<pre><code>client = Client(timeout=5)\nclient.fetch('/items/{index}')</code></pre>"
        for index in range(1, 5)
    )
    html = _page(
        "<title>Tutorial: your first request - Acme SDK docs</title>",
        f'<nav class="sidebar"><a href="/docs/">Docs</a></nav><main><h1>Your first request</h1>{steps}</main>',
    )
    assert _type_of(config, html, "https://acme.dev/docs/tutorial/first-request") == "documentation"


def test_a_listing_of_long_teasers_is_a_listing(config):
    teasers = "".join(
        f'<article class="teaser"><h2><a href="/news/story-{index}">Story {index} about the harbour</a></h2>'
        f'<time datetime="2026-11-0{index}">Nov {index}</time>'
        f"<p>{PROSE}The teaser goes on about the vote, the cost and the ferry timetable.</p>"
        f'<a href="/news/story-{index}">Read more</a></article>'
        for index in range(1, 10)
    )
    html = _page("<title>News - Port Ellis Times</title>", f"<h1>Latest news</h1><main>{teasers}</main>")
    assert _type_of(config, html, "https://news.example.com/category/harbour/") == "listing"


def test_a_shelf_of_priced_products_is_kept_out_as_a_collection(config):
    cards = "".join(
        f'<li class="card"><a href="/products/shoe-{index}">Trail shoe {index}</a><span class="price">${60 + index}.00</span></li>'
        for index in range(1, 13)
    )
    html = _page(
        '<title>Trail shoes</title><meta property="og:type" content="product.group">'
        + _json_ld({"@type": "CollectionPage", "name": "Trail shoes"}),
        f"<h1>Trail shoes</h1><p>Shoes for running off road, from light racers to cushioned trainers.</p><ul>{cards}</ul>",
    )
    assert _type_of(config, html, "https://shop.example.com/collections/trail-shoes") == "collection"


def _service_sections(count: int) -> str:
    return "".join(
        f'<section class="block"><h2>Service {index}: moving your home office</h2>'
        f"<p>We pack, move and set up your desk, your screens and your files, so you can work again the next "
        f"morning. Our crews are insured and we give you one fixed price before we start.</p>"
        f'<a class="button" href="/quote">Get your free quote</a></section>'
        for index in range(1, count + 1)
    )


def test_a_service_landing_page_of_scattered_sections_speaking_to_you_is_a_service(config):
    html = _page(
        "<title>Office moving - Swift Movers</title>",
        f"<header><h1>Office moving that keeps you working</h1></header><main>{_service_sections(6)}</main>",
    )
    assert _type_of(config, html, "https://swiftmovers.example.com/services/office-moving") == "service"


def test_an_undated_article_whose_paragraphs_are_siblings_stays_an_article(config):
    # No declaration, no date, no author: the headline slug and one run of prose still speak for it,
    # even with a few sections of a landing page beside it.
    html = _page(
        "<title>Why the harbour wall grows</title>",
        f"<main><h1>Why the harbour wall grows</h1><div class='text'>{_article_paragraphs(8)}</div>"
        f"{_service_sections(2)}</main>",
    )
    assert _type_of(config, html, "https://portellis.example.org/why-the-harbour-wall-grows-again") == ARTICLE


def test_a_page_declaring_a_product_in_microdata_is_a_product(config):
    html = _page(
        "<title>Trail Runner 2</title>",
        '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Trail Runner 2</h1>'
        '<div itemprop="offers" itemscope itemtype="http://schema.org/Offer">'
        '<meta itemprop="priceCurrency" content="USD"><span itemprop="price">89.00</span></div>'
        "<p>A light trail shoe with a grippy sole, a roomy toe box and a recycled mesh upper.</p></div>",
    )
    page = parse_html(html, config.html)
    assert {"product", "offer"} <= page.markup.declared_types
    assert _type_of(config, html, "https://shop.example.com/trail-runner-2") == "product"


def test_shop_markup_counts_whole_class_words_only(config):
    html = _page(
        "",
        '<div class="cartoon-strip"><span id="priceless-moments">x</span><span class="price-tag">9.00</span></div>'
        '<div class="mini-cart">0 items</div>',
    )
    assert parse_html(html, config.html).markup.commerce_elements == 2


def test_prose_concentration_is_the_share_of_prose_in_the_element_holding_most(config):
    one_run = parse_html(_page("", f"<article>{_article_paragraphs(6)}</article>"), config.html)
    assert one_run.markup.prose_concentration == 1.0
    two_columns = _page("", f"<div>{_article_paragraphs(3)}</div><div>{_article_paragraphs(3)}</div>")
    assert parse_html(two_columns, config.html).markup.prose_concentration == pytest.approx(0.5, abs=0.01)
    cards = parse_html(_page("", _service_sections(6)), config.html)
    assert cards.markup.prose_concentration < 0.25
    assert parse_html(_page("", "<ul><li>Home</li></ul>"), config.html).markup.prose_concentration is None


TEASER = "The council voted to extend the harbour wall, after storms flooded the fish market three times."


def _teaser_cards(count: int) -> str:
    return "".join(
        f'<div class="card"><h3><a href="/harbour/story-{index}">Harbour story {index}</a></h3>'
        f'<time datetime="2026-11-0{index % 9 + 1}">Nov {index % 9 + 1}</time><p>{TEASER}</p></div>'
        for index in range(1, count + 1)
    )


def test_repeated_item_prose_share_is_the_prose_in_runs_of_linked_short_siblings(config):
    def share(body: str):
        return parse_html(_page("", body), config.html).markup.repeated_item_prose_share

    assert share(f"<main><h1>Harbour</h1>{_teaser_cards(10)}</main>") == 1.0
    # An article whose paragraphs are each wrapped in an element of one class: long, unlinked chunks.
    wrapped = "".join(f'<div class="paragraph">{paragraph}</div>' for paragraph in [_article_paragraphs(1)] * 10)
    assert share(f"<article>{wrapped}</article>") == 0.0
    # An article with a row of related teasers under it: most of the prose is still the article's.
    with_related = share(f"<article>{_article_paragraphs(10)}</article><section>{_teaser_cards(6)}</section>")
    assert 0.0 < with_related < 0.4
    # Too few siblings are no run: three teasers beside a story.
    assert share(f"<article>{_article_paragraphs(4)}</article>{_teaser_cards(3)}") == 0.0
    assert share("<ul><li>Home</li></ul>") is None


def test_a_listing_of_teasers_whose_url_and_markup_say_nothing_is_kept_out(config):
    # No declaration and a plain URL: only the teasers' shape tells the prose is not one article's.
    html = _page("<title>Harbour - Port Ellis Times</title>", f"<main><h1>Harbour</h1>{_teaser_cards(12)}</main>")
    assert _type_of(config, html, "https://news.example.com/harbour/") != ARTICLE


def test_url_signals_read_the_path_depth_a_headline_slug_and_a_year(config):
    shape = config.page_types.url_shape
    signals = url_signals("https://news.example.com/2026/11/03/council-votes-to-extend-the-harbour-wall?x=1", shape)
    assert (signals["url_segments"], signals["url_slug_words"], signals["url_year"]) == (4, 7, 1)
    shop = url_signals("https://shop.example.com/collections/trail-shoes/2026-sale", shape)
    assert (shop["url_segments"], shop["url_slug_words"], shop["url_year"]) == (3, 2, 0)
    home = url_signals("https://shop.example.com/", shape)
    assert (home["url_segments"], home["url_slug_words"]) == (0, 0)
    # Without a URL nothing is known of its shape: no rule on it fires, for or against a type.
    assert url_signals(None, shape) == {
        "url_words": frozenset(),
        "url_segments": None,
        "url_slug_words": None,
        "url_year": None,
    }


def test_a_news_article_is_an_article_and_a_text_without_evidence_is_too(config):
    html = _page(NEWS_HEAD, f"<article><h1>Harbour wall to grow</h1>{_article_paragraphs(6)}</article>")
    assert _type_of(config, html, "https://news.example.com/2026/11/03/harbour-wall") == ARTICLE
    text = "Harbour wall to grow\n\n" + "\n\n".join([PROSE] * 6)
    document = InputDocument(source="a.txt", text=text)
    page = parse_document(document, config)
    assert page_type_of(page, label_blocks(page, document, config), document, "en", config).type == ARTICLE


def test_another_type_wins_only_by_the_margin_and_ties_go_to_article(config):
    settings = config.page_types
    rule = next(rule for rule in settings.rules if rule.id == "forum.declared")
    just_below = {"declared_types": frozenset({"qapage"})}
    decision = decide_page_type(just_below, settings, html_mode=True)
    expected = "forum" if rule.weight - settings.article_prior >= settings.min_margin else ARTICLE
    assert decision.type == expected
    assert decide_page_type({}, settings, html_mode=True).type == ARTICLE
    assert [item.rule for item in decision.evidence] == ["forum.declared"]


def test_a_signal_unknown_in_text_mode_never_fires(config):
    decision = decide_page_type({"declared_types": None, "has_published_date": None}, config.page_types, True)
    assert decision.evidence == ()


def test_url_words_are_the_lowercased_words_of_the_path_and_the_subdomain_without_numbers(config):
    shape = config.page_types.url_shape
    assert url_words("https://x.org/Forum/threads/boiler-pressure.123/?page=2", shape) == {
        "forum",
        "threads",
        "boiler",
        "pressure",
    }
    assert url_words("https://docs.example.org/en/latest/", shape) == {"docs", "en", "latest"}
    assert url_words("https://www.example.co.uk/", shape) == url_words("https://example.org/", shape) == frozenset()
    assert url_words(None, shape) == frozenset()
    assert url_words("http://[bad", shape) == frozenset()
    assert url_words("https://boutique.example.fr/cat%C3%A9gorie/chaussures", shape) == {
        "boutique",
        "catégorie",
        "chaussures",
    }


def test_how_a_url_is_read_is_config(config):
    # A site writing its slugs with dots and its years as "y2026" is read by changing the YAML only.
    raw = _raw_config()
    raw["page_types"]["url_shape"].update(slug_separators=r"[-_+.]", year_segment=r"/y20\d\d(?:/|$)")
    shape = compile_config(raw).page_types.url_shape
    url = "https://blog.example.org/y2026/harbour.wall.grows.again"
    assert (url_signals(url, shape)["url_slug_words"], url_signals(url, shape)["url_year"]) == (4, 1)
    default = url_signals(url, config.page_types.url_shape)
    assert (default["url_slug_words"], default["url_year"]) == (1, 0)


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://example.de/kategorie/wanderschuhe", "listing.url_word"),
        ("https://example.fr/cat%C3%A9gorie/chaussures", "listing.url_word"),
        ("https://example.es/foro/tema-123", "forum.url_word"),
        ("https://example.it/notizie/la-diga-apre", "article.url_word"),
        ("https://example.pt/produtos/bota-de-caminhada", "product.url_word"),
        ("https://example.nl/diensten/advies", "service.url_word"),
    ],
)
def test_url_words_speak_in_the_languages_of_the_config(config, url, rule):
    shape = config.page_types.url_shape
    decision = decide_page_type(url_signals(url, shape), config.page_types, html_mode=True)
    assert rule in {item.rule for item in decision.evidence}
    english = url.replace(url.split("/")[3], "page")  # the same path without its telling word
    assert rule not in {
        item.rule for item in decide_page_type(url_signals(english, shape), config.page_types, True).evidence
    }


def _raw_config() -> dict:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda section: section["keep"].append("blog"), "page_types.keep[1]: unknown page type 'blog'"),
        (lambda section: section["rules"][0].update(signal="colour"), "page_types.rules[0].signal: unknown signal"),
        (lambda section: section["rules"][0].update(at_least=2), "page_types.rules[0]: the set signal"),
        (lambda section: section["rules"][1].update(type="blog"), "page_types.rules[1].type: unknown page type"),
        (lambda section: section.update(margin=1), "page_types.margin: unknown key"),
        (lambda section: section["rules"].append(dict(section["rules"][1])), "duplicate rule id"),
        (
            lambda section: section["text_shape"]["person_words"]["it"].pop("you"),
            "page_types.text_shape.person_words.it.you: required key is missing",
        ),
        (
            lambda section: section["text_shape"]["person_words"]["de"].update(they=["sie"]),
            "page_types.text_shape.person_words.de.they: unknown key",
        ),
        (
            lambda section: section["url_shape"].update(year_segment="/(19"),
            "page_types.url_shape.year_segment: invalid",
        ),
        (
            lambda section: section["url_shape"].pop("slug_separators"),
            "page_types.url_shape.slug_separators: required key is missing",
        ),
    ],
)
def test_a_bad_page_types_section_is_refused_with_its_key_path(edit, message):
    raw = _raw_config()
    edit(raw["page_types"])
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compile_config(raw)


def test_a_page_of_a_type_not_kept_is_filtered_with_its_type_and_score(config, detector):
    result = clean_document(InputDocument(source="p.html", html=PRODUCT_PAGE), config, detector)
    assert isinstance(result, Filtered)
    assert (result.reason, result.page_type) == (UNWANTED_PAGE_TYPE, "product")
    assert result.detail.startswith("product ") and "product.declared" in result.detail


def test_a_kept_type_is_written_with_its_type_in_the_record(detector):
    raw = _raw_config()
    raw["page_types"]["keep"] = ["article", "product"]
    config = compile_config(copy.deepcopy(raw))
    result = clean_document(InputDocument(source="p.html", html=PRODUCT_PAGE), config, detector)
    assert isinstance(result, Article)
    assert result.page_type == "product" and 0.5 < result.page_type_score <= 1
    assert "light trail shoe" in result.body
    assert result.to_json_dict()["page_type"] == "product"


def test_the_run_filters_other_pages_counts_every_type_and_stays_balanced(tmp_path):
    from article_cleaner.pipelines.clean_articles import run

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "product.html").write_text(PRODUCT_PAGE, encoding="utf-8")
    article = _page(NEWS_HEAD, f"<article><h1>Harbour wall to grow</h1>{_article_paragraphs(6)}</article>")
    (inputs / "article.html").write_text(article, encoding="utf-8")
    output = tmp_path / "out"
    assert run(["--input", str(inputs / "*.html"), "--output", str(output)]) == 0
    report = json.loads((output / "_report.json").read_text(encoding="utf-8"))
    assert report["balanced"] and report["written"] == 1
    assert report["filtered"] == {"page_type": 1}
    assert report["page_types"] == {"article": 1, "product": 1}
    filtered = [json.loads(line) for path in output.glob("filtered-*.jsonl") for line in path.open(encoding="utf-8")]
    assert [(record["source"], record["reason"]) for record in filtered] == [("product.html", "page_type")]
    written = [json.loads(line) for path in output.glob("articles-*.jsonl") for line in path.open(encoding="utf-8")]
    assert written[0]["page_type"] == "article"
    assert "| product | 1 |" in (output / "report.md").read_text(encoding="utf-8")


def test_paragraphs_per_div_speaks_only_on_a_page_of_many_divs(config):
    from article_cleaner.transforms.label.page_types import page_signals

    def ratio(html: str):
        document = InputDocument(source="p.html", html=html)
        page = parse_document(document, config)
        signals = page_signals(page, label_blocks(page, document, config), None, "en", config.page_types, "-")
        return signals["paragraphs_per_div"]

    assert ratio(_page("", "<font>A plain page<br>of lines<br>and no divs at all</font>")) is None
    divs = "".join(f"<div><div>post {index}</div></div>" for index in range(15))
    assert ratio(_page("", f"{divs}<p>{PROSE}</p>")) == round(1 / 30, 3)


def test_text_mode_labels_page_types_but_filters_none_unless_told(config):
    settings = config.page_types
    assert not is_kept("product", settings, html_mode=True)
    assert is_kept("product", settings, html_mode=False)  # the default: filter_text_mode is false
    assert is_kept(ARTICLE, settings, html_mode=True) and is_kept(ARTICLE, settings, html_mode=False)
    raw = _raw_config()
    raw["page_types"]["filter_text_mode"] = True
    assert not is_kept("product", compile_config(raw).page_types, html_mode=False)


ITALIAN_POST = (
    "<p>I negozi del centro hanno aperto i cancelli alle sette, e i primi clienti erano già in fila da ore "
    "davanti alle vetrine illuminate per le feste.</p>"
    "<p>Secondo i commercianti, i saldi di quest'anno sono i più attesi dal 2019: i prezzi dei giocattoli e "
    "dei libri scendono fino al quaranta per cento, e i parcheggi sono esauriti.</p>"
    "<p>Il sindaco ha detto che i vigili urbani resteranno in servizio fino a mezzanotte, mentre i treni "
    "regionali avranno corse in più per chi arriva dai paesi vicini.</p>"
    "<p>Tra i più soddisfatti ci sono i librai: i romanzi per ragazzi e i fumetti sono andati a ruba già "
    "nella prima ora, racconta la titolare di una libreria storica della piazza.</p>"
)


def test_the_word_rates_are_read_in_the_language_of_the_body(config, detector):
    """Italian "i" is "the": an Italian report is not a member speaking of himself."""
    document = InputDocument(source="saldi.html", html=_page("<title>Saldi in centro</title>", ITALIAN_POST))
    page = parse_document(document, config)
    labelled = label_blocks(page, document, config)
    body = "\n\n".join(item.block.text for item in labelled if item.label == "body")
    language = detector.detect(body)[0]
    assert language == "it"
    from article_cleaner.transforms.label.page_types import page_signals

    def rates(language):
        signals = page_signals(page, labelled, None, language, config.page_types, "-")
        return signals["we_rate"], signals["i_rate"], signals["you_rate"]

    assert rates("it") == (0.0, 0.0, 0.0)
    assert rates("en")[1] >= 15  # read as English, its "i"s look like a forum post's
    assert rates("sw") == (None, None, None)  # a language without words: the rates say nothing
    result = clean_document(document, config, detector)
    assert isinstance(result, Article) and result.page_type == ARTICLE


def test_an_english_forum_post_still_speaks_as_i(config):
    post = "<p>I tried this on my bike and I think the chain is fine, but my brakes squeal when I stop.</p>" * 3
    document = InputDocument(source="post.html", html=_page("", post))
    page = parse_document(document, config)
    from article_cleaner.transforms.label.page_types import page_signals

    signals = page_signals(page, label_blocks(page, document, config), None, "en", config.page_types, "-")
    assert signals["i_rate"] >= 100
