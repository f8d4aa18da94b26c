"""The geometry of a date finding's timeline: one row per claim, a bar for the claimed interval
and a dot at the source's publication date, so a schedule slip shows at a glance.

Only numbers and plain strings come out; the HTML template draws them (and escapes the labels).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims import DateValue, value_label
from reconcile import Finding
from reports.escape import normalise_line
from reports.view import ReportIndex

WIDTH = 720
LABEL_WIDTH = 200
RIGHT_MARGIN = 32
ROW_HEIGHT = 24
TOP = 8
AXIS_SPACE = 24
MAX_TICKS = 8
LABEL_CHARACTERS = 30
# Charts covering up to about this many days get month ticks instead of year ticks.
MONTHLY_UP_TO_DAYS = 400


@dataclass(frozen=True)
class TimelineRow:
    """One claim: its label, bar ends (`None` when unanchored), open ends, and publication dot."""

    label: str
    tooltip: str
    colour: int
    y: str
    x1: str | None
    x2: str | None
    open_start: bool
    open_end: bool
    published_x: str | None


@dataclass(frozen=True)
class Timeline:
    """A whole chart: size, plot edges, rows and year ticks (x, label)."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: str
    rows: list[TimelineRow]
    ticks: list[tuple[str, str]]


@dataclass(frozen=True)
class _Scale:
    """Maps a day to an x coordinate between the plot's edges."""

    first: dt.date
    last: dt.date

    def x(self, day: dt.date) -> float:
        span = (self.last - self.first).days or 1
        return LABEL_WIDTH + (day - self.first).days / span * (WIDTH - LABEL_WIDTH - RIGHT_MARGIN)


def compute_timeline(finding: Finding, index: ReportIndex) -> Timeline | None:
    """The timeline of a finding whose values are all dates, or None (other types, no dates at all)."""
    entries = _entries(finding, index)
    days = [d for e in entries for d in (e.value.start, e.value.end, e.published) if d]
    if not entries or not days:
        return None
    scale = _scale(min(days), max(days))
    rows = [_row(entry, position, scale) for position, entry in enumerate(entries)]
    axis_y = TOP + len(rows) * ROW_HEIGHT
    return Timeline(width=WIDTH, height=axis_y + AXIS_SPACE, plot_left=LABEL_WIDTH,
                    plot_right=WIDTH - RIGHT_MARGIN, axis_y=_fmt(axis_y), rows=rows, ticks=_ticks(scale))


@dataclass(frozen=True)
class _Entry:
    """One source's claim in a date finding: what the row is drawn from."""

    value: DateValue
    published: dt.date | None
    label: str
    tooltip: str
    colour: int


def _entries(finding: Finding, index: ReportIndex) -> list[_Entry]:
    """An entry for each source of each value, in the finding's order."""
    entries: list[_Entry] = []
    for colour, group in enumerate(finding.values):
        value = group.value
        if not isinstance(value, DateValue):
            return []
        for source_id in group.sources:
            source = index.sources.get(source_id)
            title = normalise_line(source.title or source_id) if source else source_id
            published = source.published if source else None
            tooltip = f"{title}: {normalise_line(value.text)} ({value_label(value)}), published {published or 'unknown'}"
            entries.append(_Entry(value, published.start if published else None, _shorten(title), tooltip, colour))
    return entries


def _row(entry: _Entry, position: int, scale: _Scale) -> TimelineRow:
    """The row of one entry; open ends run to the chart's edge, an unanchored value has no bar."""
    value = entry.value
    anchored = not value.unanchored and (value.start is not None or value.end is not None)
    # An inclusive interval ends at the end of its last day.
    x1 = scale.x(value.start) if value.start else scale.x(scale.first)
    x2 = scale.x(value.end + dt.timedelta(days=1)) if value.end else scale.x(scale.last)
    return TimelineRow(
        label=entry.label, tooltip=entry.tooltip, colour=entry.colour,
        y=_fmt(TOP + position * ROW_HEIGHT + ROW_HEIGHT / 2),
        x1=_fmt(x1) if anchored else None, x2=_fmt(max(x2, x1 + 2)) if anchored else None,
        open_start=anchored and value.start is None, open_end=anchored and value.end is None,
        published_x=_fmt(scale.x(entry.published)) if entry.published else None,
    )


def _scale(first: dt.date, last: dt.date) -> _Scale:
    """Whole years around the days; whole months when they span little more than a year."""
    if (last - first).days > MONTHLY_UP_TO_DAYS:
        return _Scale(dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1))
    return _Scale(first.replace(day=1), _next_month(last))


def _ticks(scale: _Scale) -> list[tuple[str, str]]:
    """Ticks on January 1 (or on each month's first day for a short chart), at most MAX_TICKS."""
    monthly = (scale.last - scale.first).days <= MONTHLY_UP_TO_DAYS + 62
    days = [scale.first]
    while days[-1] < scale.last:
        days.append(_next_month(days[-1]) if monthly else days[-1].replace(year=days[-1].year + 1))
    step = -(-len(days) // MAX_TICKS)
    return [(_fmt(scale.x(day)), day.strftime("%Y-%m") if monthly else str(day.year)) for day in days[::step]]


def _next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _fmt(number: float) -> str:
    """A coordinate with one decimal, the same on every run and platform."""
    return f"{number:.1f}"
