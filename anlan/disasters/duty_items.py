"""What the duty desk lists from the statistics (registered at ready()): the report a process owes (初报 due or
overdue, today's 续报, the 核报) and the processes whose dead and missing reach 10 — those the county reports to
the province and the ministry at once (§4.3)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from anlan.core.regioncodes import region_prefix
from anlan.duty.sources import OpenItem, register_open_items

from . import clocks
from .models import DisasterProcess, DisasterReport
from .selectors import with_clocks
from .services import ESCALATE_TEXT


def _open_processes(desk: str, at: dt.datetime):
    # A process is the county's (its region is the county): a township desk lists none, the county desk all.
    return DisasterProcess.objects.filter(
        region__pk__startswith=region_prefix(desk), status=DisasterProcess.Status.OPEN, created_at__lte=at
    )


def reports_owed(desk: str, at: dt.datetime) -> list[OpenItem]:
    items = []
    for process, clock in with_clocks(_open_processes(desk, at), at):
        if clock is None:
            continue
        state = clocks.time_left(clock.due, at)
        items.append(
            OpenItem(
                kind="disaster",
                title=f"{process.name}：{clock.label}时限 {timezone.localtime(clock.due):%m-%d %H:%M}（{state}）",
                link=reverse("disasters:process_detail", kwargs={"pk": process.pk}),
                since=process.started_at,
                key=f"disaster:{process.pk}:{clock.key}",
            )
        )
    return items


def escalated(desk: str, at: dt.datetime) -> list[OpenItem]:
    reports = DisasterReport.objects.filter(
        process__in=_open_processes(desk, at), escalate=True, submitted_at__lte=at
    ).select_related("process")
    first = {}
    for report in reports.order_by("submitted_at"):
        first.setdefault(report.process_id, report)
    return [
        OpenItem(
            kind="disaster_escalate",
            title=f"{r.process.name}：{ESCALATE_TEXT}（{_dead_and_missing(r.totals)}）",
            link=reverse("disasters:process_detail", kwargs={"pk": r.process_id}),
            since=r.submitted_at,
            key=f"disaster:{r.process_id}:escalate",
        )
        for r in first.values()
    ]


def _dead_and_missing(totals: dict) -> str:
    return f"死亡 {totals.get('deaths', 0)} 人、失踪 {totals.get('missing', 0)} 人"


def register() -> None:
    register_open_items("disaster_escalate", "灾情须报省厅和应急管理部", escalated, order=12)
    register_open_items("disaster", "灾情报送时限", reports_owed, order=15)
