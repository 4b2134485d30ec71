"""Information reports (首报、续报、终报): the statutory clocks, drafts from the incident, sending
and the dispatch log."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record
from anlan.core.errors import DomainError
from anlan.duty.routing import route_to_desks
from anlan.plans.models import IncidentKind

from .. import calculators, clocks, workflow
from ..models import (
    Incident,
    InfoReport,
    ReportDispatch,
    TimelineEntry,
)
from .timeline import entry


@dataclass(frozen=True)
class Clock:
    label: str  # 首报 / 续报 / 终报
    due_at: dt.datetime | None
    overdue: bool
    minutes_left: int | None
    basis: str = ""  # why this deadline, when the kind's grade sets it (clocks.py)


def follow_up_interval(incident: Incident) -> dt.timedelta:
    hours = incident.kind.follow_up_hours
    # 重大、特别重大: at least two follow-ups a day (reference §2.2, secondary).
    if incident.level in ("I", "II") or incident.response_level in ("I", "II"):
        hours = max(hours // 2, 1)
    return dt.timedelta(hours=hours)


def report_clock(incident: Incident, now: dt.datetime | None = None) -> Clock:
    """The next report owed upward and its deadline: 首报 within the kind's limit from 接报 (sooner where the
    kind's grade sets a shorter one, clocks.py), then 续报 at the follow-up interval until the response ends,
    then 终报."""
    sent = list(incident.reports.filter(sent_at__isnull=False).order_by("sent_at"))
    return clock_from(incident, sent, now)


def clock_from(incident: Incident, sent: list[InfoReport], now: dt.datetime | None = None) -> Clock:
    """`report_clock` from the incident's sent reports in sending order, already loaded: a list of
    incidents prefetches them once (`sent_reports`) instead of one query per incident."""
    now = now or timezone.now()
    basis = ""
    if not any(r.kind == InfoReport.Kind.FIRST for r in sent):
        due = incident.received_at + dt.timedelta(minutes=incident.kind.first_report_minutes)
        label = "首报"
        # A rule of the kind and grade (地质灾害速报, 森林火灾报国家) may owe the report sooner.
        sooner = [d for d in clocks.deadlines(incident, now) if d.due_at < due and not d.conditional]
        if sooner:
            due, basis = sooner[0].due_at, f"{sooner[0].label}：{sooner[0].basis}"
    elif incident.status in (Incident.Status.ENDED, Incident.Status.CLOSED):
        if any(r.kind == InfoReport.Kind.FINAL for r in sent):
            return Clock("已终报", None, False, None)
        due, label = None, "终报"
    else:
        due, label = sent[-1].sent_at + follow_up_interval(incident), "续报"
    if due is None:
        return Clock(label, None, False, None)
    left = (due - now).total_seconds()
    return Clock(label, due, left < 0, int(left // 60), basis)


# A deadline missed longer ago than this is not announced any more: the desk was told when it passed (the
# job runs every minute), and on the first run after an upgrade old incidents whose reports were made
# outside the platform must not send a burst of SMS and calls.
OVERDUE_NOTICE_WINDOW = dt.timedelta(hours=6)


def overdue_reports_job(*, now: dt.datetime | None = None) -> int:
    """A periodic job: an incident whose next report upward (首报/续报) passed its deadline within the last
    OVERDUE_NOTICE_WINDOW is routed to those on duty at its township and county desks, once per incident
    and deadline. Returns how many."""
    now = now or timezone.now()
    told = 0
    incidents = (
        Incident.objects.real()
        .filter(status__in=(Incident.Status.RECEIVED, Incident.Status.RESPONDING))
        .select_related("kind")
    )
    for incident in incidents:
        clock = report_clock(incident, now)
        if not clock.overdue or now - clock.due_at > OVERDUE_NOTICE_WINDOW:
            continue
        late = int((now - clock.due_at).total_seconds() // 60)
        route_to_desks(
            incident.region_id,
            title=f"{clock.label}超时：{incident.title}",
            body=f"应于 {timezone.localtime(clock.due_at):%m-%d %H:%M} 前报送{clock.label}，已超时 {late} 分钟。",
            link=reverse("incidents:workspace", kwargs={"pk": incident.pk}),
            sms=True,
            dedupe_key=f"report-late:{incident.pk}:{clock.due_at:%Y%m%d%H%M}",
        )
        told += 1
    return told


def report_draft(incident: Incident) -> dict:
    """A report's text drafted from the incident as it stands (条例第十二条 items)."""
    occurred = timezone.localtime(incident.occurred_at).strftime("%Y年%m月%d日%H时%M分")
    region = incident.region
    place = f"{region.name}{incident.place}"
    casualties = (
        f"死亡 {incident.deaths} 人，失踪 {incident.missing} 人，受伤 {incident.injured} 人"
        f"（其中重伤 {incident.serious_injuries} 人），被困 {incident.trapped} 人，已转移 {incident.evacuated} 人"
    )
    tasks = list(incident.tasks.select_related("department"))
    measures = (
        "；".join(f"{t.department or ''}{t.title}（{t.get_status_display()}）".strip() for t in tasks)
        or "已派员赶赴现场核实处置。"
    )
    loss = f"{incident.direct_loss_10k_yuan} 万元（初步估算）"
    grading = incident.kind.grading
    if grading == IncidentKind.Grading.FOREST_FIRE:  # what the fire is graded by (森林防火条例 Art. 40)
        area = format(incident.burned_forest_ha.normalize(), "f")
        loss += f"；受害森林面积 {area} 公顷" + ("（其他林地）" if incident.other_woodland else "")
    elif grading == IncidentKind.Grading.GEOLOGICAL and calculators.geo_stage(incident) == calculators.GEO_DANGER:
        loss += f"；需转移 {incident.people_to_relocate} 人，潜在经济损失 {incident.potential_loss_10k_yuan} 万元"
    return {
        "situation": f"{occurred}，{place}发生{incident.title}。{incident.description}",
        "casualties": casualties,
        "loss": loss,
        "measures": measures,
        "other": "",
    }


@transaction.atomic
def report_create(*, actor, incident: Incident, kind: str, fields: dict, signed_by: str = "", at=None) -> InfoReport:
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().select_related("kind").get(pk=incident.pk)
    if kind not in InfoReport.Kind.values:
        raise DomainError("incident.bad_report_kind", "报告类别应为首报、续报或终报", field="kind")
    existing = incident.reports.filter(kind=kind)
    if kind != InfoReport.Kind.FOLLOW_UP and existing.exists():
        raise DomainError("incident.report_exists", f"本事件已有{InfoReport.Kind(kind).label}")
    if kind == InfoReport.Kind.FOLLOW_UP and not incident.reports.filter(kind=InfoReport.Kind.FIRST).exists():
        raise DomainError("incident.first_report_missing", "请先报送首报")
    if kind == InfoReport.Kind.FINAL:
        workflow.INCIDENT.check(actor, incident, "final_report")
    clock = report_clock(incident, at)
    report = InfoReport(
        incident=incident,
        kind=kind,
        sequence=existing.count() + 1,
        due_at=clock.due_at or at,
        written_by=actor_name(actor),
        signed_by=signed_by,
        **{k: fields.get(k, "") for k in ("situation", "casualties", "loss", "measures", "other")},
    )
    if not report.situation.strip():
        raise DomainError("incident.situation_required", "请填写事件概况", field="situation")
    report.save()
    audit_record(action="incident_report_draft", obj=incident, actor=actor, after={"report": report.pk, "kind": kind})
    return report


@transaction.atomic
def report_send(*, actor, report: InfoReport, recipients: list[tuple[str, str, str]], at=None) -> InfoReport:
    """报出: record whom it went to (unit, method, received by) and when; the clock moves on."""
    at = at or timezone.now()
    report = InfoReport.objects.select_for_update().select_related("incident").get(pk=report.pk)
    if report.sent_at:
        raise DomainError("incident.report_sent", "该报告已报出；情况变化请报送续报")
    recipients = [(u.strip(), m, r.strip()) for u, m, r in recipients if u.strip()]
    if not recipients:
        raise DomainError("incident.recipients_required", "请填写报送单位", field="recipients")
    for _unit, method, _received in recipients:
        if method not in ReportDispatch.Method.values:
            raise DomainError("incident.bad_report_method", f"未知报送方式：{method}", field="recipients")
    report.sent_at = at
    report.save(update_fields=["sent_at"])
    ReportDispatch.objects.bulk_create(
        [
            ReportDispatch(
                report=report, recipient=u, method=m, received_by=r, sent_at=at, actor_name=actor_name(actor)
            )
            for u, m, r in recipients
        ]
    )
    late = at > report.due_at
    audit_record(
        action="incident_report_send",
        obj=report.incident,
        actor=actor,
        after={"report": report.pk, "to": [u for u, _, _ in recipients], "late": late},
    )
    entry(
        report.incident,
        TimelineEntry.Kind.REPORT,
        f"报出{report}：{'、'.join(u for u, _, _ in recipients)}" + ("（超时）" if late else ""),
        actor=actor,
        at=at,
        detail=report.situation,
        data={"report": report.pk, "late": late},
    )
    return report
