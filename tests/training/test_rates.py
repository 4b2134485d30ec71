"""Training rate per unit (training.selectors): a unit's trainees of a category who reached the required hours in
the year over all its active trainees of that category; the page shows each unit and the overall figure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from anlan.registry.models import Department
from anlan.testing.personas import persona
from anlan.training import selectors
from anlan.training.models import Trainee

from . import helpers

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year - 1  # a past year the page offers


def _setup(tree):
    Trainee.objects.update(active=False)  # the demo county's trainees stay out of these counts
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    cadre = helpers.course(tree.county, "cadre", "12")
    s = helpers.session(tree.county, cadre, ends_on=dt.date(YEAR, 5, 1), hours="12")
    ours = [helpers.trainee(tree.township, f"镇干部{i}", category="cadre") for i in range(3)]
    dept = [
        helpers.trainee(tree.county, f"水利干部{i}", category="cadre", unit_kind="department", department=water)
        for i in range(2)
    ]
    helpers.attend(s, ours[0], 12)
    helpers.attend(s, ours[1], 8)
    helpers.attend(s, dept[0], 12)
    helpers.attend(s, dept[1], 12)
    return water


def test_each_unit_gets_its_own_rate(tree):
    water = _setup(tree)
    start, end = selectors.year_span(YEAR)
    rates = {r.unit_name: r for r in selectors.unit_rates(Trainee.objects.all(), start, end, ["cadre"])}
    assert (rates[tree.township.name].completed, rates[tree.township.name].total) == (1, 3)
    assert rates[tree.township.name].rate == Decimal("33.3")
    assert (rates[water.name].completed, rates[water.name].total, rates[water.name].rate) == (2, 2, Decimal("100.0"))
    assert selectors.overall(Trainee.objects.all(), start, end, ["cadre"]) == (3, 5)


@override_settings(ANLAN_TRAINING_REQUIRED_HOURS={"cadre": 8})
def test_the_required_hours_are_a_setting(tree):
    _setup(tree)
    start, end = selectors.year_span(YEAR)
    assert selectors.overall(Trainee.objects.all(), start, end, ["cadre"]) == (4, 5)


def test_the_rates_page_shows_the_townships_own_units_only(client, tree):
    water = _setup(tree)
    client.force_login(persona("township_officer"))
    page = client.get(reverse("training:rates"), {"year": YEAR, "category": "cadre"}).content.decode()
    assert "33.3%" in page and "1 / 3 人" in page
    assert water.name not in page
    client.force_login(persona("county_operator"))
    page = client.get(reverse("training:rates"), {"year": YEAR, "category": "cadre"}).content.decode()
    assert "60.0%" in page and water.name in page and "100.0%" in page


def test_the_rates_page_makes_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    _setup(tree)
    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("training:rates"), {"year": YEAR}).status_code == 200
