"""Work-safety deaths per 10^5 workers and per 亿元 GDP; 首报按时率 — drill incidents never count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.core.models import Exercise
from anlan.incidents.models import Incident, InfoReport
from anlan.kpi.computed import compute
from anlan.kpi.models import YearBase
from anlan.plans.models import IncidentKind

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
START, END = dt.date(2011, 1, 1), dt.date(2011, 12, 31)


def at(month, day, hour=10):
    return dt.datetime(2011, month, day, hour, tzinfo=TZ)


def incident(tree, kind, when, deaths, n, exercise=None, level=""):
    return Incident.objects.create(
        number=f"KPI-2011-{n}", title="事故", kind=kind, region=tree.village, occurred_at=when, received_at=when,
        description="经过", deaths=deaths, exercise=exercise, level=level,
    )  # fmt: skip


@pytest.fixture
def kinds():
    safety = IncidentKind.objects.create(category="accident", name="KPI工矿商贸事故", grading="production_safety")
    flood = IncidentKind.objects.create(category="natural", name="KPI洪涝", grading="manual")
    return safety, flood


def test_deaths_per_workers_and_gdp(tree, kinds, django_assert_max_num_queries):
    safety, flood = kinds
    incident(tree, safety, at(3, 1), 2, 1, level="IV")
    incident(tree, safety, at(8, 1), 1, 2, level="III")
    incident(tree, flood, at(7, 1), 5, 3, level="II")  # a natural disaster: not a work-safety death
    incident(tree, safety, dt.datetime(2012, 1, 1, 1, tzinfo=TZ), 4, 4)  # next year
    drill = Exercise.objects.create(name="演练")
    incident(tree, safety, at(5, 1), 9, 5, exercise=drill)  # a drill record: never counted

    assert compute("incidents.safety_deaths", tree.county.code, START, END).value == 3
    assert compute("incidents.safety_larger_count", tree.county.code, START, END).value == 1
    assert compute("incidents.safety_major_count", tree.county.code, START, END).value == 0

    missing = compute("incidents.safety_deaths_per_100k_workers", tree.county.code, START, END)
    assert missing.value is None and "缺少2011年度" in missing.note

    YearBase.objects.create(region=tree.county, year=2011, gdp=Decimal("150.00"), workers=120000, population=300000)
    with django_assert_max_num_queries(2):
        workers = compute("incidents.safety_deaths_per_100k_workers", tree.county.code, START, END)
    assert (workers.numerator, workers.denominator, workers.value) == (3, 120000, Decimal("2.500"))
    gdp = compute("incidents.safety_deaths_per_100m_gdp", tree.county.code, START, END)
    assert (gdp.numerator, gdp.denominator, gdp.value) == (3, 150, Decimal("0.0200"))


def test_first_reports_on_time(tree, kinds, django_assert_max_num_queries):
    safety, _ = kinds
    due = [at(3, 1, 11), at(4, 1, 11), at(5, 1, 11), at(6, 1, 11)]
    sent = [at(3, 1, 10), at(4, 1, 11), at(5, 1, 12), None]  # early, exactly at the limit, late, never
    for n, (limit, sent_at) in enumerate(zip(due, sent, strict=True), start=10):
        report_of = incident(tree, safety, limit - dt.timedelta(hours=1), 0, n)
        InfoReport.objects.create(
            incident=report_of, kind="first", due_at=limit, situation="概况", written_by="值班员", sent_at=sent_at
        )
    with django_assert_max_num_queries(1):
        figure = compute("incidents.first_report_on_time", tree.county.code, START, END)
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, Decimal("50.00"))
