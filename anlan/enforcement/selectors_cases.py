"""Reading penalty cases: the scoped list and the cases whose statutory clocks press (临期/超期), shared by
the case list and the 工作台 so their counts agree."""

import datetime as dt

from django.utils import timezone

from anlan.core import workdays

from .models import PenaltyCase
from .services_cases import pressing_clocks


def cases(user, action: str = "view"):
    return (
        PenaltyCase.objects.restrict(user, action)
        .select_related("enterprise", "region", "department")
        # Region boundaries are large GeoJSON: lists and the 工作台 show names only.
        .defer("region__boundary")
        .prefetch_related("payments")
        .order_by("-opened_on", "-id")
    )


@workdays.remembered()  # the holiday calendar read once for all the cases' clocks
def pressing_ids(user, today: dt.date | None = None) -> list[int]:
    """Open cases with a running clock due within case_clocks.DUE_SOON_DAYS days or overdue (a fixed number of
    queries: the open cases of the scope with their payments and the calendar; a county holds a few dozen
    open cases at most)."""
    today = today or timezone.localdate()
    open_cases = cases(user).exclude(status=PenaltyCase.Status.CLOSED)
    return [case.pk for case in open_cases if pressing_clocks(case, today)]


def pressing_count(user) -> int:
    return len(pressing_ids(user))
