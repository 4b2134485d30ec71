"""The demo's penalty cases (anlan/demo/enforcement_cases.py), from prerequisites the test builds itself."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.demo import enforcement_cases
from anlan.enforcement.models import Inspection, PenaltyCase, ViolationRecord
from anlan.geo.models import Region
from anlan.registry.models import Enterprise

from .conftest import make_inspectors
from .demo_reset import clear_enforcement_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_enforcement_demo(db):
    """The module is loaded here from the prerequisites this file builds, on a county without the demo."""
    clear_enforcement_demo()


def test_demo_cases_at_their_stages(tree):
    inspectors = make_inspectors(tree.county, 2, prefix="demo_case")
    first = Enterprise.objects.filter(region__code__startswith="500237").order_by("pk").first()
    inspection = Inspection.objects.create(enterprise=first, region=first.region, inspected_on=dt.date(2026, 1, 5))
    inspection.inspectors.set(inspectors)
    townships = list(Region.objects.filter(parent=tree.county).order_by("code"))
    today = dt.date(2026, 12, 2)  # a Wednesday
    counts = enforcement_cases.load(actor="演示数据", county=tree.county, townships=townships, departments=[],
                                    today=today)  # fmt: skip
    assert counts == {"penalty_cases": 3}
    cases = {c.status: c for c in PenaltyCase.objects.all()}
    waiting = cases["notified"]
    assert waiting.inspection == inspection and waiting.notified_on == dt.date(2026, 11, 30)
    assert waiting.fine_yuan == Decimal("60000.00")  # ≥ 5 万元: the hearing window runs
    closed = cases["closed"]
    assert closed.payments.get().surcharge_yuan == Decimal("2400.00")
    assert ViolationRecord.objects.filter(case=closed).exists()
    assert cases["served"].procedure == "summary"
    again = enforcement_cases.load(actor="演示数据", county=tree.county, townships=townships, departments=[],
                                   today=today)  # fmt: skip
    assert again == {"penalty_cases": 0} and PenaltyCase.objects.count() == 3
