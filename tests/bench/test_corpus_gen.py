"""The benchmark's synthetic corpus: deterministic, varied, and yielding the claims it was written with."""
from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from claims import extract_claims, load_pack
from sources import load_corpus

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from corpus_gen import GenStats, generate_corpus  # noqa: E402

ARTICLES = 30
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenStats]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, generate_corpus(folder, ARTICLES, seed=7)


@pytest.fixture(scope="module")
def extracted(generated: tuple[Path, GenStats]) -> tuple[list, dict]:
    folder, _ = generated
    corpus = load_corpus(folder)
    pack = load_pack()
    claims = [c for source in corpus.sources for c in extract_claims(source, pack)]
    return claims, {s.id: s.published for s in corpus.sources}


def test_generator_same_seed_gives_identical_bytes(generated, tmp_path):
    folder, _ = generated
    again = generate_corpus(tmp_path / "again", ARTICLES, seed=7)
    assert _digest(tmp_path / "again") == _digest(folder)
    assert again.bytes == generated[1].bytes


def test_generator_other_seed_gives_other_articles(generated, tmp_path):
    folder, _ = generated
    generate_corpus(tmp_path / "other", 3, seed=8)
    assert (tmp_path / "other" / "a000000.txt").read_bytes() != (folder / "a000000.txt").read_bytes()


def test_generator_article_depends_on_its_index_not_on_corpus_size(generated, tmp_path):
    folder, _ = generated
    generate_corpus(tmp_path / "small", 5, seed=7)
    assert (tmp_path / "small" / "a000004.txt").read_bytes() == (folder / "a000004.txt").read_bytes()


def test_generator_writes_articles_of_news_size_with_a_manifest(generated):
    folder, stats = generated
    sizes = [p.stat().st_size for p in folder.glob("*.txt")]
    assert len(sizes) == stats.articles == ARTICLES
    assert all(3_500 <= size <= 10_000 for size in sizes), sizes
    corpus = load_corpus(folder)
    assert corpus.problems == []
    assert sum(s.publisher is not None for s in corpus.sources) == ARTICLES


def test_generator_sentences_are_varied(generated):
    folder, _ = generated
    sentences = Counter(s.strip() for p in folder.glob("*.txt") for s in _SENTENCE.findall(p.read_text("utf-8")))
    assert len(sentences) >= 1_000
    # Boilerplate lines repeat, as they do on real sites; prose does not repeat in bulk.
    assert sentences.most_common(1)[0][1] <= ARTICLES


def test_generator_articles_are_mostly_filler(generated):
    folder, stats = generated
    assert 1 <= stats.claim_sentences / ARTICLES <= 10
    assert stats.bytes / ARTICLES >= 4_000


def test_generated_corpus_yields_claims_for_most_planted_values(generated, extracted):
    _, stats = generated
    claims, _ = extracted
    assert len(claims) >= ARTICLES
    found = {(c.source_id, c.entity, c.field) for c in claims}
    planted = {(p.source_id, p.entity, p.field) for p in stats.planted}
    assert len(planted & found) >= 0.85 * len(planted)
    assert found <= planted, sorted(found - planted)


def test_injected_conflicts_show_up_as_conflicts(generated, extracted):
    reconcile = pytest.importorskip("reconcile.findings")
    _, stats = generated
    claims, published = extracted
    assert stats.conflicts, "the seed should inject at least one conflict into 30 articles"
    findings = reconcile.reconcile_claims(claims, load_pack(), published=published)
    status = {(f.entity, f.field): f.status for f in findings}
    found = {(c.source_id, c.entity, c.field) for c in claims}
    injected = {(p.entity, p.field) for p in stats.conflicts if (p.source_id, p.entity, p.field) in found}
    assert injected
    assert {group: status[group] for group in injected} == {group: "conflict" for group in injected}
    # Groups with no injected conflict agree or refine: the generator's agreeing forms are consistent.
    others = {group: s for group, s in status.items() if group not in {(p.entity, p.field) for p in stats.conflicts}}
    assert "conflict" not in others.values(), others
