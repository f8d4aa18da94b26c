"""Sentence segmentation and text folding, with offsets into the source text kept exact."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Dashes and quotes folded to ASCII, one character for one, so offsets stay valid.
_FOLD = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
})

_FOLD_CHARS = {chr(k): v for k, v in _FOLD.items()}
_ASCII_BYTES = bytes(range(128))

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
dr mr mrs ms prof st no nos vs etc e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec
mk inc ltd co corp gen lt col capt sgt rep sen gov jr sr fig approx est dept univ u.s u.k
""".split())

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")
# From a line's first non-space character to its end: `[^\n]*\S` would backtrack over a
# line of spaces from every position, quadratic in its length.
_BLOCK = re.compile(r"\S[^\n]*")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence's span in the source text and the 0-based index of the line it starts on."""

    start: int
    end: int
    line_index: int
    block: int          # blocks are runs of non-blank lines; carry-over never crosses them


def fold(text: str) -> str:
    """Lower-cased text with dashes and quotes folded to ASCII; same length as `text`."""
    if text.isascii():
        return text.lower()
    cased = lower_ascii(text, str.lower)
    if cased is None:
        return _fold_slowly(text)
    data, wide = cased
    low = data.decode("utf-8")
    for char in wide.intersection(_FOLD_CHARS):
        low = low.replace(char, _FOLD_CHARS[char])
    return low


def lower_ascii(text: str, change: Callable[[str], str]) -> tuple[bytes, set[str]] | None:
    """`text` in UTF-8 with its ASCII letters lower-cased, and its other characters, when `change`
    (`str.lower`, `str.casefold`) leaves each of those as it is; else None.

    Text is mostly ASCII with a few quotes, dashes or a currency sign, none of which has a case:
    then lower-casing the ASCII bytes is the whole of `change`, and much cheaper than it.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    wide = set(data.translate(None, _ASCII_BYTES).decode("utf-8"))
    if any(change(char) != char for char in wide):
        return None
    return data.lower(), wide


def _fold_slowly(text: str) -> str:
    low = text.lower()
    for char, plain in _FOLD_CHARS.items():
        if char in low:
            low = low.replace(char, plain)
    if len(low) == len(text):
        return low
    # A few characters lower-case to two (İ → i̇): fold those one by one to keep offsets.
    return "".join(c if len(c) == 1 else o for c, o in zip((ch.lower() for ch in text.translate(_FOLD)), text))


@dataclass(frozen=True, slots=True)
class Block:
    """A run of non-blank lines: a paragraph, a heading with its fact box, a list."""

    start: int
    end: int
    index: int


_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def split_blocks(text: str) -> list[Block]:
    """The blocks of `text`, split at blank lines."""
    return [Block(start, end, index) for index, (start, end) in enumerate(block_spans(text))]


def block_spans(text: str) -> Iterator[tuple[int, int]]:
    """The `(start, end)` of each block of `text`, in order: `split_blocks` without the objects,
    for a caller that reads only a few blocks."""
    # A blank-line match takes all the space after it, so every block after the first starts at a
    # non-space character: only the first can be blank.
    cursor = 0
    for match in _BLANK_LINES.finditer(text):
        if cursor < match.start() and (cursor > 0 or not text[:match.start()].isspace()):
            yield cursor, match.start()
        cursor = match.end()
    if cursor < len(text) and (cursor > 0 or not text.isspace()):
        yield cursor, len(text)


def split_sentences(text: str, block: Block | None = None) -> list[Sentence]:
    """The sentences of `text` (or of one block): each line is split at sentence ends that are
    not abbreviations."""
    blocks = [block] if block is not None else split_blocks(text)
    out: list[Sentence] = []
    for current in blocks:
        line_index = text.count("\n", 0, current.start)
        last_end = current.start
        for line in _BLOCK.finditer(text, current.start, current.end):
            line_index += text.count("\n", last_end, line.start())
            last_end = line.start()
            for start, end in _split_line(text, line.start(), line.end()):
                out.append(Sentence(start, end, line_index, current.index))
    return out


# A "sentence" longer than this (a table flattened to one line, a run of names without a full
# stop) is read in pieces cut at spaces, so reading it costs time in proportion to its length.
MAX_SENTENCE = 1200


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [piece for s, e in _sentence_spans(text, start, end) for piece in _pieces(text, s, e)]


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`[start, end)` cut at spaces into pieces of at most MAX_SENTENCE characters."""
    if end - start <= MAX_SENTENCE:
        return [(start, end)]
    out = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        out.append(_trim(text, start, cut))
        start = cut
    out.append(_trim(text, start, end))
    return [(s, e) for s, e in out if e > s]


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        token = _word_before(text, cursor, match.start()).lower().rstrip(".")
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    spans.append((cursor, end))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _word_before(text: str, start: int, end: int) -> str:
    """The run of word characters and dots that ends at `end` (not before `start`): what
    `([\\w.]+)\\Z` finds, read backwards instead of tried at every position of the sentence."""
    at = end
    while at > start and (text[at - 1].isalnum() or text[at - 1] in "_."):
        at -= 1
    return text[at:end]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
