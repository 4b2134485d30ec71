"""Hidden-hazard statistics by township, by sector (the supervising department) and by status:
counts, closure rate (销号率) and overdue, over the rows a user may see. One aggregate query per table."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from anlan.core import charts
from anlan.geo.models import Region
from anlan.registry.models import Department

from . import workflow
from .models import HiddenHazard

HEADERS = ["", "隐患总数", "重大隐患", "已销号", "销号率", "未销号", "逾期未销号"]


@dataclass
class Line:
    label: str
    total: int
    major: int
    closed: int
    overdue: int

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def closure_rate(self) -> str:
        return f"{self.closed / self.total:.1%}" if self.total else "—"

    def cells(self) -> list:
        return [self.label, self.total, self.major, self.closed, self.closure_rate, self.open, self.overdue]


def _counts(today: dt.date) -> dict:
    return {
        "total": Count("pk"),
        "major": Count("pk", filter=Q(level="major")),
        "closed": Count("pk", filter=Q(status=workflow.CLOSED)),
        "overdue": Count("pk", filter=~Q(status=workflow.CLOSED) & Q(deadline__lt=today)),
    }


def _lines(rows, key: str, names: dict, missing: str) -> list[Line]:
    lines = [
        Line(
            names.get(row[key], missing) if row[key] else missing,
            row["total"],
            row["major"],
            row["closed"],
            row["overdue"],
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (-line.total, line.label))


def hazard_statistics(user, *, since: dt.date | None = None, until: dt.date | None = None) -> dict[str, list[Line]]:
    today = timezone.localdate()
    qs = HiddenHazard.objects.restrict(user).order_by()
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    counts = _counts(today)
    by_township_rows = list(qs.annotate(township=Substr("region_id", 1, 9)).values("township").annotate(**counts))
    codes = [row["township"] + "000" for row in by_township_rows]
    township_names = {
        code[:9]: name for code, name in Region.objects.filter(code__in=codes).values_list("code", "name")
    }
    county_name = "县直（县级）"
    by_township = _lines(by_township_rows, "township", township_names, county_name)
    sector_rows = list(qs.values("department_id").annotate(**counts))
    departments = dict(
        Department.objects.filter(pk__in=[r["department_id"] for r in sector_rows]).values_list("pk", "name")
    )
    by_sector = _lines(sector_rows, "department_id", departments, "属地管理（未归口行业部门）")
    status_rows = {row["status"]: row for row in qs.values("status").annotate(**counts)}
    by_status = [
        Line(label, *(status_rows.get(code, {}).get(k, 0) for k in ("total", "major", "closed", "overdue")))
        for code, label in HiddenHazard.Status.choices
    ]
    total = Line(
        "合计", *(sum(getattr(line, k) for line in by_status) for k in ("total", "major", "closed", "overdue"))
    )
    return {"乡镇（街道）": [*by_township, total], "行业领域": [*by_sector, total], "状态": [*by_status, total]}


# ---------------------------------------------------------------- charts (the statistics page, the big screen)

TREND_MONTHS = 12


def _months(today: dt.date, months: int) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, ending with `today`'s month."""
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        out.append(dt.date(year, month + 1, 1))
    return out


def closure_trend(user, *, months: int = TREND_MONTHS, today: dt.date | None = None) -> dict:
    """Hidden hazards reported and closed (销号) per month (bureau's clock) over the last `months` months,
    of the rows `user` may see: two GROUP BY queries."""
    today = today or timezone.localdate()
    firsts = _months(today, months)
    qs = HiddenHazard.objects.restrict(user).order_by()
    reported = _per_month(qs, "created_at", firsts[0])
    closed = _per_month(qs, "closed_at", firsts[0])
    labels = [f"{first:%Y-%m}" for first in firsts]
    return charts.chart(
        "bar",
        labels,
        [
            charts.series("上报", [reported.get(m, 0) for m in labels], colour="#f28c28"),
            charts.series("销号", [closed.get(m, 0) for m in labels], colour="#27ae60"),
        ],
        unit="项",
        empty=f"近 {months} 个月没有上报或销号的隐患",
    )


def _per_month(qs, field: str, since: dt.date) -> dict[str, int]:
    """Rows per "YYYY-MM" of `field` (bureau's clock) from `since`: one GROUP BY query."""
    rows = (
        qs.filter(**{f"{field}__date__gte": since})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {_month_key(month): n for month, n in rows}


def _month_key(value) -> str:
    # TruncMonth gives a datetime in the current time zone (a date on some backends): its year-month.
    return f"{value:%Y-%m}"


def overdue_by_township(user, *, today: dt.date | None = None) -> list[tuple[str, str, int]]:
    """Open hidden hazards past their deadline per township (code, name, n), most first: the same rows as
    the list filtered by 逾期 (hazards:hiddenhazard_list ?overdue=true). Two queries."""
    today = today or timezone.localdate()
    rows = list(
        HiddenHazard.objects.restrict(user)
        .order_by()
        .exclude(status=workflow.CLOSED)
        .filter(deadline__lt=today)
        .annotate(township=Substr("region_id", 1, 9))
        .values("township")
        .annotate(n=Count("pk"))
        .values_list("township", "n")
    )
    codes = [township + "000" for township, _ in rows]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    out = [(township + "000", names.get(township + "000", "县直（县级）"), n) for township, n in rows]
    return sorted(out, key=lambda row: (-row[2], row[0]))


def township_chart(lines: list[Line]) -> dict:
    """By township from the statistics table's own lines (no query): closed, open in time and overdue."""
    shown = [line for line in lines if line.label != "合计"]
    return charts.chart(
        "bar",
        [line.label for line in shown],
        [
            charts.series("已销号", [line.closed for line in shown], colour="#27ae60", stack="n"),
            charts.series(
                "未销号（未逾期）", [line.open - line.overdue for line in shown], colour="#f5d000", stack="n"
            ),
            charts.series("逾期未销号", [line.overdue for line in shown], colour="#e02020", stack="n"),
        ],
        unit="项",
        empty="所选时段没有隐患",
        all_labels=True,
    )


def statistics_charts(user, tables: dict[str, list[Line]]) -> list[tuple[str, dict]]:
    return [
        (f"近 {TREND_MONTHS} 个月隐患上报与销号（按月）", closure_trend(user)),
        ("各乡镇（街道）隐患整改情况（所选时段）", township_chart(tables["乡镇（街道）"])),
    ]
