"""Folding and sentence splitting: offsets into the source text stay exact."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from claims.segment import _word_before, block_spans, fold

_DASHES_AND_QUOTES = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
})
# Pieces of text with and without a case: typographic marks, letters that lower-case to two
# characters (İ), a final sigma, title-case digraphs, a lone surrogate.
TEXT_PIECES = st.sampled_from([
    "LUPEX", "Lupex", "H3-24L", "\u201cquoted\u201d", "it\u2019s", "2027\u201328", "\u2014", "\u00a0", "\u20b94,500",
    "\u0130stanbul", "\u039f\u0394\u039f\u03a3", "\u01c4", "Stra\u00dfe", "\ufb01ne", "\u212a", "\ud800", " ", "\n",
])
texts = st.lists(st.one_of(TEXT_PIECES, st.text(max_size=8)), max_size=30).map("".join)


@given(texts)
def test_fold_is_lower_case_with_marks_made_ascii_at_the_same_offsets(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    expected = text.lower().translate(_DASHES_AND_QUOTES)
    if len(expected) == len(text):  # else a character lower-cases to two and is kept as written
        assert folded == expected


_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _blocks_by_slicing(text: str) -> list[tuple[int, int]]:
    """The definition `block_spans` implements: the text between blank lines, less blank pieces."""
    out, cursor = [], 0
    for match in _BLANK_LINES.finditer(text):
        out.append((cursor, match.start()))
        cursor = match.end()
    out.append((cursor, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


@given(st.lists(st.sampled_from(["a", "LUPEX.", " ", "\t", "\n", "\n\n", "\r", "\u00a0", "\u2028", "\x0c"]),
                max_size=30).map("".join))
def test_blocks_are_the_non_blank_text_between_blank_lines(text: str) -> None:
    assert list(block_spans(text)) == _blocks_by_slicing(text)


@given(texts, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_word_before_a_stop_is_the_run_of_word_characters_and_dots(text: str, start: int, end: int) -> None:
    # \Z, not $: `$` also matches before a newline that ends the text, so "LUPEX\n" would give
    # "LUPEX", a word that does not end where the stop begins.
    match = re.compile(r"([\w.]+)\Z").search(text, start, end)
    assert _word_before(text, start, min(end, len(text))) == (match.group(1) if match else "")
