"""隐患按期销号率 and 逾期率 count the hazards due in the period, closed on time or not, the county's only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.hazards.models import HiddenHazard
from anlan.kpi.computed import compute

pytestmark = pytest.mark.django_db

START, END = dt.date(2011, 1, 1), dt.date(2011, 12, 31)


def hazard(region, deadline, closed_on=None):
    closed_at = (
        dt.datetime.combine(closed_on, dt.time(15), tzinfo=timezone.get_current_timezone()) if closed_on else None
    )
    return HiddenHazard.objects.create(
        title="消防通道堵塞",
        description="堆放杂物",
        level="general",
        region=region,
        deadline=deadline,
        status="closed" if closed_on else "rectifying",
        closed_at=closed_at,
    )


def test_closed_on_time_and_overdue_of_the_hazards_due(tree, django_assert_max_num_queries):
    hazard(tree.village, dt.date(2011, 3, 1), closed_on=dt.date(2011, 3, 1))  # on the deadline: on time
    hazard(tree.township, dt.date(2011, 5, 1), closed_on=dt.date(2011, 4, 20))  # early
    hazard(tree.village, dt.date(2011, 6, 1), closed_on=dt.date(2011, 6, 2))  # a day late
    hazard(tree.other_village, dt.date(2011, 7, 1))  # never closed
    hazard(tree.village, dt.date(2012, 1, 1), closed_on=dt.date(2011, 12, 1))  # due next year: not counted
    hazard(tree.village, dt.date(2010, 12, 31))  # due last year: not counted

    with django_assert_max_num_queries(1):
        closed = compute("hazards.closed_on_time", tree.county.code, START, END)
    assert (closed.numerator, closed.denominator, closed.value) == (2, 4, Decimal("50.00"))
    assert closed.note == "按期销号 2 项 / 到期 4 项"

    overdue = compute("hazards.overdue", tree.county.code, START, END)
    assert (overdue.numerator, overdue.denominator, overdue.value) == (2, 4, Decimal("50.00"))


def test_no_hazard_due_is_no_value(tree):
    figure = compute("hazards.closed_on_time", tree.county.code, dt.date(1999, 1, 1), dt.date(1999, 12, 31))
    assert figure.value is None and figure.denominator == 0
