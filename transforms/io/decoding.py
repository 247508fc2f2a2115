"""Bytes -> text: a byte-order mark, else valid UTF-8, else a declared charset, else detection; or why not."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

# UTF-32 first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# As browsers do (WHATWG Encoding): these labels mean windows-1252, and a page cannot be UTF-16
# without a byte-order mark, so a declared UTF-16 means UTF-8.
_DECLARED_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
_DECLARED_AS_UTF8 = ("utf-16", "utf16", "utf-32")
# Detection never guesses these: UTF-16/32 without a mark, and EBCDIC, are not web text.
_NEVER_DETECTED = [
    "utf_16",
    "utf_16_be",
    "utf_16_le",
    "utf_32",
    "utf_32_be",
    "utf_32_le",
    "cp037",
    "cp273",
    "cp424",
    "cp500",
    "cp875",
    "cp1026",
    "cp1140",
]
# The web's default single-byte encoding wins a tie between equally plausible detections.
_PREFERRED_ON_TIE = "cp1252"
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_CHARSET_LABEL = re.compile(r"[a-z0-9_.:-]{1,40}")
META_SCAN_BYTES = 4096
# Mostly-UTF-8 text with a few broken sequences (a cut multi-byte character) stays UTF-8.
MAX_STRAY_BYTES_PER_MILLE = 1
BINARY_SAMPLE_CHARS = 8192
MAX_CONTROL_CHAR_SHARE = 0.05
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str  # the Python codec that decoded it
    method: str  # bom, declared, utf-8, utf-8-with-stray-bytes, detected
    # The bytes decoded, when they are text's own UTF-8 encoding (read as strict UTF-8): a UTF-8
    # parser can take them as they stand instead of encoding text again.
    utf8: bytes | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Undecodable:
    detail: str


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header value."""
    if not value:
        return None
    match = _CONTENT_TYPE_CHARSET.search(value)
    return match.group(1) if match else None


def charset_from_html_meta(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start (charset= or http-equiv content)."""
    match = _META_CHARSET.search(data[:META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def text_codec(label: str) -> str | None:
    """The Python codec for a declared charset label, or None when it names no text encoding."""
    label = label.strip().lower()
    if not _CHARSET_LABEL.fullmatch(label):
        return None
    if label.startswith(_DECLARED_AS_UTF8):
        return "utf-8"
    label = _DECLARED_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Codecs such as rot13, zlib or base64 are not text encodings.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_text(data: bytes, declared: str | None = None, html: bool = False) -> DecodedText | Undecodable:
    """Decode a document: a BOM; then UTF-8 when non-ASCII bytes are valid UTF-8 (pages often
    declare latin-1 and send UTF-8; other text is almost never valid UTF-8 by chance); then the
    declared charset (transport first, then an HTML <meta>); then charset-normalizer. Text that
    decodes to mostly control characters is binary data."""
    decoded = _decode(data, declared, html)
    if isinstance(decoded, Undecodable):
        return decoded
    sample = decoded.text[:BINARY_SAMPLE_CHARS]
    controls = len(_CONTROL_CHARS.findall(sample))
    if sample and controls / len(sample) > MAX_CONTROL_CHAR_SHARE:
        return Undecodable(f"binary data: {controls} of the first {len(sample)} characters are control characters")
    return decoded


def _strictly_decoded(data: bytes, encoding: str, method: str) -> DecodedText:
    """data decoded with no error tolerated (raising as bytes.decode does)."""
    return DecodedText(data.decode(encoding), encoding, method, data if encoding == "utf-8" else None)


def _decode(data: bytes, declared: str | None, html: bool) -> DecodedText | Undecodable:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _strictly_decoded(data[len(bom) :], encoding, "bom")
            except UnicodeDecodeError as error:
                return Undecodable(f"invalid {encoding} after its byte-order mark at byte {error.start}")
    if not data.isascii():
        try:
            return _strictly_decoded(data, "utf-8", "utf-8")
        except UnicodeDecodeError:
            pass
    # Pure ASCII may still be a 7-bit encoding such as ISO-2022-JP: the declaration decides.
    labels = [declared, charset_from_html_meta(data) if html else None]
    for label in labels:
        codec = text_codec(label) if label else None  # a Python codec's own name: "utf-8" for any UTF-8 label
        if codec is not None:
            try:
                return _strictly_decoded(data, codec, "declared")
            except UnicodeError:  # Python's "undefined" codec refuses everything with a plain UnicodeError
                pass  # pages misdeclare their charset; what follows decides
    try:
        return _strictly_decoded(data, "utf-8", "utf-8")
    except UnicodeDecodeError as error:
        first_error = error
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return DecodedText(mostly_utf8, "utf-8", "utf-8-with-stray-bytes")
    detected = _detect(data)
    if detected is not None:
        return detected
    return Undecodable(
        f"not UTF-8 (invalid byte at {first_error.start}: {first_error.reason}) and no text encoding fits"
    )


def _mostly_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", "replace")
    stray = text.count("\ufffd")
    has_multibyte_characters = any(ord(character) > 0x7F and character != "\ufffd" for character in text)
    if has_multibyte_characters and stray * 1000 <= len(data) * MAX_STRAY_BYTES_PER_MILLE:
        return text
    return None


def _detect(data: bytes) -> DecodedText | None:
    matches = from_bytes(data, cp_exclusion=_NEVER_DETECTED)
    best = matches.best()
    if best is None:
        return None
    chosen = best
    for match in matches:
        if match.encoding == _PREFERRED_ON_TIE and match.chaos <= best.chaos and match.coherence >= best.coherence:
            chosen = match
    try:
        return DecodedText(data.decode(chosen.encoding), chosen.encoding, "detected")
    except (UnicodeDecodeError, LookupError):
        return None
