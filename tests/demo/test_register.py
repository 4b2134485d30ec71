"""The demo county is a real county's size: hundreds of enterprises spread over the townships, their risk
points, hazchem units and three years of hidden hazards in every state (checked on the session's demo)."""

import datetime as dt

import pytest
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from shapely.geometry import Point, shape

from anlan.geo.models import Region
from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.hazards.services import overdue_mark
from anlan.registry.gbt4754 import section_of
from anlan.registry.models import Enterprise
from anlan.risk.models import MajorHazardSource, RiskPoint
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

COUNTY = "500237"


def county_enterprises():
    return Enterprise.objects.filter(region__code__startswith=COUNTY)


def test_hundreds_of_enterprises_with_distinct_names_and_credit_codes_in_every_township():
    enterprises = county_enterprises()
    assert 400 <= enterprises.count() <= 600
    assert enterprises.values("name").distinct().count() == enterprises.count()
    assert enterprises.values("credit_code").distinct().count() == enterprises.count()
    per_township = dict(enterprises.values_list("region_id").annotate(n=Count("pk")))
    townships = Region.objects.filter(parent_id=f"{COUNTY}000000")
    assert set(per_township) == set(townships.values_list("code", flat=True))
    seat = sum(n for code, n in per_township.items() if townships.get(code=code).name.endswith("街道"))
    assert seat > enterprises.count() / 4  # the county seat's 街道 hold the most
    assert all(section_of(code) for code in enterprises.values_list("industry", flat=True).distinct())


def test_enterprises_stand_inside_their_township_not_on_its_centre():
    townships = {t.code: t for t in Region.objects.filter(parent_id=f"{COUNTY}000000")}
    shapes = {code: shape(t.boundary) for code, t in townships.items()}
    rows = list(county_enterprises().values_list("region_id", "lon", "lat"))
    centres = {code: (t.center_lon, t.center_lat) for code, t in townships.items()}
    scattered = [(code, lon, lat) for code, lon, lat in rows if (lon, lat) != centres[code]]
    assert len(rows) - len(scattered) <= 6  # only the six pattern enterprises sit on the centre
    assert all(shapes[code].contains(Point(lon, lat)) for code, lon, lat in scattered)
    assert len({(lon, lat) for _, lon, lat in scattered}) == len(scattered)


def test_risk_flags_come_in_plausible_shares_and_major_hazards_follow_their_units():
    enterprises = county_enterprises()
    total = enterprises.count()
    flags = enterprises.aggregate(**{flag: Count("pk", filter=Q(**{flag: True})) for flag in Enterprise.RISK_FLAGS})
    assert 0 < flags["has_major_hazard"] <= flags["is_hazchem"] < total / 5
    assert all(flags[flag] > 0 for flag in Enterprise.RISK_FLAGS)
    majors = set(
        MajorHazardSource.objects.filter(region__code__startswith=COUNTY, is_major=True).values_list(
            "enterprise_id", flat=True
        )
    )
    assert majors == set(enterprises.filter(has_major_hazard=True).values_list("pk", flat=True))
    points = RiskPoint.objects.filter(region__code__startswith=COUNTY)
    assert points.count() > total and not points.filter(grade="").exists()
    assert set(points.values_list("grade", flat=True).distinct()) == {"red", "orange", "yellow", "blue"}


def test_hidden_hazards_cover_three_years_mostly_closed_some_open_and_overdue():
    today = timezone.localdate()
    hazards = HiddenHazard.objects.filter(region__code__startswith=COUNTY)
    by_status = dict(hazards.values_list("status").annotate(n=Count("pk")))
    assert by_status["closed"] > 0.8 * hazards.count()
    assert all(by_status.get(state, 0) > 0 for state in ("reported", "rectifying", "awaiting_verification"))
    overdue = hazards.exclude(status="closed").filter(deadline__lt=today)
    assert overdue.values("region_id").distinct().count() > 5  # overdue in many places, not one
    span = hazards.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > dt.timedelta(days=700)
    months = hazards.filter(closed_at__isnull=False).dates("closed_at", "month")
    assert len(months) >= 24  # a closure trend by month
    assert not hazards.filter(status="closed", closed_at__isnull=True).exists()


def test_the_history_is_what_the_daily_job_would_have_written():
    assert overdue_mark() == []  # every missed deadline already has its 逾期 step
    hazard = (
        HiddenHazard.objects.filter(region__code__startswith=COUNTY, status="closed", events__action="overdue")
        .order_by("pk")
        .first()
    )
    steps = list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id"))
    assert steps[0].action == "report" and steps[-1].action == "verify"
    assert steps[0].at == hazard.created_at and steps[-1].at == hazard.closed_at
    assert not HazardEvent.objects.filter(at__gt=timezone.now()).exists()


def test_the_demo_enterprise_user_keeps_the_first_enterprise():
    first = county_enterprises().order_by("pk").first()
    assert persona("enterprise_user").enterprise_id == first.pk
    assert first.name.endswith("建材有限公司")
