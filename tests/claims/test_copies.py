"""Copy detection over articles: near-identical texts cluster, independent ones do not."""
from __future__ import annotations

from claims.copies import detect_copies, estimate_similarity, minhash, shingle_text
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
