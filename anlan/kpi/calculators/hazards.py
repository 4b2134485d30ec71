"""Hidden hazards (anlan.hazards): 按期销号率 and 逾期率 of the hazards whose 整改期限 falls in the period.

A hazard counts where its deadline (the one in force, after any approved extension) falls in the period. It is
closed on time when it was 销号 (status closed, `closed_at`) on or before that deadline; it is overdue when its
deadline has passed and it was not closed by then (still open, or closed late). One aggregate query each."""

import datetime as dt

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from anlan.hazards import workflow
from anlan.hazards.models import HiddenHazard
from anlan.kpi.computed import Figure, calculator, ratio

from ._common import prefix


def _due(county_code: str, start: dt.date, end: dt.date):
    return (
        HiddenHazard.objects.real()
        .filter(region__pk__startswith=prefix(county_code), deadline__gte=start, deadline__lte=end)
        .order_by()
        .annotate(closed_day=TruncDate("closed_at"))
    )


ON_TIME = Q(status=workflow.CLOSED, closed_day__lte=F("deadline"))


@calculator(
    "hazards.closed_on_time",
    label="隐患按期整改销号率",
    unit="%",
    formula="整改期限在本期内的隐患中，在期限内验收销号的比例",
)
def closed_on_time(county_code: str, start: dt.date, end: dt.date) -> Figure:
    row = _due(county_code, start, end).aggregate(due=Count("pk"), on_time=Count("pk", filter=ON_TIME))
    figure = ratio(row["on_time"], row["due"])
    note = f"按期销号 {row['on_time']} 项 / 到期 {row['due']} 项"
    return Figure(figure.value, figure.numerator, figure.denominator, note)


@calculator(
    "hazards.overdue",
    label="隐患逾期率",
    unit="%",
    formula="整改期限在本期内且已届满的隐患中，到期未销号（仍未销号或超期销号）的比例",
)
def overdue(county_code: str, start: dt.date, end: dt.date) -> Figure:
    today = timezone.localdate()
    row = (
        _due(county_code, start, end)
        .filter(deadline__lt=today)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=ON_TIME))
    )
    late = row["due"] - row["on_time"]
    figure = ratio(late, row["due"])
    return Figure(figure.value, figure.numerator, figure.denominator, f"逾期 {late} 项 / 已到期 {row['due']} 项")
