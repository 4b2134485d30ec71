"""预案备案率: of the published plans that must file with the county, those filed (plans.status)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.kpi.computed import compute
from anlan.plans.models import Plan, PlanFiling

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def plan(tree, name, kind="township", published_on=dt.date(2011, 3, 1), active=True):
    return Plan.objects.create(name=name, kind=kind, region=tree.township, published_on=published_on, active=active)


def filing(p, status):
    return PlanFiling.objects.create(
        plan=p, status=status, due_on=dt.date(2011, 3, 29), submitted_at=dt.datetime(2011, 3, 10, 9, tzinfo=TZ),
        submitted_by="乡镇经办人", check_due_on=dt.date(2011, 3, 17),
    )  # fmt: skip


def test_filed_over_plans_that_must_file(tree, django_assert_max_num_queries):
    filing(plan(tree, "甲镇防汛预案"), "filed")
    filing(plan(tree, "甲镇森林防火预案"), "filed")
    filing(plan(tree, "甲镇地质灾害预案"), "submitted")  # awaiting the county's check: not yet filed
    plan(tree, "甲镇危化品预案")  # not filed at all
    plan(tree, "县总体预案", kind="overall")  # not filed with the county: not counted
    plan(tree, "甲镇旧预案", active=False)  # no longer in force: not counted
    plan(tree, "甲镇明年预案", published_on=dt.date(2012, 1, 5))  # published after the period: not counted
    plan(tree, "甲镇未公布预案", published_on=None)  # not published: not counted
    with django_assert_max_num_queries(4):
        figure = compute("plans.filing_rate", tree.county.code, dt.date(2011, 1, 1), dt.date(2011, 12, 31))
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, Decimal("50.00"))
    assert figure.note == "已备案 2 件 / 应备案 4 件"
