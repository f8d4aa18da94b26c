"""Bytes to text: decode honestly, say how, and normalise newlines.

Order of attempts (the first that fits wins):

1. a byte-order mark: UTF-8 (removed), UTF-32 or UTF-16 (decoded, with a warning);
2. NUL bytes in the first 8 KiB: UTF-16 without a BOM when the NULs fall on every other
   byte (decoded, with a warning), otherwise a binary file (an error, no text);
3. strict UTF-8;
4. Windows-1252, or Latin-1 for the five bytes cp1252 leaves undefined (with a warning
   naming the line of the first byte that was not UTF-8).
"""
from __future__ import annotations

import codecs
from typing import NamedTuple

from sources.models import Problem

SNIFF_BYTES = 8192
# A share of NULs on one byte parity above this, and almost none on the other, is UTF-16 text.
_UTF16_NUL_SHARE = 0.3
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class DecodedText(NamedTuple):
    """Decoded, newline-normalised text (None when the bytes are not text) and what was noticed."""

    text: str | None
    problems: list[Problem]


def normalise_newlines(text: str) -> str:
    """The text with CRLF and lone CR turned into LF: `"a\\r\\nb\\rc"` → `"a\\nb\\nc"`."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text(raw: bytes, path: str) -> DecodedText:
    """The text of a file's bytes with newlines normalised and a UTF-8 BOM removed."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_utf8(raw[len(codecs.BOM_UTF8):], path)
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            return _decode_wide(raw[len(bom):], path, codec, f"{name} (byte-order mark)")
    head = raw[:SNIFF_BYTES]
    if b"\0" in head:
        guessed = _utf16_by_nul_pattern(head)
        if guessed is None:
            message = "is a binary file (NUL bytes in the first 8 KiB), not text; remove it or convert it"
            return DecodedText(None, [Problem(path=path, message=message)])
        return _decode_wide(raw, path, guessed, "UTF-16 (no byte-order mark; guessed from the NUL bytes)")
    return _decode_utf8(raw, path)


def _decode_utf8(raw: bytes, path: str) -> DecodedText:
    try:
        return DecodedText(normalise_newlines(raw.decode("utf-8")), [])
    except UnicodeDecodeError as exc:
        return _decode_single_byte(raw, path, exc)


def _decode_single_byte(raw: bytes, path: str, exc: UnicodeDecodeError) -> DecodedText:
    line = raw.count(b"\n", 0, exc.start) + 1
    try:
        text, name = raw.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text, name = raw.decode("latin-1"), "Latin-1"
    message = (f"is not valid UTF-8 (the first byte that is not, 0x{raw[exc.start]:02x}, is on this line); decoded as {name}: "
               "check accented letters and quotes, or re-save the file as UTF-8")
    problem = Problem(path=path, line=line, message=message, severity="warning")
    return DecodedText(normalise_newlines(text), [problem])


def _decode_wide(raw: bytes, path: str, codec: str, how: str) -> DecodedText:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        message = f"looks like {how} but does not decode as {codec} ({exc.reason}); re-save it as UTF-8"
        return DecodedText(None, [Problem(path=path, message=message)])
    message = f"decoded as {how}; re-save it as UTF-8 to silence this warning"
    return DecodedText(normalise_newlines(text), [Problem(path=path, message=message, severity="warning")])


def _utf16_by_nul_pattern(head: bytes) -> str | None:
    """`utf-16-le`/`-be` when NULs sit on one byte parity only (ASCII-range UTF-16), else None."""
    half = max(len(head) // 2, 1)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd / half >= _UTF16_NUL_SHARE and even == 0:
        return "utf-16-le"
    if even / half >= _UTF16_NUL_SHARE and odd == 0:
        return "utf-16-be"
    return None
