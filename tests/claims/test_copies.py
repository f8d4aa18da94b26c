"""Copy detection over articles: near-identical texts cluster, independent ones do not."""
from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from claims.copies import PERMUTATIONS, cluster_copies, detect_copies, estimate_similarity, minhash, shingle_text
from sources import Source

ORIGINAL = (
    "India and Japan reviewed progress on the Lunar Polar Exploration mission on Thursday. "
    "The rover will be carried by Japan's H3 rocket from Tanegashima. "
    "ISRO is building the lander, while JAXA provides the rover and the launch vehicle. "
    "Officials said the launch is planned for 2028 after a series of reviews.\n\n"
    "The mission will study water ice near the lunar south pole for about one hundred days."
)
# A syndicated copy: the same text with a new headline sentence and one word changed.
COPY = "Syndicated from the wires. " + ORIGINAL.replace("Thursday", "Friday")
OTHER = (
    "The Thirty Meter Telescope will have a primary mirror made of 492 segments. "
    "Construction has been delayed by protests in Hawaii, and an alternative site in Spain is considered. "
    "India contributes actuators and software to the observatory."
)


def _source(source_id: str, text: str) -> Source:
    return Source(id=source_id, path=f"{source_id}.txt", content_hash=source_id, text=text)


def test_two_near_identical_articles_form_one_cluster() -> None:
    sources = [_source("wire-copy", COPY), _source("original", ORIGINAL), _source("telescope", OTHER)]
    assert detect_copies(sources) == [["original", "wire-copy"]]


def test_independent_articles_form_no_cluster() -> None:
    assert detect_copies([_source("a", ORIGINAL), _source("b", OTHER)]) == []


def test_clusters_do_not_depend_on_source_order() -> None:
    sources = [_source("b", COPY), _source("a", ORIGINAL), _source("c", ORIGINAL)]
    assert detect_copies(sources) == detect_copies(list(reversed(sources))) == [["a", "b", "c"]]


def test_similarity_estimate_tracks_jaccard() -> None:
    a, b = shingle_text(ORIGINAL), shingle_text(COPY)
    jaccard = len(a & b) / len(a | b)
    assert abs(estimate_similarity(minhash(a), minhash(b)) - jaccard) < 0.2
    assert estimate_similarity(minhash(a), minhash(shingle_text(OTHER))) < 0.2


def test_shingles_ignore_case_punctuation_and_spacing() -> None:
    plain = shingle_text("The rover will be carried by the H3 rocket. Short line.")
    styled = shingle_text("THE ROVER, will be carried\u2014by the “H3” rocket!  Short line?")
    assert plain == styled == {b"the rover will be carried by the h3 rocket"}


def test_sentences_end_at_blank_lines_as_well_as_stops() -> None:
    assert shingle_text("A headline without a stop\n\nThe first paragraph says this") == {
        b"a headline without a stop", b"the first paragraph says this"}


def _shingles_one_sentence_at_a_time(text: str, min_words: int) -> set[bytes]:
    """The definition `shingle_text` implements faster: fold, drop marks, split, then each sentence's words."""
    data = text.casefold().encode("utf-8", "replace")
    for mark in "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0":
        data = data.replace(mark.encode("utf-8"), b" ")
    table = bytearray(range(256))
    for char in string.punctuation.replace("_", ""):
        table[ord(char)] = ord(" ")
    for char in ".!?\x00":
        table[ord(char)] = 0
    sentences = data.translate(bytes(table)).replace(b"\n\n", b"\x00").split(b"\x00")
    return {b" ".join(words) for words in map(bytes.split, sentences) if len(words) >= min_words}


_SHINGLE_PIECES = st.sampled_from(["The", "rover", "H3", "ISRO", "Straße", "İstanbul", "ΣΟΦΙΑ", "Ǆ", "ﬁne", "₹4,500",
                                   "“", "”", "—", "…", "\u00a0", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\x0b", "\x1c",
                                   ".", "!", "?", ",", "U.S.", "\x00", "_", "é", "\ud800"])


@given(st.lists(st.one_of(_SHINGLE_PIECES, st.text(max_size=6)), max_size=60).map(" ".join),
       st.integers(min_value=0, max_value=5))
def test_shingles_are_each_sentence_folded_and_split(text: str, min_words: int) -> None:
    assert shingle_text(text, min_words=min_words) == _shingles_one_sentence_at_a_time(text, min_words)


def _signature(*values: int) -> tuple[int, ...]:
    return tuple(values) * (PERMUTATIONS // len(values))


def test_clusters_join_through_a_shared_member() -> None:
    # a and b share half their signature, b and c the other half: a and c meet only through b.
    a, c = _signature(1, 2, 3, 4), _signature(5, 6, 7, 8)
    b = tuple(x if i % 4 < 2 else y for i, (x, y) in enumerate(zip(a, c)))
    assert cluster_copies({"c": c, "b": b, "a": a, "d": _signature(9, 10, 11, 12)}) == [["a", "b", "c"]]


def test_a_shared_band_below_the_threshold_is_no_copy() -> None:
    a = _signature(1, 2, 3, 4)
    b = a[:2] + _signature(5, 6, 7, 8)[2:]  # one band in common, 2 of 64 values equal
    assert cluster_copies({"a": a, "b": b}) == []
    assert cluster_copies({"a": a}) == cluster_copies({}) == []
