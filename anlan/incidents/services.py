"""Incident workflow: intake, facts and grading, response levels with plan tasks, information reports with
their statutory clocks, dispatch orders tracked to done, supplies and evacuation — every step on the
incident's timeline and in the audit trail.

Steps take `now` where time matters, so tests (and the demo scenario) control the clock.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.plans.models import IncidentKind
from anlan.plans.services import actions_for_response
from anlan.resources.models import ShelterCheck
from anlan.resources.services import shelter_check
from anlan.supplies.models import Movement
from anlan.supplies.services import stock_issue

from . import grading, workflow
from .models import (
    DispatchOrder,
    Incident,
    InfoReport,
    ReportDispatch,
    ResponseTask,
    Review,
    TimelineEntry,
)

ORDER_SALT = "anlan.dispatch-order"
GRADERS = workflow.GRADERS


def entry(incident, kind, title, *, actor=None, at=None, detail="", data=None, lon=None, lat=None, upload=None):
    """Append to the incident's timeline."""
    item = TimelineEntry(
        incident=incident,
        at=at or timezone.now(),
        kind=kind,
        title=title[:300],
        detail=detail,
        actor_name=actor_name(actor),
        data=data or {},
        lon=lon,
        lat=lat,
    )
    if upload is not None:
        # A CheckedUpload (core.uploads): the type was decided from its content, the name is generated.
        item.attachment_name = upload.display_name[:200]
        item.attachment.save(upload.stored_name, upload.as_file(), save=False)
    item.save()
    return item


def next_number(incident: Incident) -> str:
    day = timezone.localtime(incident.received_at).strftime("%Y%m%d")
    prefix = f"SJ{incident.region_id[:6]}{day}"
    taken = Incident.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


# ---------------------------------------------------------------- intake, facts, grade


@transaction.atomic
def incident_create(*, actor, incident: Incident) -> Incident:
    """接报: number the incident, record it, grade it when a regulation decides the grade."""
    incident.received_at = incident.received_at or timezone.now()
    if incident.occurred_at and incident.occurred_at > incident.received_at + dt.timedelta(minutes=5):
        raise DomainError("incident.occurred_after_received", "发生时间不能晚于接报时间")
    incident.number = next_number(incident)
    incident.recorded_by = actor_name(actor)
    incident.status = Incident.Status.RECEIVED
    _auto_grade(incident)
    incident.full_clean()
    incident.save()
    audit_record(action="incident_create", obj=incident, actor=actor, after=snapshot(incident))
    entry(
        incident,
        TimelineEntry.Kind.INTAKE,
        f"{incident.get_source_display()}：{incident.title}",
        actor=actor,
        at=incident.received_at,
        detail=incident.description,
        data={"caller": incident.caller_name, "unit": incident.caller_unit},
        lon=incident.lon,
        lat=incident.lat,
    )
    if incident.alarm_id:
        alarm = incident.alarm
        entry(
            incident,
            TimelineEntry.Kind.ALARM,
            f"{alarm}",
            at=alarm.opened_at,
            detail=f"触发值 {alarm.value}，峰值 {alarm.peak_value}",
            data={"alarm": alarm.pk},
        )
    if incident.level:
        entry(incident, TimelineEntry.Kind.GRADE, f"定级：{incident.get_level_display()}", detail=incident.level_basis)
    return incident


def _auto_grade(incident: Incident) -> bool:
    """Set the grade from the regulation when the kind has one; True if it changed."""
    if incident.kind.grading != IncidentKind.Grading.PRODUCTION_SAFETY:
        return False
    grade = grading.production_safety(incident.deaths, incident.serious_injuries, incident.direct_loss_10k_yuan)
    changed = grade.level != incident.level
    incident.level, incident.level_basis = grade.level, f"国务院令第493号第三条：{grade.basis}"
    return changed


FACT_FIELDS = (
    "deaths",
    "missing",
    "injured",
    "serious_injuries",
    "trapped",
    "evacuated",
    "direct_loss_10k_yuan",
)


@transaction.atomic
def facts_update(*, actor, incident: Incident, note: str = "", at=None, **facts) -> Incident:
    """续报的事实：伤亡、失踪、被困、损失 … a production-safety accident is regraded at once."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    before = {name: str(getattr(incident, name)) for name in FACT_FIELDS}
    for name, value in facts.items():
        if name not in FACT_FIELDS:
            raise DomainError("incident.unknown_fact", f"未知字段：{name}", field=name)
        setattr(incident, name, value)
    old_level = incident.level
    regraded = _auto_grade(incident)
    incident.full_clean()
    incident.save()
    after = {name: str(getattr(incident, name)) for name in FACT_FIELDS}
    audit_record(action="incident_facts", obj=incident, actor=actor, before=before, after=after)
    changes = "，".join(
        f"{Incident._meta.get_field(n).verbose_name} {before[n]}→{after[n]}"
        for n in FACT_FIELDS
        if before[n] != after[n]
    )
    entry(incident, TimelineEntry.Kind.FACTS, f"情况更新：{changes or '无变化'}", actor=actor, at=at, detail=note)
    if regraded:
        entry(
            incident,
            TimelineEntry.Kind.GRADE,
            f"等级调整：{old_level or '未定级'} → {incident.get_level_display()}",
            actor=actor,
            at=at,
            detail=incident.level_basis,
            data={"before": old_level, "after": incident.level},
        )
    return incident


@transaction.atomic
def grade_set(*, actor, incident: Incident, level: str, basis: str, at=None) -> Incident:
    """人工定级 for kinds without a numeric rule; a production-safety accident follows its regulation."""
    incident = Incident.objects.select_for_update().select_related("kind").get(pk=incident.pk)
    workflow.INCIDENT.apply(actor, incident, "grade", level=level, basis=basis)
    old = incident.level
    incident.level, incident.level_basis = level, basis.strip()[:300]
    incident.save(update_fields=["level", "level_basis", "updated_at"])
    audit_record(action="incident_grade", obj=incident, actor=actor, before={"level": old}, after={"level": level})
    entry(
        incident,
        TimelineEntry.Kind.GRADE,
        f"定级：{old or '未定级'} → {incident.get_level_display()}",
        actor=actor,
        at=at,
        detail=incident.level_basis,
        data={"before": old, "after": level},
    )
    return incident


# ---------------------------------------------------------------- response and plan tasks


@transaction.atomic
def response_set(*, actor, incident: Incident, level: str, reason: str, at=None) -> list[ResponseTask]:
    """启动、提升或降低响应. Starting or raising creates the plan's tasks for the new level (each once)."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().select_related("kind").get(pk=incident.pk)
    workflow.INCIDENT.apply(actor, incident, "respond", level=level, reason=reason)
    old = incident.response_level
    verb = "启动" if not old else "提升" if grading.rank(level) > grading.rank(old) else "降低"
    incident.response_level = level
    incident.save(update_fields=["response_level", "status", "updated_at"])
    audit_record(
        action="incident_response", obj=incident, actor=actor, before={"response": old}, after={"response": level}
    )
    entry(
        incident,
        TimelineEntry.Kind.RESPONSE,
        f"{verb}{incident.get_response_level_display()}",
        actor=actor,
        at=at,
        detail=reason,
        data={"before": old, "after": level},
    )
    return _plan_tasks(actor, incident, level, at) if verb != "降低" else []


def _plan_tasks(actor, incident: Incident, level: str, at) -> list[ResponseTask]:
    actions = actions_for_response(kind=incident.kind, level=level, region_code=incident.region_id)
    done = set(incident.tasks.filter(action__isnull=False).values_list("action_id", flat=True))
    tasks = [
        ResponseTask(
            incident=incident,
            action=action,
            level=level,
            title=action.title,
            department=action.department,
            due_at=at + dt.timedelta(hours=action.hours) if action.hours else None,
            created_at=at,
        )
        for action in actions
        if action.pk not in done
    ]
    ResponseTask.objects.bulk_create(tasks)
    if tasks:
        names = "；".join(f"{t.title}（{t.department or '未指定部门'}）" for t in tasks)
        entry(incident, TimelineEntry.Kind.TASK, f"按预案下达任务 {len(tasks)} 项", actor=actor, at=at, detail=names)
    return tasks


@transaction.atomic
def task_update(*, actor, task: ResponseTask, status: str, note: str = "", at=None) -> ResponseTask:
    task = ResponseTask.objects.select_for_update().get(pk=task.pk)
    if status not in ResponseTask.Status.values:
        raise DomainError("incident.unknown_task_status", "未知任务状态", field="status")
    old = task.status
    task.status, task.note = status, note[:300] or task.note
    task.done_at = (at or timezone.now()) if status == ResponseTask.Status.DONE else None
    task.save()
    audit_record(
        action="incident_task",
        obj=task.incident,
        actor=actor,
        before={"task": task.pk, "status": old},
        after={"task": task.pk, "status": status},
    )
    entry(
        task.incident,
        TimelineEntry.Kind.TASK,
        f"任务“{task.title}”{task.get_status_display()}",
        actor=actor,
        at=at,
        detail=note,
    )
    return task


@transaction.atomic
def response_end(*, actor, incident: Incident, summary: str, at=None) -> Incident:
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    workflow.INCIDENT.apply(actor, incident, "end")
    incident.ended_at = at
    incident.save(update_fields=["status", "ended_at", "updated_at"])
    audit_record(action="incident_end", obj=incident, actor=actor, after={"status": incident.status})
    entry(incident, TimelineEntry.Kind.CLOSE, "结束应急响应", actor=actor, at=at, detail=summary)
    return incident


# ---------------------------------------------------------------- information reports and their clocks


@dataclass(frozen=True)
class Clock:
    label: str  # 首报 / 续报 / 终报
    due_at: dt.datetime | None
    overdue: bool
    minutes_left: int | None


def follow_up_interval(incident: Incident) -> dt.timedelta:
    hours = incident.kind.follow_up_hours
    # 重大、特别重大: at least two follow-ups a day (reference §2.2, secondary).
    if incident.level in ("I", "II") or incident.response_level in ("I", "II"):
        hours = max(hours // 2, 1)
    return dt.timedelta(hours=hours)


def report_clock(incident: Incident, now: dt.datetime | None = None) -> Clock:
    """The next report owed upward and its deadline: 首报 within the kind's limit from 接报, then 续报 at
    the follow-up interval until the response ends, then 终报."""
    now = now or timezone.now()
    sent = list(incident.reports.filter(sent_at__isnull=False).order_by("sent_at"))
    if not any(r.kind == InfoReport.Kind.FIRST for r in sent):
        due = incident.received_at + dt.timedelta(minutes=incident.kind.first_report_minutes)
        label = "首报"
    elif incident.status in (Incident.Status.ENDED, Incident.Status.CLOSED):
        if any(r.kind == InfoReport.Kind.FINAL for r in sent):
            return Clock("已终报", None, False, None)
        due, label = None, "终报"
    else:
        due, label = sent[-1].sent_at + follow_up_interval(incident), "续报"
    if due is None:
        return Clock(label, None, False, None)
    left = (due - now).total_seconds()
    return Clock(label, due, left < 0, int(left // 60))


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
    return {
        "situation": f"{occurred}，{place}发生{incident.title}。{incident.description}",
        "casualties": casualties,
        "loss": f"{incident.direct_loss_10k_yuan} 万元（初步估算）",
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


# ---------------------------------------------------------------- dispatch


def order_token(order: DispatchOrder) -> str:
    """The field link's credential: the order id, signed (stable, so the link sent stays the link shown)."""
    return signing.Signer(salt=ORDER_SALT).sign(str(order.pk))


def read_order_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=ORDER_SALT).unsign(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


@transaction.atomic
def order_create(*, actor, incident: Incident, kind: str, instruction: str, target, item=None, quantity=None, at=None):
    """下达调度指令. Supplies leave the warehouse at once as an allocation to the incident (the stock ledger)."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    workflow.INCIDENT.check(actor, incident, "order", instruction=instruction)
    order = DispatchOrder(incident=incident, kind=kind, instruction=instruction.strip(), sent_at=at)
    order.issued_by = actor_name(actor)
    if kind == DispatchOrder.Kind.TEAM:
        order.team, order.assignee_name = target, target.name
        order.last_lon, order.last_lat, order.last_position_at = target.lon, target.lat, at
    elif kind == DispatchOrder.Kind.EXPERT:
        order.expert, order.assignee_name = target, target.name
    elif kind == DispatchOrder.Kind.SHELTER:
        order.shelter, order.assignee_name = target, f"{target.name}（{target.manager}）"
    elif kind == DispatchOrder.Kind.SUPPLIES:
        if item is None or not quantity:
            raise DomainError("incident.supplies_required", "调拨物资须选择物资并填写数量", field="quantity")
        order.warehouse, order.item, order.quantity = target, item, quantity
        order.assignee_name = f"{target.name}：{item.name} {quantity}{item.unit}"
    else:
        raise DomainError("incident.unknown_order_kind", "未知调度对象", field="kind")
    order.save()
    if kind == DispatchOrder.Kind.SUPPLIES:
        stock_issue(
            actor=actor,
            warehouse=target,
            item=item,
            quantity=quantity,
            kind=Movement.Kind.ALLOCATE,
            reference=incident.number,
            note=f"调度指令 {order.pk}：{instruction[:100]}",
            at=at,
        )
    audit_record(
        action="incident_order", obj=incident, actor=actor, after={"order": order.pk, "to": order.assignee_name}
    )
    texted = _text_assignee(order)
    entry(
        incident,
        TimelineEntry.Kind.ORDER if kind != DispatchOrder.Kind.SUPPLIES else TimelineEntry.Kind.SUPPLIES,
        f"下达指令：{order.assignee_name}" + (f"（{texted}）" if texted else ""),
        actor=actor,
        at=at,
        detail=order.instruction,
        data={"order": order.pk},
    )
    return order


def _assignee_phone(order: DispatchOrder) -> str:
    if order.team_id:
        return order.team.leader_phone
    if order.expert_id:
        return order.expert.phone
    if order.shelter_id:
        return order.shelter.manager_phone
    if order.warehouse_id:
        return order.warehouse.manager_phone
    return ""


def _text_assignee(order: DispatchOrder) -> str:
    """Text the order and its field link to the assignee: enqueued to notify's outbox in the order's own
    transaction, so the SMS leaves (within a second, by the worker) only once the order is committed.
    Returns what happened, for the timeline; empty when SMS is not configured."""
    from django.conf import settings
    from django.urls import reverse

    from anlan.notify import recipients
    from anlan.notify.models import Notice, NoticeText

    phone = _assignee_phone(order)
    if not (settings.ANLAN_SMS_URL and settings.ANLAN_PUBLIC_URL and phone):
        return ""
    link = settings.ANLAN_PUBLIC_URL + reverse("field_order", kwargs={"token": order_token(order)})
    text = f"【调度指令】{order.incident.title}：{order.instruction[:120]} 请打开链接接收并反馈：{link}"
    notice = Notice.objects.create(topic=f"order:{order.pk}", title="调度指令", link=link)
    NoticeText.objects.create(notice=notice, text=text[:300])
    assignee = recipients.Recipient(
        f"order:{order.pk}", order.assignee_name[:100], order.incident.region_id, "assignee", "sms"
    )
    recipients.enqueue(notice, [assignee])
    return "已短信通知"


@transaction.atomic
def order_progress(
    *, actor, order: DispatchOrder, status: str, note: str = "", lon=None, lat=None, upload=None, at=None
):
    """The assignee's report: read, accepted, en route, on scene, done — with position and photo."""
    at = at or timezone.now()
    order = DispatchOrder.objects.select_for_update().select_related("incident").get(pk=order.pk)
    old = order.status
    feedback_only = status == order.status and (lon or note or upload)
    workflow.ORDER.apply(actor, order, "report" if feedback_only else status)
    if status == DispatchOrder.Status.READ or (old == DispatchOrder.Status.SENT and not order.read_at):
        order.read_at = order.read_at or at
    if lon is not None and lat is not None:
        order.last_lon, order.last_lat, order.last_position_at = lon, lat, at
    order.save()
    audit_record(
        action="incident_order_progress",
        obj=order.incident,
        actor=actor,
        before={"order": order.pk, "status": old},
        after={"order": order.pk, "status": status},
    )
    entry(
        order.incident,
        TimelineEntry.Kind.FEEDBACK,
        f"{order.assignee_name}：{order.get_status_display()}",
        actor=actor,
        at=at,
        detail=note,
        data={"order": order.pk, "status": status},
        lon=lon,
        lat=lat,
        upload=upload,
    )
    return order


def order_read(*, actor, order: DispatchOrder, at=None) -> DispatchOrder:
    """已读回执: the first time the assignee opens the order."""
    if order.status == DispatchOrder.Status.SENT:
        return order_progress(actor=actor, order=order, status=DispatchOrder.Status.READ, at=at)
    return order


@transaction.atomic
def order_return(*, actor, order: DispatchOrder, reason: str, at=None) -> DispatchOrder:
    """退回重办: the commander sends a done order back with the reason."""
    order = DispatchOrder.objects.select_for_update().select_related("incident").get(pk=order.pk)
    workflow.ORDER.apply(actor, order, "return", reason=reason)
    order.save(update_fields=["status"])
    audit_record(action="incident_order_return", obj=order.incident, actor=actor, after={"order": order.pk})
    entry(
        order.incident,
        TimelineEntry.Kind.ORDER,
        f"退回重办：{order.assignee_name}",
        actor=actor,
        at=at,
        detail=reason,
        data={"order": order.pk, "status": "returned"},
    )
    return order


@transaction.atomic
def evacuate(
    *, actor, incident: Incident, shelter, people: int, from_region=None, household="", at=None
) -> ShelterCheck:
    """转移安置: people checked into a shelter for this incident; occupancy and the incident's count follow."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    check = shelter_check(
        actor=actor,
        shelter=shelter,
        kind=ShelterCheck.Kind.IN,
        people=people,
        household=household,
        from_region=from_region,
        note=f"事件 {incident.number}",
        at=at,
    )
    incident.evacuated += people
    incident.save(update_fields=["evacuated", "updated_at"])
    entry(
        incident,
        TimelineEntry.Kind.EVACUATION,
        f"转移 {people} 人入住{shelter.name}",
        actor=actor,
        at=at,
        detail=household,
        data={"shelter": shelter.pk, "people": people},
    )
    return check


def note_add(*, actor, incident: Incident, text: str, upload=None, at=None) -> TimelineEntry:
    if not text.strip() and upload is None:
        raise DomainError("incident.note_empty", "请填写内容或选择附件", field="text")
    audit_record(action="incident_note", obj=incident, actor=actor, after={"text": text[:200]})
    return entry(
        incident, TimelineEntry.Kind.NOTE, text.strip()[:300] or "附件", actor=actor, at=at, detail=text, upload=upload
    )


@transaction.atomic
def warning_link(*, actor, incident: Incident, warning, at=None) -> TimelineEntry:
    """Put an early warning on the incident's timeline (issued for the area before or during it)."""
    if incident.timeline.filter(kind=TimelineEntry.Kind.WARNING, data__warning=warning.pk).exists():
        raise DomainError("incident.warning_linked", "该预警已关联", field="warning")
    audit_record(action="incident_warning", obj=incident, actor=actor, after={"warning": warning.pk})
    return entry(
        incident,
        TimelineEntry.Kind.WARNING,
        f"{warning.headline}（{warning.get_status_display()}）",
        actor=actor,
        at=at or warning.sent or timezone.now(),
        detail=warning.instruction or warning.description,
        data={"warning": warning.pk, "identifier": warning.identifier},
    )


@transaction.atomic
def review_record(*, actor, incident: Incident, course: str, cause: str, lessons: str, follow_ups, at=None) -> Review:
    """调查评估 and 结案: the review, follow-up tasks (title, department, days), the incident closed."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    workflow.INCIDENT.apply(actor, incident, "close", course=course, cause=cause, lessons=lessons)
    review = Review.objects.create(
        incident=incident, course=course, cause=cause, lessons=lessons, written_by=actor_name(actor)
    )
    tasks = [
        ResponseTask(
            incident=incident,
            stage=ResponseTask.Stage.FOLLOW_UP,
            title=title[:300],
            department=department,
            due_at=at + dt.timedelta(days=days) if days else None,
            created_at=at,
        )
        for title, department, days in follow_ups
        if title.strip()
    ]
    ResponseTask.objects.bulk_create(tasks)
    incident.save(update_fields=["status", "updated_at"])
    audit_record(
        action="incident_review", obj=incident, actor=actor, after={"status": incident.status, "follow_ups": len(tasks)}
    )
    entry(
        incident,
        TimelineEntry.Kind.CLOSE,
        f"调查评估完成，结案；整改任务 {len(tasks)} 项",
        actor=actor,
        at=at,
        detail=lessons,
    )
    return review


@transaction.atomic
def area_set(*, actor, incident: Incident, polygon: dict | None, at=None) -> Incident:
    """影响范围: the affected area drawn on the map (shown on the command map)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    before = incident.affected_area
    incident.affected_area = polygon
    incident.save(update_fields=["affected_area", "updated_at"])
    audit_record(action="incident_area", obj=incident, actor=actor, before={"area": before}, after={"area": polygon})
    points = len(polygon["coordinates"][0]) - 1 if polygon else 0
    entry(
        incident,
        TimelineEntry.Kind.NOTE,
        f"影响范围：{points} 个角点" if polygon else "清除影响范围",
        actor=actor,
        at=at,
    )
    return incident
