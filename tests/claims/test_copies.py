"""Copy detection over articles: near-identical texts cluster, independent ones do not."""
from __future__ import annotations

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
