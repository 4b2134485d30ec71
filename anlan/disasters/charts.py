"""Charts of a disaster process by day (core.charts), from the totals each report recorded when it was
submitted (DisasterReport.totals: the county's cumulative figures then). A day shows the last report
of that day; a day without a report repeats the day before (the figures are cumulative), so the lines
never fall to zero between two 续报.
"""

import datetime as dt

from django.utils import timezone

from anlan.core.charts import chart, series

from .models import DisasterReport

__all__ = ["process_charts", "totals_by_day"]


def totals_by_day(process) -> list[tuple[dt.date, dict]]:
    """[(local day, totals of the last report that day)], every day from the first report to the last."""
    last_of_day: dict[dt.date, dict] = {}
    reports = DisasterReport.objects.filter(process=process).order_by("submitted_at", "number")
    for submitted_at, totals in reports.values_list("submitted_at", "totals"):
        last_of_day[timezone.localtime(submitted_at).date()] = totals or {}
    if not last_of_day:
        return []
    day, last = min(last_of_day), max(last_of_day)
    out, current = [], {}
    while day <= last:
        current = last_of_day.get(day, current)
        out.append((day, current))
        day += dt.timedelta(days=1)
    return out


def _figure(totals: dict, *names: str) -> float:
    return sum(float(totals.get(name) or 0) for name in names)


def process_charts(process) -> list[tuple[str, dict]]:
    """[(title, chart)] for core/_charts.html: people (affected, dead and missing, relocated) and the
    direct loss, cumulative per day."""
    days = totals_by_day(process)
    categories = [f"{d:%m-%d}" for d, _ in days]
    empty = "尚无灾情报告"
    people = chart(
        "line",
        categories,
        [
            series("受灾人口", [int(_figure(t, "affected_people")) for _, t in days], colour="#2f7fd8"),
            series("紧急转移安置人口", [int(_figure(t, "relocated")) for _, t in days], colour="#f28c28"),
            series("死亡失踪人口", [int(_figure(t, "deaths", "missing")) for _, t in days], colour="#e02020", axis=1),
        ],
        unit="人",
        unit2="人",
        empty=empty,
    )
    loss = chart(
        "bar",
        categories,
        [series("直接经济损失", [round(_figure(t, "direct_loss_10k_yuan"), 2) for _, t in days], colour="#7a5af5")],
        unit="万元",
        empty=empty,
    )
    return [("受灾人口、转移安置与死亡失踪（累计，按日）", people), ("直接经济损失（累计，按日）", loss)]
