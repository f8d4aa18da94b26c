"""The claim store: claims kept as JSON give the same claims, in the same order, decoded only when read."""
from __future__ import annotations

import json
import os
import random
from typing import Any

import pytest

import claims.store
from claims import (
    Claim,
    ClaimStore,
    EncodedClaims,
    LabelClash,
    claim_order,
    extract_claims,
    label_code,
    load_pack,
    merge_labels,
)
from reconcile import reconcile_claims
from sources import load_corpus

PACK = load_pack(None)
SAMPLE = load_corpus(None)
CLAIMS = [c for s in SAMPLE.sources for c in extract_claims(s, PACK)]
PUBLISHED = {s.id: s.published for s in SAMPLE.sources}


def _by_source(claims: list[Claim]) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for claim in claims:
        out.setdefault(claim.source_id, []).append(claim)
    return out


def _encoded_store(claims: list[Claim]) -> ClaimStore:
    store = ClaimStore()
    for source_id, own in _by_source(claims).items():
        store.add_encoded(source_id, EncodedClaims.of(own))
    return store


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many claims each decoding of a source's JSON gave, in order."""
    seen: list[int] = []
    adapter = claims.store._CLAIMS

    class Counting:
        def validate_json(self, data: bytes) -> Any:
            out = adapter.validate_json(data)
            seen.append(len(out))
            return out

        def dump_json(self, *args: Any, **kwargs: Any) -> bytes:
            return adapter.dump_json(*args, **kwargs)

    monkeypatch.setattr(claims.store, "_CLAIMS", Counting())
    return seen


def test_the_sample_has_claims_from_several_sources() -> None:
    assert len(CLAIMS) > 20 and len(_by_source(CLAIMS)) == 5


@pytest.mark.parametrize("build", [ClaimStore, _encoded_store], ids=["models", "encoded"])
def test_a_store_gives_every_claim_once_in_claim_order(build: Any) -> None:
    shuffled = random.Random(7).sample(CLAIMS, len(CLAIMS))
    store = build(shuffled)
    assert list(store) == sorted(CLAIMS, key=claim_order)
    assert len(store) == len(CLAIMS) and store == sorted(CLAIMS, key=claim_order)
    assert store[0] == min(CLAIMS, key=claim_order) and store[-2:] == sorted(CLAIMS, key=claim_order)[-2:]


def test_reconciling_a_store_kept_as_json_finds_what_the_models_give() -> None:
    assert reconcile_claims(_encoded_store(CLAIMS), PACK, published=PUBLISHED) == \
        reconcile_claims(CLAIMS, PACK, published=PUBLISHED)


def test_reconciling_decodes_only_the_claims_whose_values_it_shows(decoded: list[int]) -> None:
    store = _encoded_store(CLAIMS)
    findings = reconcile_claims(store, PACK, published=PUBLISHED)
    assert findings and 0 < len(decoded) <= 5  # one decoding per source at most, only for shown values
    decoded.clear()
    reconcile_claims(store, PACK, published=PUBLISHED)
    assert decoded == []  # a source is decoded once


def test_first_decodes_only_the_sources_of_the_claims_it_returns(decoded: list[int]) -> None:
    store = _encoded_store(CLAIMS)
    ids = [c.claim_id for c in CLAIMS]
    [first] = store.first(ids, 1)
    assert first == min(CLAIMS, key=claim_order)
    assert decoded == [sum(1 for c in CLAIMS if c.source_id == first.source_id)]
    wanted = max(c.source_id for c in CLAIMS)
    [chosen] = store.first(ids, 1, rank=lambda source_id: source_id != wanted)
    assert chosen == min((c for c in CLAIMS if c.source_id == wanted), key=claim_order)


def test_lookups_by_id() -> None:
    store = _encoded_store(CLAIMS)
    claim = CLAIMS[3]
    assert store.get(claim.claim_id) == claim and store.by_id()[claim.claim_id] == claim
    assert store.order_of(claim.claim_id) == claim_order(claim)
    assert store.get("nope") is None and store.order_of("nope") is None and "nope" not in store.by_id()
    with pytest.raises(KeyError):
        store.by_id()["nope"]
    assert store.count([claim.claim_id, "nope", CLAIMS[0].claim_id]) == 2
    assert set(store.by_id()) == {c.claim_id for c in CLAIMS}


def test_two_batches_of_one_source_join_in_claim_order() -> None:
    own = [c for c in CLAIMS if c.source_id == CLAIMS[0].source_id]
    store = ClaimStore()
    store.add_encoded(own[0].source_id, EncodedClaims.of(own[::2]))
    store.add(own[0].source_id, own[1::2])
    assert list(store) == sorted(own, key=claim_order)
    assert reconcile_claims(store, PACK) == reconcile_claims(own, PACK)


def test_label_codes_are_the_same_in_another_process_whatever_its_hash_seed() -> None:
    import subprocess
    import sys

    labels = ["space-dialogue-3", "event_date", '{"id":"tokyo","type":"ref"}', "é"]
    script = "import sys, json; from claims import label_code; print(json.dumps([label_code(l) for l in sys.argv[1:]]))"
    other = subprocess.run([sys.executable, "-c", script, *labels], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert json.loads(other.stdout) == [label_code(label) for label in labels]
    assert len({label_code(label) for label in labels}) == len(labels) and all(label_code(l) >= 0 for l in labels)


def test_a_code_that_stands_for_two_labels_is_refused() -> None:
    known = {label_code("a"): "a"}
    merge_labels(known, [(label_code("b"), "b"), (label_code("a"), "a")])
    assert known == {label_code("a"): "a", label_code("b"): "b"}
    with pytest.raises(LabelClash):
        merge_labels(known, [(label_code("a"), "not a")])


def test_encoded_claims_given_with_their_models_are_never_decoded(decoded: list[int]) -> None:
    store = ClaimStore()
    for source_id, own in _by_source(CLAIMS).items():
        store.add_encoded(source_id, EncodedClaims.of(own), models=own[::-1])
    assert list(store) == sorted(CLAIMS, key=claim_order) and decoded == []
    assert reconcile_claims(store, PACK, published=PUBLISHED) == reconcile_claims(CLAIMS, PACK, published=PUBLISHED)
