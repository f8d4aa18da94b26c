"""The domain pack: entities, aliases, fields, catalogues and trigger words, loaded from YAML.

A pack is data, not code: adding an entity or an alias means editing YAML. Everything is
validated on load; errors name the file, the line and the key.
"""
from __future__ import annotations

import hashlib
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from claims.errors import PackError
from sources import LocatedYaml, describe_loc, parse_yaml_located

FieldType = Literal["date", "quantity", "ref", "datetime", "text"]
_STRICT = ConfigDict(frozen=True, extra="forbid")
_ALTERNATIVES = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def expand_alias(template: str) -> list[str]:
    """All spellings a template stands for: `{India|Japan}-{Japan|India}` gives four.

    >>> expand_alias("the {1st|First} Space Dialogue")
    ['the 1st Space Dialogue', 'the First Space Dialogue']
    """
    match = _ALTERNATIVES.search(template)
    if match is None:
        return [template]
    head, tail = template[: match.start()], template[match.end():]
    return [alias for choice in match.group(1).split("|")
            for alias in expand_alias(head + choice + tail)]


class KindSpec(BaseModel):
    """A kind of entity (mission, event, facility): its head nouns and default date field."""

    model_config = _STRICT
    nouns: list[str] = []
    plurals: list[str] = []
    parts: list[str] = []
    default_date_field: str | None = None


class EntitySpec(BaseModel):
    """One tracked object: id, kind, aliases, and for an event the period it happens in."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: str
    aliases: list[str] = Field(min_length=1)
    period: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}){0,2}$")
    primary_publishers: list[str] = []


class FieldSpec(BaseModel):
    """A field: what it applies to, its value type, unit or catalogue, and its cue words."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    applies_to: list[str] = Field(min_length=1)
    type: FieldType
    unit: str | None = None
    catalogue: str | None = None
    compare: Literal["lineage", "root"] = "lineage"
    tolerance: float | None = Field(default=None, ge=0)
    triggers: list[str] = []
    exclude_after: list[str] = []
    window: int = Field(default=12, ge=1, le=60)
    cue_before: list[str] = []
    cue_after: list[str] = []
    labels: list[str] = []

    @model_validator(mode="after")
    def _type_needs(self) -> "FieldSpec":
        if self.type == "quantity" and not self.unit:
            raise ValueError(f"field {self.id!r} is a quantity: give its canonical `unit` (kg, d, m, 1)")
        if self.type == "ref" and not self.catalogue:
            raise ValueError(f"field {self.id!r} is a ref: name its `catalogue`")
        return self


class CatalogueEntry(BaseModel):
    """A catalogue id, its parent in the lineage, and the ways texts name it."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    parent: str | None = None
    aliases: list[str] = []


class DomainPack(BaseModel):
    """A whole domain pack, cross-checked: unique aliases, known kinds, acyclic catalogues."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    version: str = "1"
    fiscal_year_start_month: int = Field(default=4, ge=1, le=12)
    kinds: dict[str, KindSpec]
    entities: list[EntitySpec]
    fields: list[FieldSpec]
    catalogues: dict[str, list[CatalogueEntry]]
    others: list[str] = []
    date_blockers: list[str] = []
    date_target_words: list[str] = []
    object_nouns: list[str] = []
    clause_breaks: list[str] = []
    digest: str = ""

    @cached_property
    def entity_by_id(self) -> dict[str, EntitySpec]:
        return {e.id: e for e in self.entities}

    @cached_property
    def field_by_id(self) -> dict[str, FieldSpec]:
        return {f.id: f for f in self.fields}

    @cached_property
    def parents(self) -> dict[str, dict[str, str | None]]:
        """Per catalogue, each id's parent."""
        return {name: {e.id: e.parent for e in entries} for name, entries in self.catalogues.items()}

    def lineage(self, catalogue: str, ref_id: str) -> list[str]:
        """The id and its ancestors, nearest first: `lineage('vehicles', 'h3-24l')` → `['h3-24l', 'h3']`."""
        parents = self.parents.get(catalogue, {})
        out = [ref_id]
        while (parent := parents.get(out[-1])) is not None and parent not in out:
            out.append(parent)
        return out

    def fields_for(self, kind: str) -> list[FieldSpec]:
        """The fields that apply to entities of `kind`, in pack order."""
        return [f for f in self.fields if kind in f.applies_to]


def _check_pack(pack: DomainPack, doc: LocatedYaml, path: str) -> None:
    """Cross-entry checks that pydantic's per-entry validation cannot make."""
    seen: dict[str, tuple[str, int]] = {}
    for i, entity in enumerate(pack.entities):
        if entity.kind not in pack.kinds:
            raise PackError(path, doc.line_of(["entities", i, "kind"]),
                            f"entities[{i}].kind: unknown kind {entity.kind!r}; known kinds: {sorted(pack.kinds)}")
        for alias in (a for t in entity.aliases for a in expand_alias(t)):
            key = alias.casefold()
            if key in seen and seen[key][0] != entity.id:
                raise PackError(path, doc.line_of(["entities", i, "aliases"]),
                                f"alias {alias!r} of {entity.id!r} is already an alias of {seen[key][0]!r} "
                                f"(line {seen[key][1]}); an alias must name one entity")
            seen[key] = (entity.id, doc.line_of(["entities", i, "aliases"]) or 0)
    for i, field in enumerate(pack.fields):
        for kind in field.applies_to:
            if kind not in pack.kinds:
                raise PackError(path, doc.line_of(["fields", i, "applies_to"]),
                                f"fields[{i}].applies_to: unknown kind {kind!r}; known kinds: {sorted(pack.kinds)}")
        if field.catalogue and field.catalogue not in pack.catalogues:
            raise PackError(path, doc.line_of(["fields", i, "catalogue"]),
                            f"fields[{i}].catalogue: no catalogue {field.catalogue!r}; known: {sorted(pack.catalogues)}")
    for name, entries in pack.catalogues.items():
        ids = {e.id for e in entries}
        for j, entry in enumerate(entries):
            line = doc.line_of(["catalogues", name, j])
            if entry.parent is not None and entry.parent not in ids:
                raise PackError(path, line, f"catalogues.{name}[{j}]: parent {entry.parent!r} of {entry.id!r} "
                                            f"is not in the catalogue")
            chain, node = [entry.id], entry.parent
            while node is not None:
                if node in chain:
                    raise PackError(path, line, f"catalogues.{name}: cycle of parents "
                                                f"{' -> '.join(chain + [node])}")
                chain.append(node)
                node = pack.parents[name].get(node)


def load_pack(path: str | Path | None = None) -> DomainPack:
    """The domain pack at `path`, or the bundled India–Japan space pack; raises `PackError`."""
    if path is None:
        text = resources.files("claims").joinpath("packs/india-japan-space.yaml").read_text("utf-8")
        where = "claims/packs/india-japan-space.yaml"
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PackError(where, None, f"cannot read the domain pack: {exc}") from exc
    doc = parse_yaml_located(text, where, error=PackError)
    if not isinstance(doc.data, dict):
        raise PackError(where, 1, "a domain pack is a mapping with `name`, `kinds`, `entities`, `fields`, `catalogues`")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    try:
        pack = DomainPack.model_validate({**doc.data, "digest": digest})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [k for k in err["loc"] if not (isinstance(k, str) and k.startswith("function-"))]
        raise PackError(where, doc.line_of(loc), f"{describe_loc(loc)}: {err['msg']}") from exc
    _check_pack(pack, doc, where)
    return pack
