"""HTML main-content selection on page shapes that site builders produce: articles split over deep
sibling sections, article boxes named with boilerplate words, br-separated text in inline elements."""

from __future__ import annotations

import pytest

from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.extract.html import parse_html

ARTICLE = [
    "The regional water board approved a plan on Monday to replace the aging pipes under the old town, "
    "a project that engineers say has been postponed for more than a decade because of its cost.",
    "Residents have complained for years about brown water and low pressure, and the board's own survey "
    "found that one in five households had reported a leak, a burst pipe or a boil-water notice since 2019.",
    "The first phase will cover the streets around the market square, where the cast-iron mains were laid "
    "in the 1920s, and crews will work at night to keep the shops open during the day.",
    "Funding comes from a mix of federal grants, a low-interest state loan and a small increase in the "
    "monthly service charge, which the board said would average about three dollars per household.",
    "Opponents argued that the rate increase falls hardest on retirees and renters, and asked the board to "
    "exempt low-income households, a proposal that staff will study before the next budget meeting.",
    "Work on the second phase, which reaches the neighbourhoods north of the river, is expected to begin "
    "in two years if the first phase stays on schedule and within its budget, the chair said.",
]
SIDEBAR_PROSE = (
    "Our newsroom is supported by readers like you, and every contribution helps us keep local reporting "
    "free for everyone in the valley, from council meetings to high school sports."
)
TEASERS = [
    f"Teaser {n}: the county fair returns this weekend with rides, a livestock show and a pie contest, "
    f"and organisers expect record crowds if the weather holds through Sunday afternoon."
    for n in range(12)
]


@pytest.fixture(scope="module")
def rules():
    return load_config().html


def body_text(page) -> str:
    return "\n".join(block.text for block in page.blocks)


def nested(depth: int, inner: str, class_name: str = "col") -> str:
    return f'<div class="{class_name}-{depth}">' * depth + inner + "</div>" * depth


def test_an_article_split_over_sections_six_levels_below_their_common_ancestor_is_kept_whole(rules):
    sections = "".join(
        nested(5, f"<p>{paragraph}</p>", class_name=f"section-{index}") for index, paragraph in enumerate(ARTICLE)
    )
    html = (
        "<html><body><header><a href='/'>Home</a></header>"
        f'<div class="page-builder">{sections}</div>'
        f'<div class="sidebar"><p>{SIDEBAR_PROSE}</p></div>'
        "<footer><p>Valley Times, 12 Main Street</p></footer></body></html>"
    )
    page = parse_html(html, rules)
    text = body_text(page)
    for paragraph in ARTICLE:
        assert paragraph in text
    assert SIDEBAR_PROSE not in text


def test_a_boilerplate_word_naming_the_boxes_that_hold_most_of_the_prose_is_layout(rules):
    widgets = "".join(
        f'<div class="builder-element builder-widget builder-widget-text-editor">'
        f'<div class="builder-widget-container"><p>{paragraph}</p></div></div>'
        for paragraph in ARTICLE
    )
    html = (
        f'<html><body><div class="builder-section">{widgets}</div>'
        f'<div class="sidebar"><div class="widget"><p>{SIDEBAR_PROSE}</p></div></div></body></html>'
    )
    page = parse_html(html, rules)
    text = body_text(page)
    for paragraph in ARTICLE:
        assert paragraph in text
    assert SIDEBAR_PROSE not in text  # a box named "sidebar" is still boilerplate


def test_a_boilerplate_word_on_a_small_box_still_removes_it(rules):
    article = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE)
    html = (
        f'<html><body><article class="post"><div class="entry">{article}'
        f'<div class="widget"><p>{SIDEBAR_PROSE}</p></div></div></article></body></html>'
    )
    page = parse_html(html, rules)
    assert SIDEBAR_PROSE not in body_text(page)
    assert any(removal.rule == "sidebar.class" for removal in page.removals)


def test_teaser_boxes_holding_more_prose_than_a_short_article_stay_boilerplate(rules):
    teasers = "".join(f'<div class="teaser"><p>{teaser}</p></div>' for teaser in TEASERS)
    html = (
        f'<html><body><div class="story"><p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p></div>'
        f'<div class="more">{teasers}</div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    assert ARTICLE[0] in text and ARTICLE[1] in text
    assert not any(teaser in text for teaser in TEASERS)


def test_comments_holding_more_prose_than_the_article_stay_boilerplate(rules):
    comments = "".join(
        f'<div class="comment"><div class="comment-body"><p>{teaser.replace("Teaser", "Reader")}</p></div></div>'
        for teaser in TEASERS
    )
    html = (
        f'<html><body><div class="story"><p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p><p>{ARTICLE[2]}</p></div>'
        f'<div class="thread">{comments}</div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    assert ARTICLE[0] in text
    assert "Reader" not in text


def test_a_br_separated_article_inside_a_span_is_found(rules):
    article = "<br><br>".join(ARTICLE)
    links = "".join(f'<li class="item"><p>{teaser}</p></li>' for teaser in TEASERS[:4])
    html = (
        f'<html><body><div class="post"><span class="rich-text">{article}</span></div>'
        f'<ul class="list">{links}</ul></body></html>'
    )
    page = parse_html(html, rules)
    assert [block.text for block in page.blocks][: len(ARTICLE)] == ARTICLE
    assert not any(teaser in body_text(page) for teaser in TEASERS)


def test_an_article_split_into_sections_each_named_article_text_is_kept_whole(rules):
    # Each section of the article has its own "article text" box: the best box is one section, and the
    # page's other sections, three times its prose, are the rest of the same article.
    sections = "".join(
        f'<section class="heading-block"><h2>Part {index}</h2><div class="row"><div class="col">'
        f'<div class="article__text"><p>{paragraph}</p></div></div></div></section>'
        for index, paragraph in enumerate(ARTICLE)
    )
    html = (
        f'<html><body><div class="article__contents">{sections}</div>'
        f'<div class="sidebar"><p>{SIDEBAR_PROSE}</p></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    for paragraph in ARTICLE:
        assert paragraph in text
    assert SIDEBAR_PROSE not in text


def test_an_article_element_beside_a_box_of_longer_teaser_articles_stays_the_choice(rules):
    # Markup that says "this is one article" (the article tag) is never left for an ancestor, however
    # much prose the other articles beside it hold.
    teasers = "".join(f'<article class="teaser"><p>{teaser}</p></article>' for teaser in TEASERS[:6])
    html = (
        f'<html><body><div class="column"><article class="post"><div class="entry-content"><p>{ARTICLE[0]}</p>'
        f"<p>{ARTICLE[1]}</p></div></article>"
        f'<div class="more"><h3>You may also like</h3>{teasers}</div></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    assert ARTICLE[0] in text and ARTICLE[1] in text
    assert not any(teaser in text for teaser in TEASERS)


def test_collapsed_accordion_panels_holding_the_article_are_kept(rules):
    panels = "".join(
        f'<div class="accordion-item"><button>Step {index}</button>'
        f'<div role="region" style="display:none;"><p>{paragraph}</p><p>{ARTICLE[-1 - index]}</p></div></div>'
        for index, paragraph in enumerate(ARTICLE[:3])
    )
    html = (
        f'<html><body><div class="guide"><p>{ARTICLE[3]}</p>{panels}</div>'
        f'<div class="sidebar"><p>{SIDEBAR_PROSE}</p></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    for paragraph in ARTICLE:
        assert paragraph in text


def test_a_hidden_form_or_template_of_short_labels_stays_removed(rules):
    article = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE)
    form = (
        "<div hidden><label>Name*</label><label>Phone*</label><label>Company/Organization*</label>"
        "<label>Monthly Marketing Budget*</label>" + "<span>Speaker Name</span><span>Title</span>" * 20 + "</div>"
    )
    page = parse_html(f'<html><body><div class="post">{article}{form}</div></body></html>', rules)
    text = body_text(page)
    assert ARTICLE[0] in text
    assert "Speaker Name" not in text and "Phone*" not in text
    assert any(removal.rule == "hidden.attribute" for removal in page.removals)


def test_a_newsletter_issue_published_in_a_box_named_newsletter_is_the_article(rules):
    # The page's other prose (testimonial cards spread over the page) outweighs the issue, so the
    # word "newsletter" is not this page's layout vocabulary: the box is kept for its length alone.
    issue_paragraphs = ARTICLE + [paragraph.replace("board", "council") for paragraph in ARTICLE]
    issue = "".join(f"<p>{paragraph}</p>" for paragraph in issue_paragraphs)
    testimonials = TEASERS + [teaser.replace("Teaser", "Card") for teaser in TEASERS]
    cards = "".join(f'<section><div class="card"><p>{text}</p></div></section>' for text in testimonials)
    html = (
        f'<html><body><article class="newsletter-content"><div class="rich-text-newsletter">{issue}</div>'
        '<div class="newsletter-signup"><p>Sign up for our weekly newsletter and never miss an issue.</p></div>'
        f"</article>{cards}</body></html>"
    )
    page = parse_html(html, rules)
    text = body_text(page)
    for paragraph in issue_paragraphs:
        assert paragraph in text
    assert "Sign up for our weekly newsletter" not in text  # the prompt itself is still a prompt
    assert any(removal.rule == "newsletter.class" for removal in page.removals)


def test_comments_inside_a_code_block_are_code_not_a_comment_section(rules):
    code = (
        '<pre><code><span class="comment"># initialize the repository</span>\n'
        'git init\n<span class="comment"># stage every modified file</span>\ngit add .</code></pre>'
    )
    article = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE[:3])
    html = (
        f"<html><body><article>{article}{code}</article>"
        f'<div class="comment"><p>{TEASERS[0].replace("Teaser", "Reader")}</p></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    assert "# initialize the repository" in text and "# stage every modified file" in text
    assert "Reader" not in text


def test_an_article_in_chunks_each_wrapped_in_a_grid_row_is_kept_whole(rules):
    # Each chunk of the body sits in its own grid row beside an ad rail; the rows are the twins.
    chunks = "".join(
        f'<div class="grid grid-layout--adrail"><div class="grid-item article__body">'
        f'<p>{first}</p><p>{second}</p></div><div class="grid-item rail"></div></div>'
        for first, second in zip(ARTICLE[::2], ARTICLE[1::2], strict=True)
    )
    html = (
        f'<html><body><div class="article__chunks">{chunks}</div>'
        f'<div class="sidebar"><p>{SIDEBAR_PROSE}</p></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    for paragraph in ARTICLE:
        assert paragraph in text
    assert SIDEBAR_PROSE not in text


def test_a_sidebar_column_beside_the_article_column_is_no_chunk_of_it(rules):
    article = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE)
    html = (
        f'<html><body><div class="columns"><div class="column"><div class="post-text">{article}</div></div>'
        f'<div class="column"><div class="box"><p>{SIDEBAR_PROSE}</p></div></div></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    assert ARTICLE[0] in text
    assert SIDEBAR_PROSE not in text


def test_paragraphs_wrapped_in_spans_inside_divs_count_as_the_divs_own_text(rules):
    # Text pasted from a word processor: each paragraph a div holding only a styled span.
    pasted = "".join(
        f'<div><span style="font-family: Arial"><span style="font-size: small">{paragraph}</span></span></div>'
        f'<div><span style="font-size: small">&nbsp;</span></div>'
        for paragraph in ARTICLE
    )
    html = (
        f'<html><body><div class="post-body"><div><span>{ARTICLE[0]}<br></span></div>{pasted}</div>'
        f'<ul class="list">{"".join(f"<li><p>{teaser}</p></li>" for teaser in TEASERS[:3])}</ul></body></html>'
    )
    text = body_text(parse_html(html, rules))
    for paragraph in ARTICLE:
        assert paragraph in text
    assert not any(teaser in text for teaser in TEASERS)


def test_a_lead_beside_the_body_box_inside_the_article_element_is_kept(rules):
    # The lead paragraph stands beside the "read all" box of the body, both inside the article: the
    # lead adds under half the body's prose, but the ancestor is marked as the article.
    lead, body = ARTICLE[5], ARTICLE[1:4]
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in body)
    html = (
        f'<html><body><article class="story"><div class="lead"><p>{lead}</p></div>'
        f'<div class="body-read-all"><div class="inner">{paragraphs}</div></div></article>'
        f'<div class="sidebar"><p>{SIDEBAR_PROSE}</p></div></body></html>'
    )
    text = body_text(parse_html(html, rules))
    for paragraph in [lead, *body]:
        assert paragraph in text
    assert SIDEBAR_PROSE not in text


def test_a_linked_heading_followed_by_text_is_an_entry_title_kept_with_it(rules):
    entries = "".join(
        f'<h3><a href="/resource-{index}">Resource {index}</a></h3><p>{paragraph}</p>'
        for index, paragraph in enumerate(ARTICLE[:3])
    )
    teasers = "".join(f'<h3><a href="/story-{index}">Story {index} of the week</a></h3>' for index in range(4))
    html = f"<html><body><article><p>{ARTICLE[3]}</p>{entries}<h2>More stories</h2>{teasers}</article></body></html>"
    page = parse_html(html, rules)
    blocks = [block.text for block in page.blocks]
    assert blocks[:7] == [ARTICLE[3], "Resource 0", ARTICLE[0], "Resource 1", ARTICLE[1], "Resource 2", ARTICLE[2]]
    # Linked headings followed by no text (a list of teaser titles) are still a block of links.
    assert not any(text.startswith("Story") for text in blocks)
    assert sum(removal.rule == "block.link_density" for removal in page.removals) == 4


def test_a_lead_image_just_before_the_article_branch_is_its_caption(rules):
    # A hero section (headline, then the lead figure) stands before the column holding the body, above
    # any <article>: the figure nearest the content is the article's; a teaser figure farther up is not.
    article = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE)
    html = (
        '<html><body><div class="promo"><figure><img src="t.jpg"><figcaption>Win a weekend for two at the '
        "seaside spa</figcaption></figure></div>"
        '<div class="hero"><h1>Board approves pipe plan</h1><figure><img src="p.jpg">'
        "<figcaption>Crews inspect a cast-iron main under the market square. (Jane Doe/AP)</figcaption>"
        f'</figure></div><div class="columns"><div class="column"><div class="post-text">{article}</div>'
        "</div></div></body></html>"
    )
    page = parse_html(html, rules)
    captions = [(caption.text, caption.credit) for caption in page.captions]
    assert captions == [("Crews inspect a cast-iron main under the market square.", "Jane Doe/AP")]
    assert ARTICLE[0] in body_text(page)
