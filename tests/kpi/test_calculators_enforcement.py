"""监督检查计划完成率: inspections done (signed or later) / planned in the approved plan's months."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.enforcement.models import Inspection, InspectionPlan, PlanLine
from anlan.kpi.computed import compute
from anlan.registry.models import Department, Enterprise

pytestmark = pytest.mark.django_db


def test_done_over_planned_in_the_quarter(tree, django_assert_max_num_queries):
    department = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    enterprise = Enterprise.objects.filter(region__pk__startswith=tree.county.code[:6]).first()
    plan = InspectionPlan.objects.create(year=2011, region=tree.county, name="2011年度监督检查计划", status="draft")
    for month, n in ((1, 3), (2, 3), (3, 4), (4, 5)):
        PlanLine.objects.create(plan=plan, department=department, sector_group="other", month=month, planned=n)
    for day, status in [(5, "signed"), (12, "closed"), (20, "reviewing"), (25, "in_progress")]:
        Inspection.objects.create(
            enterprise=enterprise, region=enterprise.region, inspected_on=dt.date(2011, 2, day), status=status
        )
    Inspection.objects.create(
        enterprise=enterprise, region=enterprise.region, inspected_on=dt.date(2011, 4, 2), status="closed"
    )
    draft = compute("enforcement.plan_completion", tree.county.code, dt.date(2011, 1, 1), dt.date(2011, 3, 31))
    assert (draft.denominator, draft.value) == (0, None)  # a plan still being drafted plans nothing yet
    InspectionPlan.objects.filter(pk=plan.pk).update(status="published")
    with django_assert_max_num_queries(2):
        figure = compute("enforcement.plan_completion", tree.county.code, dt.date(2011, 1, 1), dt.date(2011, 3, 31))
    assert (figure.numerator, figure.denominator, figure.value) == (3, 10, Decimal("30.00"))
    assert figure.note == "已检查 3 家次 / 计划 10 家次"
