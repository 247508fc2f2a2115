"""Every kind a removal can carry (`removed[].kind` in a record, the `removed.<kind>` counters): the
one list, imported by the config's validation and by every step that removes something."""

from __future__ import annotations

# Text pattern rules (the config's patterns.<kind>), in the order they are tried: the first match names the removal.
PATTERN_KINDS = (
    "photo_credit",
    "copyright",
    "newsletter_prompt",
    "donation_prompt",
    "comment_widget",
    "social_share",
    "related_links",
    "cookie_notice",
    "advertisement",
    "navigation",
)

# HTML elements (the config's html.removal.<kind>), in the order they apply: a hidden share bar is reported as hidden.
ELEMENT_KINDS = (
    "hidden",
    "navigation",
    "page_header",
    "footer",
    "sidebar",
    "comment_widget",
    "newsletter_prompt",
    "social_share",
    "related_links",
    "cookie_notice",
    "advertisement",
    "popup",
    "article_metadata",
)

NAVIGATION = "navigation"  # also text mode's runs of short lines (structure.short_line_run)
BOILERPLATE = "boilerplate"  # text mode: outside the article's span of blocks (the structure.* rules)
DUPLICATE_CAPTION = "duplicate_caption"  # an image's alt text repeated next to its caption
REFERENCE_HEADING = "reference_heading"  # the heading of a reference list, kept as references
OUTSIDE_MAIN_CONTENT = "outside_main_content"  # HTML: outside the chosen main content (html.content.outside)
SITE_BOILERPLATE = "site_boilerplate"  # the corpus step: a paragraph recurring across one site's pages

REMOVAL_KINDS = tuple(
    dict.fromkeys(
        (
            *PATTERN_KINDS,
            *ELEMENT_KINDS,
            BOILERPLATE,
            DUPLICATE_CAPTION,
            REFERENCE_HEADING,
            OUTSIDE_MAIN_CONTENT,
            SITE_BOILERPLATE,
        )
    )
)
