"""Working days (工作日) for statutory clocks: Monday to Friday, corrected by the county's calendar of public
holidays and 调休 working weekends (`core.CalendarDay`, kept by the county administrator each year when the
State Council publishes the holiday arrangement).

行政处罚法 Art. 85 counts 二日、三日、五日、七日 in working days "不含法定节假日"; 预案备案 is due within 20
working days of 公布 (预案管理办法 Art. 26) and checked within 5; 核报 of disaster statistics within a
setting's working days. Without calendar rows a deadline may fall a holiday early, never late: the pages say
so (`HOLIDAY_NOTE`) until the year's calendar is entered (`calendar_known`).

The calendar is read once per call in one query over the span the call needs (no query per day).
"""

from __future__ import annotations

import datetime as dt

HOLIDAY_NOTE = "工作日按周一至周五并结合“节假日与调休”表计算；当年节假日未录入时，遇节假日时限可能提前，不会推后。"

# A span long enough for any statutory count in working days (20 working days never exceed 60 calendar days,
# even across the Spring Festival week).
_SPAN_DAYS = 120


def _exceptions(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    """(holidays, working weekend days) between start and end inclusive."""
    from .models import CalendarDay

    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    lo, hi = min(start, end), max(start, end)
    for day, kind in CalendarDay.objects.filter(date__gte=lo, date__lte=hi).values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return holidays, workdays


def _is_working(day: dt.date, holidays: set[dt.date], workdays: set[dt.date]) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def _step(start: dt.date, days: int, direction: int) -> dt.date:
    span = dt.timedelta(days=max(_SPAN_DAYS, days * 3))
    holidays, workdays = _exceptions(start, start + direction * span)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=direction)
        if _is_working(day, holidays, workdays):
            left -= 1
    return day


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
    holidays, workdays = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, holidays, workdays):
            count += 1
    return count


def calendar_known(year: int) -> bool:
    """Has anyone entered the year's holidays? (Pages show HOLIDAY_NOTE until then.)"""
    from .models import CalendarDay

    return CalendarDay.objects.filter(date__year=year, kind=CalendarDay.Kind.HOLIDAY).exists()
