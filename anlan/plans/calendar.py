"""Working-day deadlines for many plans at once: the same count as `core.workdays.add_working_days`, with the
county's holidays and 调休 read in one query for the whole span, so a list of plans or the 工作台 makes a
fixed number of queries however many plans it dates (core.workdays reads the calendar once per call)."""

from __future__ import annotations

import datetime as dt

from anlan.core.models import CalendarDay


class WorkCalendar:
    def __init__(self, start: dt.date, end: dt.date):
        self.holidays: set[dt.date] = set()
        self.workdays: set[dt.date] = set()
        rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
        for day, kind in rows:
            (self.holidays if kind == CalendarDay.Kind.HOLIDAY else self.workdays).add(day)

    @classmethod
    def around(cls, dates, today: dt.date) -> WorkCalendar:
        """A calendar covering every date given (and today) plus the 120 days a 20-day count may need."""
        known = [d for d in dates if d is not None] + [today]
        return cls(min(known) - dt.timedelta(days=1), max(known) + dt.timedelta(days=120))

    def working(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: dt.date, days: int) -> dt.date:
        """`days` working days after `start` (start not counted), as core.workdays.add_working_days."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.working(day):
                left -= 1
        return day
