"""An HTML page -> its main content as ordered blocks, its captions, metadata and DOM removals.

The page is parsed once with selectolax's Lexbor backend. Whole-tree work is one selector scan on
the C side (metadata, paragraphs); Python then scores paragraph parents, picks the article
container and walks only that subtree, applying the removal rules on the way.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from dataclasses import dataclass
from operator import itemgetter

from selectolax.lexbor import LexborHTMLParser, LexborNode

from article_cleaner.transforms.config.html_rules import (
    BlockRules,
    ElementRuling,
    ElementRulings,
    HtmlRules,
    TwinChunks,
    class_words,
)
from article_cleaner.transforms.extract.repeated_items import repeated_item_prose_share
from article_cleaner.transforms.label.captions import bare_credit, split_credit
from article_cleaner.transforms.limits.guards import nesting_depth
from article_cleaner.transforms.records import Block, Caption, PageMarkup, ParsedPage, Removal

_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "scholarlyarticle",
        "techarticle",
        "liveblogposting",
        "report",
        "socialmediaposting",
        "webpage",
    }
)
# Metadata elements, selected with the paragraphs in one scan; their attributes are checked in
# Python. Pages carry dozens of scripts and links: only the two kinds read are selected, since
# every node the scan returns costs a Python object (an `i` selector compares ASCII case-blind,
# as the .lower() checks in _read_metadata do).
# code is counted for the page's type (documentation), as are some tags the scan already returns.
_METADATA_TAGS = frozenset({"meta", "link", "title", "script", "time", "h1", "code"})
_SCAN_SELECTOR = 'code, h1, link[rel="canonical" i], meta, script[type="application/ld+json" i], time, title'
_COUNTED_TAGS = frozenset({"article", "code", "div", "h1", "p", "pre", "td", "time"})
# Python recursion is the walker's stack; deeper than this, a subtree is read as plain text.
_MAX_WALK_DEPTH = 200
# json.loads (and _name_of on lists) recurse once per level of JSON-LD; real pages nest under ten
# levels. Deeper metadata is ignored like unreadable JSON: the article is read without it.
_MAX_JSON_LD_DEPTH = 64


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _excerpt(text: str, limit: int) -> str:
    """The first limit characters of text, whitespace collapsed, without collapsing all of a long text."""
    return collapse_whitespace(text[: 2 * limit])[:limit]


def parse_html(html: str | bytes, rules: HtmlRules, url: str | None = None) -> ParsedPage:
    """The main content of an HTML page as ordered blocks, with captions, metadata and removals.

    html: the page's text, or its UTF-8 bytes (Lexbor parses UTF-8: bytes spare it encoding the text).
    """
    tree = LexborHTMLParser(html or "")
    metadata_nodes, paragraphs = [], []
    for node in tree.css(f"{_SCAN_SELECTOR}, {rules.content.paragraph_selector}"):
        tag = node.tag  # a property call that costs as much as a dict build: read once, passed on
        if tag in _METADATA_TAGS:
            metadata_nodes.append((node, tag))
        else:
            paragraphs.append((node, tag))
    metadata, first_heading, declared_body, declared_types, meta_names = _read_metadata(metadata_nodes, rules, url)
    microdata_types, commerce_elements = _typed_markup(tree, rules)
    declared_types |= microdata_types
    body = tree.body
    if body is None:
        return ParsedPage(
            blocks=(),
            markup=_page_markup(declared_types, meta_names, metadata_nodes, paragraphs, commerce_elements),
            **metadata,
        )
    # Script and style hold raw text, never elements: stripping them frees none of the scanned nodes,
    # and every later text() call gets cheaper and cleaner.
    tree.strip_tags(["script", "style"])
    containers, blocks_in, rulings, layout = _select_containers(body, paragraphs, rules)
    markup = _page_markup(declared_types, meta_names, metadata_nodes, paragraphs, commerce_elements, layout)
    headlines = {text.lower() for text in (metadata["title"], first_heading) if text}
    walk = _ContentWalk(rules, rulings, headlines)
    for container in containers:
        walk.walk_container(container)
    before, after, outside_chars = _outside_removals(body, containers, rules, rulings, walk)
    blocks = walk.blocks
    if declared_body and _markup_lacks_the_article(blocks, declared_body, rules.content.declared_body):
        replaced = rules.content.declared_body
        walk.removals += [Removal(rules.content.outside_kind, replaced.rule, block.text) for block in blocks]
        blocks = _declared_blocks(declared_body, rules.blocks)
    return ParsedPage(
        blocks=tuple(blocks),
        captions=tuple(walk.captions),
        removals=tuple(before + walk.removals + after),
        chars_in=outside_chars + walk.chars_seen,
        blocks_in=blocks_in,
        markup=markup,
        **metadata,
    )


def _page_markup(
    declared_types: frozenset[str],
    meta_names: frozenset[str],
    metadata_nodes: list,
    paragraphs: list,
    commerce_elements: int,
    layout: ProseLayout | None = None,
) -> PageMarkup:
    """The page's declarations and its counts of a few telling tags, from the nodes the scan returned."""
    # Counted in C: a Python loop over the thousands of scanned nodes would cost a percent of a page.
    tags = Counter(map(itemgetter(1), metadata_nodes))
    tags.update(map(itemgetter(1), paragraphs))
    counts = tuple(sorted((tag, count) for tag, count in tags.items() if tag in _COUNTED_TAGS))
    return PageMarkup(
        declared_types=declared_types,
        meta_names=meta_names,
        element_counts=counts,
        commerce_elements=commerce_elements,
        prose_concentration=layout.concentration if layout else None,
        repeated_item_prose_share=layout.repeated_item_share if layout else None,
    )


# --- metadata ---------------------------------------------------------------------------------


def _typed_markup(tree: LexborHTMLParser, rules: HtmlRules) -> tuple[frozenset[str], int]:
    """The types a page declares in microdata (the last part of each itemtype URL, lowercased:
    'https://schema.org/Product' -> product) and how many of its elements carry a shop's class word
    (price, cart). Few elements match the prefilter: one C-side scan of its own."""
    types = set()
    commerce = 0
    commerce_words = rules.commerce_words
    for node in tree.css(rules.markup_selector):
        attributes = node.attributes
        declared = attributes.get("itemtype")
        if declared:
            for value in declared.split():
                types.add(value.rstrip("/").rpartition("/")[2].rpartition("#")[2].lower())
        # The prefilter matches substrings ("cartoon"): only a whole class/id word counts.
        commerce += commerce_words.matches(class_words(attributes.get("class") or ""))
    types.discard("")
    return frozenset(types), commerce


def _read_metadata(
    nodes: list[tuple[LexborNode, str]], rules: HtmlRules, url: str | None
) -> tuple[dict, str | None, str | None, frozenset[str], frozenset[str]]:
    """title, url, published, author, site_name from meta tags, JSON-LD and markup, best source first.

    Also returns the text of the page's first h1, the headline the body must not repeat, the
    article body the page declares in JSON-LD (articleBody), if any, the types the page declares
    (JSON-LD @type, og:type, lowercased) and the names of its meta tags.
    """
    meta: dict[str, str] = {}
    canonical = page_title = first_heading = None
    time_datetime = None
    article: dict = {}
    declared_types: set[str] = set()
    for node, tag in nodes:
        if tag == "code":
            continue
        if tag == "h1":
            first_heading = first_heading or collapse_whitespace(node.text()) or None
            continue
        attributes = node.attributes
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
            content = attributes.get("content")
            if key and content and key not in meta:
                meta[key] = content.strip()
        elif tag == "link":
            if canonical is None and (attributes.get("rel") or "").lower() == "canonical":
                canonical = attributes.get("href") or None
        elif tag == "title":
            page_title = page_title or collapse_whitespace(node.text())
        elif tag == "script":
            if (attributes.get("type") or "").lower() == "application/ld+json":
                found = _json_ld_article(node.text(), declared_types)
                article = article or found
        elif tag == "time":
            time_datetime = time_datetime or attributes.get("datetime")
    publisher = article.get("publisher")
    site_name = meta.get("og:site_name") or _name_of(publisher)
    title = (
        meta.get("og:title")
        or _text_value(article.get("headline"))
        or meta.get("twitter:title")
        or first_heading
        or page_title
    )
    published = (
        _text_value(article.get("datePublished"))
        or meta.get("article:published_time")
        or meta.get("datepublished")
        or meta.get("date")
        or meta.get("pubdate")
        or meta.get("publishdate")
        or meta.get("dc.date")
        or meta.get("dc.date.issued")
        or meta.get("parsely-pub-date")
        or meta.get("sailthru.date")
        or time_datetime
    )
    author = _name_of(article.get("author")) or meta.get("author") or meta.get("article:author")
    if author and author.startswith(("http://", "https://")):
        author = None
    metadata = {
        "title": _strip_site_suffix(collapse_whitespace(title), site_name, rules) or None if title else None,
        "url": canonical or meta.get("og:url") or url,
        "published": _iso_date(published) if published else None,
        "author": collapse_whitespace(author) or None if author else None,
        "site_name": collapse_whitespace(site_name) or None if site_name else None,
    }
    if meta.get("og:type"):
        declared_types.add(meta["og:type"].lower())
    return (
        metadata,
        first_heading,
        _text_value(article.get("articleBody")),
        frozenset(declared_types),
        frozenset(meta),
    )


def _markup_lacks_the_article(blocks: list[Block], declared_body: str, settings) -> bool:
    """The declared body is long, and the markup's blocks hold only a small share of it."""
    if len(declared_body) < settings.min_chars:
        return False
    return sum(len(block.text) for block in blocks) < settings.max_markup_share * len(declared_body)


def _declared_blocks(declared_body: str, block_rules: BlockRules) -> list[Block]:
    """A JSON-LD articleBody as paragraphs: split at line breaks, markup inside it read as text."""
    if "<" in declared_body and ">" in declared_body:  # some sites put the body's HTML in the string
        fragment = LexborHTMLParser(block_rules.end_in_markup.sub("\n", declared_body))
        declared_body = fragment.body.text() if fragment.body is not None else ""
    paragraphs = (collapse_whitespace(line) for line in declared_body.splitlines())
    return [Block(text=text, role="paragraph", link_density=0.0) for text in paragraphs if text]


def _json_ld_article(script_text: str, declared_types: set[str]) -> dict:
    """The first article-like object of a JSON-LD script (top level, list or @graph), else {}: metadata
    that cannot be read (invalid, or nested past _MAX_JSON_LD_DEPTH) is ignored, never the page.

    Adds the @type of every object of the script (its main entity too) to declared_types.
    """
    try:
        data = json.loads(script_text)
    except (ValueError, RecursionError):  # RecursionError: deeper than Python's stack allows
        return {}
    if nesting_depth(data) > _MAX_JSON_LD_DEPTH:  # read off the value: cheaper than scanning the text first
        return {}
    # (object, whether it may be the article): a main entity only declares a type; the article
    # is looked for where it always was, at the top level, in lists and in @graph. Breadth first: the
    # shallowest article wins; popleft keeps a long list linear.
    pending = deque([(data, True)])
    found: dict = {}
    while pending:
        item, may_be_article = pending.popleft()
        if isinstance(item, list):
            pending.extend((inner, may_be_article) for inner in item)
        elif isinstance(item, dict):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            declared_types.update(kind.lower() for kind in kinds if isinstance(kind, str))
            if may_be_article and not found and any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                if item.get("headline") or item.get("articleBody") or item.get("datePublished"):
                    found = item
            for key in ("@graph", "mainEntity"):
                inner = item.get(key)
                if isinstance(inner, (list, dict)):
                    pending.append((inner, may_be_article and key == "@graph"))
    return found


def _text_value(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return (value.strip() or None) if isinstance(value, str) else None


def _name_of(value) -> str | None:
    """A person or organisation as JSON-LD gives it: a string, {name: ...} or a list of those."""
    if isinstance(value, list):
        names = [name for name in map(_name_of, value) if name]
        return ", ".join(dict.fromkeys(names)) if names else None
    if isinstance(value, dict):
        return _text_value(value.get("name"))
    return _text_value(value)


def _strip_site_suffix(title: str, site_name: str | None, rules: HtmlRules) -> str:
    """Drop a ' | Site Name' part at the end (or start) when it names the site or is short."""
    site = site_name.lower() if site_name else None
    for separator in rules.title.separators:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if (site and site in tail.lower()) or (
            len(tail.split()) <= rules.title.max_suffix_words and len(head) >= rules.title.min_length_ratio * len(tail)
        ):
            return head.strip()
        first, _, rest = title.partition(separator)
        if site and site in first.lower():
            return rest.strip()
    return title


def _iso_date(value: str) -> str | None:
    """YYYY-MM-DD, or the full ISO datetime when the page gives a time."""
    match = _ISO_DATETIME.search(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    date = f"{year}-{month}-{day}"
    if hour is None:
        return date
    zone = zone or ""
    if zone and zone != "Z" and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return f"{date}T{hour}:{minute}:{second or '00'}{zone}"


# --- main content -----------------------------------------------------------------------------


def _select_containers(
    body: LexborNode, paragraphs: list[tuple[LexborNode, str]], rules: HtmlRules
) -> tuple[list[LexborNode], int, PageRulings, ProseLayout]:
    """The element(s) holding the article, how many paragraph candidates the page had (blocks_in),
    the rulings on this page's elements (its layout words taken out), and how the page's prose is
    laid out (ProseLayout: evidence of its type).

    Paragraphs score their parent and grandparent; the best candidate outside boilerplate wins, then
    climbs to each ancestor that holds clearly more of the page's prose (an article split in columns
    or in the sections of a page builder).
    """
    content = rules.content
    parent_points: dict[int, list] = {}
    counted = 0
    text_holders, inline_tags = content.text_holder_tags, content.inline_text_tags
    br_parents: set[int] = set()
    for paragraph, tag in paragraphs:
        if tag in text_holders:
            # A div holding its own text (no <p>) is a paragraph, or a whole br-separated article:
            # each direct text run long enough counts as a paragraph of the div itself.
            points = _direct_text_points(paragraph, content)
            if not points:
                continue
            holder = paragraph
        elif tag in inline_tags:
            # A div whose paragraphs are wrapped in spans or fonts (pasted from a word processor)
            # holds them as its own text; page chrome is full of short spans, so only long runs count.
            holder = paragraph.parent
            if holder is None or holder.tag not in text_holders:
                continue
            text = paragraph.text()
            length = len(text) - text.count(" ") - text.count("\n")
            if length < content.min_inline_paragraph_chars:
                continue
            points = _paragraph_points(text, length, content)
        elif tag == "br":
            # Any other element whose text runs are split by <br> (a span or a font holding the
            # article) holds its own paragraphs too: scored once, by its direct text.
            holder = paragraph.parent
            if holder is None or holder.tag in text_holders or holder.mem_id in br_parents:
                continue
            br_parents.add(holder.mem_id)
            points = _direct_text_points(holder, content)
            if not points:
                continue
        else:
            text = paragraph.text()
            length = len(text) - text.count(" ") - text.count("\n")
            if length < content.min_paragraph_chars:
                continue
            points = _paragraph_points(text, length, content)
            holder = paragraph.parent
        counted += 1
        if holder is None:
            continue
        entry = parent_points.get(holder.mem_id)
        if entry is None:
            parent_points[holder.mem_id] = [holder, points]
        else:
            entry[1] += points
    if not parent_points:
        return [body], counted, PageRulings(rules.rulings, frozenset()), ProseLayout()
    ancestry = _Ancestry(body, rules, parent_points.values())
    layout = _prose_layout(parent_points.values(), ancestry, content)
    page_rulings = ancestry.page_rulings
    scores: dict[int, list] = {}
    mass: dict[int, float] = {}
    for holder, points in parent_points.values():
        if ancestry.excluded(holder):
            continue
        chain, chain_ids = ancestry.chain(holder), ancestry.chain_ids(holder)
        for share, node, key in zip((content.parent_share, content.grandparent_share), chain, chain_ids, strict=False):
            entry = scores.get(key)
            if entry is None:
                scores[key] = [node, points * share]
            else:
                entry[1] += points * share
        for key in chain_ids:
            mass[key] = mass.get(key, 0.0) + points
    if not scores:
        return [body], counted, page_rulings, layout
    for entry in scores.values():
        entry[1] *= ancestry.hint_weight(entry[0])
    best = max(scores.values(), key=lambda entry: entry[1])[0]
    if best.mem_id == body.mem_id:
        return [best], counted, page_rulings, layout

    # Climb to each ancestor that holds clearly more prose than the choice so far, up to body or an
    # excluded element. Out of an element marked as the article only into one marked at least as
    # strongly (a "story-body" column inside the itemprop=articleBody section, not an article
    # holding teasers).
    chosen = best
    for node in ancestry.chain(best)[1:]:
        if node.mem_id == body.mem_id or ancestry.excluded(node):
            break
        node_mass, chosen_mass = mass.get(node.mem_id, 0.0), mass.get(chosen.mem_id, 0.0)
        # Into an ancestor marked as the article at least as strongly, a lead or intro beside the
        # body container is reason enough.
        into_article = ancestry.is_boundary(node) and ancestry.hint_weight(node) >= ancestry.hint_weight(chosen)
        gain = content.climb_into_article_min_gain if into_article else content.climb_min_gain
        if node_mass >= chosen_mass * (1.0 + gain):
            if (
                not ancestry.is_boundary(chosen)
                or ancestry.hint_weight(node) >= ancestry.hint_weight(chosen)
                or node_mass >= chosen_mass * ancestry.leave_gain(chosen)
            ):
                chosen = node
    return _with_twin_siblings(chosen, body, mass, content.twin_chunks), counted, page_rulings, layout


@dataclass(frozen=True, slots=True)
class ProseLayout:
    """How a page's prose is laid out, measured on its paragraph holders (None without prose)."""

    # The share of the paragraph points held by the one element holding most: an article's
    # paragraphs are siblings in one element, a landing page's, a shelf's or a thread's are spread
    # over many sections, cards or posts.
    concentration: float | None = None
    # The share held by runs of repeated items, linked and short (teasers): see repeated_items.py.
    repeated_item_share: float | None = None


def _prose_layout(holders, ancestry: _Ancestry, content) -> ProseLayout:
    holder_points = [entry[1] for entry in holders]
    return ProseLayout(
        concentration=round(max(holder_points) / sum(holder_points), 3),
        repeated_item_share=repeated_item_prose_share(holders, ancestry, content.repeated_items),
    )


def _with_twin_siblings(
    chosen: LexborNode, body: LexborNode, mass: dict[int, float], chunks: TwinChunks
) -> list[LexborNode]:
    """The chosen element and its siblings of the same tag and class: one article in several chunks.

    The chunks may be wrapped: the twins are looked for on the chosen element and on each ancestor
    that holds no more prose than it (a "grid" row around each chunk of the body), and are taken
    there only when each holds a share of the chosen element's prose (a sidebar column beside the
    article column is no chunk of it).
    """
    node, own_mass = chosen, mass.get(chosen.mem_id, 0.0)
    level = 0
    while node is not None and node.mem_id != body.mem_id:
        parent = node.parent
        if parent is None:
            break
        signature = node.attributes.get("class")
        if signature:
            tag = node.tag
            twins = [
                sibling
                for sibling in parent.iter()
                if sibling.mem_id == node.mem_id
                or (
                    sibling.tag == tag
                    and sibling.attributes.get("class") == signature
                    and (level == 0 or mass.get(sibling.mem_id, 0.0) >= chunks.min_share_of_prose * own_mass)
                )
            ]
            if len(twins) > 1:
                return twins
        if mass.get(parent.mem_id, 0.0) > own_mass or level >= chunks.max_wrapper_levels:
            break
        node = parent
        level += 1
    return [chosen]


class PageRulings:
    """The rules' rulings on one page's elements, with the page's layout words taken out."""

    __slots__ = ("layout_words", "of", "words")

    def __init__(self, rulings: ElementRulings, layout_words: frozenset[str]) -> None:
        self.layout_words = layout_words
        self.words = rulings.words
        if not layout_words:
            self.of = rulings.of  # most pages: no indirection on the walk's hot path
            return

        # The page's elements repeat a few class values: each is ruled without its layout words once.
        known_without: dict[tuple, tuple] = {}

        def of(tag: str, attributes: dict) -> tuple:
            ruling = rulings.of(tag, attributes)
            if ruling[4] and not layout_words.isdisjoint(ruling[4]):
                key = (tag, *attributes.items())
                without = known_without.get(key)
                if without is None:
                    without = known_without[key] = rulings.without(tag, attributes, ruling[0], layout_words)
                return without
            return ruling

        self.of = of


class _Ancestry:
    """Ancestor chains of candidates, and whether a candidate sits in boilerplate, memoised per node.

    A candidate is boilerplate when an ancestor matches a removal rule (comments, a cookie banner),
    unless that ancestor holds most of the page's prose (a wrapper: "page has-sidebar") or a content hint is
    met first on the way up (above an "article body", a match is page layout: "sticky-sidebar").
    """

    def __init__(self, body: LexborNode, rules: HtmlRules, holders) -> None:
        self.body_id = body.mem_id
        self.rules = rules
        self._excluded: dict[int, bool] = {}
        self._facts: dict[int, tuple] = {}
        # The prose under each ancestor, boilerplate or not: what tells a wrapper from a box.
        self._mass: dict[int, float] = {}
        self._chains: dict[int, tuple[list[LexborNode], list[int]]] = {}
        # (tag, attributes, ruling) of the ancestors read below, for facts() to read again without
        # Lexbor, and without ruling again on a page whose rulings keep every word.
        self._markup: dict[int, tuple[str, dict, ElementRuling]] = {}
        # The layout-word candidates (see LayoutWords) on each node and its ancestors, and the
        # prose under each such word.
        words_above: dict[int, frozenset[str]] = {}
        word_mass: dict[str, float] = {}
        rulings = rules.rulings
        for holder, points in holders:
            for key in self.chain_ids(holder):
                self._mass[key] = self._mass.get(key, 0.0) + points
        self._total_mass = self._mass.get(self.body_id, 0.0)
        # Words of an element holding all of the page's prose are not counted: it is the page, not a box.
        total_mass = self._total_mass
        for holder, points in holders:
            nodes, ids = self._chain(holder)
            words = words_above.get(ids[0])
            if words is None:
                words = frozenset()
                for node, key in zip(reversed(nodes), reversed(ids), strict=True):
                    known = words_above.get(key)
                    if known is None:
                        own = ()
                        if self._mass[key] < total_mass:
                            attributes = node.attributes  # a dict built anew by each read
                            if attributes:
                                tag = node.tag
                                ruling = rulings.of(tag, attributes)
                                self._markup[key] = (tag, attributes, ruling)
                                own = ruling.layout_candidates
                        known = words.union(own) if own else words
                        words_above[key] = known
                    words = known
            for word in words:
                word_mass[word] = word_mass.get(word, 0.0) + points
        threshold = rulings.layout.min_share_of_prose * self._total_mass
        self.page_rulings = PageRulings(
            rulings, frozenset(word for word, mass in word_mass.items() if mass >= threshold and mass > 0)
        )

    def chain(self, node: LexborNode) -> list[LexborNode]:
        """node and its ancestors up to body (included); iterative, pages nest thousands deep."""
        return self._chain(node)[0]

    def chain_ids(self, node: LexborNode) -> list[int]:
        """The mem_ids of chain(node)."""
        return self._chain(node)[1]

    def _chain(self, node: LexborNode) -> tuple[list[LexborNode], list[int]]:
        chains = self._chains
        start = node.mem_id
        known = chains.get(start)
        if known is not None:
            return known
        # Up to body, or to the first ancestor whose chain is known: the paragraphs of a page share
        # most of their ancestors, and each step up costs a node object from Lexbor.
        nodes, ids = [], []
        key = start
        above: tuple[list[LexborNode], list[int]] = ([], [])
        while True:
            nodes.append(node)
            ids.append(key)
            if key == self.body_id:
                break
            node = node.parent
            if node is None:
                break
            key = node.mem_id
            known = chains.get(key)
            if known is not None:
                above = known
                break
        # Every node passed on the way up gets its chain, the tail of this one.
        above_nodes, above_ids = above
        for level in range(len(nodes) - 1, -1, -1):
            above_nodes = [nodes[level], *above_nodes]
            above_ids = [ids[level], *above_ids]
            chains[ids[level]] = (above_nodes, above_ids)
        return above_nodes, above_ids

    def facts(self, node: LexborNode) -> tuple:
        """(removal rule or None, hint weight, is a boundary hint, the gain that leaves it) of a node,
        computed once."""
        key = node.mem_id
        facts = self._facts.get(key)
        if facts is None:
            markup = self._markup.get(key)
            if markup is None:
                ruling = self.page_rulings.of(node.tag, node.attributes)
            elif self.page_rulings.layout_words:
                ruling = self.page_rulings.of(markup[0], markup[1])
            else:  # no layout words: the page's rulings are the rules' own, read above
                ruling = markup[2]
            facts = (ruling.rule, ruling.weight, ruling.boundary, ruling.leave_gain)
            self._facts[key] = facts
        return facts

    def excluded(self, node: LexborNode) -> bool:
        """Walk up to the first node that decides; every node on the way shares its verdict."""
        visited = []
        verdict = False
        while node is not None:
            key = node.mem_id
            known = self._excluded.get(key)
            if known is not None:
                verdict = known
                break
            visited.append(key)
            if key == self.body_id:
                break
            rule, _, boundary, _ = self.facts(node)
            if boundary:
                break
            if rule is not None and rule.kind not in self.rules.content.inside_only_kinds:
                if not self._is_wrapper(node) and not self._spared(node, rule):
                    verdict = True
                    break
            node = node.parent
        for key in visited:
            self._excluded[key] = verdict
        return verdict

    def is_boundary(self, node: LexborNode) -> bool:
        """Markup that says "this is the article": nothing above it makes it boilerplate."""
        return self.facts(node)[2]

    def leave_gain(self, node: LexborNode) -> float:
        """How many times a boundary's prose an ancestor must hold for selection to climb out of it."""
        return self.facts(node)[3]

    def hint_weight(self, node: LexborNode) -> float:
        """The product of the content hints (and the negative hint) the node matches."""
        return self.facts(node)[1]

    def _spared(self, node: LexborNode, rule) -> bool:
        guard = self.rules.removal_guard
        if rule.kind not in guard.prose_kinds and rule.kind not in guard.prompt_kinds:
            return False
        return guard.spares(rule.kind, node.text(separator=" ", strip=True))

    def _is_wrapper(self, node: LexborNode) -> bool:
        return self._mass.get(node.mem_id, 0.0) > self.rules.removal_guard.max_share_of_content * self._total_mass


def _direct_text_points(node: LexborNode, content) -> float:
    """The points of an element's own text runs (not its children's) long enough to be paragraphs."""
    direct_text = node.text(deep=False, separator="\x00", strip=True, skip_empty=True)
    if len(direct_text) < content.min_paragraph_chars:
        return 0.0
    points = 0.0
    for run in direct_text.split("\x00"):
        if len(run) >= content.min_paragraph_chars:
            points += _paragraph_points(run, len(run), content)
    return points


def _paragraph_points(text: str, length: int, content) -> float:
    """Prose earns points: one per paragraph, more for commas and length, both capped."""
    commas = min(text.count(","), content.max_comma_points)
    return 1.0 + commas + min(length / content.chars_per_point, content.max_points_per_paragraph)


def _outside_removals(
    body: LexborNode, containers: list[LexborNode], rules: HtmlRules, rulings: PageRulings, walk: _ContentWalk
) -> tuple[list[Removal], list[Removal], int]:
    """Report what lies outside the containers, in coarse pieces: each sibling along the path to body.

    The article's own figures often sit beside its text container (a lead image above the body
    div): inside the article, a figure (or a lone figcaption) no removal rule claims, or claimed but
    holding nothing else, is taken as a caption by the walk, not reported. Returns the removals
    before and after the content, and the visible characters.
    """
    on_path = {container.mem_id for container in containers}
    node = containers[0]
    while node is not None and node.mem_id != body.mem_id:
        on_path.add(node.mem_id)
        node = node.parent
    if node is None:
        return [], [], 0
    content = rules.content
    caption_tags = rules.captions.figure_tags | {"figcaption"}
    before_levels, after_levels = [], []
    characters = 0
    node = containers[0].parent if containers[0].mem_id != body.mem_id else None
    figure_levels = _article_levels(node, body)
    while node is not None:
        before, after = [], []
        side = before
        in_article = node.mem_id in figure_levels
        last_before = None  # (child, tag, its removal's index) of the nearest reported element before the content
        for child in node.iter():
            if child.mem_id in on_path:
                if side is before and last_before is not None and not in_article:
                    _take_lead_figure(*last_before, before, rules, walk)
                side = after
                continue
            tag = child.tag
            if tag in rules.drop_tags:
                continue
            text = child.text(separator=" ", strip=True)
            if not text:
                continue
            characters += len(text)
            rule = rulings.of(tag, child.attributes)[1]
            claimed = rule is not None and not walk.holds_only_figures(child)
            if in_article and not claimed and walk.take_outside_figures(child, tag):
                if tag in caption_tags:
                    continue
                text = child.text(separator=" ", strip=True)  # what is left beside the figures
                if not text:
                    continue
            kind, rule_id = (rule.kind, rule.id) if rule else (content.outside_kind, content.outside_rule)
            side.append(Removal(kind, rule_id, _excerpt(text, rules.removal_text_chars)))
            last_before = (child, tag, len(side) - 1) if rule is None and side is before else None
        before_levels.append(before)
        after_levels.append(after)
        if node.mem_id == body.mem_id:
            break
        node = node.parent
    before_removals = [removal for level in reversed(before_levels) for removal in level]
    after_removals = [removal for level in after_levels for removal in level]
    return before_removals, after_removals, characters


def _take_lead_figure(
    holder: LexborNode, tag: str, index: int, before: list[Removal], rules: HtmlRules, walk: _ContentWalk
) -> None:
    """Above the article's own levels, the element just before the content's branch may hold the
    article's lead image (between the headline and the body): its figures become captions, and its
    report keeps only what is left beside them."""
    caption_tags = rules.captions.caption_tags
    if tag not in caption_tags and holder.css_first(rules.captions.caption_selector) is None:
        return
    if not walk.take_outside_figures(holder, tag):
        return
    reported = before.pop(index)
    left = "" if tag in caption_tags else holder.text(separator=" ", strip=True)
    if left:
        before.insert(index, Removal(reported.kind, reported.rule, _excerpt(left, rules.removal_text_chars)))


def _article_levels(first: LexborNode | None, body: LexborNode) -> set[int]:
    """The ancestors of the content whose other children belong to the article: up to the nearest
    <article> (or <main>) element, or the content's parent alone when there is none."""
    levels, node = [], first
    while node is not None and node.mem_id != body.mem_id:
        levels.append(node.mem_id)
        if node.tag in ("article", "main"):
            return set(levels)
        node = node.parent
    return set(levels[:1])


# --- the walk over the main content -----------------------------------------------------------


class _ContentWalk:
    """Walks the article container once: blocks in document order, captions and removals on the way."""

    def __init__(self, rules: HtmlRules, rulings: PageRulings, headlines: set[str]) -> None:
        self.rules = rules
        self.rulings = rulings
        self.block_rules = rules.blocks
        self.headlines = headlines
        self.blocks: list[Block] = []
        self.captions: list[Caption] = []
        self.removals: list[Removal] = []
        self.chars_seen = 0
        self._seen_captions: set[str] = set()
        self._parts: list[str] = []
        self._link_chars = 0
        self._guard_chars: int | None = None
        self._linked_heading: Block | None = None  # see _settle_linked_heading
        self._container: LexborNode | None = None
        # Skipped with their content (an img leaves its alt text); figures and figcaptions are taken
        # as captions (see CaptionRules.caption_tags).
        self._caption_tags = rules.captions.caption_tags
        self._skipped = rules.walk_skipped_tags
        self._caption_selector = rules.captions.caption_selector
        # The skipped elements of the container that hold a figcaption (a lightbox <button> around a
        # figure, a <picture> holding its caption): their captions are taken, the rest stays skipped.
        self._skipped_caption_holders: frozenset[int] = frozenset()
        # An element without attributes can only match a removal rule by its tag.
        self._tag_rules = rules.removal.rule_by_tag

    def walk_container(self, container: LexborNode) -> None:
        self._container = container
        self._guard_chars = None  # from the container's text, read only if a removal could need it
        self._skipped_caption_holders = self._skipped_holders_of_captions(container)
        role = self.block_rules.roles.get(container.tag, "paragraph")
        self._walk(container, role)
        self._flush(role)
        self._settle_linked_heading(kept=False)

    def _walk(self, node: LexborNode, role: str, depth: int = 0) -> None:
        # The hot loop of the extractor: every element of the article passes here once, so the
        # lookups are hoisted into locals and elements without attributes skip the rule matching.
        parts = self._parts
        if depth > _MAX_WALK_DEPTH:
            # Pathological nesting: the rest of the subtree joins the current block as plain text.
            parts.append(node.text(separator=" "))
            return
        depth += 1
        roles = self.block_rules.roles
        block_tags = self.block_rules.block_tags
        skipped, caption_tags, tag_rules = self._skipped, self._caption_tags, self._tag_rules
        caption_holders = self._skipped_caption_holders
        ruling_of = self.rulings.of
        # Inside code, class words name syntax ("comment", "meta", "tag"), never boilerplate.
        verbatim = role in self.block_rules.verbatim_roles
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                parts.append(child.text_content)
                continue
            if tag in skipped:
                if tag == "img":
                    self._take_alt(child)
                elif caption_holders and child.mem_id in caption_holders:
                    self.take_outside_figures(child, tag)
                continue
            attributes = child.attributes
            if verbatim:
                words, rule = (), None
            elif attributes:
                words, rule = ruling_of(tag, attributes)[:2]
            else:
                words, rule = (), tag_rules.get(tag)
            if rule is not None and self._remove(child, rule):
                continue
            if (words or tag in caption_tags) and self._take_caption(child, tag, words):
                continue
            if tag == "br":
                self._flush(role)
                continue
            child_role = roles.get(tag)
            if child_role == "paragraph" and role != "paragraph":
                child_role = role  # a <p> inside a <blockquote> or <li> is still a quote or a list item
            if child_role is not None or tag in block_tags:
                self._flush(role)
                self._walk(child, child_role or role, depth)
                self._flush(child_role or role)
            elif tag == "a":
                text = child.text()
                parts.append(text)
                self._link_chars += len(text.strip())
            else:
                self._walk(child, role, depth)

    def _flush(self, role: str) -> None:
        parts = self._parts
        if not parts:
            return
        text = " ".join("".join(parts).split())
        link_chars = self._link_chars
        parts.clear()  # the same list: _walk holds it in a local
        self._link_chars = 0
        if not text:
            return
        self.chars_seen += len(text)
        block_rules = self.block_rules
        if role == "heading" and text.lower() in self.headlines:
            return
        link_density = min(1.0, link_chars / len(text))
        if link_density > block_rules.max_link_density:
            self._settle_linked_heading(kept=False)
            if role == "heading" and block_rules.keep_linked_heading_before_text:
                self._linked_heading = Block(text=text, role=role, link_density=round(link_density, 3))
                return
            removal_text = text[: self.rules.removal_text_chars]
            self.removals.append(Removal(block_rules.link_block_kind, block_rules.link_block_rule, removal_text))
            return
        if len(text) <= block_rules.max_text_rule_chars:
            for text_rule in block_rules.text_rules:
                if text_rule.pattern.fullmatch(text):
                    self._settle_linked_heading(kept=False)
                    self.removals.append(Removal(text_rule.kind, text_rule.id, text))
                    return
        if self._linked_heading is not None:
            self._settle_linked_heading(kept=role != "heading")
        self.blocks.append(Block(text=text, role=role, link_density=round(link_density, 3)))

    def _settle_linked_heading(self, kept: bool) -> None:
        """The linked heading waiting for what follows it: kept before text, else a link block."""
        heading = self._linked_heading
        if heading is None:
            return
        self._linked_heading = None
        if kept:
            self.blocks.append(heading)
            return
        block_rules = self.block_rules
        removal_text = heading.text[: self.rules.removal_text_chars]
        self.removals.append(Removal(block_rules.link_block_kind, block_rules.link_block_rule, removal_text))

    def _remove(self, node: LexborNode, rule) -> bool:
        """Record and skip a matched element, unless it is a wrapper holding most of the article, or
        holds only the article's figures (taken as captions)."""
        text = node.text(separator=" ", strip=True)
        guard = self.rules.removal_guard
        if len(text) > guard.min_guarded_chars and len(text) > self._guard() and (node.tag not in rule.matcher.tags):
            return False
        if guard.spares(rule.kind, text):
            return False
        if self.holds_only_figures(node, text) and self.take_outside_figures(node, node.tag):
            return True
        if text:
            self.chars_seen += len(text)
            self._settle_linked_heading(kept=False)
            self.removals.append(Removal(rule.kind, rule.id, _excerpt(text, self.rules.removal_text_chars)))
        return True

    def _guard(self) -> int:
        """The most text a removal may take out of the current container (a wrapper holds more)."""
        if self._guard_chars is None:
            guard = self.rules.removal_guard
            length = len(self._container.text())
            self._guard_chars = max(guard.min_guarded_chars, int(length * guard.max_share_of_content))
        return self._guard_chars

    # --- captions ---

    def _take_caption(self, node: LexborNode, tag: str, words: tuple[str, ...]) -> bool:
        """Take a figure, caption or credit element out of the body into captions; False if it is none
        (a figure holding article text, such as a table, is walked as a block: its figcaption is taken
        on the way)."""
        caption_rules = self.rules.captions
        if tag in caption_rules.figure_tags:
            text_selector = caption_rules.figure_text_selector
            if text_selector is not None and node.css_first(text_selector) is not None:
                return False
            self._take_figure(node)
            return True
        if tag == "figcaption" or caption_rules.caption_words.matches(words):
            credit = self._take_credit_element(node)
            self._add_caption(node.text(), credit)
            return True
        if caption_rules.credit_words.matches(words):
            self._add_credit(node.text())
            return True
        return False

    def _take_figure(self, figure: LexborNode) -> None:
        """A caption per figcaption (a gallery is a figure of figures), else one of the image's alt
        text; a figcaption holding only a credit gets its image's alt text as its caption."""
        figcaptions = figure.css("figcaption")
        if not figcaptions:
            credit = self._take_credit_element(figure)
            self._add_caption("", credit, _alt_text(figure))
            return
        for figcaption in figcaptions:
            own_figure = self._own_figure(figcaption, figure)
            credit = self._take_credit_element(own_figure)
            self._add_caption(figcaption.text(), credit, _alt_text(own_figure))

    def _own_figure(self, node: LexborNode, outermost: LexborNode) -> LexborNode:
        """The nearest figure holding node, up to outermost."""
        figure_tags = self.rules.captions.figure_tags
        holder = node.parent
        while holder is not None and holder.mem_id != outermost.mem_id and holder.tag not in figure_tags:
            holder = holder.parent
        return holder if holder is not None else outermost

    def _take_credit_element(self, node: LexborNode) -> str | None:
        """The text of the first element in node whose class/id words say credit, cut out of node."""
        credit_words = self.rules.captions.credit_words
        for inner in node.css("[class], [id]"):
            inner_words = self.rulings.words(inner.attributes)
            if inner_words and credit_words.matches(inner_words) and inner.css_first("figcaption") is None:
                credit = collapse_whitespace(inner.text()) or None
                self._guard()  # measured on the container as it was, before this edit
                inner.decompose()
                return credit
        return None

    def take_outside_figures(self, node: LexborNode, tag: str) -> bool:
        """Take the figures (and figcaptions outside any figure) in or of an element beside the content
        as captions, then drop them from it; False when it holds none (a figure of article text stays,
        reported with the rest)."""
        figures = [node] if tag in self._caption_tags else node.css(self._caption_selector)
        taken = False
        for figure in figures:
            if figure is not node and self._own_figure(figure, node).mem_id != node.mem_id:
                continue  # a figure (or figcaption) in a figure goes with the outer one
            if self._take_caption(figure, figure.tag, ()):
                taken = True
                if figure is not node:
                    figure.decompose()
        return taken

    def holds_only_figures(self, node: LexborNode, text: str | None = None) -> bool:
        """True when an element's words are all its figcaptions' and no figure links to another page:
        the article's image in a box a removal rule names ("widget", "aside", "popup"), not a teaser.

        text: the element's visible text, when the caller has read it.
        """
        if node.css_first("figcaption") is None:
            return False
        if text is None:
            text = node.text(separator=" ", strip=True)
        caption_words = sum(len(figcaption.text(separator=" ").split()) for figcaption in node.css("figcaption"))
        if len(text.split()) > caption_words:
            return False
        suffixes = self.rules.captions.image_link_suffixes
        for link in node.css("a[href]"):
            target = (link.attributes.get("href") or "").split("#", 1)[0].split("?", 1)[0].lower()
            if target and not target.endswith(suffixes):
                return False
        return True

    def _skipped_holders_of_captions(self, container: LexborNode) -> frozenset[int]:
        """The outermost skipped elements below the container that hold a figcaption."""
        holders = set()
        skipped, container_id = self._skipped, container.mem_id
        for figcaption in container.css("figcaption"):
            outermost, node = None, figcaption.parent
            while node is not None and node.mem_id != container_id:
                if node.tag in skipped:
                    outermost = node
                node = node.parent
            if outermost is not None and node is not None:
                holders.add(outermost.mem_id)
        return frozenset(holders)

    def _take_alt(self, image: LexborNode) -> None:
        alt = image.attributes.get("alt") or ""
        if len(alt.split()) >= self.rules.captions.min_alt_words:
            self._add_caption(alt, None)

    def _add_caption(self, text: str, credit: str | None, text_if_only_credit: str = "") -> None:
        """A caption, its credit split off its text unless the page marked the credit apart.

        text_if_only_credit: the caption's text when its own is nothing but a credit (an image's alt text).
        """
        max_chars = self.rules.captions.max_caption_chars
        text = collapse_whitespace(text)[:max_chars]
        if credit:
            credit = bare_credit(collapse_whitespace(credit), self.rules.captions.credits)
        elif text:
            text, credit = split_credit(text, self.rules.captions.credits)
        if not text:
            text = collapse_whitespace(text_if_only_credit)[:max_chars]
        if not text and not credit:
            return
        key = (text or credit).lower()  # a caption that is only a credit is known by its credit
        if key in self._seen_captions:
            return
        self._seen_captions.add(key)
        self.captions.append(Caption(text, credit or None))

    def _add_credit(self, credit: str) -> None:
        """A credit element of its own: the credit of the caption before it when that has none."""
        credit = bare_credit(collapse_whitespace(credit), self.rules.captions.credits)
        if not credit:
            return
        if self.captions and self.captions[-1].credit is None:
            self.captions[-1] = Caption(self.captions[-1].text, credit)
        else:
            self.captions.append(Caption("", credit))


def _alt_text(figure: LexborNode) -> str:
    image = figure.css_first("img[alt]")
    return (image.attributes.get("alt") or "") if image is not None else ""
