"""Date expressions become the inclusive intervals of CONTRACT.md section 2."""
from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.dategrammar import MASTER
from claims.dates import DateMatch, find_dates, normalise_date
from sources import Published
from tests.shared import shared_path
from tests.strategies import absolute_dates, noisy_text, published, relative_dates, sentences_with_dates

AUG_2025 = Published(date=dt.date(2025, 8, 1), precision="month")
YEAR_2025 = Published(date=dt.date(2025, 1, 1), precision="year")
DEC_2_2025 = Published(date=dt.date(2025, 12, 2), precision="day")


Interval = tuple[str | None, str | None, str | None]


def _interval(text: str, anchor: Published | None = None, **options: int) -> Interval:
    value = normalise_date(text, anchor=anchor, **options)
    assert value is not None, f"{text!r} was not read as a date"
    start = None if value.start is None else value.start.isoformat()
    end = None if value.end is None else value.end.isoformat()
    return start, end, value.qualifier


@pytest.mark.parametrize("text, start, end, qualifier", [
    # years, months, days
    ("2025", "2025-01-01", "2025-12-31", None),
    ("1960", "1960-01-01", "1960-12-31", None),
    ("March 2025", "2025-03-01", "2025-03-31", None),
    ("Mar. 2025", "2025-03-01", "2025-03-31", None),
    ("Sept 2025", "2025-09-01", "2025-09-30", None),
    ("February 2028", "2028-02-01", "2028-02-29", None),
    ("April 1, 2025", "2025-04-01", "2025-04-01", None),
    ("April 1st, 2025", "2025-04-01", "2025-04-01", None),
    ("1 April 2025", "2025-04-01", "2025-04-01", None),
    ("1st of April 2025", "2025-04-01", "2025-04-01", None),
    ("7 October 2024", "2024-10-07", "2024-10-07", None),
    ("2025-04-01", "2025-04-01", "2025-04-01", None),
    ("Tuesday, April 1, 2025", "2025-04-01", "2025-04-01", None),
    # day ranges
    ("29–30 August 2025", "2025-08-29", "2025-08-30", None),
    ("from August 29 to 30, 2025", "2025-08-29", "2025-08-30", None),
    ("August 29-30, 2025", "2025-08-29", "2025-08-30", None),
    ("December 30 to January 2, 2026", "2025-12-30", "2026-01-02", None),
    # year ranges
    ("2027-28", "2027-01-01", "2028-12-31", None),
    ("2027–28", "2027-01-01", "2028-12-31", None),
    ("2027–2028", "2027-01-01", "2028-12-31", None),
    ("2027 to 2028", "2027-01-01", "2028-12-31", None),
    ("between 2027 and 2028", "2027-01-01", "2028-12-31", None),
    ("1999-00", "1999-01-01", "2000-12-31", None),
    # seasons
    ("spring 2027", "2027-03-01", "2027-05-31", None),
    ("summer 2027", "2027-06-01", "2027-08-31", None),
    ("autumn 2027", "2027-09-01", "2027-11-30", None),
    ("fall 2027", "2027-09-01", "2027-11-30", None),
    ("winter 2027", "2027-12-01", "2028-02-29", None),
    ("winter 2025", "2025-12-01", "2026-02-28", None),
    ("the spring of 2027", "2027-03-01", "2027-05-31", None),
    # parts of a year
    ("early 2026", "2026-01-01", "2026-04-30", None),
    ("mid 2026", "2026-05-01", "2026-08-31", None),
    ("mid-2026", "2026-05-01", "2026-08-31", None),
    ("late 2026", "2026-09-01", "2026-12-31", None),
    ("first half of 2026", "2026-01-01", "2026-06-30", None),
    ("the second half of 2026", "2026-07-01", "2026-12-31", None),
    ("H1 2026", "2026-01-01", "2026-06-30", None),
    ("H2 2026", "2026-07-01", "2026-12-31", None),
    ("Q3 2027", "2027-07-01", "2027-09-30", None),
    ("Q1 2027", "2027-01-01", "2027-03-31", None),
    ("third quarter of 2027", "2027-07-01", "2027-09-30", None),
    ("the fourth quarter of 2027", "2027-10-01", "2027-12-31", None),
    # fiscal years (start month 4 by default)
    ("FY2025", "2025-04-01", "2026-03-31", None),
    ("FY 2025", "2025-04-01", "2026-03-31", None),
    ("FY25", "2025-04-01", "2026-03-31", None),
    ("FY2025-26", "2025-04-01", "2026-03-31", None),
    ("fiscal 2025", "2025-04-01", "2026-03-31", None),
    ("fiscal year 2025-26", "2025-04-01", "2026-03-31", None),
    # decades
    ("the 1960s", "1960-01-01", "1969-12-31", None),
    ("2030s", "2030-01-01", "2039-12-31", None),
    ("early 2030s", "2030-01-01", "2033-12-31", None),
    ("mid-2030s", "2033-01-01", "2036-12-31", None),
    ("late 2020s", "2027-01-01", "2029-12-31", None),
    # qualifiers
    ("by 2028", "2028-01-01", "2028-12-31", "by"),
    ("By 2028", "2028-01-01", "2028-12-31", "by"),
    ("around 2028", "2028-01-01", "2028-12-31", "approx"),
    ("about 2028", "2028-01-01", "2028-12-31", "approx"),
    ("circa 2028", "2028-01-01", "2028-12-31", "approx"),
    ("approximately 2028", "2028-01-01", "2028-12-31", "approx"),
    ("no earlier than 2026", "2026-01-01", None, "no-earlier-than"),
    ("not before 2026", "2026-01-01", None, "no-earlier-than"),
    ("NET 2026", "2026-01-01", None, "no-earlier-than"),
    ("after 2025", "2026-01-01", None, None),
    ("before 2030", None, "2029-12-31", None),
    ("no later than 2029", None, "2029-12-31", "no-later-than"),
    ("not later than 2029", None, "2029-12-31", "no-later-than"),
    ("by the mid-2030s", "2033-01-01", "2036-12-31", "by"),
    ("no earlier than spring 2027", "2027-03-01", None, "no-earlier-than"),
    ("before April 1, 2025", None, "2025-03-31", None),
])
def test_date_interval_covers_the_words(text: str, start: str | None, end: str | None,
                                        qualifier: str | None) -> None:
    assert _interval(text) == (start, end, qualifier)


@pytest.mark.parametrize("text, start, end, qualifier", [
    ("later this decade", "2025-08-01", "2029-12-31", None),
    ("this year", "2025-01-01", "2025-12-31", None),
    ("next year", "2026-01-01", "2026-12-31", None),
    ("last year", "2024-01-01", "2024-12-31", None),
    ("in three years", "2028-01-01", "2028-12-31", None),
    ("in 3 years", "2028-01-01", "2028-12-31", None),
    ("within two years", "2027-01-01", "2027-12-31", "by"),
    ("this decade", "2020-01-01", "2029-12-31", None),
    ("next decade", "2030-01-01", "2039-12-31", None),
    ("later this year", "2025-08-01", "2025-12-31", None),
    ("earlier this year", "2025-01-01", "2025-08-31", None),
    ("early next year", "2026-01-01", "2026-04-30", None),
    ("by next year", "2026-01-01", "2026-12-31", "by"),
    ("last month", "2025-07-01", "2025-07-31", None),
    ("next month", "2025-09-01", "2025-09-30", None),
    ("August 29 to 30", "2025-08-29", "2025-08-30", None),
    ("from August 29 to 30", "2025-08-29", "2025-08-30", None),
    ("August 29-30", "2025-08-29", "2025-08-30", None),
    ("August 29", "2025-08-29", "2025-08-29", None),
    ("29 August", "2025-08-29", "2025-08-29", None),
])
def test_date_relative_is_resolved_against_the_publication_date(
        text: str, start: str, end: str, qualifier: str | None) -> None:
    assert _interval(text, AUG_2025) == (start, end, qualifier)


@pytest.mark.parametrize("text", [
    "later this decade", "this year", "next year", "in three years", "within two years",
    "next decade", "later this year", "early next year", "August 29 to 30", "August 29", "by next year",
])
def test_date_relative_without_publication_date_is_unanchored(text: str) -> None:
    value = normalise_date(text)
    assert value is not None
    assert (value.start, value.end, value.unanchored, value.text) == (None, None, True, text)


def test_date_last_month_needs_a_publication_month() -> None:
    assert _interval("last month", Published(date=dt.date(2025, 5, 6), precision="day")) == (
        "2025-04-01", "2025-04-30", None)
    value = normalise_date("last month", anchor=YEAR_2025)
    assert value is not None and (value.start, value.end, value.unanchored) == (None, None, True)


@pytest.mark.parametrize("text, anchor, day", [
    ("January 5", Published(date=dt.date(2025, 12, 1), precision="month"), "2026-01-05"),
    ("December 30", Published(date=dt.date(2026, 1, 10), precision="day"), "2025-12-30"),
    ("January 5", YEAR_2025, "2025-01-05"),
    ("December 30", YEAR_2025, "2025-12-30"),
    ("February 29", Published(date=dt.date(2025, 3, 1), precision="month"), "2024-02-29"),
])
def test_date_month_day_takes_the_year_nearest_the_publication_date(
        text: str, anchor: Published, day: str) -> None:
    assert _interval(text, anchor) == (day, day, None)


def test_date_fiscal_year_starts_in_the_given_month() -> None:
    assert _interval("FY2025", fiscal_start_month=1) == ("2025-01-01", "2025-12-31", None)
    assert _interval("FY2025-26", fiscal_start_month=7) == ("2025-07-01", "2026-06-30", None)


@pytest.mark.parametrize("text, edtf", [
    ("2025", "2025"), ("March 2025", "2025-03"), ("April 1, 2025", "2025-04-01"),
    ("2027–28", "2027/2028"), ("spring 2027", "2027-21"), ("winter 2027", "2027-24"),
    ("Q3 2027", "2027-35"), ("the 1960s", "196X"), ("mid-2030s", "2033/2036"),
    ("no earlier than 2026", "2026/.."), ("before 2030", "../2029"), ("around 2028", "2028~"),
])
def test_date_edtf_names_the_same_interval(text: str, edtf: str) -> None:
    value = normalise_date(text)
    assert value is not None and value.edtf == edtf


@pytest.mark.parametrize("text, rule, target", [
    ("2025", "date.year.v1", False),
    ("by 2028", "date.year.v1", True),
    ("around 2028", "date.year.v1", False),
    ("NET 2026", "date.year.v1", True),
    ("after 2025", "date.year.v1", True),
    ("before 2030", "date.year.v1", True),
    ("no later than 2029", "date.year.v1", True),
    ("March 2025", "date.month-year.v1", False),
    ("April 1, 2025", "date.day.v1", False),
    ("spring 2027", "date.season.v1", False),
    ("by the mid-2030s", "date.part-decade.v1", True),
    ("the 1960s", "date.decade.v1", False),
    ("2027–28", "date.year-range.v1", False),
    ("later this decade", "date.relative-decade.v1", False),
    ("next year", "date.relative-year.v1", False),
    ("in three years", "date.relative-offset.v1", False),
    ("FY2025", "date.fiscal-year.v1", False),
])
def test_date_match_names_its_rule_and_target(text: str, rule: str, target: bool) -> None:
    [match] = find_dates(f"It happens {text}.", anchor=AUG_2025)
    assert (match.value.text, match.rule, match.target) == (text, rule, target)


@pytest.mark.parametrize("text", [
    "a decade of joint innovation", "between 8 and 10 meters in diameter", "270 clear nights per year",
    "at 2:07 PM", "call +1 555 2025 1234", "ISBN 978-3-16-148410-0", "ISBN 978-1-2025-1234-5",
    "version 2025.1.3", "v2025", "the H3-24L rocket", "ISSA-J1", "4517 metres above sea level",
    "a 350-kg rover", "a 3.8m antenna", "Chandrayaan-5", "$2025", "2025 km", "2100 metres",
    "a 2025% rise", "2025-2025-2025", "room 2025/26/27", "0.2025", "1,2025,000", "20:25",
    "this years", "in years",
])
def test_date_never_matches_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text, anchor=AUG_2025) == []


def test_date_lower_case_may_is_not_a_month() -> None:
    assert [m.value.text for m in find_dates("we may 2025 see it; May 2025")] == ["2025", "May 2025"]


def test_date_find_reports_spans_in_text_order() -> None:
    text = "Launched in 2019, approved on 7 October 2024, it flies by 2028 or in spring 2027."
    found = find_dates(text)
    assert [(m.value.text, text[m.start:m.end]) for m in found] == [
        ("2019", "2019"), ("7 October 2024", "7 October 2024"),
        ("by 2028", "by 2028"), ("spring 2027", "spring 2027")]


@pytest.mark.parametrize("sentence, text, start, end, qualifier", [
    ("Scheduled for launch in 2025, LUPEX seeks", "2025", "2025-01-01", "2025-12-31", None),
    ("was held in Tokyo on April 1, 2025.", "April 1, 2025", "2025-04-01", "2025-04-01", None),
    ("the lunar south pole for water-ice by 2028.", "by 2028", "2028-01-01", "2028-12-31", "by"),
    ("expected to become operational by the mid-2030s.", "by the mid-2030s",
     "2033-01-01", "2036-12-31", "by"),
    ("a two-day visit to Japan from August 29 to 30 for", "from August 29 to 30",
     "2025-08-29", "2025-08-30", None),
    ("expected to launch later this decade and", "later this decade", "2025-08-01", "2029-12-31", None),
    ("scheduled to launch in spring 2027 from", "spring 2027", "2027-03-01", "2027-05-31", None),
])
def test_date_found_in_seed_like_sentences(sentence: str, text: str, start: str, end: str,
                                           qualifier: str | None) -> None:
    [match] = find_dates(sentence, anchor=AUG_2025)
    value = match.value
    assert (value.text, str(value.start), str(value.end), value.qualifier) == (text, start, end, qualifier)


def _seed(name: str) -> str:
    return shared_path("seeds", f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed, anchor, text, start, end, qualifier", [
    ("000_2472ff8fe4cc8ef9", AUG_2025, "from August 29 to 30", "2025-08-29", "2025-08-30", None),
    ("000_2472ff8fe4cc8ef9", AUG_2025, "later this decade", "2025-08-01", "2029-12-31", None),
    ("000_2472ff8fe4cc8ef9", AUG_2025, "March 2025", "2025-03-01", "2025-03-31", None),
    ("001_53015cbc107be708", None, "2025", "2025-01-01", "2025-12-31", None),
    ("001_53015cbc107be708", None, "7 October 2024", "2024-10-07", "2024-10-07", None),
    ("001_53015cbc107be708", None, "the 1960s", "1960-01-01", "1969-12-31", None),
    ("002_b29cf7330e2aecb2", YEAR_2025, "spring 2027", "2027-03-01", "2027-05-31", None),
    ("003_7e03772c50811ca3", DEC_2_2025, "by 2028", "2028-01-01", "2028-12-31", "by"),
    ("003_7e03772c50811ca3", DEC_2_2025, "by the mid-2030s", "2033-01-01", "2036-12-31", "by"),
    ("003_7e03772c50811ca3", DEC_2_2025, "April 1, 2025", "2025-04-01", "2025-04-01", None),
    ("003_7e03772c50811ca3", DEC_2_2025, "November 2021", "2021-11-01", "2021-11-30", None),
])
def test_date_seed_articles_state_these_dates(seed: str, anchor: Published | None, text: str,
                                              start: str, end: str, qualifier: str | None) -> None:
    found = {(m.value.text, str(m.value.start), str(m.value.end), m.value.qualifier)
             for m in find_dates(_seed(seed), anchor=anchor)}
    assert (text, start, end, qualifier) in found


@pytest.mark.parametrize("seed, text", [
    ("003_7e03772c50811ca3", "4517"), ("003_7e03772c50811ca3", "8 and 10"),
    ("003_7e03772c50811ca3", "350"), ("002_b29cf7330e2aecb2", "24"), ("004_328fe9d89885967f", "decade"),
])
def test_date_seed_numbers_that_are_not_dates_are_skipped(seed: str, text: str) -> None:
    assert not any(text in m.value.text for m in find_dates(_seed(seed), anchor=YEAR_2025))


# --- properties -----------------------------------------------------------------------------

@given(st.text(max_size=200), st.one_of(st.none(), published()))
def test_date_normalise_never_raises_and_gives_ordered_intervals(text: str, anchor: Published | None) -> None:
    value = normalise_date(text, anchor=anchor)
    assert value is None or value.start is None or value.end is None or value.start <= value.end


@given(st.one_of(absolute_dates(), relative_dates(), noisy_text()), st.one_of(st.none(), published()))
def test_date_normalise_reads_expressions_as_ordered_intervals(text: str, anchor: Published | None) -> None:
    value = normalise_date(text, anchor=anchor)
    assert value is None or value.start is None or value.end is None or value.start <= value.end


@given(absolute_dates())
def test_date_generated_absolute_expressions_are_read(text: str) -> None:
    assert normalise_date(text) is not None


@given(sentences_with_dates(), st.one_of(st.none(), published()))
def test_date_spans_hold_the_text_and_normalise_again_to_the_same_value(
        text: str, anchor: Published | None) -> None:
    found = find_dates(text, anchor=anchor)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    for match in found:
        assert text[match.start:match.end] == match.value.text
        again = normalise_date(match.value.text, anchor=anchor)
        assert again is not None
        assert (again.start, again.end, again.qualifier, again.unanchored) == (
            match.value.start, match.value.end, match.value.qualifier, match.value.unanchored)


def _find_by_full_scan(text: str) -> list[tuple[int, int]]:
    """The reference: search the master pattern from every position, as a plain loop would."""
    spans, pos = [], 0
    while (match := MASTER.search(text, pos)) is not None:
        if normalise_date(match.group(0), anchor=AUG_2025) is None:
            pos = match.start() + 1
            continue
        spans.append((match.start(), match.end()))
        pos = match.end()
    return spans


@settings(max_examples=300)
@given(sentences_with_dates())
def test_date_find_skips_no_expression_a_full_scan_finds(text: str) -> None:
    assert [(m.start, m.end) for m in find_dates(text, anchor=AUG_2025)] == _find_by_full_scan(text)


# Every capitalised way a date expression can begin: the master pattern is tried only where the
# start filter says a date can begin, so each of these must still be found at a sentence start.
CAPITALISED_STARTS = [
    "By 2028", "Around 2030", "About March 2027", "Circa 2030", "C. 2030", "Ca. 2030", "Approximately 2030",
    "Roughly 2030", "No earlier than 2026", "Not before 2026", "NET 2026", "After 2025", "No later than 2027",
    "Not later than 2027", "NLT 2027", "Before 2030", "Prior to 2030", "In two years", "Within 5 years",
    "Later this decade", "Earlier this year", "Early next decade", "Mid-next year", "Late this year",
    "This year", "Next month", "Last year", "From March 3 to 5, 2025", "Between 3 and 5 March 2025",
    "Between 2025 and 2027", "From 2025 to 2027", "Monday, March 3, 2025", "MON, MARCH 3, 2025",
    "March 3", "MARCH 2025", "Sept. 2025", "The 3rd of March 2025", "The spring of 2027", "Spring 2027",
    "Fall 2026", "The first half of 2027", "First half of 2027", "Second quarter of 2026",
    "Final quarter of 2026", "Last quarter of 2026", "H1 2026", "Q3 2026", "FY2025-26", "Fiscal 2025",
    "Fiscal year 2025", "The 2030s", "Early 2030s", "Mid-2027", "Late 2027",
]


@pytest.mark.parametrize("phrase", CAPITALISED_STARTS)
def test_date_capitalised_start_is_found_as_a_full_scan_finds_it(phrase: str) -> None:
    for text in (f"{phrase} is the target.", f"Officials said so. {phrase}, they said.", f"({phrase})"):
        spans = [(m.start, m.end) for m in find_dates(text, anchor=AUG_2025)]
        assert spans == _find_by_full_scan(text)
        assert any(text[s:e].startswith(phrase.split(" ")[0]) for s, e in spans), (phrase, text)


# --- speed: relative checks, so a slow machine does not fail them ---------------------------------

def _best_time(function: Callable[[str], object], text: str) -> float:
    times = []
    for _ in range(3):
        began = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - began)
    return min(times)


def _adversarial(size: int) -> str:
    pieces = ["9" * 3000, "2025-" * 600, "- " * 1500, "–" * 1000, " " * 2000, "2025 " * 600,
              "1 2 3 " * 500, "2025/" * 600, "by the mid-" * 200, "1st of " * 300, "2025-04-" * 300]
    block = "".join(pieces)
    return (block * (size // len(block) + 1))[:size]


def test_date_find_runs_in_linear_time_on_adversarial_text() -> None:
    small, large = _adversarial(100_000), _adversarial(200_000)
    assert len(large) == 200_000
    # Linear time doubles with the input; quadratic would quadruple it.
    assert _best_time(find_dates, large) < 3.2 * _best_time(find_dates, small) + 0.01


def test_date_find_is_quick_on_prose_and_adversarial_text() -> None:
    prose = ("India and Japan discussed the joint lunar mission at the dialogue held in Tokyo, "
             "and agreed to meet again next year; the rover will weigh 350 kg and launch in 2028. ")
    prose = (prose * (1_000_000 // len(prose) + 1))[:1_000_000]
    floor = re.compile(r"(?<!\d)(?:19|20|21)\d\d(?!\d)|\d+(?:\.\d+)?\s?(?:kg|km|m)\b")
    baseline = _best_time(floor.findall, prose)
    assert _best_time(find_dates, prose) < 150 * baseline + 0.05
    adversarial_floor = _best_time(floor.findall, prose[:200_000])
    assert _best_time(find_dates, _adversarial(200_000)) < 150 * adversarial_floor + 0.05


def test_date_match_is_a_frozen_record() -> None:
    [match] = find_dates("in 2025")
    assert isinstance(match, DateMatch) and (match.start, match.end) == (3, 7)
    with pytest.raises(AttributeError):
        match.start = 0  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(absolute_dates(), published())
def test_date_absolute_reading_needs_no_publication_date(text: str, anchor: Published) -> None:
    # find_dates shares the reading of a form outside ANCHORED_FORMS across publication dates.
    assert normalise_date(text, anchor=anchor) == normalise_date(text)


@pytest.mark.parametrize("text", [
    "next year", "later this decade", "next month", "in three years", "August 29", "29 August",
    "August 29 to 30", "29 to 30 August",
])
def test_date_find_reads_each_source_against_its_own_publication_date(text: str) -> None:
    anchors = [AUG_2025, Published(date=dt.date(2031, 2, 10), precision="day"), None]
    found = [[m.value for m in find_dates(f"It is due {text} or so", anchor=anchor)] for anchor in anchors]
    assert found == [[normalise_date(text, anchor=anchor)] for anchor in anchors]
    assert found[0] != found[1]
