"""Rows the 会商 tests need: alarms, warnings, incidents and rainfall written directly (their own apps' tests
cover how they are made); sessions through the services."""

import datetime as dt
import itertools

from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.consultations import services
from anlan.incidents.models import Incident
from anlan.monitoring.models import Alarm, ReadingHourly, Sensor
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

_n = itertools.count(1)


def open_alarm(level="red", *, region_prefix="", value=42.5) -> Alarm:
    sensor = Sensor.objects.filter(rules__isnull=False, region__code__startswith=region_prefix).order_by("pk").first()
    return Alarm.objects.create(
        sensor=sensor,
        rule=sensor.rules.order_by("pk").first(),
        level=level,
        value=value,
        peak_value=value,
        opened_at=timezone.now() - dt.timedelta(minutes=30),
    )


def warning(region, *, headline=None, expires_in_hours=6.0, level="orange", status=Warning.Status.ISSUED) -> Warning:
    n = next(_n)
    now = timezone.now()
    w = Warning.objects.create(
        identifier=f"test-consultation-{n}-{now.timestamp()}",
        event="暴雨",
        category="Met",
        level=level,
        urgency="Expected",
        severity="Severe",
        certainty="Likely",
        headline=headline or f"测试暴雨预警{n}",
        description="测试",
        region=region,
        status=status,
        sent=now - dt.timedelta(hours=1) if status == Warning.Status.ISSUED else None,
        expires=now + dt.timedelta(hours=expires_in_hours),
    )
    w.regions.set([region])
    return w


def incident(region, *, title=None, status=Incident.Status.RESPONDING, response_level="IV") -> Incident:
    n = next(_n)
    now = timezone.now()
    return Incident.objects.create(
        number=f"SJTEST{n:04d}{int(now.timestamp())}",
        title=title or f"测试事件{n}",
        kind=IncidentKind.objects.order_by("pk").first(),
        region=region,
        occurred_at=now - dt.timedelta(hours=1),
        received_at=now - dt.timedelta(minutes=50),
        description="测试",
        status=status,
        response_level=response_level,
    )


def rain(sensor, *, hours_ago: int, mm: float) -> ReadingHourly:
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours_ago)
    return ReadingHourly.objects.create(sensor=sensor, hour=hour, count=12, min=0.0, max=mm, sum=mm)


def start(kind="flood", *, who="county_operator", **fields):
    values = {"title": "测试防汛会商", "chair": "张三", "departments": (), "attendees": "各部门", **fields}
    return services.consultation_start(actor=persona(who), kind=kind, **values)
