"""Text mode finds the article among menus, link lists, teasers, comments and footers."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.config.checks import ConfigError
from article_cleaner.transforms.config.content_selection import compile_content_selection
from article_cleaner.transforms.config.loading import DEFAULT_CONFIG_PATH
from article_cleaner.transforms.extract.content_region import (
    _UNCASED_SCRIPT,
    _UNSPACED_SCRIPT,
    BOILERPLATE,
    NAVIGATION,
    OUTSIDE_MAIN_REGION,
    REPEATED_TEXT,
    SHORT_LINE_RUN,
    TEMPLATE_STREAM,
    select_main_content,
)

MENU = ["Skip to content", "Home", "News", "Politics", "Business", "Technology", "Sport", "Opinion", "Subscribe"]

ARTICLE = [
    "WASHINGTON (Reuters) - The city council voted on Tuesday to expand the bus network to three new "
    "neighbourhoods, ending a dispute that had delayed the plan for more than two years.",
    "The vote was 7 to 2. Supporters said the new routes would cut commuting times for thousands of "
    "workers who now spend more than an hour on the road each way.",
    "“This is the most important transport decision the city has made in a decade,” said council member "
    "Ana Ruiz, who first proposed the expansion in 2017.",
    "Opponents argued that the plan was too expensive and that the money should go to road repairs instead, "
    "a view shared by several business groups in the city centre.",
]

RELATED = [
    "Related stories",
    "Mayor announces new budget plan for schools",
    "Five things to know about the transit vote",
    "Local bakery wins national award",
    "Police investigate break-in at city hall",
]

COMMENTS = [
    "12 Comments",
    "jsmith says:",
    "November 19, 2019 at 6:44 am",
    "About time they did this. The buses in my area have been overcrowded for years and nobody at the council "
    "ever listened to the people who actually ride them every single day.",
    "transit_fan says:",
    "November 19, 2019 at 7:02 am",
    "I wonder how long it will take before the new routes actually start running, knowing this council and its "
    "habit of announcing things long before anybody has found the money to pay for them.",
    "mary_k says:",
    "November 19, 2019 at 8:15 am",
    "Road repairs should have come first. My street has had the same potholes since the spring of last year, "
    "and the bus will not even come down our road once the new network is in place.",
    "dave says:",
    "November 19, 2019 at 9:30 am",
    "Good news for the eastern neighbourhoods at last, although I would like to see the timetable before I sell "
    "my car and trust the council with my daily commute to the other side of town.",
]

FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use", "© 2019 The City Gazette"]


@pytest.fixture(scope="module")
def selection(config):
    return config.content_selection


@pytest.fixture(scope="module")
def raw_section():
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))["content_selection"]


def kept(texts, decisions):
    return [text for text, decision in zip(texts, decisions, strict=True) if decision is None]


def test_article_is_kept_and_menu_related_links_and_footer_are_navigation(selection):
    page = MENU + ARTICLE + RELATED + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    for index, text in enumerate(page):
        if text not in ARTICLE:
            assert decisions[index] == (NAVIGATION, SHORT_LINE_RUN), text


def test_comment_section_after_the_article_is_removed(selection):
    page = MENU + ARTICLE + COMMENTS + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert decisions[page.index(COMMENTS[3])] == (BOILERPLATE, TEMPLATE_STREAM)


# Readers' comments without the "says:" / timestamp lines of a template: only the heading tells.
UNTEMPLATED_COMMENTS = [
    "About time they did this. The buses in my area have been overcrowded for years and nobody at the council "
    "ever listened to the people who actually ride them every single day of the week.",
    "I wonder how long it will take before the new routes actually start running, knowing this council and its "
    "habit of announcing things long before anybody has found the money to pay for them.",
    "Road repairs should have come first. My street has had the same potholes since the spring of last year, "
    "and the bus will not even come down our road once the new network is in place.",
    "Good news for the eastern neighbourhoods at last, although I would like to see the timetable before I sell "
    "my car and trust the council with my daily commute to the other side of town.",
    "Thanks for the clear write-up. It would help to publish a map of the three routes as well, because the "
    "description alone does not tell me whether my stop is on one of them or not.",
]


def headings_at(page, *headings):
    return [text in headings for text in page]


def weights_after(page, shares):
    """section_headings for select_main_content: the share prose keeps after each heading."""
    return [shares.get(text, 1.0) for text in page]


def test_comments_after_a_comment_heading_are_not_kept_even_when_they_outweigh_the_article(selection):
    article = ARTICLE[:2]
    page = MENU + article + ["Comments"] + UNTEMPLATED_COMMENTS + FOOTER
    removed = headings_at(page, "Comments")
    decisions = select_main_content(page, selection, removed, section_headings=weights_after(page, {"Comments": 0.0}))
    assert kept(page, decisions) == article
    assert decisions[page.index(UNTEMPLATED_COMMENTS[0])] == (BOILERPLATE, OUTSIDE_MAIN_REGION)


def test_comment_count_beside_the_byline_does_not_end_the_article(selection):
    standfirst = (
        "Three new bus routes will reach the eastern neighbourhoods next spring, after a two-year dispute over "
        "their cost and a close vote in the city council on Tuesday."
    )
    page = MENU + [standfirst, "By Ana Ruiz", "12 Comments"] + ARTICLE + FOOTER
    removed = headings_at(page, "By Ana Ruiz", "12 Comments")
    decisions = select_main_content(
        page, selection, removed, section_headings=weights_after(page, {"12 Comments": 0.0})
    )
    assert [decisions[page.index(text)] for text in [standfirst, *ARTICLE]] == [None] * (1 + len(ARTICLE))


TEASER_CARDS = [
    "Bridge Repairs Close River Road",
    "Crews will replace the bearings of the old bridge, and drivers should use the ring road.",
    "School Board Picks New Head",
    "The board chose a former principal from a neighbouring district after a long national search.",
    "Farmers Market Moves Indoors",
    "Vendors will set up in the old armoury every Saturday from November until the end of March.",
    "Library Extends Its Opening Hours",
    "The central library will stay open until nine in the evening on weekdays from next month on.",
    "Harbour Festival Returns In June",
    "The three-day festival brings music, food stalls and boat tours back to the harbour this summer.",
]


def test_teasers_under_a_related_stories_heading_after_the_article_are_not_kept(selection):
    page = MENU + ARTICLE + ["Related stories"] + TEASER_CARDS + FOOTER
    removed = headings_at(page, "Related stories")
    decisions = select_main_content(
        page, selection, removed, section_headings=weights_after(page, {"Related stories": 0.5})
    )
    assert [text for text in kept(page, decisions) if not removed[page.index(text)]] == ARTICLE


def test_a_related_stories_box_inside_the_article_does_not_end_it(selection):
    rest = [
        "The council will publish the timetables for the three routes in January, and the first buses are due to "
        "run in the spring, weeks before the regional elections.",
        "Transit officials said the new routes would need forty more drivers, whom the authority hopes to hire from "
        "a training programme that starts next month.",
        "Business groups said they would watch the costs closely, and several members asked the council to report "
        "on the spending of the project every quarter.",
    ]
    box = ["Related stories", "Mayor Announces New Budget Plan", "Five Things To Know About Transit"]
    page = MENU + ARTICLE + box + rest + FOOTER
    removed = headings_at(page, "Related stories")
    decisions = select_main_content(
        page, selection, removed, section_headings=weights_after(page, {"Related stories": 0.5})
    )
    assert [decisions[page.index(text)] for text in ARTICLE + rest] == [None] * (len(ARTICLE) + len(rest))


def test_truncated_teasers_after_the_article_are_not_kept(selection):
    teasers = [
        "Bridge repairs to close river road for a month",
        "The river road will close on Monday while crews replace the bearings of the old bridge, officials said "
        "in a statement that also warned drivers of long…",
        "School board picks a new superintendent",
        "The board chose a former principal from a neighbouring district after a six-month national search that "
        "drew more than forty candidates from...",
    ]
    page = MENU + ARTICLE + ["More from the Gazette"] + teasers + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert decisions[page.index(teasers[1])] == (NAVIGATION, SHORT_LINE_RUN)


def test_prose_between_bylines_and_dates_weighs_less_than_the_article(selection):
    # Teaser cards: headline, byline, date, a summary each; only the article is prose among prose.
    cards = []
    for headline, author, summary in [
        (
            "Bridge repairs to close river road",
            "Tom Hale",
            "The river road will close on Monday while crews "
            "replace the bearings of the old bridge, officials said in a statement on Friday afternoon.",
        ),
        (
            "School board picks a new head",
            "Lisa Moreno",
            "The board chose a former principal from a neighbouring "
            "district after a six-month national search that drew more than forty candidates.",
        ),
        (
            "Farmers market moves indoors",
            "Ray Chu",
            "Vendors will set up in the old armoury building every "
            "Saturday from November until the end of March, the organisers announced this week.",
        ),
    ]:
        cards += [headline, author, f"Tuesday November {len(cards) + 10}, 2019", summary]
    page = MENU + ARTICLE + ["Opinion"] + cards + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert decisions[page.index(cards[3])] == (BOILERPLATE, OUTSIDE_MAIN_REGION)


def test_short_article_of_two_paragraphs_is_kept_whole(selection):
    article = ARTICLE[:2]
    page = MENU + article + FOOTER
    assert kept(page, select_main_content(page, selection)) == article


def test_headings_short_paragraphs_and_list_inside_the_article_are_kept(selection):
    article = [
        ARTICLE[0],
        ARTICLE[1],
        "What changes for riders",
        "Three routes will be added:",
        "Route 12 from the harbour to the university",
        "Route 31 along the eastern ring road",
        "Route 40 to the new hospital in the north",
        "Fares stay the same.",
        ARTICLE[2],
        "Why it took so long",
        ARTICLE[3],
    ]
    page = MENU + article + RELATED + FOOTER
    assert kept(page, select_main_content(page, selection)) == article


def test_cookie_notice_before_the_menu_is_not_the_article(selection):
    cookie_notice = (
        "We use cookies and similar technologies to improve your experience on our site. By continuing to browse "
        "you agree to our use of cookies."
    )
    page = [cookie_notice, "Accept", "Manage settings"] + MENU + ARTICLE + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert decisions[0] == (BOILERPLATE, OUTSIDE_MAIN_REGION)


def test_second_copy_of_the_article_flattened_into_one_block_is_removed(selection):
    whole_copy = " ".join(ARTICLE)
    page = MENU + ARTICLE + [whole_copy] + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert decisions[page.index(whole_copy)] == (BOILERPLATE, REPEATED_TEXT)


def test_blocks_the_pattern_rules_removed_count_against_the_region(selection):
    page = ARTICLE + ["Sign up for our daily newsletter", "Our reporters cover the city every day."]
    assert kept(page, select_main_content(page, selection)) == page
    removed = [False] * len(ARTICLE) + [True, False]
    decisions = select_main_content(page, selection, removed)
    assert kept(page, decisions)[: len(ARTICLE)] == ARTICLE
    assert decisions[-1] == (BOILERPLATE, OUTSIDE_MAIN_REGION)


def test_run_of_short_links_inside_the_article_is_navigation(selection):
    links = ["Related", "Budget 2020", "City Hall", "Transit Authority"]
    page = MENU + ARTICLE[:2] + links + ARTICLE[2:] + FOOTER
    decisions = select_main_content(page, selection)
    assert kept(page, decisions) == ARTICLE
    assert [decisions[page.index(link)] for link in links] == [(NAVIGATION, SHORT_LINE_RUN)] * len(links)


def test_cjk_article_is_measured_in_characters(selection):
    article = [
        "東京都は火曜日、新しいバス路線を三つの地区に拡大する計画を発表した。この計画は二年以上にわたって議論されてきたものである。",
        "都の担当者によると、新しい路線は来年の春から運行を開始する予定で、通勤時間の短縮が期待されている。",
        "一方で、費用が高すぎるという批判も根強く、道路の補修を優先すべきだという意見も出ている。",
    ]
    menu = ["ホーム", "ニュース", "政治", "経済", "スポーツ", "天気"]
    page = menu + article + menu[:3]
    assert kept(page, select_main_content(page, selection)) == article


def test_empty_input_gives_no_decisions(selection):
    assert select_main_content([], selection) == []
    assert select_main_content([], selection, []) == []


def test_page_without_prose_keeps_nothing(selection):
    page = MENU + FOOTER
    decisions = select_main_content(page, selection)
    assert all(decision is not None for decision in decisions)


def test_already_removed_of_the_wrong_length_is_a_bug(selection):
    with pytest.raises(ValueError):
        select_main_content(ARTICLE, selection, [False])


def test_default_settings_compile(raw_section):
    settings = compile_content_selection(raw_section)
    assert settings.block_shape.short_block_max_words > 0
    assert settings.inside_region.short_line_run_min_blocks > 0


def test_unknown_key_is_named_with_its_path(raw_section):
    section = copy.deepcopy(raw_section)
    section["region"]["short_line_penalty"] = 3.0
    with pytest.raises(ConfigError, match=r"content_selection\.region\.short_line_penalty: unknown key"):
        compile_content_selection(section)


def test_unknown_top_level_key_is_named(raw_section):
    section = copy.deepcopy(raw_section)
    section["regoin"] = {}
    with pytest.raises(ValueError, match=r"content_selection\.regoin"):
        compile_content_selection(section)


def test_wrong_type_is_named_with_its_path(raw_section):
    section = copy.deepcopy(raw_section)
    section["block_shape"]["short_block_max_words"] = "ten"
    with pytest.raises(ValueError, match=r"content_selection\.block_shape\.short_block_max_words: expected int"):
        compile_content_selection(section)


def test_boolean_is_not_a_number(raw_section):
    section = copy.deepcopy(raw_section)
    section["region"]["list_item_penalty"] = True
    with pytest.raises(ValueError, match=r"content_selection\.region\.list_item_penalty"):
        compile_content_selection(section)


def test_missing_key_is_named_with_its_path(raw_section):
    section = copy.deepcopy(raw_section)
    del section["inside_region"]["short_line_run_min_blocks"]
    with pytest.raises(ValueError, match=r"content_selection\.inside_region\.short_line_run_min_blocks: required"):
        compile_content_selection(section)


def test_invalid_pattern_is_named_with_its_path(raw_section):
    section = copy.deepcopy(raw_section)
    section["block_shape"]["inner_sentence_end"] = "[.!?"
    with pytest.raises(ValueError, match=r"content_selection\.block_shape\.inner_sentence_end: invalid"):
        compile_content_selection(section)


def test_custom_path_prefixes_errors(raw_section):
    section = copy.deepcopy(raw_section)
    section["region"] = []
    with pytest.raises(ValueError, match=r"config\.content_selection\.region: expected a mapping"):
        compile_content_selection(section, "config.content_selection")


blocks = st.lists(
    st.one_of(
        st.text(min_size=1, max_size=200),
        st.sampled_from(MENU + ARTICLE + RELATED + COMMENTS + FOOTER),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(blocks, st.data())
def test_any_blocks_get_one_valid_decision_each(selection, texts, data):
    flags = st.one_of(st.none(), st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    removed = data.draw(flags)
    shares = st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=len(texts), max_size=len(texts))
    headings = data.draw(st.one_of(st.none(), shares))
    decisions = select_main_content(texts, selection, removed, section_headings=headings)
    assert len(decisions) == len(texts)
    for decision in decisions:
        assert decision is None or (decision[0] in (NAVIGATION, BOILERPLATE) and decision[1].startswith("structure."))


def test_every_unspaced_script_character_is_an_uncased_one():
    # Measuring a block looks for unspaced characters only in texts that hold an uncased one.
    characters = (chr(code) for code in range(0x10000))
    assert not [c for c in characters if _UNSPACED_SCRIPT.match(c) and not _UNCASED_SCRIPT.match(c)]


def test_a_long_block_needs_its_share_of_function_words_to_be_prose(selection):
    # 24 words: two function words reach the 8 % share, one does not.
    names = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert Sybil Trent"
    enough = names + " Victor Walter Zoe and Yvonne of Xavier."
    too_few = names + " Victor Walter Zoe Uma Yvonne of Xavier."
    assert select_main_content([enough, *ARTICLE], selection)[0] is None
    assert select_main_content([too_few, *ARTICLE], selection)[0] == (NAVIGATION, SHORT_LINE_RUN)


def test_prose_with_long_function_words_is_prose_though_short_ones_are_rare(selection):
    # Indonesian writes its function words long ("yang", "dengan", "karena"): few words of three
    # letters or fewer, but most words lowercase and sentences that end.
    article = [
        "Jangan berlebihan dalam mencintai atau membenci sesuatu. Biasa biasa saja. Jangan sampai karena kita "
        "amat mencintai sesuatu, kemudian kebencian datang ketika sesuatu itu berubah menjadi hal yang tidak "
        "kita sukai.",
        "Kita harus berhati-hati terhadap aliran yang menanamkan kebencian terhadap sesama saudara, karena "
        "kebencian seperti itu membuat orang berlaku tidak adil dalam perkataan maupun perbuatan sehari-hari.",
        "Sebaiknya kita mencintai dengan sederhana dan membenci dengan sederhana pula, sehingga ketika keadaan "
        "berubah hati kita tetap tenang dan tidak mudah terbawa perasaan yang berlebihan.",
    ]
    teasers = [
        "Cara Membawa Orang Sakit ke Dokter",
        "Kuliner Pecel Bawal yang Lezat",
        "Tips Menambah Tinggi Badan",
        "Buat yang ingin bergabung dengan grup silakan klik tautan di bawah ini: grup kajian mingguan kami sudah "
        "dibuka lagi untuk anggota baru.",
    ]
    page = MENU + article + teasers + FOOTER
    assert kept(page, select_main_content(page, selection)) == article


def test_a_three_line_list_inside_the_article_is_kept(selection):
    # Four short links in a row are still a link list: see test_run_of_short_links_inside_the_article_is_navigation.
    prices = [
        "Minor remodels: $15,000 – $50,000",
        "Mid-range remodels: $50,000 – $150,000",
        "Full renovations: $200,000+",
    ]
    article = [ARTICLE[0], ARTICLE[1], "Here is a quick overview:", *prices, ARTICLE[2], ARTICLE[3]]
    page = MENU + article + FOOTER
    assert kept(page, select_main_content(page, selection)) == article


# A list-shaped article: little prose, two lists under their lead-in lines.
RECIPE = [
    "This apple cake is the one my grandmother baked every autumn, moist and light, with a crisp top of sugar and cinnamon that the whole family fights over.",
    "Use firm, slightly sour apples: they keep their shape in the oven, and their sharpness balances the sweet batter better than any dessert apple would.",
    "You will need the following ingredients:",
    "4 tart apples",
    "250 g flour",
    "150 g sugar",
    "3 eggs",
    "125 g soft butter",
    "1 packet baking powder",
    "1 pinch of salt",
    "2 tsp cinnamon",
    "Prepare the cake in five steps:",
    "Peel the apples and cut them into thin slices",
    "Beat the butter and the sugar until pale",
    "Add the eggs one at a time",
    "Fold in the flour, baking powder and salt",
    "Spread the batter in the tin and cover it with the apples",
    "Bake for 45 minutes at 180 °C until golden, then let the cake cool in the tin before you slice it.",
]
RECIPE_COMMENTS = [
    "Maria",
    "I baked this for my daughter's birthday last weekend and it was gone within an hour, although I used a little less sugar because our apples were already very sweet this year.",
    "Tom",
    "Could I use pears instead of apples? My neighbour has a tree full of them and I never know what to do with all the fruit before it goes soft in the autumn.",
    "Anna",
    "We made it twice now. The second time I added a handful of walnuts and some lemon zest to the batter, and everybody agreed that it was even better than the first one.",
]


def test_a_recipe_of_lists_under_lead_ins_wins_over_the_prose_of_its_comments(selection):
    page = MENU + RECIPE + ["12 Comments"] + RECIPE_COMMENTS + FOOTER
    removed = headings_at(page, "12 Comments")
    decisions = select_main_content(
        page, selection, removed, section_headings=weights_after(page, {"12 Comments": 0.0})
    )
    assert [text for text in kept(page, decisions) if not removed[page.index(text)]] == RECIPE


# A ranking: each numbered heading is followed by button lines and a paragraph.
RANKING_INTRO = (
    "Moving across town is stressful enough without a crew that shows up late. We asked readers which movers "
    "they would hire again, checked licences and reviews, and ranked the five companies below."
)
RANKING = [
    "1. Harbour Movers",
    "Website",
    "Call",
    "Harbour Movers packs, loads and unloads with a crew of four, charges by the hour with no minimum, and was "
    "the only company our readers praised without a single complaint about damage.",
    "2. Bayside Moving Co.",
    "Website",
    "Call",
    "Bayside is the cheapest of the five for small flats, with flat prices for studios and one-bedroom homes, "
    "although weekend dates book out weeks ahead in the summer.",
    "3. Hilltop Relocation",
    "Website",
    "Call",
    "Hilltop specialises in long-distance moves and storage, and it was the only company that offered a fixed "
    "delivery date in writing when we asked for a quote.",
    "4. City Van Lines",
    "Website",
    "Call",
    "City Van Lines is the choice for pianos and antiques: its crews train for fragile pieces and the company "
    "insures every item at its full value at no extra cost.",
]


def test_the_sections_of_a_numbered_ranking_are_kept_with_their_short_lines(selection):
    page = MENU + [RANKING_INTRO, *RANKING] + FOOTER
    assert kept(page, select_main_content(page, selection)) == [RANKING_INTRO, *RANKING]


def test_numbered_links_without_prose_between_are_no_sections(selection):
    most_read = [
        "1. Mayor Announces New Budget Plan",
        "2. Bakery Wins National Award",
        "3. Police Investigate Break-In",
        "4. Bridge Repairs Close River Road",
    ]
    promo = "Get the day's top stories from the Gazette in your inbox every morning."
    page = MENU + ARTICLE + most_read + [promo] + FOOTER
    assert kept(page, select_main_content(page, selection)) == ARTICLE


def test_numbered_line_pattern_needs_a_number_group(raw_section):
    section = copy.deepcopy(raw_section)
    section["region"]["numbered_line"] = r"^\d{1,2}\."
    with pytest.raises(ConfigError, match=r"content_selection\.region\.numbered_line: needs a named group 'number'"):
        compile_content_selection(section)
