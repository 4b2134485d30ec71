"""What the duty desk lists from incidents (registered at ready()): incidents whose report clock runs, as
open items of a handover; the day's incidents in the county 值班日报; and 转为事件 on a duty log entry,
which opens the intake filled in from the entry (views.intake, `?log=`)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from anlan.core.regioncodes import region_prefix
from anlan.duty.sources import (
    DayLine,
    OpenItem,
    on_day,
    register_day_section,
    register_log_action,
    register_open_items,
)

from . import services
from .models import HANDLERS, Incident


def _incidents(desk: str):
    return Incident.objects.real().filter(region__pk__startswith=region_prefix(desk)).select_related("kind", "region")


def running_clocks(desk: str, at: dt.datetime) -> list[OpenItem]:
    """Incidents received by `at`, not closed, that still owe a report (首报、续报 or 终报)."""
    rows = _incidents(desk).filter(received_at__lte=at).exclude(status=Incident.Status.CLOSED)
    items = []
    for incident in rows:
        clock = services.report_clock(incident, at)
        if clock.label == "已终报":
            continue
        if clock.due_at is None:
            when = "待报"
        else:
            due = timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")
            when = f"已逾期（时限 {due}）" if clock.overdue else f"时限 {due}"
        items.append(
            OpenItem(
                kind="incident",
                title=f"{incident.number} {incident.title}：{clock.label}{when}",
                link=reverse("incidents:workspace", kwargs={"pk": incident.pk}),
                since=incident.received_at,
                key=f"incident:{incident.pk}",
            )
        )
    return items


def day_incidents(desk: str, day: dt.date) -> list[DayLine]:
    rows = _incidents(desk).filter(**on_day("received_at", day))
    return [
        DayLine(
            i.received_at,
            f"{i.number} {i.region.name}{i.place}{i.title}（{i.kind}，{i.get_level_display() or '未定级'}，"
            f"{i.get_status_display()}；死亡 {i.deaths} 人、失踪 {i.missing} 人、受伤 {i.injured} 人）",
        )
        for i in rows.order_by("received_at")
    ]


def _offer_intake(user, entry) -> bool:
    return not entry.incident_number and (user.is_superuser or user.role in HANDLERS)


def register() -> None:
    register_open_items("incident", "报告计时中的事件", running_clocks, order=10)
    register_day_section("incident", "突发事件", day_incidents, order=20)
    register_log_action(
        "incident", "转为事件", lambda entry: f"{reverse('incidents:intake')}?log={entry.pk}", _offer_intake
    )
