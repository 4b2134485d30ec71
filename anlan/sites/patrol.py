"""Patrol calendar (pure): which rules apply on a day, and the period a task covers.

Periods: a day; an ISO week (Monday to Sunday); a calendar month. A task is due on the last day of its
period and is missed when that day has passed without a check-in.
"""

import calendar
import datetime as dt


def parse_month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    dt.date(2024, month, day)  # a leap year, so 02-29 is accepted; raises ValueError on nonsense
    return month, day


def in_season(start: str, end: str, day: dt.date) -> bool:
    """Whether `day` falls between start and end (月-日, both included); a season may wrap the new year."""
    s, e, d = parse_month_day(start), parse_month_day(end), (day.month, day.day)
    return s <= d <= e if s <= e else d >= s or d <= e


def period(frequency: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the period of `frequency` containing `day`."""
    if frequency == "daily":
        return day, day
    if frequency == "weekly":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if frequency == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"未知频次：{frequency}")
