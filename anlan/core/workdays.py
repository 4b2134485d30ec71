"""Working days (工作日) for statutory clocks: Monday to Friday, corrected by the county's calendar of public
holidays and 调休 working weekends (`core.CalendarDay`, kept by the county administrator each year when the
State Council publishes the holiday arrangement).

行政处罚法 Art. 85 counts 二日、三日、五日、七日 in working days "不含法定节假日"; 预案备案 is due within 20
working days of 公布 (预案管理办法 Art. 26) and checked within 5; 核报 of disaster statistics within a
setting's working days. Without calendar rows a deadline may fall a holiday early, never late: the pages say
so (`holiday_note`) until the year's calendar is entered (`calendar_known`).

The calendar is read once per call in one query over the span the call needs (no query per day). A page or
job that computes a clock per row wraps itself in `remembered()`: the calendar is then read once for all
rows, so the page's queries do not grow with its rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass

HOLIDAY_NOTE = "工作日按周一至周五并结合“节假日与调休”表计算；当年节假日未录入时，遇节假日时限可能提前，不会推后。"

# A span long enough for any statutory count in working days (20 working days never exceed 60 calendar days,
# even across the Spring Festival week).
_SPAN_DAYS = 120


@dataclass(frozen=True)
class Calendar:
    """The exceptions to Monday–Friday over some span: arithmetic on them reads no database."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def is_working(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def step(self, start: dt.date, days: int, direction: int) -> dt.date:
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=direction)
            if self.is_working(day):
                left -= 1
        return day

    def add(self, start: dt.date, days: int) -> dt.date:
        return self.step(start, days, 1)

    def subtract(self, end: dt.date, days: int) -> dt.date:
        return self.step(end, days, -1)

    def between(self, start: dt.date, end: dt.date) -> int:
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count


class _Memo:
    """The calendar `remembered()` keeps: every row, read on first use (a few dozen rows a year)."""

    def __init__(self, calendar: Calendar | None):
        self.calendar = calendar


_remembered: ContextVar[_Memo | None] = ContextVar("anlan_workdays_remembered", default=None)


def _read(lo: dt.date | None = None, hi: dt.date | None = None) -> Calendar:
    from .models import CalendarDay

    rows = CalendarDay.objects.all()
    if lo is not None and hi is not None:
        rows = rows.filter(date__gte=lo, date__lte=hi)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in rows.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return Calendar(frozenset(holidays), frozenset(workdays))


def _calendar(start: dt.date, end: dt.date) -> Calendar:
    memo = _remembered.get()
    if memo is None:
        return _read(min(start, end), max(start, end))
    if memo.calendar is None:
        memo.calendar = _read()
    return memo.calendar


@contextlib.contextmanager
def remembered(calendar: Calendar | None = None):
    """Within the block (or the decorated function), every working-day count uses one calendar: `calendar`
    when given (tests of pure clocks), else the table read once on first use. Nested blocks share the outer
    one's calendar unless they give their own."""
    if calendar is None and _remembered.get() is not None:
        yield
        return
    token = _remembered.set(_Memo(calendar))
    try:
        yield
    finally:
        _remembered.reset(token)


def _step(start: dt.date, days: int, direction: int) -> dt.date:
    span = dt.timedelta(days=max(_SPAN_DAYS, days * 3))
    return _calendar(start, start + direction * span).step(start, days, direction)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    return _step(start, days, 1)


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The date `days` working days before `end` (end itself not counted)."""
    return _step(end, days, -1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    if end <= start:
        return 0
    return _calendar(start, end).between(start, end)


def calendar_known(year: int) -> bool:
    """Has anyone entered the year's holidays? (Pages show HOLIDAY_NOTE until then.)"""
    from .models import CalendarDay

    return CalendarDay.objects.filter(date__year=year, kind=CalendarDay.Kind.HOLIDAY).exists()


def holiday_note(year: int) -> str:
    """HOLIDAY_NOTE while the year's holidays are not entered, else "" (the clocks then know them)."""
    return "" if calendar_known(year) else HOLIDAY_NOTE
