"""The pre-parse markup scan: an upper estimate of the element nesting Lexbor will build, the
attributes of one element and the size of one tag, read from the page's bytes without parsing it
(transforms/limits/guards.py turns a breach into a reject). It follows the tokenizer and, inside
<svg> and <math>, the tree builder's foreign-content rules, far enough never to estimate less depth
than Lexbor builds on a hostile page."""

from __future__ import annotations

import re

from article_cleaner.transforms.outcomes import TAG_TOO_LARGE, TOO_DEEPLY_NESTED, TOO_MANY_ATTRIBUTES

# Elements that never nest (void) or that the HTML parser closes implicitly (p, li, td, a, ...):
# counting them would mistake a flat list of unclosed <p> for depth.
_VOID = "area base br col embed hr img input link meta param source track wbr keygen basefont bgsound frame"
_NOT_NESTING = frozenset(
    _VOID.split()
    + "p li dt dd tr td th tbody thead tfoot caption colgroup option optgroup rb rt rtc rp "
    "a button form nobr h1 h2 h3 h4 h5 h6 html head body".split()
)
_NOT_NESTING_NAMES = frozenset(name.encode() for name in _NOT_NESTING)
# Raw-text elements: what is inside them is not markup. Not noscript: Lexbor parses without
# scripting, so markup inside <noscript> is markup (and nests).
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "plaintext", "iframe", "noembed")
# What follows a tag name up to its '>', as the HTML tokenizer reads it: a quote opens a value only
# right after '=', and a '>' inside a quoted value does not end the tag. Possessive, so the scan is
# linear whatever the page holds; unrolled (text, then '=' and a value, then text...), which the
# regex engine runs faster than an alternation repeated per attribute.
_ATTRIBUTES = rb"""[^>=]*+(?:=\s*+(?:"[^"]*+"?|'[^']*+'?)?[^>=]*+)*+"""
# One token of a page, left to right as the tokenizer meets them: a comment (closed by '-->', '--!>',
# or at once by '<!-->' or '<!--->') or other <!...>/<?...> (group 1 holds its closing '>' when it
# has one: else it runs to the end of the text scanned), a raw-text
# element with its content (groups 2-3: name, attributes), or a start or end tag (groups 4-6: slash,
# name, attributes). The page is scanned as lower-cased UTF-8 bytes: ASCII-only case folding keeps
# offsets, and the regex engine runs on bytes faster than on wide strings. Reading tags and raw text
# in one pass means a '<script' or '<!--' inside an attribute value cannot hide the markup after it.
_MARKUP_TOKEN = re.compile(
    rb"<(?:[!?](?:(?<=!)--(?:-?(?=>)|.*?--!?(?=>)|.*\Z)|[^>]*+)(?:(?=(>)))?"
    rb"|(" + "|".join(_RAW_TEXT).encode() + rb")(?![^\s/>])(" + _ATTRIBUTES + rb")>?"
    rb"(?:[^<]*+<(?!/\2(?![^\s/>])))*+[^<]*+"
    rb"|(/?)([a-z][^\s/>]*+)(" + _ATTRIBUTES + rb"))",
    re.DOTALL,
)
# A '<svg' inside a script or a value is not a tag: after this many in a row the scan reads the rest
# of the page by HTML rules alone, so that it stays linear.
_MISPLACED_FOREIGN_ROOTS_TRIED = 8
# What may follow a tag name in the scan's tokens (b"" at the end of the page).
_NAME_ENDS = frozenset({b"", b" ", b"\t", b"\n", b"\r", b"\f", b"\v", b"/", b">"})
# One attribute of a tag's attribute text: a name, and its value when it has one.
_ATTRIBUTE = re.compile(rb"""[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]*+))?""")
# Foreign content (HTML spec, "parsing tokens in foreign content"): inside <svg> and <math> the
# tokenizer starts no raw text and reads CDATA sections, every element nests unless self-closing,
# and these tags end foreign content (the parser pops back to HTML).
_FOREIGN_ROOTS = frozenset({b"svg", b"math"})
_BREAKOUT_START_TAGS = frozenset(
    b"b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li "
    b"listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var".split()
)
_BREAKOUT_END_TAGS = frozenset({b"br", b"p"})
# A <font> with one of these attributes ends foreign content too; the scan does not read which it has.
_FONT_BREAKOUT_WORDS = re.compile(rb"color|face|size")
# Elements whose content is HTML again, by the namespace of the foreign root they are in (SVG's
# foreignObject, desc and title; MathML's text elements, and annotation-xml with an HTML encoding):
# start tags inside them are read by HTML rules, and an end tag by foreign rules once no HTML element
# opened inside them is left open.
_INTEGRATION_POINTS = {
    b"svg": frozenset(b"foreignobject desc title".split()),
    b"math": frozenset(b"mi mo mn ms mtext annotation-xml".split()),
}
# In MathML's text elements (not annotation-xml) these two start tags are foreign content still.
_TEXT_INTEGRATION_POINTS = frozenset(b"mi mo mn ms mtext".split())
_FOREIGN_IN_TEXT = frozenset({b"mglyph", b"malignmark"})
_HTML_ENCODING = re.compile(rb"""encoding\s*+=\s*+["']?\s*+(?:text/html|application/xhtml\+xml)\s*+["'\s/]""")
# The same element when it is not one (an annotation-xml of another encoding): counted under this name.
_NOT_AN_INTEGRATION_POINT = b"annotation-xml "
# HTML content inside an integration point, as the parser builds it (HTML spec, "in body"): the scan
# keeps a stack of the elements opened there, to know when an end tag reaches the integration point.
_VOID_NAMES = frozenset(name.encode() for name in _VOID.split())
# Special elements: an end tag of no dedicated rule stops at them ('<span><div></span>' closes nothing).
_SPECIAL = frozenset(
    b"address applet area article aside base basefont bgsound blockquote body br button caption center col "
    b"colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 "
    b"h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav "
    b"noembed noframes noscript object ol p param plaintext pre script search section select source style "
    b"summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp".split()
)
# End tags with a rule of their own: they close their element through any other (implied end tags).
_CLOSING_THROUGH = frozenset(
    b"address article aside blockquote button center details dialog dir div dl fieldset figcaption figure "
    b"footer header hgroup listing main menu nav ol pre search section summary ul form p li dd dt h1 h2 h3 h4 "
    b"h5 h6 a b big code em font i nobr s small strike strong tt u applet marquee object".split()
)
# Start tags that close an open <p> first; and elements a start tag of the same name closes (one is
# open at a time, as the scan keeps them).
_CLOSING_P = frozenset(
    b"address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer "
    b"header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre listing form table "
    b"hr xmp li dd dt plaintext".split()
)
_ONE_OPEN = frozenset(b"li dd dt a nobr button option optgroup rb rt rtc rp".split())
_HEADINGS = frozenset(b"h1 h2 h3 h4 h5 h6".split())
# Start tags that open no element in body content: table parts outside a table, and the page's own.
_TABLE_PARTS = frozenset(b"caption col colgroup tbody td tfoot th thead tr".split())
_NO_ELEMENT = frozenset(b"html head body frameset".split())
# An <svg> or <math> inside an integration point is followed by a nested call (two stack frames):
# deeper than this, it is read as an HTML element (whose content the scan then reads by HTML rules),
# so that no depth limit can exhaust Python's stack. Each level opens two elements at least: at the
# default depth limit (400) the limit is reached first.
_NESTED_FOREIGN_ROOTS_FOLLOWED = 200
# A tag's attribute text when the tokenizer sets its self-closing flag: well-formed attributes, quoted
# values only (in an unquoted value a '/' is part of the value), then '/'. Stricter than the
# tokenizer, never looser: a tag it misses is counted as open.
_SELF_CLOSING = re.compile(
    rb"""(?:[\t\n\f\r ]+[^\t\n\f\r "'<=/>]++(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'))?)*+[\t\n\f\r ]*+/"""
)
# One token of foreign content: a comment, a CDATA section (group 1; only '<![CDATA[' in upper case
# opens one, checked on the page's own bytes), another <!...>/<?...>, or a start or end tag
# (groups 2-4: slash, name, attributes).
_FOREIGN_TOKEN = re.compile(
    rb"<(?:!--(?:-?>|.*?--!?>|.*\Z)|(!\[cdata\[)(?:.*?\]\]>|.*\Z)|[!?][^>]*+"
    rb"|(/?)([a-z][^\s/>]*+)(" + _ATTRIBUTES + rb"))",
    re.DOTALL,
)


def markup_breach(html: str | bytes, max_depth: int, max_attributes: int, max_tag_bytes: int) -> tuple[str, str] | None:
    """(reason, detail) when a page's markup would make the HTML parser slow, else None; found
    without parsing, in time linear in the page (one regex pass on the C side; Python sees one
    match per tag). Lexbor's time grows with the square of the element nesting and of the
    attributes of one element (80,000 attributes: 41 s), and cannot be interrupted once started.

    Nesting counts open elements per tag name (so a stray end tag cannot hide depth), skipping void
    and implicitly closed elements, comments and raw text: an upper estimate of the parser's depth.
    Inside <svg> and <math> the parser follows other rules, and so does the scan (scan_foreign).
    """
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    scan = _MarkupScan(data, data.lower(), max_depth, max_attributes, max_tag_bytes)
    position: int | None = 0
    while position is not None and scan.breach is None:
        position = scan.scan_html(position)
        if position is not None and scan.breach is None:
            position = scan.scan_foreign(position, scan.foreign_root)
    return scan.breach


class _MarkupScan:
    """The open elements of one page as the scan reads it, and the first breach found."""

    __slots__ = ("data", "lowered", "max_depth", "max_attributes", "max_tag_bytes", "countable_bytes")
    __slots__ += ("open_counts", "depth", "foreign_root", "foreign_levels", "breach")

    def __init__(self, data: bytes, lowered: bytes, max_depth: int, max_attributes: int, max_tag_bytes: int):
        self.data = data
        self.lowered = lowered
        self.max_depth = max_depth
        self.max_attributes = max_attributes
        self.max_tag_bytes = max_tag_bytes
        # Every attribute takes two bytes at least (a separator and a name): shorter attribute text
        # cannot hold too many, and most tags are never counted.
        self.countable_bytes = min(2 * max_attributes, max_tag_bytes)
        self.open_counts: dict[bytes, int] = {}
        self.depth = 0
        self.foreign_root = b""
        self.foreign_levels = 0
        self.breach: tuple[str, str] | None = None

    def scan_html(self, position: int) -> int | None:
        """Reads HTML content from position; returns where foreign content starts (after an <svg>
        or <math> start tag), or None at the end of the page or at a breach. The tokens are read
        in stretches that end where an <svg> or <math> tag may begin: findall, which gives no
        position per token, is the fastest way to read them."""
        lowered = self.lowered
        while True:
            end = position - 1  # the first stretch may end at position itself
            for _ in range(_MISPLACED_FOREIGN_ROOTS_TRIED):
                end = _foreign_root_tag_start(lowered, end + 1)
                tokens = _MARKUP_TOKEN.findall(lowered, position, end)
                if end == len(lowered) or not tokens or not _runs_to(lowered, position, end, tokens[-1]):
                    break  # the stretch ends between two tokens
            else:
                end = len(lowered)
                tokens = _MARKUP_TOKEN.findall(lowered, position)
            if not self._count_html(tokens) or end == len(lowered):
                return None
            root = _MARKUP_TOKEN.match(lowered, end)
            position = root.end()
            name, attributes = root.group(5, 6)
            if len(attributes) > self.countable_bytes and self._tag_breach(name, attributes):
                return None
            if attributes.endswith(b"/") and _SELF_CLOSING.fullmatch(attributes):
                continue  # '<svg/>' is closed at once
            if not self._open(name):
                return None
            self.foreign_root = name
            return position

    def _count_html(self, tokens: list[tuple[bytes, ...]]) -> bool:
        """Counts the elements that tokens open and close by HTML rules; False at a breach."""
        open_counts = self.open_counts
        depth = self.depth
        max_depth = self.max_depth
        countable_bytes = self.countable_bytes
        for _, raw_name, raw_attributes, end_slash, name, attributes in tokens:
            attributes = attributes or raw_attributes
            if len(attributes) > countable_bytes and self._tag_breach(name or raw_name, attributes):
                return False
            if not name or name in _NOT_NESTING_NAMES:
                continue
            if end_slash:
                if open_counts.get(name, 0) > 0:
                    open_counts[name] -= 1
                    depth -= 1
                continue
            open_counts[name] = open_counts.get(name, 0) + 1
            depth += 1
            if depth > max_depth:
                self.breach = TOO_DEEPLY_NESTED, f"elements nest more than {max_depth} deep"
                return False
        self.depth = depth
        return True

    def _open(self, name: bytes) -> bool:
        """Counts one more open element; False at a breach."""
        self.open_counts[name] = self.open_counts.get(name, 0) + 1
        self.depth += 1
        if self.depth > self.max_depth:
            self.breach = TOO_DEEPLY_NESTED, f"elements nest more than {self.max_depth} deep"
            return False
        return True

    def scan_foreign(self, position: int, root: bytes) -> int | None:
        """Reads the content of the <svg> or <math> element opened just before position, by the
        parser's rules for foreign content: there '<style>' or '<title>' start no raw text, CDATA
        sections are text, every element nests ('<td>', '<input>' too) unless written self-closing
        ('<path/>'), and HTML tags such as <div> or <p> end foreign content. Returns where HTML
        content resumes (the token that ended foreign content is read again), or None at the end of
        the page or at a breach.

        HTML content inside an integration point (<foreignObject>, <mi>...) is read by
        _scan_integration_point, after which foreign content goes on. An end tag of no open foreign
        element is ignored when no HTML element of its name may be open; else the scan cannot follow
        the parser exactly and goes back to HTML rules at that token, every foreign element counted
        as open."""
        foreign_open = [root]
        integration_points = _INTEGRATION_POINTS[root]
        while True:
            for match in _FOREIGN_TOKEN.finditer(self.lowered, position):
                cdata, end_slash, name, attributes = match.groups(b"")
                if cdata and not self.data.startswith(b"<![CDATA[", match.start()):
                    break  # only the upper-case opener starts a CDATA section; this one is a bogus comment
                if not name:
                    continue
                if len(attributes) > self.countable_bytes and self._tag_breach(name, attributes):
                    return None
                if not end_slash and _starts_html_content(foreign_open, name, integration_points):
                    position = self._scan_integration_point(match.start(), foreign_open, integration_points)
                    if position is None or not foreign_open:
                        return position
                    break  # its end tag was read: foreign content again
                if name == b"font" and not end_slash and _FONT_BREAKOUT_WORDS.search(attributes):
                    return match.start()  # it may end foreign content or not: HTML rules from here on
                if name in (_BREAKOUT_END_TAGS if end_slash else _BREAKOUT_START_TAGS):
                    # The parser pops the foreign elements above the last integration point (all when
                    # there is none) and reads the tag again there.
                    index = len(foreign_open)
                    while index and foreign_open[index - 1] not in integration_points:
                        index -= 1
                    self._close(foreign_open, index)
                    if not foreign_open:
                        return match.start()
                    if end_slash:
                        continue  # '</p>' or '</br>' at an integration point closes nothing
                    position = self._scan_integration_point(match.start(), foreign_open, integration_points)
                    if position is None or not foreign_open:
                        return position
                    break
                if end_slash:
                    if name not in foreign_open:
                        if name in _NOT_NESTING_NAMES or self.open_counts.get(name, 0) > 0:
                            return match.start()  # the HTML rules decide which element it closes, if any
                        continue  # it closes nothing: the parser ignores it
                    self._close(foreign_open, len(foreign_open) - 1 - foreign_open[::-1].index(name))
                    if not foreign_open:
                        return match.end()
                    continue
                if name == b"annotation-xml" and not _HTML_ENCODING.search(attributes):
                    name = _NOT_AN_INTEGRATION_POINT
                if attributes.endswith(b"/") and _SELF_CLOSING.fullmatch(attributes):
                    continue
                foreign_open.append(name)
                if not self._open(name):
                    return None
            else:
                return None
            if cdata:
                comment_end = self.lowered.find(b">", match.start())
                if comment_end < 0:
                    return None
                position = comment_end + 1

    def _scan_integration_point(
        self, position: int, foreign_open: list[bytes], integration_points: frozenset[bytes]
    ) -> int | None:
        """Reads the HTML content of the integration point atop foreign_open (a start tag at position)
        by HTML rules, with a stack of the HTML elements opened inside it: an end tag of a foreign
        element closes it (foreign rules) once none of them is left open, and is ignored before.
        Returns the position after that end tag (foreign_open popped down to its element), or None at
        the end of the page or at a breach. An <svg> or <math> inside is read by scan_foreign again
        (at most _NESTED_FOREIGN_ROOTS_FOLLOWED levels deep)."""
        inside: list[bytes] = []
        while True:
            for match in _MARKUP_TOKEN.finditer(self.lowered, position):
                _, raw_name, raw_attributes, end_slash, name, attributes = match.groups(b"")
                attributes = attributes or raw_attributes
                if len(attributes) > self.countable_bytes and self._tag_breach(name or raw_name, attributes):
                    return None
                if not name:
                    continue  # a comment or raw text, not counted (as in _count_html)
                if end_slash:
                    if name in inside:
                        index = len(inside) - 1 - inside[::-1].index(name)
                        if name in _CLOSING_THROUGH or not any(element in _SPECIAL for element in inside[index + 1 :]):
                            self._close_html(inside, index)
                    elif not inside and name in foreign_open:
                        self._close(foreign_open, len(foreign_open) - 1 - foreign_open[::-1].index(name))
                        return match.end()
                    continue
                if not inside and not _starts_html_content(foreign_open, name, integration_points):
                    return match.start()
                if name in _FOREIGN_ROOTS and self.foreign_levels < _NESTED_FOREIGN_ROOTS_FOLLOWED:
                    if attributes.endswith(b"/") and _SELF_CLOSING.fullmatch(attributes):
                        continue
                    if not self._open(name):
                        return None
                    self.foreign_levels += 1
                    position = self.scan_foreign(match.end(), name)
                    self.foreign_levels -= 1
                    if position is None:
                        return None
                    break  # HTML content again
                if name in _VOID_NAMES or name in _NO_ELEMENT or (name in _TABLE_PARTS and b"table" not in inside):
                    continue
                if name in _CLOSING_P and b"p" in inside:
                    self._close_html(inside, len(inside) - 1 - inside[::-1].index(b"p"))
                if name in _HEADINGS and inside and inside[-1] in _HEADINGS:
                    self._close_html(inside, len(inside) - 1)
                if name in _ONE_OPEN and name in inside:
                    continue  # the parser closes the one open and opens this one
                inside.append(name)
                if name not in _NOT_NESTING_NAMES and not self._open(name):
                    return None
            else:
                return None

    def _close_html(self, inside: list[bytes], index: int) -> None:
        """Pops the HTML elements of an integration point from index up."""
        for name in inside[index:]:
            if name not in _NOT_NESTING_NAMES:
                self.open_counts[name] -= 1
                self.depth -= 1
        del inside[index:]

    def _close(self, foreign_open: list[bytes], index: int) -> None:
        """Pops the foreign elements from index up, as the parser does."""
        for name in foreign_open[index:]:
            self.open_counts[name] -= 1
            self.depth -= 1
        del foreign_open[index:]

    def _tag_breach(self, name: bytes, attributes: bytes) -> bool:
        self.breach = _tag_breach(name, attributes, self.max_attributes, self.max_tag_bytes)
        return self.breach is not None


def _starts_html_content(foreign_open: list[bytes], name: bytes, integration_points: frozenset[bytes]) -> bool:
    """Whether a start tag of name, met with foreign_open open, is read by HTML rules: atop an
    integration point, but for <mglyph> and <malignmark> in MathML's text elements."""
    top = foreign_open[-1]
    return top in integration_points and not (name in _FOREIGN_IN_TEXT and top in _TEXT_INTEGRATION_POINTS)


def _runs_to(lowered: bytes, start: int, end: int, token: tuple[bytes, ...]) -> bool:
    """Whether a token found in lowered[start:end] reaches end, where it may have been cut short."""
    closer, raw_name, _, end_slash, name, attributes = token
    if name:  # a tag ends before its '>', unless it runs to end
        return lowered.endswith(b"<" + end_slash + name + attributes, start, end)
    # A comment or <!...> without its '>' runs to end; so does raw text last (else its end tag would be).
    return not closer


def _foreign_root_tag_start(lowered: bytes, start: int) -> int:
    """Where the next '<svg' or '<math' whose name ends there lies from start (a tag, or text that
    looks like one), else the length of the page. bytes.find is many times faster than a regex."""
    found = len(lowered)
    for opener in (b"<svg", b"<math"):
        position = lowered.find(opener, start, found)
        while position >= 0 and lowered[position + len(opener) : position + len(opener) + 1] not in _NAME_ENDS:
            position = lowered.find(opener, position + 1, found)
        if position >= 0:
            found = position
    return found


def _tag_breach(name: bytes, attributes: bytes, max_attributes: int, max_tag_bytes: int) -> tuple[str, str] | None:
    tag = name[:40].decode("ascii", "replace")  # a name can be as long as the page
    if len(attributes) > max_tag_bytes:
        return TAG_TOO_LARGE, f"a <{tag}> tag of {len(attributes)} bytes, over the {max_tag_bytes}-byte limit"
    count = len(_ATTRIBUTE.findall(attributes))
    if count > max_attributes:
        return TOO_MANY_ATTRIBUTES, f"a <{tag}> element with {count} attributes, over the limit of {max_attributes}"
    return None
