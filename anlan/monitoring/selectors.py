"""Reads shared by the monitoring pages and the API: which related rows each list needs, said once, so a
list makes a fixed number of queries however many sensors, rules or alarms it shows. Querysets come in
already restricted to the user (`restrict()`); these only shape them."""

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from anlan.core import charts

from .models import Alarm, Rule, Sensor


def sensors(queryset: QuerySet[Sensor]) -> QuerySet[Sensor]:
    return queryset.select_related("region", "department")


def rules(queryset: QuerySet[Rule]) -> QuerySet[Rule]:
    return queryset.select_related("sensor")


def alarms(queryset: QuerySet[Alarm]) -> QuerySet[Alarm]:
    """Alarms show their sensor and, on pages, the rule that raised them."""
    return queryset.select_related("sensor", "rule", "rule__sensor")


ALARM_CHART_DAYS = 30


def alarms_by_day(queryset: QuerySet[Alarm], *, days: int = ALARM_CHART_DAYS, today=None) -> dict:
    """Alarms raised per day (bureau's clock) by level over the last `days` days, of the rows given (the
    list's filtered, restricted rows): one GROUP BY query, drawn above the alarm list."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    rows = (
        queryset.order_by()
        .filter(opened_at__date__gte=first)
        .annotate(day=TruncDate("opened_at"))
        .values("day", "level")
        .annotate(n=Count("pk"))
        .values_list("day", "level", "n")
    )
    counts = {(day.isoformat(), level): n for day, level, n in rows}
    days_shown = [(first + dt.timedelta(days=i)).isoformat() for i in range(days)]
    return charts.chart(
        "bar",
        [day[5:] for day in days_shown],
        charts.level_series(counts, days_shown),
        unit="次",
        empty=f"近 {days} 天没有报警",
    )


def alarm_list_charts(queryset: QuerySet[Alarm], user) -> list[tuple[str, dict]]:
    return [(f"近 {ALARM_CHART_DAYS} 天每日报警（按级别，随筛选条件）", alarms_by_day(queryset))]
