"""What the calculators share: the county's region prefix, a period's datetime bounds and the year's base."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def prefix(county_code: str) -> str:
    """The 6-digit prefix every region code of the county starts with."""
    return county_code[:6]


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant of `start`, first instant after `end`) in the local time zone."""
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def year_base(county_code: str, year: int):
    """The county's YearBase of `year`, or None (one query)."""
    from anlan.kpi.models import YearBase

    return YearBase.objects.filter(region_id=county_code, year=year).first()


def num(value) -> Decimal:
    return Decimal(value or 0)
