"""Incidents (anlan.incidents): work-safety accident death rates and 首报 timeliness.

- Deaths of 生产安全事故: incidents whose kind is graded as a production-safety accident (IncidentKind.grading
  "production_safety", 国务院令第493号), occurred in the period, drill records left out; the deaths recorded on
  the incident. Divided by the YearBase of the period's year: workers (per 10^5) and GDP (per 亿元).
- 首报按时率: first reports (InfoReport "first") due in the period, of real incidents of the county; on time
  when sent (`sent_at`) no later than their time limit (`due_at`, the kind's first_report_minutes after 接报).
  A first report not sent counts once its limit has passed."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from anlan.incidents.models import Incident, InfoReport
from anlan.kpi.computed import Figure, calculator, ratio
from anlan.plans.models import IncidentKind

from ._common import bounds, prefix, year_base


def _accidents(county_code: str, start: dt.date, end: dt.date):
    first, after = bounds(start, end)
    return (
        Incident.objects.real()
        .filter(
            region__pk__startswith=prefix(county_code),
            kind__grading=IncidentKind.Grading.PRODUCTION_SAFETY,
            occurred_at__gte=first,
            occurred_at__lt=after,
        )
        .order_by()
    )


def _deaths(county_code: str, start: dt.date, end: dt.date) -> int:
    return _accidents(county_code, start, end).aggregate(n=Sum("deaths"))["n"] or 0


@calculator(
    "incidents.safety_deaths",
    label="生产安全事故死亡人数",
    unit="人",
    formula="本期发生的生产安全事故（不含演练）记录的死亡人数之和",
)
def safety_deaths(county_code: str, start: dt.date, end: dt.date) -> Figure:
    deaths = _deaths(county_code, start, end)
    return Figure(Decimal(deaths), Decimal(deaths), None, f"死亡 {deaths} 人")


def _count_of(levels: tuple[str, ...], what: str):
    def count(county_code: str, start: dt.date, end: dt.date) -> Figure:
        n = _accidents(county_code, start, end).filter(level__in=levels).count()
        return Figure(Decimal(n), Decimal(n), None, f"{what} {n} 起")

    return count


calculator(
    "incidents.safety_major_count",
    label="重特大生产安全事故起数",
    unit="起",
    formula="本期发生的定级为特别重大（Ⅰ级）、重大（Ⅱ级）的生产安全事故起数",
)(_count_of(("I", "II"), "重特大事故"))
calculator(
    "incidents.safety_larger_count",
    label="生产安全较大事故起数",
    unit="起",
    formula="本期发生的定级为较大（Ⅲ级）的生产安全事故起数",
)(_count_of(("III",), "较大事故"))


def _per(deaths: int, base, field: str, label: str, year: int, *, scale: int, places: int) -> Figure:
    value = getattr(base, field) if base else None
    if not value:
        return Figure(None, deaths, None, f"死亡 {deaths} 人；缺少{year}年度{label}，请先录入年度基数")
    figure = ratio(deaths, value, scale=scale, places=places)
    return Figure(figure.value, figure.numerator, figure.denominator, f"死亡 {deaths} 人 / {label} {value}")


@calculator(
    "incidents.safety_deaths_per_100k_workers",
    label="工矿商贸就业人员十万人生产安全事故死亡率",
    unit="人/10万人",
    formula="本期生产安全事故死亡人数 / 年度从业人员数 × 10万",
)
def deaths_per_100k_workers(county_code: str, start: dt.date, end: dt.date) -> Figure:
    deaths = _deaths(county_code, start, end)
    base = year_base(county_code, start.year)
    return _per(deaths, base, "workers", "从业人员（人）", start.year, scale=100_000, places=3)


@calculator(
    "incidents.safety_deaths_per_100m_gdp",
    label="亿元地区生产总值生产安全事故死亡率",
    unit="人/亿元",
    formula="本期生产安全事故死亡人数 / 年度地区生产总值（亿元）",
)
def deaths_per_100m_gdp(county_code: str, start: dt.date, end: dt.date) -> Figure:
    deaths = _deaths(county_code, start, end)
    base = year_base(county_code, start.year)
    return _per(deaths, base, "gdp", "地区生产总值（亿元）", start.year, scale=1, places=4)


@calculator(
    "incidents.first_report_on_time",
    label="突发事件首报按时率",
    unit="%",
    formula="报送时限在本期内的事件首报中，在时限内报出的比例（未报出且已超时的计为迟报）",
)
def first_report_on_time(county_code: str, start: dt.date, end: dt.date) -> Figure:
    first, after = bounds(start, end)
    now = timezone.now()
    row = (
        InfoReport.objects.filter(
            kind=InfoReport.Kind.FIRST,
            incident__exercise__isnull=True,
            incident__region__pk__startswith=prefix(county_code),
            due_at__gte=first,
            due_at__lt=after,
        )
        .filter(Q(sent_at__isnull=False) | Q(due_at__lt=now))
        .order_by()
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(sent_at__lte=F("due_at"))))
    )
    figure = ratio(row["on_time"], row["due"])
    note = f"按时首报 {row['on_time']} 起 / 应报 {row['due']} 起"
    return Figure(figure.value, figure.numerator, figure.denominator, note)
