"""巡查完成率: patrol tasks done among those due in the period."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.kpi.computed import compute
from anlan.sites.models import HazardSite, PatrolRule, PatrolTask

pytestmark = pytest.mark.django_db


def test_done_over_due_in_the_period(tree, django_assert_max_num_queries):
    site = HazardSite.objects.create(
        code="KPI-0001", name="测试滑坡", kind="landslide", region=tree.village, lon=tree.village.center_lon,
        lat=tree.village.center_lat, threatened_households=3, threatened_people=9,
    )  # fmt: skip
    rule = PatrolRule.objects.create(name="村级每周巡查", tier="village", frequency="weekly")
    days = [dt.date(2011, 3, d) for d in (1, 8, 15, 22, 29)]
    statuses = ["done", "done", "missed", "pending", "done"]
    for day, status in zip(days, statuses, strict=True):
        PatrolTask.objects.create(site=site, rule=rule, tier="village", period_start=day, due=day, status=status)
    PatrolTask.objects.create(  # due in April: outside the period
        site=site, rule=rule, tier="village", period_start=dt.date(2011, 4, 5), due=dt.date(2011, 4, 5), status="done"
    )
    with django_assert_max_num_queries(1):
        figure = compute("sites.patrol_completion", tree.county.code, dt.date(2011, 3, 1), dt.date(2011, 3, 31))
    assert (figure.numerator, figure.denominator, figure.value) == (3, 5, Decimal("60.00"))
    assert figure.note == "已巡查 3 次 / 应巡查 5 次"
