"""演练覆盖率: townships and county departments that held a drill in the period / all of them."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.drills.models import Drill
from anlan.geo.models import Region, RegionLevel
from anlan.kpi.computed import compute
from anlan.registry.models import Department

pytestmark = pytest.mark.django_db


def drill(region, held_on, status="held", department=None):
    return Drill.objects.create(
        title="防汛演练", form="tabletop", scope="single", scenario="强降雨", region=region, department=department,
        planned_on=held_on, held_on=held_on, status=status,
    )  # fmt: skip


def test_units_that_drilled_over_units_required(tree, django_assert_max_num_queries):
    townships = Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).count()
    departments = Department.objects.filter(region=tree.county).count()
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    drill(tree.township, dt.date(2011, 4, 1))
    drill(tree.village, dt.date(2011, 9, 1), status="evaluated")  # the same township again: counted once
    drill(tree.other_township, dt.date(2011, 5, 1), status="cancelled")  # cancelled: not counted
    drill(tree.other_township, dt.date(2010, 5, 1))  # last year: not counted
    drill(tree.county, dt.date(2011, 6, 1), department=water)
    with django_assert_max_num_queries(3):
        figure = compute("drills.coverage", tree.county.code, dt.date(2011, 1, 1), dt.date(2011, 12, 31))
    assert figure.numerator == 2
    assert figure.denominator == townships + departments
    assert figure.value == (Decimal(200) / (townships + departments)).quantize(Decimal("0.01"))
