"""Properties over arbitrary input: normalisers never raise, evidence spans are exact, output is deterministic.

- `normalise_date` / `normalise_quantity` return a valid typed value or None on any string.
- Every claim extracted from a random source (sentence templates mixed with random text) has an
  evidence span inside the source whose text is the value's text, on the line it names.
- The JSON report does not depend on the order in which files were created or listed.
- PYTHONHASHSEED changes no output of any command or format.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import DateValue, QuantityValue, extract_claims, load_pack, normalise_date, normalise_quantity
from claimrecon.cli import main
from sources import Source
from tests.strategies import published, sentences_with_dates

ROOT = Path(__file__).resolve().parents[1]
PACK = load_pack()
UNITS = ("kg", "d", "m", "1")
TEMPLATES = (
    "{entity} will launch in {date}.",
    "The {entity} mission is scheduled to launch {date} aboard an {vehicle} rocket.",
    "{entity}'s rover will weigh {quantity}, officials said on {date}.",
    "The {entity} was held in {place} on {date}.",
    "According to ISRO, {entity} is expected to lift off from {site} in {date}, with a mission life of {quantity}.",
    "{entity} | {date} | {quantity}",
)
ENTITIES = ("LUPEX", "Chandrayaan-5", "ISSA-J1", "Chandrayaan-3", "SLIM", "Third India-Japan Space Dialogue",
            "Thirty Meter Telescope", "TMT", "the India-Japan moon mission")
DATES = ("2028", "spring 2027", "March 2025", "April 1, 2025", "by 2028", "2027–28", "mid-2030s",
         "later this decade", "FY2025-26", "no earlier than 2026", "the 2020s", "Q3 2026")
QUANTITIES = ("350 kg", "770 lb", "six months", "three to six months", "30 m", "492 segments", "about 100 days")
VEHICLES = ("H3", "H3-24L", "GSLV Mk III", "LVM3", "PSLV")
PLACES = ("Tokyo", "New Delhi", "Bengaluru")
SITES = ("Sriharikota", "Tanegashima", "Satish Dhawan Space Centre")
NOISE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def _sentence() -> st.SearchStrategy[str]:
    fill = st.fixed_dictionaries({
        "entity": st.sampled_from(ENTITIES), "date": st.sampled_from(DATES), "quantity": st.sampled_from(QUANTITIES),
        "vehicle": st.sampled_from(VEHICLES), "place": st.sampled_from(PLACES), "site": st.sampled_from(SITES),
    })
    return st.tuples(st.sampled_from(TEMPLATES), fill).map(lambda t: t[0].format(**t[1]))


def _article() -> st.SearchStrategy[str]:
    piece = st.one_of(_sentence(), _sentence(), NOISE, sentences_with_dates())
    separator = st.sampled_from((" ", "\n", "\n\n", "  ", "\t", " — "))
    return st.lists(st.tuples(piece, separator), min_size=1, max_size=12).map(
        lambda parts: "".join(p + s for p, s in parts))


# --- normalisers --------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), sentences_with_dates()), anchor=st.none() | published())
def test_normalise_date_never_raises_and_returns_an_interval_or_none(text, anchor):
    value = normalise_date(text, anchor=anchor)
    assert value is None or isinstance(value, DateValue)
    if value is not None and value.start is not None and value.end is not None:
        assert value.start <= value.end


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), st.sampled_from(QUANTITIES), sentences_with_dates()), unit=st.sampled_from(UNITS))
def test_normalise_quantity_never_raises_and_returns_the_asked_unit_or_none(text, unit):
    value = normalise_quantity(text, unit)
    assert value is None or (isinstance(value, QuantityValue) and value.unit == unit)
    if value is not None and value.low is not None and value.high is not None:
        assert value.low <= value.value <= value.high


# --- evidence spans -----------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_article(), anchor=st.none() | published(), line_offset=st.integers(0, 5))
def test_every_claim_evidence_span_is_inside_its_source_and_matches_its_text(text, anchor, line_offset):
    source = Source(id="random", path="random.txt", content_hash="0" * 64, text=text, published=anchor,
                    line_offset=line_offset)
    for claim in extract_claims(source, PACK):
        evidence = claim.evidence
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert text[evidence.start:evidence.end] == claim.value.text
        assert evidence.line == line_offset + text.count("\n", 0, evidence.start) + 1
        assert claim.value.text in evidence.quote and claim.source_id == "random"


def test_template_articles_do_yield_claims():
    """The span property above is not vacuous: the templates give claims."""
    text = " ".join(t.format(entity="LUPEX", date="2028", quantity="350 kg", vehicle="H3", place="Tokyo",
                             site="Sriharikota") for t in TEMPLATES[:3])
    claims = extract_claims(Source(id="t", path="t.txt", content_hash="0" * 64, text=text), PACK)
    assert {(c.entity, c.field) for c in claims} >= {("lupex", "launch_date"), ("lupex", "launch_vehicle")}


# --- order of files -----------------------------------------------------------------------------

def _report_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    main(["report", str(corpus), "--format", "json", "--no-cache", "--jobs", "1", "--quiet"])
    return capsys.readouterr().out


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles=st.lists(_article(), min_size=2, max_size=6), seed=st.integers(0, 2**32 - 1))
def test_file_creation_and_listing_order_never_change_the_json_report(tmp_path, capsys, monkeypatch, articles, seed):
    names = [f"{folder}/a{i}.txt" for i, folder in zip(range(len(articles)), ("x", "y", "x/z", "y", "x", "w"))]
    corpus = tmp_path / "corpus"
    outputs = []
    for order in (list(range(len(articles))), random.Random(seed).sample(range(len(articles)), len(articles))):
        shutil.rmtree(corpus, ignore_errors=True)
        for index in order:
            path = corpus / names[index]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(articles[index], encoding="utf-8")
        outputs.append(_report_json(corpus, capsys))
    real_scandir = os.scandir

    def shuffled_scandir(path):  # a file system that lists folders in another order
        entries = list(real_scandir(path))
        random.Random(seed).shuffle(entries)
        return _Listing(entries)

    monkeypatch.setattr("sources.listing.os.scandir", shuffled_scandir)
    outputs.append(_report_json(corpus, capsys))
    monkeypatch.undo()
    assert outputs[0] == outputs[1] == outputs[2]


class _Listing(list):
    """A list of directory entries that works as `with os.scandir(...) as scan`."""

    def __enter__(self) -> "_Listing":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


# --- PYTHONHASHSEED -----------------------------------------------------------------------------

OUTPUTS = [("report", "json"), ("report", "markdown"), ("report", "html"), ("extract", "jsonl"),
           ("extract", "csv"), ("check", "sarif"), ("check", "text")]


def _outputs_under_hash_seed(seed: str, folder: Path) -> dict[str, bytes]:
    """Every (command, format) on the bundled corpus, in one process run with PYTHONHASHSEED=seed."""
    folder.mkdir()
    calls = [[command, "--format", fmt, "--output", str(folder / f"{command}.{fmt}"), "--quiet"]
             for command, fmt in OUTPUTS]
    script = f"from claimrecon.cli import main\nfor args in {calls!r}:\n    main(args)\n"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", script], cwd=folder, env=env, check=True, timeout=300,
                   capture_output=True)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_pythonhashseed_never_changes_any_output(tmp_path):
    first = _outputs_under_hash_seed("1", tmp_path / "seed-1")
    second = _outputs_under_hash_seed("4242", tmp_path / "seed-4242")
    assert sorted(first) == sorted(f"{c}.{f}" for c, f in OUTPUTS)
    assert all(first[name] for name in first)
    for name in first:
        assert first[name] == second[name], name
