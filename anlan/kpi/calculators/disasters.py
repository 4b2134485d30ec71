"""Natural disasters (anlan.disasters), standards.md §17: deaths and missing per 10^6 population, direct economic
loss as a share of GDP, and 初报 timeliness, over the disaster processes that started in the period.

A process's figures are those of disasters.services.totals: per township the row of its latest report, summed;
here summed over every process of the county in one query. Bases from the YearBase of the period's year."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from anlan.disasters.models import DisasterProcess, DisasterReport, ReportRow
from anlan.kpi.computed import Figure, calculator, ratio

from ._common import bounds, num, prefix, year_base


def _totals(county_code: str, start: dt.date, end: dt.date) -> dict:
    first, after = bounds(start, end)
    newest = (
        ReportRow.objects.filter(report__process_id=OuterRef("report__process_id"), region_id=OuterRef("region_id"))
        .order_by("-report__number")
        .values("pk")[:1]
    )
    return ReportRow.objects.filter(
        report__process__region__pk__startswith=prefix(county_code),
        report__process__started_at__gte=first,
        report__process__started_at__lt=after,
        pk=Subquery(newest),
    ).aggregate(deaths=Sum("deaths"), missing=Sum("missing"), loss=Sum("direct_loss_10k_yuan"))


@calculator(
    "disasters.deaths_missing_per_million",
    label="因灾死亡失踪人口百万人口比例",
    unit="人/百万人",
    formula="本期发生的自然灾害因灾死亡和失踪人数（各灾害过程最新报送）/ 年度常住人口 × 100万",
)
def deaths_missing_per_million(county_code: str, start: dt.date, end: dt.date) -> Figure:
    row = _totals(county_code, start, end)
    people = int(row["deaths"] or 0) + int(row["missing"] or 0)
    base = year_base(county_code, start.year)
    if not (base and base.population):
        return Figure(None, Decimal(people), None, f"死亡失踪 {people} 人；缺少{start.year}年度常住人口")
    figure = ratio(people, base.population, scale=1_000_000, places=3)
    note = f"死亡失踪 {people} 人 / 常住人口 {base.population} 人"
    return Figure(figure.value, figure.numerator, figure.denominator, note)


@calculator(
    "disasters.loss_share_of_gdp",
    label="年均因灾直接经济损失占地区生产总值比例",
    unit="%",
    formula="本期发生的自然灾害直接经济损失（万元）/（年度地区生产总值（亿元）× 1万）× 100%",
)
def loss_share_of_gdp(county_code: str, start: dt.date, end: dt.date) -> Figure:
    loss = num(_totals(county_code, start, end)["loss"])
    base = year_base(county_code, start.year)
    if not (base and base.gdp):
        return Figure(None, loss, None, f"直接经济损失 {loss} 万元；缺少{start.year}年度地区生产总值")
    figure = ratio(loss, base.gdp * 10_000, scale=100, places=3)
    note = f"直接经济损失 {loss} 万元 / 地区生产总值 {base.gdp} 亿元"
    return Figure(figure.value, figure.numerator, figure.denominator, note)


@calculator(
    "disasters.initial_report_on_time",
    label="灾情初报按时率",
    unit="%",
    formula="本期发生且初报时限已到的灾害过程中，初报未迟报（限时内报送）的比例",
)
def initial_report_on_time(county_code: str, start: dt.date, end: dt.date) -> Figure:
    first, after = bounds(start, end)
    on_time = Q(reports__stage=DisasterReport.Stage.INITIAL, reports__late=False)
    row = (
        DisasterProcess.objects.filter(
            region__pk__startswith=prefix(county_code), started_at__gte=first, started_at__lt=after
        )
        .filter(Q(initial_due__lt=timezone.now()) | Q(reports__stage=DisasterReport.Stage.INITIAL))
        .order_by()
        .aggregate(due=Count("pk", distinct=True), on_time=Count("pk", filter=on_time, distinct=True))
    )
    figure = ratio(row["on_time"], row["due"])
    note = f"按时初报 {row['on_time']} 起 / 应报 {row['due']} 起"
    return Figure(figure.value, figure.numerator, figure.denominator, note)
