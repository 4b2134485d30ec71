"""What the duty desk lists from monitoring (registered at ready()): alarms not closed, as open items of a
handover, and the day's alarms in the county 值班日报."""

import datetime as dt

from django.urls import reverse

from anlan.core.regioncodes import region_prefix
from anlan.duty.sources import DayLine, OpenItem, on_day, register_day_section, register_open_items

from .models import Alarm


def _alarms(desk: str):
    return (
        Alarm.objects.real()
        .filter(sensor__region__pk__startswith=region_prefix(desk))
        .select_related("sensor", "sensor__region")
    )


def open_alarms(desk: str, at: dt.datetime) -> list[OpenItem]:
    """Alarms raised by `at` and not closed (报警中 or 已确认)."""
    rows = _alarms(desk).filter(opened_at__lte=at).exclude(status=Alarm.Status.CLOSED)
    return [
        OpenItem(
            kind="alarm",
            title=f"{a.sensor.region.name}{a.sensor.name}{a.get_level_display()}报警（{a.get_status_display()}）",
            link=reverse("monitoring:alarm_detail", kwargs={"pk": a.pk}),
            since=a.opened_at,
            key=f"alarm:{a.pk}",
        )
        for a in rows
    ]


def day_alarms(desk: str, day: dt.date) -> list[DayLine]:
    rows = _alarms(desk).filter(**on_day("opened_at", day)).order_by("opened_at")
    return [
        DayLine(
            a.opened_at,
            f"{a.sensor.region.name}{a.sensor.name}{a.get_level_display()}报警，触发值 {a.value}，峰值 {a.peak_value}"
            f"（{a.get_status_display()}）",
        )
        for a in rows
    ]


def register() -> None:
    register_open_items("alarm", "未解除的报警", open_alarms, order=20)
    register_day_section("alarm", "监测报警", day_alarms, order=30)
