import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from article_cleaner.transforms.config.loading import load_config
from article_cleaner.transforms.config.pattern_prefilter import (
    RequiredLiterals,
    ScreenedPatterns,
    ScreenForms,
    ascii_starts,
    is_anchored_at_start,
    required_literals,
    screen_form,
)
from article_cleaner.transforms.label.citations import strip_inline_markers, strip_inline_markers_of_each

CONFIG = load_config()


def first_rule_by_plain_loop(text: str) -> int | None:
    """The position of the first pattern rule (in config order) matching the text, trying each in turn."""
    return next(
        (
            index
            for index, rule in enumerate(CONFIG.pattern_rules)
            if len(text) <= rule.max_chars and rule.pattern.search(text)
        ),
        None,
    )


def assert_screened_search_finds_a_rule_as_the_plain_loop_does(lines: list[str]) -> None:
    for text in lines:
        expected = first_rule_by_plain_loop(text)
        found = CONFIG.pattern_search.search(text)
        assert (found[0] if found else None) == expected, text
        assert expected is not None, text


ALL_CHARACTERS = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)


def test_every_character_ignorecase_equates_with_an_ascii_character_has_its_screen_form():
    for character in map(chr, range(128)):
        for other in re.compile(re.escape(character), re.IGNORECASE).findall(ALL_CHARACTERS):
            assert screen_form(other) == character.lower(), (character, other)


def test_every_character_ignorecase_equates_with_a_case_exception_has_an_ascii_screen_form():
    # With the test above: a non-ASCII character of a pattern other than these four matches only
    # characters whose screen form is "?", so "?" may stand for it in a literal.
    for character in "\u0130\u0131\u017f\u212a":
        for other in re.compile(re.escape(character), re.IGNORECASE).findall(ALL_CHARACTERS):
            assert screen_form(other).isascii() and screen_form(other) != "?", (character, other)


def test_a_rule_in_another_script_is_screened_by_the_shape_of_its_words():
    literals = required_literals(re.compile(r"\b(?:all rights reserved|все права защищены)\b", re.IGNORECASE))
    assert literals == ("??? ????? ????????", "all rights reserved")
    assert screen_form("Все права защищены") == "??? ????? ????????"
    assert required_literals(re.compile("\u017fale", re.IGNORECASE)) == ("ale",)  # ſ equates with s: no "?"


def test_required_literals_come_from_every_branch_of_the_pattern():
    literals = required_literals(re.compile(r"\b(?:sign up|subscribe)\b.{0,80}\bnewsletters?\b", re.I))
    assert literals == ("newsletter",)
    donate = required_literals(re.compile(r"^donate\b|\b(?:make|give) a (?:monthly )?(?:donation|gift)\b", re.I))
    assert donate is not None and "donate" in donate and any("make a" in literal for literal in donate)


def test_a_pattern_that_can_match_without_a_literal_has_no_screen():
    assert required_literals(re.compile(r"\w+\s*$")) is None
    assert required_literals(re.compile(r"(?:cookie)?\d+")) is None


def test_anchoring_is_read_from_the_pattern_and_multiline_is_not_anchored():
    assert is_anchored_at_start(re.compile(r"^(?:menu|home)$"))
    assert is_anchored_at_start(re.compile(r"(?:^a|^b)c"))
    assert not is_anchored_at_start(re.compile(r"^a|b"))
    assert not is_anchored_at_start(re.compile(r"(?m)^a"))


def test_ascii_starts_are_the_characters_a_match_can_begin_with_under_the_pattern_flags():
    def starts(pattern):
        bits = ascii_starts(pattern)
        return "".join(chr(code) for code in range(128) if bits >> code & 1)

    assert starts(re.compile(r"^(?:home|menu)\b", re.IGNORECASE)) == "HMhm"
    assert starts(re.compile(r"^\(?(?:©\s*)?ap\b")) == "(a"  # © is not ASCII: such texts are not dispatched
    assert starts(re.compile(r"^k", re.IGNORECASE)) == "Kk"
    assert len(starts(re.compile(r"^(?:a|)b?"))) == 128  # can match the empty text: anything goes
    assert len(starts(re.compile(r"^(?i:a)"))) == 128  # scoped flags: not read off


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=40))
def test_a_configured_anchored_rule_never_matches_a_text_starting_outside_its_ascii_starts(text):
    for rule in CONFIG.pattern_rules:
        if rule.pattern.match(text):
            assert ascii_starts(rule.pattern) >> ord(text[0]) & 1, (rule.id, text)


def test_screened_patterns_pick_the_first_pattern_in_order_within_its_length():
    patterns = ScreenedPatterns.build(
        [
            (re.compile(r"\bcookies?\b.{0,40}\baccept\b", re.I), 100),
            (re.compile(r"^accept(?: all)? cookies$", re.I), 40),
            (re.compile(r"\baccept\b", re.I), 20),
        ]
    )
    assert patterns.search("Accept all cookies")[0] == 1
    assert patterns.search("We use COOKIES, please accept")[0] == 0
    assert patterns.search("accept")[0] == 2
    assert patterns.search("accept " + "x" * 40) is None
    assert patterns.search("x" * 200) is None


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abcdeilmnoprstuwy -.:|/©()İıſ0123")) | st.characters(),
        max_size=300,
    )
)
def test_the_screened_search_finds_what_a_plain_loop_over_the_rules_finds(text):
    expected = first_rule_by_plain_loop(text)
    found = CONFIG.pattern_search.search(text)
    assert (found[0] if found else None) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("abcdeilmnoprstuwy -.:|/©()İıſ0123\n")) | st.characters(), max_size=80)
        | st.sampled_from(["Photo: Jane Doe/Reuters", "Share this", "Enter your emaİl", "x" * 700]),
        max_size=12,
    )
)
def test_screening_a_page_at_once_finds_what_screening_each_text_finds(texts):
    for search in (CONFIG.pattern_search, CONFIG.captions.credit_search):
        forms = ScreenForms.of(texts, search.max_length)
        present = search.literals_present(forms)
        for text, text_present in zip(texts, present, strict=True):
            assert search.search(text, text_present) == search.search(text) or (
                search.search(text) is not None
                and search.search(text, text_present)[0] == search.search(text)[0]
                and search.search(text, text_present)[1].span() == search.search(text)[1].span()
            )


def test_the_screened_search_agrees_with_a_plain_loop_on_real_boilerplate_lines():
    lines = [
        "Sign up for our daily newsletter",
        "Please DONATE today to keep us going",
        "Your donation helps us report",
        "We use cookies to improve your experience. Accept?",
        "Leave a comment",
        "ſubscribe to our newsletter",
        "We use cookıes, please accept them",
        "Enter your emaıl",
        "Copyright © 2024 Example Media. All rights reserved.",
        "Share this article",
        "Home > World > Europe",
        "Photo: Jane Doe/Reuters",
        "Become a member",
        "Please enable JavaScript to view the comments",
        # Rules of other languages and scripts, screened by the shape of their non-ASCII words.
        "© 2024 Редакция. Все права защищены.",
        "Подпишитесь на рассылку, чтобы получать главные новости дня",
        "Wszelkie prawa zastrzeżone",
        "© 2024 Haber Ajansı. Tüm hakları saklıdır.",
        "Unterstützen Sie unabhängigen Journalismus – jetzt spenden!",
    ]
    assert_screened_search_finds_a_rule_as_the_plain_loop_does(lines)


def test_non_ascii_characters_screen_as_question_marks_so_translated_rules_get_selective_screens():
    rule = re.compile(r"\bunterstützen sie\b|\bподдержите нас\b|\btüm hakları saklıdır\b", re.IGNORECASE)
    # "ı" matches ASCII "I" under IGNORECASE (a case exception): the Turkish literal stops before it.
    assert required_literals(rule) == ("?????????? ???", "t?m haklar", "unterst?tzen sie")
    for text in ("UNTERSTÜTZEN SIE uns", "Поддержите НАС сегодня", "TÜM HAKLARI SAKLIDIR.", "Tüm hakları saklıdır"):
        assert rule.search(text), text
        assert ScreenedPatterns.build([(rule, 200)]).search(text) is not None, text
    assert ScreenedPatterns.build([(rule, 200)]).search("Support our journalism") is None


def test_the_screened_search_agrees_with_a_plain_loop_on_translated_boilerplate_lines():
    lines = [
        "Jetzt spenden",
        "Unterstützen Sie unseren Journalismus",
        "Soutenez notre journalisme",
        "Faça uma doação",
        "Tous droits réservés",
        "TODOS LOS DERECHOS RESERVADOS",
        "Все права защищены",
        "Tüm hakları saklıdır",
        "Wszelkie prawa zastrzeżone",
        "Newsletter abonnieren: jeden Morgen die wichtigsten Nachrichten",
        "Подпишитесь на рассылку",
        "Boletín: suscríbete",
    ]
    assert_screened_search_finds_a_rule_as_the_plain_loop_does(lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab [](){}0123456789 \n")) | st.characters(), max_size=200))
def test_screened_marker_stripping_equals_the_plain_substitution(text):
    rules = CONFIG.citations
    assert strip_inline_markers(text, rules) == rules.inline_marker.sub("", text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab [](){}0123456789 \n")) | st.characters(), max_size=60)))
def test_stripping_a_page_at_once_equals_the_plain_substitution_of_each_text(texts):
    rules = CONFIG.citations
    assert strip_inline_markers_of_each(texts, rules) == [rules.inline_marker.sub("", text) for text in texts]


def test_a_caseless_screen_looks_up_the_text_as_it_is():
    screen = RequiredLiterals.of(re.compile(r"\s?\[\d{1,3}\]", re.I))
    assert screen is not None and screen.caseless
    assert screen.may_match("as reported [12]") and not screen.may_match("nothing cited here")
