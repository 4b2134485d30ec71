"""The training-rate calculators (anlan/kpi/calculators/training.py) count exactly the trainees whose hours in the
period reach the required hours, over the active trainees of the category in the county."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.kpi.computed import compute
from anlan.training.models import Trainee
from tests.training import helpers

pytestmark = pytest.mark.django_db


def test_training_rate_of_grid_workers_counts_required_hours_in_the_period(tree):
    county = tree.county.code
    year = 2031  # a year the demo has no sessions in
    grid_course = helpers.course(tree.county, "grid", "8")
    spring = helpers.session(tree.township, grid_course, ends_on=dt.date(year, 4, 10), hours="6")
    autumn = helpers.session(tree.township, grid_course, ends_on=dt.date(year, 9, 10), hours="4")
    earlier = helpers.session(tree.township, grid_course, ends_on=dt.date(year - 1, 12, 20), hours="8")
    Trainee.objects.filter(category="grid").update(active=False)  # the demo county's grid workers leave the count

    a = helpers.trainee(tree.township, "甲")  # 6 + 4 = 10 h ≥ 8: done
    b = helpers.trainee(tree.township, "乙")  # 6 h: not enough
    c = helpers.trainee(tree.other_township, "丙")  # 8 h, but last year: not counted
    d = helpers.trainee(tree.township, "丁")  # 4 h credited, absent at the spring session
    helpers.trainee(tree.township, "戊", active=False)  # left: not in the denominator
    helpers.attend(spring, a, 6)
    helpers.attend(autumn, a, 4)
    helpers.attend(spring, b, 6)
    helpers.attend(earlier, c, 8)
    helpers.attend(spring, d, 0, attended=False)
    helpers.attend(autumn, d, 4)
    figure = compute("training_rate_grid", county, dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, Decimal("25.00"))
    assert figure.note == "达到规定学时 1 人 / 在岗网格员 4 人"


def test_training_rate_has_no_value_without_trainees(tree):
    figure = compute("training_rate_rescue", "110101000000", dt.date(2030, 1, 1), dt.date(2030, 12, 31))
    assert figure.value is None and figure.denominator == 0
