"""Claims that arrive already structured: CSV, TSV or Parquet tables, long or wide.

Long form has the columns `source, entity, field, value` (one claim per row). Wide form has one row
per source and entity and a column per field; a mapping file names the columns::

    entity_column: flight            # entity ids come from the data, not from pack aliases
    source_column: source
    kind: flight
    columns: [source, flight, ...]   # only for a file with no header row
    encoding: latin-1                # default utf-8
    reference_date: 2011-12-01       # year for cells that print none ("2:07 PMDec 01")
    missing: ['Not Available', 'Term(inal)? \\S+']   # placeholders: full-match regexes, any case
    primary_sources: [agency]        # sources that are the primary authority
    fields:
      dep_time: {field: departure, type: datetime, tolerance: 1}   # tolerance in minutes
      gate: {field: gate, type: text, pattern: '(?:.* - )?(?P<value>.+)'}
      price: {field: price, type: quantity, unit: USD}

Field types: `datetime` (DateValue with `minute`), `date`, `quantity`, `ref` (an id from a pack
catalogue) and `text`, a free code stored as a RefValue whose id is the normalised code. Placeholders
are missing values, not claims. A row that cannot be used becomes a `Problem` naming its line (the
file's line for CSV/TSV, the 1-based row for Parquet); the rest of the table is still read.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from claims.cells import normalise_code, normalise_number, normalise_ref
from claims.datetimes import normalise_date_cell, normalise_datetime
from claims.errors import TableError
from claims.pack import CatalogueEntry, DomainPack, FieldSpec, KindSpec
from claims.values import Claim, DateValue, Evidence, QuantityValue, RefValue, claim_id, value_key
from sources import Problem, Source, describe_loc, parse_yaml_located

TableFieldType = Literal["datetime", "date", "quantity", "ref", "text"]
TypedCell = DateValue | QuantityValue | RefValue
# Placeholders every table may use for "no value" (full match, any case).
DEFAULT_MISSING = [r"", r"-+", r"n/?a", r"none", r"null", r"nan", r"tb[ad]", r"unknown", r"not available", r"\?+"]
LONG_COLUMNS = ("source", "entity", "field", "value")
_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".parquet": "parquet", ".pq": "parquet"}
_STRICT = ConfigDict(frozen=True, extra="forbid")
_MISSING, _UNREADABLE = object(), object()


class ColumnSpec(BaseModel):
    """How one column (wide form) or one field id (long form) becomes typed values."""

    model_config = _STRICT
    field: str | None = None
    type: TableFieldType
    unit: str | None = None
    catalogue: str | None = None
    tolerance: float | None = Field(default=None, ge=0)
    pattern: str | None = None


class TableMapping(BaseModel):
    """The mapping file of a claims table (see the module docstring)."""

    model_config = _STRICT
    entity_column: str = "entity"
    source_column: str = "source"
    kind: str = "item"
    columns: list[str] | None = None
    format: Literal["csv", "tsv", "parquet"] | None = None
    encoding: str = "utf-8"
    reference_date: dt.date | None = None
    missing: list[str] = []
    primary_sources: list[str] = []
    fields: dict[str, ColumnSpec] = {}


class TableClaims(BaseModel):
    """What a table gave: claims, one Source per source id, problems, and the pack of its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    claims: list[Claim]
    sources: list[Source]
    problems: list[Problem]
    pack: DomainPack


def load_mapping(path: str | Path) -> TableMapping:
    """The mapping file at `path`; raises `TableError` naming the line of a bad entry."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TableError(path, None, f"cannot read the mapping file: {exc}") from exc
    doc = parse_yaml_located(text, str(path), error=TableError)
    if not isinstance(doc.data, dict):
        raise TableError(path, 1, "a table mapping is a mapping with `entity_column`, `source_column`, `fields`")
    try:
        mapping = TableMapping.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise TableError(path, doc.line_of(err["loc"]), f"{describe_loc(err['loc'])}: {err['msg']}") from exc
    for column, spec in mapping.fields.items():
        _check_spec(spec, column, path, doc.line_of(["fields", column]))
    return mapping


def _check_spec(spec: ColumnSpec, column: str, path: str | Path, line: int | None) -> None:
    """A column spec must carry what its type needs; its pattern must compile."""
    if spec.type == "quantity" and not spec.unit:
        raise TableError(path, line, f"fields.{column}: a quantity needs its `unit` (kg, USD, %, 1)")
    if spec.pattern is not None:
        try:
            re.compile(spec.pattern)
        except re.error as exc:
            raise TableError(path, line, f"fields.{column}.pattern: not a valid regex: {exc}") from exc


def table_pack(mapping: TableMapping, *, name: str = "table") -> DomainPack:
    """A domain pack with one kind and the mapping's fields; its entities come from the data.

    Ref and text fields keep an empty catalogue of their own (so they compare by id); a text field
    becomes a `ref` field, since its values are RefValues.
    """
    fields = {}
    for column, spec in mapping.fields.items():
        field_id = spec.field or column
        # A text code is a ref in a catalogue of its own with no entries: codes compare by id.
        catalogue = (spec.catalogue or field_id) if spec.type in ("ref", "text") else None
        kind = "ref" if spec.type == "text" else spec.type
        fields[field_id] = FieldSpec(id=field_id, applies_to=[mapping.kind], type=kind, unit=spec.unit,
                                     catalogue=catalogue, tolerance=spec.tolerance)
    catalogues: dict[str, list[CatalogueEntry]] = {f.catalogue: [] for f in fields.values() if f.catalogue}
    return DomainPack(name=name, kinds={mapping.kind: KindSpec()}, entities=[],
                      fields=sorted(fields.values(), key=lambda f: f.id), catalogues=catalogues)


def load_table(path: str | Path, mapping: TableMapping | str | Path | None = None, *,
               pack: DomainPack | None = None, reference: dt.date | None = None) -> TableClaims:
    """Claims from a CSV, TSV or Parquet table; raises `TableError` only when nothing can be read.

    `pack` gives field types for a long table without a mapping; `reference` overrides the
    mapping's `reference_date`.
    """
    if mapping is not None and not isinstance(mapping, TableMapping):
        mapping = load_mapping(mapping)
    mapping = mapping or TableMapping()
    path = Path(path)
    rows = _read_rows(path, mapping)
    header = next(rows, None)
    if header is None:
        raise TableError(path, None, "the table is empty")
    reader = _RowReader(path, mapping, header[1], pack=pack, reference=reference or mapping.reference_date)
    for line, row in rows:
        reader.read(line, row)
    return reader.result()


def _read_rows(path: Path, mapping: TableMapping) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) pairs; the first pair is the header (line 0 when `columns` names them)."""
    fmt = mapping.format or _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise TableError(path, None, f"unknown table format {path.suffix!r}: use .csv, .tsv or .parquet, "
                                     f"or set `format` in the mapping")
    if fmt == "parquet":
        yield from _read_parquet(path, mapping)
        return
    if mapping.columns:
        yield 0, list(mapping.columns)
    try:
        with path.open(encoding=mapping.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter="," if fmt == "csv" else "\t",
                                quoting=csv.QUOTE_MINIMAL if fmt == "csv" else csv.QUOTE_NONE)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise TableError(path, _line_of_byte(path, exc.start),
                         f"not {mapping.encoding} text; set `encoding` in the mapping (e.g. latin-1)") from exc
    except (OSError, csv.Error) as exc:
        raise TableError(path, None, f"cannot read the table: {exc}") from exc


def _read_parquet(path: Path, mapping: TableMapping) -> Iterator[tuple[int, list[str]]]:
    """Header then rows of a Parquet file as text cells; the line is the 1-based row number."""
    try:
        import pyarrow.parquet as pq  # optional dependency: only Parquet input needs it
        table = pq.read_table(path)
    except ImportError as exc:
        raise TableError(path, None, "reading Parquet needs pyarrow: pip install 'claimrecon[parquet]'") from exc
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise TableError(path, None, f"cannot read the Parquet file: {exc}") from exc
    names = list(mapping.columns or table.column_names)
    yield 0, names
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for index, cells in enumerate(zip(*columns), start=1):
        yield index, ["" if cell is None else str(cell) for cell in cells]


def _line_of_byte(path: Path, offset: int) -> int:
    """The 1-based line holding byte `offset`."""
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


class _RowReader:
    """Turns rows into claims, collecting problems; keeps caches that make big tables fast."""

    def __init__(self, path: Path, mapping: TableMapping, header: list[str], *,
                 pack: DomainPack | None, reference: dt.date | None) -> None:
        self.path, self.mapping, self.reference = path, mapping, reference
        self.header = [h.strip() for h in header]
        self.long = all(name in self.header for name in LONG_COLUMNS[2:])
        self.pack = pack or table_pack(mapping, name=path.stem)
        self.specs = self._specs()
        self.missing = re.compile("|".join(f"(?:{p})" for p in DEFAULT_MISSING + mapping.missing), re.I)
        self.claims: dict[str, Claim] = {}
        self.problems: list[Problem] = []
        self.source_ids: set[str] = set()
        self._positions = self._column_positions()
        self._typed: dict[tuple[str, str], tuple[TypedCell, str] | object] = {}  # cell → (value, key)

    def _specs(self) -> dict[str, ColumnSpec]:
        """Column (wide) or field id (long) → spec; in long form, types come from the pack."""
        if self.mapping.fields or not self.long:
            return dict(self.mapping.fields)
        return {f.id: ColumnSpec(field=f.id, type=f.type, unit=f.unit, catalogue=f.catalogue)
                for f in self.pack.fields}

    def _column_positions(self) -> dict[str, int]:
        """Where each needed column stands; a missing one makes the table unusable."""
        wanted = list(LONG_COLUMNS) if self.long else \
            [self.mapping.source_column, self.mapping.entity_column, *self.specs]
        where = {name: i for i, name in enumerate(self.header)}
        absent = [name for name in wanted if name not in where]
        if absent:
            raise TableError(self.path, 1 if not self.mapping.columns else None,
                             f"no column {absent[0]!r}; the header has {self.header}; "
                             f"name the columns in the mapping (entity_column, source_column, fields)")
        return {name: where[name] for name in wanted}

    def read(self, line: int, row: list[str]) -> None:
        """Add the claims of one row, or a problem naming the line."""
        if not any(cell.strip() for cell in row):
            return
        if len(row) != len(self.header):
            self._problem(line, f"expected {len(self.header)} cells, found {len(row)}")
            return
        pos = self._positions
        source = row[pos["source" if self.long else self.mapping.source_column]].strip()
        entity = row[pos["entity" if self.long else self.mapping.entity_column]].strip()
        if not source or not entity:
            self._problem(line, "a row needs both a source and an entity")
            return
        self.source_ids.add(source)
        if self.long:
            self._add(line, source, entity, row[pos["field"]].strip(), row[pos["value"]])
        else:
            for column in self.specs:
                self._add(line, source, entity, column, row[pos[column]])

    def _add(self, line: int, source: str, entity: str, key: str, cell: str) -> None:
        """One claim from one cell, unless the cell is a placeholder or unreadable."""
        spec = self.specs.get(key)
        if spec is None:
            self._problem(line, f"unknown field {key!r}; known: {sorted(self.specs)}")
            return
        text = cell.strip()
        typed = self._typed.get((key, text))
        if typed is None:
            typed = self._typed[key, text] = self._type_cell(text, spec)
        if typed is _UNREADABLE:
            self._problem(line, f"{key}: {text!r} is not a {spec.type} value", severity="warning")
        if not isinstance(typed, tuple):
            return
        value, vkey = typed
        field = spec.field or key
        cell_id = claim_id(source, entity, field, vkey, 0, len(text))
        if cell_id not in self.claims:
            # Every part was built and checked above (the value by its normaliser): assemble unchecked.
            evidence = Evidence.model_construct(quote=text, start=0, end=len(text), line=line)
            self.claims[cell_id] = Claim.model_construct(
                claim_id=cell_id, source_id=source, entity=entity, field=field, value=value,
                evidence=evidence, rule=f"table.{spec.type}.v1")

    def _type_cell(self, text: str, spec: ColumnSpec) -> tuple[TypedCell, str] | object:
        """(value, value_key) for a cell, or the _MISSING / _UNREADABLE marker."""
        if self.missing.fullmatch(text):
            return _MISSING
        value = self._normalise(text, spec)
        return _UNREADABLE if value is None else (value, value_key(value))

    def _normalise(self, text: str, spec: ColumnSpec) -> TypedCell | None:
        """The typed value of a cell, after the spec's pattern picks out the value part."""
        if spec.pattern is not None:
            match = re.fullmatch(spec.pattern, text)
            if match is None:
                return None
            text = (match.groupdict().get("value") or match.group(0)).strip()
        if spec.type == "datetime":
            return normalise_datetime(text, reference=self.reference)
        if spec.type == "date":
            return normalise_date_cell(text, reference=self.reference)
        if spec.type == "quantity":
            return normalise_number(text, unit=spec.unit or "1")
        if spec.type == "ref":
            return normalise_ref(text, aliases=self._aliases(spec))
        return normalise_code(text)

    def _aliases(self, spec: ColumnSpec) -> dict[str, str]:
        """Id and aliases (case-folded) → id for the spec's catalogue in the pack."""
        entries = self.pack.catalogues.get(spec.catalogue or spec.field or "", [])
        return {name.casefold(): e.id for e in entries for name in [e.id, *e.aliases]}

    def _problem(self, line: int, message: str, *, severity: Literal["error", "warning"] = "error") -> None:
        self.problems.append(Problem(path=str(self.path), line=line or None, message=message, severity=severity))

    def result(self) -> TableClaims:
        """Claims sorted by id, one Source per source id (primary as the mapping says), problems."""
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        sources = [Source(id=s, path=self.path.name, content_hash=digest, text="",
                          primary=s in self.mapping.primary_sources) for s in sorted(self.source_ids)]
        claims = sorted(self.claims.values(), key=lambda c: c.claim_id)
        return TableClaims(claims=claims, sources=sources, problems=self.problems, pack=self.pack)
