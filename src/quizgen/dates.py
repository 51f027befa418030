"""Dates with a precision: a year, a month, or a day.

Written in fact files as ``2020``, ``2020-01`` or ``2020-01-13``. A date never
claims more precision than the source gives.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Precision = Literal["year", "month", "day"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = tuple(calendar.month_name)[1:]

# Years quizgen handles: nearby-date options move a date by up to a few years, and the calendar
# arithmetic behind them works between the years 1 and 9999; a century of margin on each side.
FIRST_YEAR, LAST_YEAR = 100, 9899

FORM_HINT = "write the date as YYYY-MM-DD (e.g. 2020-01-13), YYYY-MM or YYYY"


class DateError(ValueError):
    """A date that cannot be read, with a hint on how to write it."""

    def __init__(self, message: str, hint: str = FORM_HINT):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """English, unambiguous everywhere: '13 January 2020', 'January 2020', '2020'."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def month_key(self) -> tuple[int, int | None]:
        return (self.year, self.month)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def weekday(self) -> str | None:
        if self.day is None or self.month is None:
            return None
        return calendar.day_name[calendar.weekday(self.year, self.month, self.day)]

    def __str__(self) -> str:
        return self.iso()


def parse_date(value: object) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError with a readable reason."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, bool):
        raise DateError("expected a date like 2020-01-13, 2020-01 or 2020")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateError("expected a date like 2020-01-13, 2020-01 or 2020")
    return _parse_text(value)


@lru_cache(maxsize=65536)
def _parse_text(value: str) -> PartialDate:
    match = _PATTERN.match(value.strip())
    if not match:
        raise DateError(f"'{value}' is not a date in YYYY-MM-DD, YYYY-MM or YYYY form")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1:
        raise DateError(f"'{value}' has year 0, which does not exist", "check the year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"'{value}' is outside the years quizgen handles ({FIRST_YEAR:04d} to {LAST_YEAR})",
                        "check the year")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{value}' has month {month}; months run from 01 to 12", "check the day and the month")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"'{value}' is impossible: {MONTHS[month - 1]} {year} has {last} days",
                            "check the day and the month")
    return PartialDate(year, month, day)


def shift_days(date: PartialDate, days: int) -> PartialDate:
    """The day-precision date ``days`` away (used for nearby-date distractors)."""
    import datetime as _dt

    assert date.month is not None and date.day is not None
    moved = _dt.date(date.year, date.month, date.day) + _dt.timedelta(days=days)
    return PartialDate(moved.year, moved.month, moved.day)


def shift_months(date: PartialDate, months: int) -> PartialDate:
    assert date.month is not None
    index = date.year * 12 + (date.month - 1) + months
    return PartialDate(index // 12, index % 12 + 1, None)


def first_day(date: PartialDate) -> int:
    """The proleptic ordinal of the first day a date can mean (1 January for a year)."""
    import datetime as _dt

    return _dt.date(date.year, date.month or 1, date.day or 1).toordinal()


def last_day(date: PartialDate) -> int:
    """The proleptic ordinal of the last day a date can mean (31 December for a year)."""
    import datetime as _dt

    month = date.month or 12
    day = date.day or calendar.monthrange(date.year, month)[1]
    return _dt.date(date.year, month, day).toordinal()


def span_parts(start: PartialDate, end: PartialDate) -> tuple[str, str]:
    """A span's two ends as they read together, the start without what the end repeats:
    ('11', '12 February 2015'), ('11 February', '3 March 2015'), ('30 December 2014', '2 January 2015')."""
    if start.year != end.year or start.month is None or end.month is None:
        if start.year == end.year and start.month is not None:
            return MONTHS[start.month - 1] if start.day is None else f"{start.day} {MONTHS[start.month - 1]}", end.human()
        return start.human(), end.human()
    if start.month == end.month and start.day is not None and end.day is not None:
        return str(start.day), end.human()
    if start.day is None:
        return MONTHS[start.month - 1], end.human()
    return f"{start.day} {MONTHS[start.month - 1]}", end.human()
