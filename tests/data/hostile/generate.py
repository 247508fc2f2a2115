"""Writes the hostile input set beside this file: `python tests/data/hostile/generate.py`.

Deterministic (fixed WARC ids and dates, gzip mtime 0), so regenerating gives the same bytes. Every
file stays small: the 50 MB page is made by the test itself, the bomb and the long lines are gzip.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
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
