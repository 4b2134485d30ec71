"""Enforcement (anlan.enforcement): 监督检查计划完成率 = inspections done in the period (signed or later, every
kind: services_plan.done_inspections' rule) / inspections planned for the period's months in the county's
approved or published 年度监督检查计划 (its lines). Two aggregate queries; a period within one year."""

import datetime as dt

from django.db.models import Count, Sum

from anlan.enforcement.models import Inspection, InspectionPlan, PlanLine
from anlan.kpi.computed import Figure, calculator, ratio

from ._common import prefix

IN_FORCE = (InspectionPlan.Status.APPROVED, InspectionPlan.Status.PUBLISHED)


@calculator(
    "enforcement.plan_completion",
    label="监督检查计划完成率",
    unit="%",
    formula="本期完成（已签字及以后）的执法检查家次 / 年度监督检查计划中本期各月计划检查家次",
)
def plan_completion(county_code: str, start: dt.date, end: dt.date) -> Figure:
    planned = (
        PlanLine.objects.filter(
            plan__region_id=county_code,
            plan__year=start.year,
            plan__status__in=IN_FORCE,
            month__gte=start.month,
            month__lte=end.month if end.year == start.year else 12,
        )
        .order_by()
        .aggregate(n=Sum("planned"))["n"]
        or 0
    )
    done = (
        Inspection.objects.filter(
            region__pk__startswith=prefix(county_code), inspected_on__gte=start, inspected_on__lte=end
        )
        .exclude(status=Inspection.Status.IN_PROGRESS)
        .order_by()
        .aggregate(n=Count("pk"))["n"]
    )
    figure = ratio(done, planned)
    return Figure(figure.value, figure.numerator, figure.denominator, f"已检查 {done} 家次 / 计划 {planned} 家次")
