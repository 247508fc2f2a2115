"""The immutable records that flow through the pipeline: input documents, blocks, and what comes out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Labels a block can get besides a removal kind.
BODY = "body"
TITLE = "title"
CAPTION = "caption"
REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class InputDocument:
    """One article to clean, as read from an input: plain text or HTML, never both.

    The HTML parser and the markup guards read markup: a reader that decoded the page from UTF-8
    builds the document with from_decoded_html, which keeps those bytes, so the page is not encoded
    again. A copy made with dataclasses.replace (built through __init__) never carries them: it
    cannot hand the parser the bytes of another text.
    """

    source: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    folder: str | None = None  # the input file's folder: the site of a document without a URL
    # html's UTF-8 encoding as read (set by from_decoded_html only): the same content as html, so no
    # part of the document's identity.
    _html_utf8: bytes | None = field(default=None, init=False, compare=False, repr=False)

    @classmethod
    def from_decoded_html(cls, source: str, html: str, utf8: bytes | None, **fields) -> InputDocument:
        """An HTML document a reader decoded; utf8: the bytes it decoded when they were UTF-8 (the
        parser then reads them), else None. Raises ValueError when utf8 cannot be html's encoding: a
        length check that costs nothing (an ASCII text encodes to as many bytes as it has
        characters, any other text to more)."""
        document = cls(source=source, html=html, **fields)
        if utf8 is not None:
            if not (len(utf8) == len(html) if html.isascii() else len(html) < len(utf8) <= 4 * len(html)):
                raise ValueError(f"{source}: {len(utf8)} bytes cannot be the UTF-8 of these {len(html)} characters")
            object.__setattr__(document, "_html_utf8", utf8)  # frozen: set once, as it is built
        return document

    @property
    def markup(self) -> str | bytes | None:
        """The HTML as the parser and the markup guards read it: its UTF-8 bytes as read when the
        document holds them, else html (None without html)."""
        return self.html if self._html_utf8 is None else self._html_utf8


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the input that did not go into the body, and the rule that took it out."""

    kind: str
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class Caption:
    text: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a page, in document order.

    role: paragraph, heading, list_item, quote, preformatted, table_cell, caption (a caption the
    HTML structure already identified; its credit, when the page marks one, is in credit).
    link_density: share of the block's characters inside links (0 where unknown, as in text mode).
    """

    text: str
    role: str = "paragraph"
    link_density: float = 0.0
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class PageMarkup:
    """What an HTML page's markup says of its kind, read while the parser scans it (see
    transforms/label/page_types.py): the types it declares (JSON-LD @type, og:type, microdata
    itemtype), the names of its meta tags (microdata's <meta itemprop> among them), how many elements
    of a few telling tags it holds, and the measures below."""

    declared_types: frozenset[str] = frozenset()
    meta_names: frozenset[str] = frozenset()
    element_counts: tuple[tuple[str, int], ...] = ()  # (tag, count), sorted by tag
    commerce_elements: int = 0  # elements with a shop's class/id word (html.commerce_words: price, cart)
    # The share of the page's paragraph points in the one element holding most (None without prose).
    prose_concentration: float | None = None
    # The share of those points held by runs of repeated items, linked and short: teasers, result
    # rows, tiles (transforms/extract/repeated_items.py; None without prose).
    repeated_item_prose_share: float | None = None


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What a parser hands to the classifier: ordered blocks, plus what the parser already decided."""

    blocks: tuple[Block, ...]
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    captions: tuple[Caption, ...] = ()
    removals: tuple[Removal, ...] = ()
    chars_in: int = 0
    blocks_in: int = 0
    markup: PageMarkup | None = None  # None in text mode, where the page has no markup


@dataclass(frozen=True, slots=True)
class LabelledBlock:
    """A block and the decision about it: a label (body, title, caption, reference or a removal kind)."""

    block: Block
    label: str
    rule: str
    reference_id: str | None = None  # the number of a reference-list item


# A frozen dataclass's generated __init__ sets each field through object.__setattr__, which makes
# building a record cost about as much as text mode spends deciding a block's label. The hot paths
# build hundreds per page, so these builders set the slots through their descriptors instead: the
# same frozen records (equal, hashable, picklable), for about half the cost.
_new_record = object.__new__
_set_block_fields = tuple(getattr(Block, name).__set__ for name in ("text", "role", "link_density", "credit"))
_set_labelled_fields = tuple(
    getattr(LabelledBlock, name).__set__ for name in ("block", "label", "rule", "reference_id")
)
_set_removal_fields = tuple(getattr(Removal, name).__set__ for name in ("kind", "rule", "text"))


def paragraph_blocks(texts: Iterable[str]) -> list[Block]:
    """Block(text) for each text: a paragraph with the defaults of every other field."""
    set_text, set_role, set_link_density, set_credit = _set_block_fields
    blocks = []
    for text in texts:
        block = _new_record(Block)
        set_text(block, text)
        set_role(block, "paragraph")
        set_link_density(block, 0.0)
        set_credit(block, None)
        blocks.append(block)
    return blocks


def labelled_blocks(decisions: Iterable[tuple[Block, str, str, str | None]]) -> list[LabelledBlock]:
    """LabelledBlock(block, label, rule, reference_id) for each decision."""
    set_block, set_label, set_rule, set_reference_id = _set_labelled_fields
    labelled = []
    for block, label, rule, reference_id in decisions:
        item = _new_record(LabelledBlock)
        set_block(item, block)
        set_label(item, label)
        set_rule(item, rule)
        set_reference_id(item, reference_id)
        labelled.append(item)
    return labelled


def removals(entries: Iterable[tuple[str, str, str]]) -> list[Removal]:
    """Removal(kind, rule, text) for each entry."""
    set_kind, set_rule, set_text = _set_removal_fields
    built = []
    for kind, rule, text in entries:
        removal = _new_record(Removal)
        set_kind(removal, kind)
        set_rule(removal, rule)
        set_text(removal, text)
        built.append(removal)
    return built


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not become an article, with the reason and the original input (bounded)."""

    source: str
    reason: str
    detail: str
    input_prefix: str = ""
    input_length: int = 0

    def to_json_dict(self) -> dict:
        return {
            "source": self.source,
            "reason": self.reason,
            "detail": self.detail,
            "input_prefix": self.input_prefix,
            "input_length": self.input_length,
        }


REJECT_PREFIX_CHARS = 2000  # of the original input kept in a reject, beside its full length


def bounded_prefix(data: bytes | str) -> str:
    if isinstance(data, bytes):
        data = data[: REJECT_PREFIX_CHARS * 4].decode("utf-8", "replace")
    return data[:REJECT_PREFIX_CHARS]


def reject(source: str, reason: str, detail: str, original: bytes | str = b"", length: int | None = None) -> Rejected:
    """A reject keeping a bounded prefix of the original input and its full length."""
    return Rejected(
        source=source,
        reason=reason,
        detail=detail,
        input_prefix=bounded_prefix(original),
        input_length=len(original) if length is None else length,
    )


@dataclass(frozen=True, slots=True)
class Filtered:
    """A readable input deliberately not written as an article (a WARC response that is not an HTML
    page, a page of a type not kept, ...), and why."""

    source: str
    reason: str
    detail: str
    url: str | None = None
    input_length: int = 0
    page_type: str | None = None  # the page's type, for the run's counts (also in detail); not written

    def to_json_dict(self) -> dict:
        return {
            "source": self.source,
            "reason": self.reason,
            "detail": self.detail,
            "url": self.url,
            "input_length": self.input_length,
        }


# Between the paragraphs of Article.body: a blank line.
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Article:
    """The clean article record written to the output."""

    id: str
    source: str
    url: str | None
    title: str | None
    body: str
    captions: tuple[Caption, ...]
    references: tuple[Reference, ...]
    language: str | None
    language_score: float | None
    removed: tuple[Removal, ...]
    chars_in: int
    chars_out: int
    blocks_in: int
    blocks_kept: int
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    site: str = "unknown"  # registered domain of the URL, else "folder:<input folder>"
    page_type: str = "article"  # see transforms/label/page_types.py
    page_type_score: float | None = None

    def to_json_dict(self) -> dict:
        """The record as documented in the README, keys in a fixed order."""
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "published": self.published,
            "author": self.author,
            "site_name": self.site_name,
            "body": self.body,
            "captions": [{"text": c.text, "credit": c.credit} for c in self.captions],
            "references": [{"id": r.id, "text": r.text} for r in self.references],
            "language": self.language,
            "language_score": self.language_score,
            "page_type": self.page_type,
            "page_type_score": self.page_type_score,
            "removed": [{"kind": r.kind, "rule": r.rule, "text": r.text} for r in self.removed],
            "stats": {
                "chars_in": self.chars_in,
                "chars_out": self.chars_out,
                "blocks_in": self.blocks_in,
                "blocks_kept": self.blocks_kept,
            },
        }


# Duplicate.kind
EXACT_DUPLICATE = "exact"
NEAR_DUPLICATE = "near"


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article that a kept one stands for: a copy of its page or body (kind exact), or a body
    that shares most of its word shingles (kind near, with the estimated Jaccard similarity)."""

    id: str
    source: str
    url: str | None
    duplicate_of: str
    kind: str = EXACT_DUPLICATE
    similarity: float | None = None  # near: the estimated similarity that joined it to its cluster

    def to_json_dict(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "duplicate_of": self.duplicate_of,
            "kind": self.kind,
            "similarity": self.similarity,
        }


@dataclass(frozen=True, slots=True)
class MinedParagraph:
    """A paragraph found on enough of one site's pages to be that site's boilerplate."""

    site: str
    key: str
    pages: int
    site_pages: int
    text: str

    def to_json_dict(self) -> dict:
        return {
            "site": self.site,
            "key": self.key,
            "pages": self.pages,
            "site_pages": self.site_pages,
            "text": self.text,
        }
