"""The demo desk: a day of calls at the county and township desks, yesterday's reports from most townships
(two missing, so the county sees them), confirmed handovers for the past days and one awaiting confirmation
whose open items include the calls still being followed up."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.demo.duty_log import load_duty_log
from anlan.duty import daily
from anlan.duty.models import DailyReport, Handover, LogEntry
from anlan.geo.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def test_the_demo_desk_has_a_day_of_calls_reports_and_handovers(tree):
    townships = list(Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).order_by("code"))
    counts = load_duty_log(county=tree.county, townships=townships)
    assert counts["duty_log"] == LogEntry.objects.count() >= 10
    since = timezone.now() - dt.timedelta(hours=24)
    assert not LogEntry.objects.filter(occurred_at__lt=since).exists()
    assert {e.desk_id for e in LogEntry.objects.all()} >= {tree.county.code, townships[0].code, townships[1].code}
    assert LogEntry.objects.filter(content__contains="道路塌方", kind="receive").exists()

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    missing = daily.missing_townships(tree.county.code, yesterday)
    assert [t.code for t in missing] == [t.code for t in townships[-2:]]
    assert not daily.missing_townships(tree.county.code, yesterday - dt.timedelta(days=1))
    assert DailyReport.objects.filter(date=yesterday, nothing_to_report=True).exists()
    assert DailyReport.objects.filter(date=yesterday, nothing_to_report=False).exclude(summary="").exists()

    handovers = list(Handover.objects.order_by("written_at"))
    assert [h.status for h in handovers] == ["confirmed"] * 3 + ["written"]
    waiting = handovers[-1]
    open_calls = set(LogEntry.objects.filter(desk=tree.county, status="open").values_list("pk", flat=True))
    assert open_calls and {f"log:{pk}" for pk in open_calls} <= {i["key"] for i in waiting.items}
