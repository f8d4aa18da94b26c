"""The source data model: one article and its metadata, and a problem met while loading."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict

Precision = Literal["year", "month", "day"]
Severity = Literal["error", "warning"]


class Published(BaseModel):
    """A publication date with its precision: `2025`, `2025-08` or `2025-08-29`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    date: dt.date
    precision: Precision

    @property
    def start(self) -> dt.date:
        """The first day the date covers."""
        return self.date

    @property
    def end(self) -> dt.date:
        """The last day the date covers."""
        return _last_day(self.date, self.precision)

    def __str__(self) -> str:
        text = self.date.isoformat()
        return text[:4] if self.precision == "year" else text[:7] if self.precision == "month" else text


class Source(BaseModel):
    """One article: its id (path relative to the corpus, no extension), metadata and text."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    path: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published: Published | None = None
    primary: bool = False
    content_hash: str
    text: str
    # Lines of the file before `text` starts (front matter): file line = line_offset + 1 + newlines before.
    line_offset: int = 0
    extra: dict[str, str] = {}


class Problem(BaseModel):
    """A file (or an entry in one) that could not be used as it is; the run goes on."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    line: int | None = None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@functools.lru_cache(maxsize=1 << 12)  # asked for every source; a corpus has far fewer dates than sources
def _last_day(date: dt.date, precision: Precision) -> dt.date:
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return date
