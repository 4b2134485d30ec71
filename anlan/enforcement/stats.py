"""执法统计: inspections, findings (general/major), hazards closed, cases and fines of one year, by month, by
department, by sector (GB/T 4754 门类) and by township, over the rows a user may see.

What each figure counts (one year Y):
- 检查: inspections with `inspected_on` in Y; 发现问题 (一般/重大): the findings of those inspections;
  已整改销号: those findings whose hidden hazard is closed (销号) today — the fate of the year's findings,
  not hazards closed in Y that another year's inspection found.
- 立案: penalty cases with `opened_on` in Y; 罚款: the sum of `fine_yuan` of cases decided in Y (`decided_on`
  in Y and the case at 已决定 or later), counted in the month of the decision.
Department: the inspection's / case's own department (执法部门 / 办案部门; none = 县应急局 or not recorded,
shown as "未填写执法部门"). Sector: the 门类 of the enterprise's 大类. Township: the first 9 digits of the
record's region.

Scope: every queryset is `restrict(user)`. Inspection, Finding and PenaltyCase all carry a department, so a
department operator sees its own department's figures only (its inspections and cases, in every table); a
township operator its township's; county roles the county.

Queries: one aggregate query per table and model (inspections with their findings in one; cases with their
fines in one), the month table two for cases (opened and decided months differ), plus one for the names of
departments and one for townships: 11 in all, whatever the number of rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, Substr

from anlan.core import charts
from anlan.core.regioncodes import region_prefix
from anlan.geo.models import Region
from anlan.hazards import workflow as hazard_workflow
from anlan.registry.gbt4754 import section_of
from anlan.registry.models import Department

from .models import Inspection, PenaltyCase

# Cases whose decision is made (their fine counts).
DECIDED = ("decided", "served", "executing", "closed")

MEASURES = ["inspections", "findings", "general", "major", "closed", "cases", "fines"]
MEASURE_HEADERS = {
    "inspections": "检查（次）",
    "findings": "发现问题（项）",
    "general": "一般隐患（项）",
    "major": "重大隐患（项）",
    "closed": "已整改销号（项）",
    "cases": "立案（件）",
    "fines": "罚款（元）",
}
NO_DEPARTMENT = "未填写执法部门"
NO_SECTOR = "未关联企业或未填行业"
COUNTY_ROW = "县直（县级）"


@dataclass
class Line:
    label: str
    figures: dict = field(default_factory=dict)

    def get(self, key):
        return self.figures.get(key, Decimal("0.00") if key == "fines" else 0)

    def cells(self) -> list:
        return [self.label, *(self.get(k) for k in MEASURES)]


def _inspection_counts() -> dict:
    # Annotation names carry "x_" so that "findings" stays the relation inside the filters (_merge drops it).
    return {
        "x_inspections": Count("pk", distinct=True),
        "x_findings": Count("findings", distinct=True),
        "x_general": Count("findings", distinct=True, filter=Q(findings__level="general")),
        "x_major": Count("findings", distinct=True, filter=Q(findings__level="major")),
        "x_closed": Count("findings", distinct=True, filter=Q(findings__hazard__status=hazard_workflow.CLOSED)),
    }


def _decided(year: int) -> Q:
    return Q(decided_on__year=year, status__in=DECIDED)


def _case_counts(year: int) -> dict:
    return {
        "x_cases": Count("pk", filter=Q(opened_on__year=year)),
        "x_fines": Coalesce(
            Sum("fine_yuan", filter=_decided(year)),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    }


def querysets(user, year: int, region_code: str | None = None):
    inspections = Inspection.objects.restrict(user).filter(inspected_on__year=year).order_by()
    cases = PenaltyCase.objects.restrict(user).filter(Q(opened_on__year=year) | _decided(year)).order_by()
    if region_code:
        prefix = region_prefix(region_code)
        inspections = inspections.filter(region__pk__startswith=prefix)
        cases = cases.filter(region__pk__startswith=prefix)
    return inspections, cases


def _merge(into: dict, rows, key: str, fold=lambda k: k) -> None:
    for row in rows:
        k = fold(row.pop(key))
        target = into.setdefault(k, {})
        for name, value in row.items():
            name = name.removeprefix("x_")
            target[name] = target.get(name, 0) + (value or 0)


def _total(lines: list[Line]) -> Line:
    return Line("合计", {k: sum((line.get(k) for line in lines), Decimal(0) if k == "fines" else 0) for k in MEASURES})


def by_month(inspections, cases, year: int) -> list[Line]:
    """One line per month (1–12, every month shown) and the total."""
    figures: dict = {}
    _merge(
        figures, inspections.annotate(m=ExtractMonth("inspected_on")).values("m").annotate(**_inspection_counts()), "m"
    )
    opened = cases.filter(opened_on__year=year).annotate(m=ExtractMonth("opened_on")).values("m")
    _merge(figures, opened.annotate(x_cases=Count("pk")), "m")
    decided = cases.filter(_decided(year)).annotate(m=ExtractMonth("decided_on")).values("m")
    _merge(figures, decided.annotate(x_fines=Sum("fine_yuan")), "m")
    lines = [Line(f"{month}月", figures.get(month, {})) for month in range(1, 13)]
    return [*lines, _total(lines)]


def _grouped(inspections, cases, year: int, inspection_key, case_key) -> dict:
    figures: dict = {}
    _merge(figures, inspections.annotate(k=inspection_key).values("k").annotate(**_inspection_counts()), "k")
    _merge(figures, cases.annotate(k=case_key).values("k").annotate(**_case_counts(year)), "k")
    return figures


def _lines(figures: dict, names: dict, missing: str) -> list[Line]:
    lines = [Line(names.get(k, missing) if k else missing, f) for k, f in figures.items()]
    lines.sort(key=lambda line: (line.label == missing, -line.get("inspections"), -line.get("cases"), line.label))
    return [*lines, _total(lines)]


def by_department(inspections, cases, year: int) -> list[Line]:
    figures = _grouped(inspections, cases, year, F("department_id"), F("department_id"))
    names = dict(Department.objects.filter(pk__in=[k for k in figures if k]).values_list("pk", "name"))
    return _lines(figures, names, NO_DEPARTMENT)


def _section(division: str | None) -> str:
    found = section_of(division or "")
    return f"{found[0]} {found[1]}" if found else ""


def by_sector(inspections, cases, year: int) -> list[Line]:
    # Grouped by 大类 in SQL, folded into 门类 here (the 大类 → 门类 ranges are data, not a column).
    raw = _grouped(inspections, cases, year, F("enterprise__industry"), F("enterprise__industry"))
    figures: dict = {}
    for division, values in raw.items():
        target = figures.setdefault(_section(division), {})
        for name, value in values.items():
            target[name] = target.get(name, 0) + value
    return _lines(figures, {k: k for k in figures if k}, NO_SECTOR)


def by_township(inspections, cases, year: int) -> list[Line]:
    key = Substr("region_id", 1, 9)
    figures = _grouped(inspections, cases, year, key, key)
    codes = [k.ljust(12, "0") for k in figures if k]
    names = {code[:9]: name for code, name in Region.objects.filter(code__in=codes).values_list("code", "name")}
    # A record at the county itself has a township part of 000: the county's own row.
    return _lines(
        figures, {k: (COUNTY_ROW if k.endswith("000") else names.get(k, k)) for k in figures if k}, COUNTY_ROW
    )


TABLES = (("月份", by_month), ("执法部门", by_department), ("行业门类", by_sector), ("乡镇（街道）", by_township))


def enforcement_statistics(user, *, year: int, region_code: str | None = None) -> dict[str, list[Line]]:
    inspections, cases = querysets(user, year, region_code)
    return {name: build(inspections, cases, year) for name, build in TABLES}


def headers(name: str) -> list[str]:
    return [name, *(MEASURE_HEADERS[k] for k in MEASURES)]


def sheets(tables: dict[str, list[Line]], year: int) -> list[tuple[str, list[str], list[list]]]:
    """The Excel export: the page's tables, Chinese headers with units, fines as numbers in 元."""
    return [(f"{year}年按{name}", headers(name), [line.cells() for line in lines]) for name, lines in tables.items()]


def fine_text(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


def page_rows(lines: list[Line]) -> list[list]:
    """The cells as the page shows them (fines with thousands separators and two decimals)."""
    return [[*line.cells()[:-1], fine_text(line.get("fines"))] for line in lines]


def statistics_charts(tables: dict[str, list[Line]], year: int) -> list[tuple[str, dict]]:
    """From the tables' own lines (no query)."""
    months = tables["月份"][:-1]
    townships = tables["乡镇（街道）"][:-1]
    return [
        (
            f"{year}年执法检查与发现问题（按月）",
            charts.chart(
                "bar",
                [line.label for line in months],
                [
                    charts.series("检查", [line.get("inspections") for line in months], colour="#2f7fd8"),
                    charts.series("一般隐患", [line.get("general") for line in months], colour="#f5d000", stack="f"),
                    charts.series("重大隐患", [line.get("major") for line in months], colour="#e02020", stack="f"),
                    charts.series(
                        "罚款（元）", [float(line.get("fines")) for line in months], type="line", axis=1, colour="#555"
                    ),
                ],
                unit="次/项",
                unit2="元",
                empty=f"{year}年没有执法检查",
            ),
        ),
        (
            f"{year}年各乡镇（街道）执法检查",
            charts.chart(
                "bar",
                [line.label for line in townships],
                [
                    charts.series("检查", [line.get("inspections") for line in townships], colour="#2f7fd8"),
                    charts.series("发现问题", [line.get("findings") for line in townships], colour="#f28c28"),
                    charts.series("已整改销号", [line.get("closed") for line in townships], colour="#27ae60"),
                ],
                unit="次/项",
                empty=f"{year}年没有执法检查",
                all_labels=True,
            ),
        ),
    ]
