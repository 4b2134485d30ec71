"""Hidden-hazard statistics by township, by sector (the supervising department) and by status:
counts, closure rate (销号率) and overdue, over the rows a user may see. One aggregate query per table."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

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
