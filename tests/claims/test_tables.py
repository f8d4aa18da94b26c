"""Structured claims tables: messy cell formats, each file format, placeholders, bad rows."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims import TableError, make_claim
from claims.cells import normalise_code, normalise_number
from claims.datetimes import normalise_datetime
from claims.tables import ColumnSpec, TableMapping, load_mapping, load_table, table_pack

DEC_1 = dt.date(2011, 12, 1)


@pytest.mark.parametrize("text, day, clock, tz", [
    ("12/1/2011 2:07PM EST", "2011-12-01", "14:07", "EST"),
    ("12/1/11 2:06 PM (-05:00)", "2011-12-01", "14:06", "-05:00"),
    ("2011-12-01 02:07 PM", "2011-12-01", "14:07", None),
    ("2:07 PMDec 01", "2011-12-01", "14:07", None),
    ("1:55pDec 1", "2011-12-01", "13:55", None),
    ("Dec 01 - 12:00noon", "2011-12-01", "12:00", None),
    ("Dec 05 - 12:00midnight", "2011-12-05", "00:00", None),
    ("Thu., Dec.01, 2011 1:55 p.m.", "2011-12-01", "13:55", None),
    ("12:26 AM  Fri 02-Dec-2011 (Runway)", "2011-12-02", "00:26", None),
    ("3:00P 12-01-11", "2011-12-01", "15:00", None),
    ("2011-12-01 Thu  16:17", "2011-12-01", "16:17", None),
    ("Fri, Dec 2 9:24 PM            Delayed", "2011-12-02", "21:24", None),
    # Two dates in one cell: the one next to the time is the day.
    ("2011-12-01 11/30 5:20 PM", "2011-11-30", "17:20", None),
])
def test_datetime_reads_local_wall_clock(text: str, day: str, clock: str, tz: str | None) -> None:
    value = normalise_datetime(text, reference=DEC_1)
    assert value is not None
    assert (str(value.start), str(value.end)) == (day, day)
    assert f"{value.minute // 60:02d}:{value.minute % 60:02d}" == clock
    assert value.tz == tz


def test_datetime_without_year_takes_the_year_nearest_the_reference() -> None:
    value = normalise_datetime("11:20pDec 31", reference=dt.date(2012, 1, 1))
    assert value is not None and value.start == dt.date(2011, 12, 31)


@pytest.mark.parametrize("text", ["Not Available", "2011-12-01 Cancelled", "Dec 01 - Contact Airline", "25:99 PM"])
def test_datetime_without_a_clock_reading_is_none(text: str) -> None:
    assert normalise_datetime(text, reference=DEC_1) is None


@given(st.text())
def test_datetime_normalising_never_raises(text: str) -> None:
    normalise_datetime(text, reference=DEC_1)


@pytest.mark.parametrize("text, code", [(" C20 ", "C20"), ("c-12", "C12"), ("D 1", "D1"), ("75B", "75B")])
def test_code_is_upper_case_without_spaces(text: str, code: str) -> None:
    value = normalise_code(text)
    assert value is not None and value.id == code


@pytest.mark.parametrize("text, unit, number", [
    ("1,234,567", "1", 1234567.0),
    ("$1,234.50", "USD", 1234.5),
    ("€3.4m", "EUR", 3_400_000.0),
    ("12.5%", "%", 12.5),
    ("12.5%", "1", 0.125),
    ("350 kg", "kg", 350.0),
    ("30 m", "m", 30.0),
])
def test_number_reads_separators_currency_and_percent(text: str, unit: str, number: float) -> None:
    value = normalise_number(text, unit=unit)
    assert value is not None and value.value == pytest.approx(number) and value.unit == unit


@pytest.mark.parametrize("text, unit", [("$5", "EUR"), ("5 lb", "kg"), ("1.234.5", "1"), ("abc", "1")])
def test_number_in_another_unit_or_garbled_is_none(text: str, unit: str) -> None:
    assert normalise_number(text, unit=unit) is None


@given(st.text())
def test_number_normalising_never_raises(text: str) -> None:
    normalise_number(text, unit="USD")


WIDE = TableMapping(entity_column="flight", source_column="site", kind="flight",
                    fields={"dep": ColumnSpec(field="departure", type="datetime", tolerance=1),
                            "gate": ColumnSpec(type="text", pattern=r"(?:.* - )?(?P<value>.+)"),
                            "fare": ColumnSpec(type="quantity", unit="USD")},
                    missing=["terminal \\S+"], reference_date=DEC_1)


def _write(path: Path, rows: list[list[str]], sep: str) -> Path:
    path.write_text("".join(sep.join(row) + "\n" for row in rows), encoding="utf-8")
    return path


WIDE_ROWS = [["site", "flight", "dep", "gate", "fare"],
             ["a", "AA-1", "12/1/2011 2:07PM EST", "Term C - C20", "$1,200"],
             ["b", "AA-1", "2:07 PMDec 01", "Terminal 3", "Not Available"]]


def test_wide_tsv_gives_one_claim_per_filled_cell(tmp_path: Path) -> None:
    result = load_table(_write(tmp_path / "t.tsv", WIDE_ROWS, "\t"), WIDE)
    stated = sorted((c.source_id, c.entity, c.field, c.evidence.line) for c in result.claims)
    assert stated == [("a", "AA-1", "departure", 2), ("a", "AA-1", "fare", 2), ("a", "AA-1", "gate", 2),
                      ("b", "AA-1", "departure", 3)]
    gate = next(c for c in result.claims if c.field == "gate")
    assert gate.value.type == "ref" and gate.value.id == "C20"
    assert result.problems == []
    assert [s.id for s in result.sources] == ["a", "b"]


def test_wide_csv_reads_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('site,flight,dep,gate,fare\na,AA-1,"Dec 01 - 1:55pm",C20,"$1,200.50"\n', encoding="utf-8")
    fare = next(c for c in load_table(path, WIDE).claims if c.field == "fare")
    assert fare.value.type == "quantity" and fare.value.value == 1200.5


def test_wide_parquet_reads_like_csv(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    header, *rows = WIDE_ROWS
    table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(header)})
    pq.write_table(table, tmp_path / "t.parquet")
    tsv = load_table(_write(tmp_path / "t.tsv", WIDE_ROWS, "\t"), WIDE)
    parquet = load_table(tmp_path / "t.parquet", WIDE)
    assert {c.claim_id for c in parquet.claims} == {c.claim_id for c in tsv.claims}


def test_long_csv_takes_field_types_from_the_pack(tmp_path: Path) -> None:
    rows = [["source", "entity", "field", "value"], ["a", "AA-1", "departure", "2011-12-01 14:07"],
            ["b", "AA-1", "fare", "USD 900"]]
    result = load_table(_write(tmp_path / "long.csv", rows, ","), pack=table_pack(WIDE))
    assert sorted((c.source_id, c.field) for c in result.claims) == [("a", "departure"), ("b", "fare")]


def test_table_pack_has_no_entities_and_the_mapping_fields() -> None:
    pack = table_pack(WIDE)
    assert pack.entities == []
    assert {f.id: f.type for f in pack.fields} == {"departure": "datetime", "fare": "quantity", "gate": "ref"}
    assert pack.field_by_id["departure"].tolerance == 1


def test_bad_row_is_a_problem_naming_its_line(tmp_path: Path) -> None:
    rows = [*WIDE_ROWS, ["c", "AA-1", "2:07 PMDec 01"], ["d", "AA-2", "not a time", "C1", "$5"]]
    result = load_table(_write(tmp_path / "t.tsv", rows, "\t"), WIDE)
    assert [(p.line, p.severity) for p in result.problems] == [(4, "error"), (5, "warning")]
    assert "expected 5 cells, found 3" in result.problems[0].message
    assert "'not a time'" in result.problems[1].message
    assert {c.source_id for c in result.claims} == {"a", "b", "d"}


def test_missing_column_raises_naming_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.tsv", [["site", "dep"], ["a", "x"]], "\t")
    with pytest.raises(TableError) as err:
        load_table(path, WIDE)
    assert err.value.path == str(path) and err.value.line == 1 and "'flight'" in err.value.message


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_bytes(b"site\tflight\tdep\tgate\tfare\na\tAA-1\t2:07 PMDec 01\tC1\t\xa05\n")
    with pytest.raises(TableError) as err:
        load_table(path, WIDE)
    assert err.value.line == 2 and "encoding" in err.value.message


def test_mapping_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("entity_column: flight\nfields:\n  dep:\n    type: clock\n", encoding="utf-8")
    with pytest.raises(TableError) as err:
        load_mapping(path)
    assert err.value.line == 4 and "fields.dep.type" in err.value.message


def test_table_claim_ids_are_the_ids_make_claim_gives(tmp_path: Path) -> None:
    for claim in load_table(_write(tmp_path / "t.tsv", WIDE_ROWS, "\t"), WIDE).claims:
        remade = make_claim(source_id=claim.source_id, entity=claim.entity, field=claim.field,
                            value=claim.value, evidence=claim.evidence, rule=claim.rule)
        assert remade.claim_id == claim.claim_id
