"""Writes the hostile input set beside this file: `python tests/data/hostile/generate.py`.

Deterministic (fixed WARC ids and dates, gzip mtime 0), so regenerating gives the same bytes. Every
file stays small: the 50 MB page is made by the test itself, the bomb and the long lines are gzip.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as parquet
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent

ARTICLE = (
    "Harbour reopens after storm\n\n"
    "The harbour reopened on Wednesday after a two-day closure, and the first fishing boats left at dawn.\n\n"
    "Port officials said divers had checked the channel and found no damage to the breakwater.\n\n"
    "Advertisement"
)
ARTICLE_HTML = (
    "<!doctype html><html><head><title>Harbour reopens after storm</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour reopens after storm</h1>"
    "<p>The harbour reopened on Wednesday after a two-day closure, and the first fishing boats left at dawn.</p>"
    "<p>Port officials said divers had checked the channel and found no damage to the breakwater.</p>"
    "</article><footer>© 2024 Coastal Times</footer></body></html>"
)
CYRILLIC_HTML = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head><body>"
    "<article><h1>Порт снова открыт</h1><p>Порт открылся в среду после двухдневного закрытия, и первые "
    "рыболовные суда вышли в море на рассвете.</p></article></body></html>"
)


def article_page(heading: str, head: str = "", extra_body: str = "") -> str:
    """A small valid article page about the harbour, with markup added to its head or body."""
    return (
        f"<!doctype html><html><head><title>{heading}</title>{head}</head><body><article><h1>{heading}</h1>"
        f"<p>The {heading.lower()} story begins on the quay, where the harbour master counted the boats at dawn.</p>"
        "<p>Fishermen said the season had been the quietest in years, and the co-operative would meet on Friday.</p>"
        f"{extra_body}</article></body></html>"
    )


def attribute_bomb(attributes: int, extra_bytes: int = 0) -> str:
    """One element with this many distinct attributes: Lexbor parses them in quadratic time."""
    bomb = "<p " + " ".join(f"a{number}=x" for number in range(attributes)) + ">"
    return article_page("Attribute bomb", extra_body=bomb + "x" * extra_bytes + "</p>")


def hostile_markup() -> dict[str, str]:
    """Pages built to make the parser or the cleaner slow, and pages whose metadata cannot be read.
    Committed gzipped (see files()) and reused by the time-bound test of tests/test_hostile.py."""
    deep_divs = "<div>" * 100_000 + "deep"
    return {
        "attribute-bomb.html": attribute_bomb(20_000),
        "huge-tag.html": article_page("Huge tag", extra_body="<p title='" + "x" * (5 * 1024 * 1024) + "'>x</p>"),
        # '<script' inside a quoted value is text: the deep nesting after it is markup.
        "script-in-attribute.html": article_page(
            "Script in attribute", extra_body="<p title='<script>'>x</p>" + deep_divs
        ),
        "noscript-nesting.html": article_page("Noscript nesting", extra_body="<noscript>" + deep_divs),
        # A valid article whose JSON-LD nests 1,000 deep: the metadata is ignored, the article kept.
        "deep-json-ld.html": article_page(
            "Deep metadata", head="<script type='application/ld+json'>" + "[" * 1000 + "]" * 1000 + "</script>"
        ),
        # Shapes that made a rule's regex backtrack without end; each page is a fine article.
        "share-row.html": article_page("Share row", extra_body="<p>" + "x " * 59 + "!</p>"),
        "long-credit.html": article_page(
            "Long credit",
            extra_body="<figure><figcaption>Boats</figcaption><div class='credit'>("
            + "a/" * 50_000
            + "</div></figure>",
        ),
    }


def slow_documents() -> dict[str, tuple[str, str]]:
    """name -> (mode, content): hostile_markup's pages at the sizes fuzzing found (too big to commit),
    and shapes that are slow in Python rather than in the parser, for the time-bound test."""
    paragraph = "The council met again to discuss the harbour budget and the storm repairs. "
    return {
        **{name: ("html", page) for name, page in hostile_markup().items()},
        "attribute-bomb-80k.html": ("html", attribute_bomb(80_000)),  # 41 s through the CLI before the guard
        "attribute-bomb-125k.html": ("html", attribute_bomb(125_000, extra_bytes=100_000)),  # 98 s on 1.4 MB
        "many-blocks.txt": ("text", "Many blocks\n\n" + "Harbour.\n\n" * 800_000),
        "many-blocks.html": ("html", "<html><body><article>" + "<p>Harbour.</p>" * 300_000),
        "paragraph-5mb.html": ("html", article_page("Long paragraph", extra_body="<p>" + paragraph * 66_000 + "</p>")),
        "paragraph-5mb.txt": ("text", "Long paragraph\n\n" + paragraph * 66_000),
        "runs.txt": ("text", "Runs\n\n" + paragraph * 3 + "(" * 100_000 + "©" * 100_000 + "[1]" * 100_000),
    }


# --- fuzzing: families of hostile documents, each built from a random source --------------------
# tests/test_fuzz.py draws them through hypothesis (st.randoms), benchmarks/fuzz.py from seeded
# Randoms: one description of the shapes for both. Sizes are drawn with weights, so the big ones
# (5 MB paragraphs, 100,000-deep nesting) come up without making every document slow.

Shape = tuple[str, str]  # (mode: "html" or "text", content)
TAGS = (
    "div span b i u em strong a p li ul ol table tr td th tbody section article aside nav header footer main "
    "font center blockquote pre code form button select option label figure figcaption svg g math template "
    "noscript object iframe frameset dl dt dd h1 h2 sup sub nobr marquee custom-element"
).split()
ODD_TEXT = (
    "\x00",  # NUL
    "\u200b\u200c\u200d\ufeff\u2060",  # zero-width
    "\u202e\u202b\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\u200f",  # right-to-left
    "\U0001d518\U0001f600\U00020000\U0010ffff",  # astral
    "&#xZZZ; &#99999999; &amp &#0; &#x110000; &nbsp &lt;&gt &#; &#x;",  # broken entities
    "\ud800\udfff",  # lone surrogates: JSON lines can carry them ("\\ud800")
    "(((((",
    "©©©©©",
    "[1][2][3]",
    "x x x x x",
)
PARAGRAPH = "The council met again to discuss the harbour budget and the storm repairs. "


def _size(rng: random.Random, sizes: tuple[int, ...], weights: tuple[int, ...]) -> int:
    return rng.choices(sizes, weights)[0]


def _odd_text(rng: random.Random) -> str:
    pieces = [
        rng.choice(ODD_TEXT) * _size(rng, (1, 10, 1000, 50_000), (50, 30, 15, 5)) for _ in range(rng.randint(1, 4))
    ]
    return PARAGRAPH + "".join(pieces)


def _in_page(rng: random.Random, body: str, head: str = "") -> Shape:
    return "html", article_page(rng.choice(("Harbour", "Ferry", "Storm")), head=head, extra_body=body)


def fuzz_nesting(rng: random.Random) -> Shape:
    tag = rng.choice(TAGS)
    depth = _size(rng, (10, 200, 399, 401, 2000, 100_000), (30, 20, 10, 10, 20, 10))
    closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""
    return _in_page(rng, f"<{tag}>" * depth + PARAGRAPH + closing)


def fuzz_attributes(rng: random.Random) -> Shape:
    count = _size(rng, (5, 255, 257, 2000, 20_000), (30, 20, 20, 20, 10))
    same_name = rng.random() < 0.2  # repeated names are cheap for the parser, but still counted
    quote = rng.choice(("", "'>'", '"<"', "'<script>'", '"<!--"'))
    names = ("a" if same_name else f"a{number}" for number in range(count))
    tag = rng.choice(TAGS)
    return _in_page(rng, f"<{tag} " + " ".join(f"{name}={quote or 'x'}" for name in names) + f">{PARAGRAPH}</{tag}>")


def fuzz_huge_attribute(rng: random.Random) -> Shape:
    size = _size(rng, (1000, 100_000, 1_300_000, 4_300_000), (60, 30, 7, 3))
    value = rng.choice(("x", "a b ", "<div>", "&amp;", "\u00e9"))
    name = rng.choice(("title", "class", "style", "data-x", "alt", "href"))
    return _in_page(rng, f"<p {name}='{value * (size // len(value))}'>{PARAGRAPH}</p>")


def fuzz_long_paragraph(rng: random.Random) -> Shape:
    paragraph = PARAGRAPH * (_size(rng, (10, 1000, 66_000), (70, 28, 2)))
    if rng.random() < 0.5:
        return "text", "Long paragraph\n\n" + paragraph
    return _in_page(rng, f"<p>{paragraph}</p>")


def fuzz_odd_text(rng: random.Random) -> Shape:
    if rng.random() < 0.5:
        return "text", "Odd text\n\n" + "\n\n".join(_odd_text(rng) for _ in range(rng.randint(1, 5)))
    return _in_page(rng, "".join(f"<p>{_odd_text(rng)}</p>" for _ in range(rng.randint(1, 5))))


def fuzz_json_ld(rng: random.Random) -> Shape:
    depth = _size(rng, (3, 64, 65, 1000, 100_000), (30, 20, 20, 20, 10))
    opener, closer = rng.choice((("[", "]"), ('{"a":', "}"), ('{"@graph":[', "]}")))
    inner = rng.choice(('{"@type":"NewsArticle","headline":"Deep"}', '"x"', "1", ""))
    script = opener * depth + inner + (closer * depth if rng.random() < 0.7 else "")
    return _in_page(rng, "", head=f"<script type='application/ld+json'>{script}</script>")


def fuzz_backtracking(rng: random.Random) -> Shape:
    """Blocks shaped to make a rule's regex backtrack: rows of share words, credits, site links."""
    words = rng.choice(("x", "share", "teilen", "email", "privacy |", "a/", "via", "AP", "photo:", "©"))
    row = " ".join([words] * rng.randint(1, 80)) + rng.choice(("!", "", " (", "."))
    if rng.random() < 0.5:
        return "text", f"Rows\n\n{PARAGRAPH}\n\n{row}\n\n{PARAGRAPH}"
    credit = "(" + "a/" * _size(rng, (10, 1000, 50_000), (50, 40, 10))
    return _in_page(
        rng, f"<p>{row}</p><figure><figcaption>{row}</figcaption><div class='credit'>{credit}</div></figure>"
    )


def fuzz_truncated_page(rng: random.Random) -> Shape:
    pages = sorted((HERE.parent / "html").glob("*.html"))
    page = rng.choice(pages).read_text(encoding="utf-8")
    return "html", page[: rng.randint(0, len(page))]


def fuzz_many_blocks(rng: random.Random) -> Shape:
    count = _size(rng, (10, 1000, 20_000), (50, 40, 10))
    if rng.random() < 0.5:
        return "text", "Many blocks\n\n" + "Harbour.\n\n" * count
    return _in_page(rng, "<p>Harbour.</p>" * count)


def fuzz_markup_soup(rng: random.Random) -> Shape:
    tokens = (
        "<div>",
        "</div>",
        "<p>",
        "<b>",
        "</b>",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<a href=x>",
        "<table>",
        "<td>",
        "</p>",
        "<svg>",
        "<math>",
        "<template>",
        "<![CDATA[",
        "]]>",
        "<",
        ">",
        "&",
        "'",
        '"',
        "=",
    )
    soup = "".join(
        rng.choice(tokens) if rng.random() < 0.6 else rng.choice(ODD_TEXT) for _ in range(rng.randint(0, 300))
    )
    return "html", soup


FUZZ_FAMILIES: dict[str, Callable[[random.Random], Shape]] = {
    function.__name__.removeprefix("fuzz_"): function
    for function in (
        fuzz_nesting,
        fuzz_attributes,
        fuzz_huge_attribute,
        fuzz_long_paragraph,
        fuzz_odd_text,
        fuzz_json_ld,
        fuzz_backtracking,
        fuzz_truncated_page,
        fuzz_many_blocks,
        fuzz_markup_soup,
    )
}


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def warc_bytes(records: list[tuple[str, dict, bytes, StatusAndHeaders | None]], compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for number, (record_type, headers, payload, http_headers) in enumerate(records, 1):
        warc_headers = StatusAndHeaders(
            "WARC/1.0",
            [
                ("WARC-Type", record_type),
                ("WARC-Record-ID", f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"),
                ("WARC-Date", "2024-05-01T12:00:00Z"),
                *headers.items(),
            ],
            protocol="WARC/1.0",
        )
        record = writer.create_warc_record(
            headers.get("WARC-Target-URI", ""),
            record_type,
            payload=io.BytesIO(payload),
            http_headers=http_headers,
            warc_headers=warc_headers,
        )
        writer.write_record(record)
    return buffer.getvalue()


def http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def mixed_warc_records():
    page = "https://news.example.org/harbour"
    return [
        ("warcinfo", {"Content-Type": "application/warc-fields"}, b"software: hostile-fixture\r\n", None),
        ("request", {"WARC-Target-URI": page}, b"GET /harbour HTTP/1.1\r\nHost: news.example.org\r\n\r\n", None),
        ("response", {"WARC-Target-URI": page}, ARTICLE_HTML.encode(), http("200 OK", "text/html; charset=utf-8")),
        (
            "response",
            {"WARC-Target-URI": "https://news.example.org/logo.png"},
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
            http("200 OK", "image/png"),
        ),
        (
            "response",
            {"WARC-Target-URI": "https://news.example.org/gone"},
            b"<html><body>Not found</body></html>",
            http("404 Not Found", "text/html"),
        ),
        (
            "response",
            {"WARC-Target-URI": "https://ru.example.org/port"},
            CYRILLIC_HTML.encode("cp1251"),
            http("200 OK", "text/html; charset=windows-1251"),
        ),
        (
            "metadata",
            {"WARC-Target-URI": page, "Content-Type": "application/warc-fields"},
            b"outlink: https://news.example.org/\r\n",
            None,
        ),
    ]


def files() -> dict[str, bytes]:
    jsonl_article = json.dumps({"id": "ok-1", "url": "https://news.example.org/harbour", "text": ARTICLE})
    truncated_lines = "".join(
        json.dumps({"id": f"t-{n}", "text": ARTICLE.replace("Wednesday", f"day {n}")}) + "\n" for n in range(200)
    ).encode()
    truncated_gzip = gzip_bytes(truncated_lines)
    mixed_warc = warc_bytes(mixed_warc_records(), compress=True)
    parquet_buffer = io.BytesIO()
    parquet.write_table(pa.table({"text": [ARTICLE] * 3, "id": ["p-1", "p-2", "p-3"]}), parquet_buffer)
    return {
        "latin1-article.txt": ARTICLE.replace("Wednesday", "Mittwoch in Köln").encode("latin-1"),
        "invalid-utf8.jsonl": (jsonl_article + "\n").encode() + b'{"id": "bad-bytes", "text": "caf\xe9 cr\xe8me"}\n',
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        "nul-bytes.txt": b"\x00" * 4096,
        "truncated.jsonl.gz": truncated_gzip[: len(truncated_gzip) // 2],
        "not-gzip.txt.gz": ARTICLE.encode(),
        "bomb.jsonl.gz": gzip_bytes(b"\x00" * (64 * 1024 * 1024)),
        "deep-nesting.html.gz": gzip_bytes(b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000),
        "malformed.jsonl": (
            jsonl_article.replace("ok-1", "ok-2")
            + '\n{"text": "unterminated\n[1, 2, 3]\n"just a string"\n{"text": "x",}\n'
            + "[" * 20_000
            + "\n\n   \n{'single': 'quotes'}\n"
        ).encode(),
        "empty.txt": b"",
        "empty.jsonl": b"",
        "empty.html": b"",
        "whitespace-only.txt": b" \n\n\t\r\n  ",
        "wrong-types.jsonl": "\n".join(
            json.dumps(item)
            for item in (
                {"text": 42},
                {"text": ARTICLE, "title": {"main": "x"}},
                {"text": ARTICLE, "id": [1, 2]},
                {"text": ARTICLE, "url": True},
                {"url": "https://news.example.org/no-text"},
                {"text": None, "html": None},
                {"id": 7, "text": ARTICLE.replace("Wednesday", "Thursday")},
            )
        ).encode()
        + b"\n",
        "long-line.txt.gz": gzip_bytes(
            (
                "A very long line\n\n"
                + "The council met for the ninth time this year and agreed on the new budget for the harbour. " * 25_000
            ).encode()
        ),
        "mixed.warc.gz": mixed_warc,
        "truncated.warc.gz": mixed_warc[: len(mixed_warc) - 300],
        "scan.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "corrupt.parquet": parquet_buffer.getvalue()[:-50],
        "utf16.txt": "\ufeff".encode("utf-16-le") + ARTICLE.replace("Wednesday", "Friday").encode("utf-16-le"),
        "truncated.txt.bz2": bz2.compress(b"fine")[:-4],
        **{f"{name}.gz": gzip_bytes(page.encode()) for name, page in hostile_markup().items()},
    }


def generated_at_test_time() -> dict[str, bytes]:
    """Inputs too big to commit (tests write them to a temporary directory): a 50 MB page, and a
    JSON-lines file whose first line is 11 MiB long (over the 10 MiB document limit)."""
    paragraph = "<p>" + "The council met again to discuss the harbour budget and the storm repairs. " * 20 + "</p>\n"
    page = "<html><body><article>" + paragraph * (50 * 1024 * 1024 // len(paragraph) + 1) + "</article></body></html>"
    long_line = '{"id": "huge", "text": "' + "word " * (11 * 1024 * 1024 // 5) + '"}\n'
    following = json.dumps({"id": "after-huge", "text": ARTICLE}) + "\n"
    return {"page-50mb.html": page.encode(), "long-line.jsonl": (long_line + following).encode()}


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{len(data):>9}  {name}")


if __name__ == "__main__":
    main()
