"""A deterministic synthetic corpus for the benchmark: news-like articles over the bundled domain pack.

    .venv/bin/python bench/corpus_gen.py OUT_FOLDER --articles 1000 [--seed 0]

Each article (4–8 KB, like the seed articles) is mostly filler paragraphs built from a word and
sentence grammar, with a handful of claim sentences about one to three entities of the pack: prose
in many phrasings, a sentence that refers back ("The mission …"), sometimes a fact box
(`Launch vehicle | H3`) and a hedge. A fraction of the articles states one value that contradicts
the others (an injected conflict). The grammar lives in `bench/phrases.yaml`.

Article `i` depends only on (seed, i): the first 100 articles of a 10,000-article corpus are the
100 articles of a 100-article corpus, and the same seed gives the same bytes on every run.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claims import DomainPack, load_pack

PHRASES = Path(__file__).resolve().parent / "phrases.yaml"
MIN_BYTES, MAX_BYTES = 4_000, 8_000
CONFLICT_RATE = 0.12
FACT_BOX_RATE = 0.15
CARRY_RATE = 0.3
# How often each entity is the subject of an article, relative to the others.
ENTITY_WEIGHTS = {"lupex": 6, "issa-j1": 2, "space-dialogue-3": 2, "annual-summit-2025": 2, "tmt": 2}
PUBLISHERS = ["WION", "World Reporter", "Japan Calling", "RIS", "The Orbit Desk", "Asia Space Review",
              "Lunar Wire", "Indo-Pacific Monitor", "Tokyo Science Post", "Bengaluru Tech Daily",
              "The Launch Pad", "Policy Orbit", "Space Affairs Weekly", "Kansai Business Journal",
              "Delhi Strategic Review", "Moonshot Media", "The Telescope Times", "Satellite Ledger",
              "Asian Diplomat", "Frontier Science News"]
_SLOT = re.compile(r"\{(\w+)\}")
_LEADING = re.compile(r"^(?:(?:in|on|by|around|sometime in|the)\s+)+", re.I)


@dataclass(frozen=True)
class Planted:
    """A claim an article was written to state: which entity and field, the form, and whether it conflicts."""

    source_id: str
    entity: str
    field: str
    text: str
    conflict: bool


@dataclass
class GenStats:
    """What `generate_corpus` wrote: articles, bytes, claim sentences and the planted claims."""

    articles: int = 0
    bytes: int = 0
    claim_sentences: int = 0
    fact_box_rows: int = 0
    planted: list[Planted] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Planted]:
        """The planted claims whose value contradicts the agreed one."""
        return [p for p in self.planted if p.conflict]


@dataclass
class _Article:
    """One article being written: its paragraphs and the claims planted in them."""

    source_id: str
    paragraphs: list[str] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)
    sentences: int = 0
    rows: int = 0


def load_phrases(path: Path = PHRASES) -> dict[str, Any]:
    """The phrase grammar (see the comment at the top of bench/phrases.yaml); every form is a string."""
    phrases: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for facts in phrases["facts"].values():
        for forms in facts.values():
            for key, values in forms.items():
                forms[key] = [str(v) for v in values]
    return phrases


def check_phrases(phrases: dict[str, Any], pack: DomainPack) -> None:
    """Raise ValueError when the grammar names an entity or field the pack does not have, or misapplies one."""
    for entity, facts in phrases["facts"].items():
        spec = pack.entity_by_id.get(entity)
        if spec is None or entity not in phrases["names"]:
            raise ValueError(f"phrases.yaml: entity {entity!r} is not in pack {pack.name!r} or has no names")
        for field_id in facts:
            field_spec = next((f for f in pack.fields if f.id == field_id), None)
            if field_spec is None or spec.kind not in field_spec.applies_to:
                raise ValueError(f"phrases.yaml: field {field_id!r} does not apply to {entity!r}")
            if field_id not in phrases["claims"] or field_id not in phrases["fact_box"]["labels"]:
                raise ValueError(f"phrases.yaml: field {field_id!r} has no claim templates or fact-box label")


def generate_corpus(folder: Path, n: int, *, seed: int = 0, pack: DomainPack | None = None,
                    conflict_rate: float = CONFLICT_RATE) -> GenStats:
    """Write `n` articles (`a000000.txt` …) and their sources.yaml into `folder`; what was written.

    Deterministic for (seed, n); article i is the same whatever n is.
    """
    pack = pack or load_pack()
    phrases = load_phrases()
    check_phrases(phrases, pack)
    folder.mkdir(parents=True, exist_ok=True)
    stats = GenStats()
    manifest: list[str] = []
    for index in range(n):
        rng = random.Random(f"claimrecon-bench:{seed}:{index}")
        article = _write_article(f"a{index:06d}", rng, phrases, pack, conflict_rate)
        text = "\n\n".join(article.paragraphs) + "\n"
        data = text.encode("utf-8")
        (folder / f"{article.source_id}.txt").write_bytes(data)
        manifest.append(_manifest_entry(article.source_id, article.paragraphs[0], rng))
        stats.articles += 1
        stats.bytes += len(data)
        stats.claim_sentences += article.sentences
        stats.fact_box_rows += article.rows
        stats.planted.extend(article.planted)
    (folder / "sources.yaml").write_text("".join(manifest), encoding="utf-8")
    return stats


def _manifest_entry(source_id: str, title: str, rng: random.Random) -> str:
    """One sources.yaml entry; a tenth of the sources have no publication date, others a day, month or year."""
    lines = [f"- id: {source_id}", f"  title: {json.dumps(title, ensure_ascii=False)}",
             f"  publisher: {json.dumps(rng.choice(PUBLISHERS))}"]
    roll = rng.random()
    year, month, day = rng.randrange(2023, 2026), rng.randrange(1, 13), rng.randrange(1, 29)
    if roll < 0.6:
        lines.append(f"  published: {year}-{month:02d}-{day:02d}")
    elif roll < 0.8:
        lines.append(f'  published: "{year}-{month:02d}"')
    elif roll < 0.9:
        lines.append(f'  published: "{year}"')
    return "\n".join(lines) + "\n"


def _write_article(source_id: str, rng: random.Random, phrases: dict[str, Any], pack: DomainPack,
                   conflict_rate: float) -> _Article:
    """A headline, filler paragraphs up to a 4–8 KB target, and claim paragraphs at random places."""
    article = _Article(source_id)
    words = phrases["words"]
    article.paragraphs.append(_fill(rng.choice(phrases["headlines"]), words, rng))
    claim_paragraphs = _claim_paragraphs(article, rng, phrases, pack, conflict_rate)
    target = rng.randrange(MIN_BYTES, MAX_BYTES)
    size = sum(len(p) for p in claim_paragraphs)
    body: list[str] = []
    while size < target:
        paragraph = _filler_paragraph(rng, phrases)
        body.append(paragraph)
        size += len(paragraph) + 2
    for paragraph in claim_paragraphs:
        body.insert(rng.randrange(0, len(body) + 1), paragraph)
    article.paragraphs.extend(body)
    article.paragraphs.extend(_fill(line, words, rng) for line in rng.sample(phrases["boilerplate"], 2))
    return article


def _filler_paragraph(rng: random.Random, phrases: dict[str, Any]) -> str:
    """Three to six sentences from the filler frames; they name no tracked entity."""
    frames = rng.sample(phrases["filler"], rng.randrange(3, 7))
    return " ".join(_fill(frame, phrases["words"], rng) for frame in frames)


def _fill(template: str, words: dict[str, list[str]], rng: random.Random, **given: str) -> str:
    """`template` with each {slot} replaced by a given value or a random word of that slot.

    A capitalised slot with no list of its own (`{Actor}`) is a word of `actor`, capitalised.
    """
    def word(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot in given:
            return given[slot]
        if slot in words:
            return rng.choice(words[slot])
        return _capitalise(rng.choice(words[slot.lower()]))
    return _SLOT.sub(word, template)


def _claim_paragraphs(article: _Article, rng: random.Random, phrases: dict[str, Any], pack: DomainPack,
                      conflict_rate: float) -> list[str]:
    """One paragraph per chosen entity (plus maybe a fact box); one sentence may carry a conflict."""
    entities = _choose_entities(rng, phrases)
    conflict_at = rng.randrange(len(entities)) if rng.random() < conflict_rate else None
    out: list[str] = []
    for position, entity in enumerate(entities):
        fields = sorted(phrases["facts"][entity])
        chosen = rng.sample(fields, min(len(fields), rng.randrange(1, 4)))
        if rng.random() < FACT_BOX_RATE and len(fields) > 1:
            out.append(_fact_box(article, entity, rng, phrases))
        out.append(_prose_paragraph(article, entity, chosen, rng, phrases, pack,
                                    conflict=conflict_at == position))
    return out


def _choose_entities(rng: random.Random, phrases: dict[str, Any]) -> list[str]:
    """One to three distinct entities, the pack's headline entities more often than the others."""
    pool = sorted(phrases["facts"])
    weights = [ENTITY_WEIGHTS.get(e, 1) for e in pool]
    chosen: list[str] = []
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        entity = rng.choices(pool, weights)[0]
        if entity not in chosen:
            chosen.append(entity)
    return chosen


def _prose_paragraph(article: _Article, entity: str, fields: list[str], rng: random.Random,
                     phrases: dict[str, Any], pack: DomainPack, *, conflict: bool) -> str:
    """Claim sentences about `entity`, the first one conflicting when `conflict`, maybe a hedge."""
    sentences: list[str] = []
    for i, field_id in enumerate(fields):
        is_conflict = conflict and i == 0
        form, adj = _form(phrases["facts"][entity][field_id], rng, conflict=is_conflict)
        name = rng.choice(phrases["names"][entity])
        kind = pack.entity_by_id[entity].kind
        if field_id == pack.kinds[kind].default_date_field and kind == "mission" and rng.random() < CARRY_RATE:
            first, second = rng.choice(phrases["carry"])
            noun = rng.choice(phrases["carry_nouns"][kind])
            sentences += [_render(first, name, form, adj), _render(second, name, form, adj, noun=noun)]
        else:
            sentences.append(_render(rng.choice(phrases["claims"][field_id]), name, form, adj))
        article.sentences += 1
        article.planted.append(Planted(article.source_id, entity, field_id, form, is_conflict))
    if rng.random() < 0.3:
        sentences.insert(rng.randrange(1, len(sentences) + 1), rng.choice(phrases["hedges"]))
    return " ".join(sentences)


def _fact_box(article: _Article, entity: str, rng: random.Random, phrases: dict[str, Any]) -> str:
    """A heading that names the entity, then `Label | value` rows on consecutive lines."""
    box = phrases["fact_box"]
    name = rng.choice(phrases["names"][entity])
    lines = [_render(rng.choice(box["headings"]), name, "", "")]
    fields = sorted(phrases["facts"][entity])
    for field_id in rng.sample(fields, min(len(fields), rng.randrange(2, 5))):
        form, _ = _form(phrases["facts"][entity][field_id], rng, conflict=False)
        lines.append(f"{box['labels'][field_id]} | {_LEADING.sub('', form)}")
        article.rows += 1
        article.planted.append(Planted(article.source_id, entity, field_id, form, False))
    return "\n".join(lines)


def _form(forms: dict[str, list[str]], rng: random.Random, *, conflict: bool) -> tuple[str, str]:
    """A (noun form, adjectival form) of the agreed value, or of a conflicting one."""
    prefix = "conflict" if conflict else "agree"
    index = rng.randrange(len(forms[prefix]))
    adjs = forms.get("conflict_adj" if conflict else "adj", [])
    return forms[prefix][index], rng.choice(adjs) if adjs else forms[prefix][index]


def _render(template: str, name: str, value: str, adj: str, *, noun: str = "") -> str:
    """A claim template filled in: {Name}/{name}, {Value}/{value}, {adj}, {Noun}."""
    filled = {"name": name, "Name": _capitalise(name), "value": value, "Value": _capitalise(value),
              "adj": adj, "Noun": noun}
    return _SLOT.sub(lambda m: filled[m.group(1)], template)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def main() -> None:
    """Generate a corpus from the command line and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    stats = generate_corpus(args.folder, args.articles, seed=args.seed)
    print(f"{stats.articles} articles, {stats.bytes / 1e6:.1f} MB, {stats.claim_sentences} claim sentences, "
          f"{stats.fact_box_rows} fact-box rows, {len(stats.conflicts)} injected conflicts")


if __name__ == "__main__":
    main()
