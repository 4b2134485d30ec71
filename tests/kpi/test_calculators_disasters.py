"""Disaster indicators (standards §17) from each process's latest figures per township, and 初报按时率."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.disasters.models import DisasterProcess, DisasterReport, ReportRow
from anlan.kpi.computed import compute
from anlan.kpi.models import YearBase

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
START, END = dt.date(2011, 1, 1), dt.date(2011, 12, 31)


def process(tree, started, name):
    return DisasterProcess.objects.create(
        name=name, hazard="flood", started_at=started, initial_due=started + dt.timedelta(hours=2), region=tree.county
    )


def report(proc, number, stage, late=False):
    return DisasterReport.objects.create(
        process=proc, stage=stage, number=number, submitted_at=proc.started_at + dt.timedelta(hours=number), late=late
    )


def row(rep, township, deaths=0, missing=0, loss="0"):
    return ReportRow.objects.create(
        report=rep, region=township, deaths=deaths, missing=missing, direct_loss_10k_yuan=Decimal(loss)
    )


def test_latest_figures_over_the_bases(tree, django_assert_max_num_queries):
    july = process(tree, dt.datetime(2011, 7, 10, 3, tzinfo=TZ), "7·10洪涝")
    first = report(july, 1, "initial")
    row(first, tree.township, deaths=1, loss="500")
    row(first, tree.other_township, missing=1, loss="100")
    update = report(july, 2, "update", late=True)
    row(update, tree.township, deaths=2, missing=1, loss="2000")  # replaces the township's first figures
    august = process(tree, dt.datetime(2011, 8, 2, 3, tzinfo=TZ), "8·2洪涝")
    row(report(august, 1, "initial"), tree.township, loss="400")
    old = process(tree, dt.datetime(2010, 8, 2, 3, tzinfo=TZ), "去年洪涝")  # another year: not counted
    row(report(old, 1, "initial"), tree.township, deaths=7, loss="9999")

    YearBase.objects.create(region=tree.county, year=2011, gdp=Decimal("125.00"), workers=90000, population=400000)
    with django_assert_max_num_queries(2):
        people = compute("disasters.deaths_missing_per_million", tree.county.code, START, END)
    # 2 deaths + 1 missing (township, latest) + 1 missing (other township) = 4 of 400 000 people
    assert (people.numerator, people.denominator, people.value) == (4, 400000, Decimal("10.000"))
    loss = compute("disasters.loss_share_of_gdp", tree.county.code, START, END)
    # 2000 + 100 + 400 = 2500 万元 of 125 亿元 = 1 250 000 万元: 0.2 %
    assert (loss.numerator, loss.denominator, loss.value) == (2500, 1250000, Decimal("0.200"))


def test_initial_reports_on_time(tree, django_assert_max_num_queries):
    on_time = process(tree, dt.datetime(2011, 5, 1, 3, tzinfo=TZ), "准时")
    report(on_time, 1, "initial")
    late = process(tree, dt.datetime(2011, 6, 1, 3, tzinfo=TZ), "迟报")
    report(late, 1, "initial", late=True)
    process(tree, dt.datetime(2011, 7, 1, 3, tzinfo=TZ), "未报")  # limit passed, never reported: late
    with django_assert_max_num_queries(1):
        figure = compute("disasters.initial_report_on_time", tree.county.code, START, END)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, Decimal("33.33"))
