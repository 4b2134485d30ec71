"""会商研判 writes: start (with the snapshot), conclusions, decisions and the records that carried them out,
close (with the minutes' number). Each is one transaction with its audit entry; only county roles write
(Consultation.write_roles), a decision links only records the user may see."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import Conflict, DomainError, NotAllowed, NotFound
from anlan.core.roles import role_allows
from anlan.core.services import object_create
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident, ResponseTask, TimelineEntry
from anlan.registry.models import Department

from . import snapshot as situation
from .models import Consultation, Decision

MINUTES_PREFIX = "会商纪要"


def minutes_number(year: int, seq: int) -> str:
    return f"{MINUTES_PREFIX}〔{year}〕{seq}号"


def _audit(action: str, actor, consultation: Consultation, before: dict) -> None:
    audit_record(action=action, obj=consultation, actor=actor, before=before, after=snapshot(consultation))


def _require_writer(actor) -> None:
    if not role_allows(actor, "add", Consultation):
        raise NotAllowed("consultation.not_allowed", "只有县级管理员和县级业务人员可以组织会商、记录会商结论和决定")


def _require_open(consultation: Consultation) -> None:
    if consultation.status != Consultation.Status.OPEN:
        raise DomainError("consultation.closed", "会商已结束，不能再修改结论或增加决定")


@transaction.atomic
def consultation_start(
    *,
    actor,
    kind: str,
    title: str,
    chair: str,
    departments=(),
    attendees: str = "",
    place: str = "",
    forecast: str = "",
    at: dt.datetime | None = None,
    exercise=None,
) -> Consultation:
    """Open a session in the actor's region and keep the situation as it is now."""
    _require_writer(actor)
    at = at or timezone.now()
    consultation = Consultation(
        kind=kind,
        title=title,
        chair=chair,
        place=place,
        attendees=attendees,
        forecast=forecast,
        region_id=actor.region_id,
        started_at=at,
        recorded_by=actor_name(actor),
        exercise=exercise,
    )
    consultation.snapshot = situation.take(
        region_code=actor.region_id, kind=kind, now=at, user=actor, exercise=exercise
    )

    def add_departments():
        consultation.departments.set(list(departments))

    object_create(actor=actor, instance=consultation, after_save=add_departments)
    return consultation


@transaction.atomic
def consultation_record(*, actor, consultation: Consultation, conclusions: str, forecast: str) -> Consultation:
    """研判结论 and the forecast entered during the session."""
    _require_writer(actor)
    _require_open(consultation)
    before = snapshot(consultation)
    consultation.conclusions, consultation.forecast = conclusions.strip(), forecast.strip()
    consultation.full_clean()
    consultation.save(update_fields=["conclusions", "forecast", "updated_at"])
    _audit("consultation.record", actor, consultation, before)
    return consultation


@transaction.atomic
def decision_add(
    *,
    actor,
    consultation: Consultation,
    kind: str,
    text: str,
    department: Department | None = None,
    due_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    _require_writer(actor)
    _require_open(consultation)
    if not text.strip():
        raise DomainError("decision.text_required", "请填写决定事项", field="text")
    if kind not in Decision.Kind.values:
        raise DomainError("decision.kind_invalid", "决定类别无效", field="kind")
    if department is not None and not Department.objects.restrict(actor).filter(pk=department.pk).exists():
        raise DomainError("decision.department_outside", "牵头部门不在您的管辖范围内", field="department")
    decision = Decision(
        consultation=consultation,
        kind=kind,
        text=text.strip(),
        department=department,
        due_at=due_at,
        created_at=at or timezone.now(),
        recorded_by=actor_name(actor),
    )
    decision.full_clean()
    decision.save()
    audit_record(action="consultation.decision_add", obj=consultation, actor=actor, after=snapshot(decision))
    return decision


LINKS = {"warning": Warning, "incident": Incident, "task": ResponseTask}


def _same_world(consultation: Consultation, record) -> None:
    """A real session links real records and a drill's session its own sandbox's: a real decision carried out
    by a drill warning (or the reverse) would mix 演练 into the real record of what the county decided."""
    if getattr(record, "exercise_id", None) != consultation.exercise_id:
        if consultation.exercise_id:
            raise DomainError("decision.link_exercise", "演练中的会商只能关联本次演练的记录")
        raise DomainError("decision.link_exercise", "不能关联演练中产生的记录")


@transaction.atomic
def decision_link(*, actor, decision: Decision, field: str, record_id: int) -> Decision:
    """Record which warning, incident or response task carried the decision out. The record is looked up
    within the actor's scope: one they cannot see is "not found", as its page would be. Allowed after the
    session closed too — a warning decided at the meeting is often issued after it."""
    _require_writer(actor)
    model = LINKS.get(field)
    if model is None:
        raise DomainError("decision.link_invalid", "只能关联预警、事件或响应任务", field="field")
    record = model.objects.restrict(actor).filter(pk=record_id).first()
    if record is None:
        raise NotFound("decision.link_not_found", f"找不到该{model._meta.verbose_name}，或不在您的管辖范围内")
    _same_world(decision.consultation, record.incident if field == "task" else record)
    before = snapshot(decision)
    setattr(decision, field, record)
    if field == "task" and decision.incident_id is None:
        decision.incident_id = record.incident_id
    decision.save(update_fields=[field, *(["incident"] if field == "task" else [])])
    audit_record(
        action=f"consultation.decision_link_{field}",
        obj=decision.consultation,
        actor=actor,
        before=before,
        after=snapshot(decision),
    )
    return decision


@transaction.atomic
def decision_deploy_task(*, actor, decision: Decision, incident_id: int, at: dt.datetime | None = None) -> ResponseTask:
    """部署任务 as a response task of an incident the actor may see: the decision's text, lead department and
    time limit become the task, written on the incident's timeline, and the decision links it."""
    _require_writer(actor)
    if decision.task_id:
        raise Conflict("decision.task_exists", "该决定已部署为响应任务")
    incident = Incident.objects.restrict(actor).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("decision.link_not_found", "找不到该事件，或不在您的管辖范围内")
    _same_world(decision.consultation, incident)
    if incident.status not in situation.ACTIVE_INCIDENTS:
        raise DomainError("decision.incident_closed", "该事件已结束响应，不能再部署任务", field="incident")
    at = at or timezone.now()
    task = ResponseTask(
        incident=incident,
        level=incident.response_level,
        title=decision.text[:300],
        department=decision.department,
        due_at=decision.due_at,
        created_at=at,
    )
    task.full_clean()
    task.save()
    consultation = decision.consultation
    incident_services.entry(
        incident,
        TimelineEntry.Kind.TASK,
        f"会商部署任务：{task.title}",
        actor=actor,
        at=at,
        detail=f"{consultation.title}（{timezone.localtime(consultation.started_at):%m-%d %H:%M}）决定",
        data={"task": task.pk, "consultation": consultation.pk},
    )
    audit_record(action="response_task_create", obj=task, actor=actor, after=snapshot(task))
    before = snapshot(decision)
    decision.task, decision.incident = task, incident
    decision.save(update_fields=["task", "incident"])
    audit_record(
        action="consultation.decision_link_task", obj=consultation, actor=actor, before=before, after=snapshot(decision)
    )
    return task


def _take_number(region_id: str, year: int) -> int:
    last = (
        Consultation.objects.filter(region_id=region_id, minutes_year=year)
        .order_by("-minutes_seq")
        .values_list("minutes_seq", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation, at: dt.datetime | None = None) -> Consultation:
    """End the session and give its minutes the year's next number (gapless: taken in this transaction,
    so a refused close uses none; a concurrent close of the same number is refused by the unique triple)."""
    _require_writer(actor)
    _require_open(consultation)
    if not consultation.conclusions.strip():
        raise DomainError("consultation.conclusions_required", "请先填写研判结论再结束会商", field="conclusions")
    at = at or timezone.now()
    if at < consultation.started_at:
        raise DomainError("consultation.end_before_start", "结束时间不能早于开始时间", field="ended_at")
    before = snapshot(consultation)
    year = timezone.localtime(at).year
    consultation.minutes_year, consultation.minutes_seq = year, _take_number(consultation.region_id, year)
    consultation.minutes_number = minutes_number(year, consultation.minutes_seq)
    consultation.status, consultation.ended_at = Consultation.Status.CLOSED, at
    try:
        with transaction.atomic():
            consultation.save(
                update_fields=["status", "ended_at", "minutes_year", "minutes_seq", "minutes_number", "updated_at"]
            )
    except IntegrityError as exc:
        raise Conflict("consultation.number_taken", "另一场会商刚刚取得了同一纪要编号，请重试") from exc
    _audit("consultation.close", actor, consultation, before)
    return consultation


def decided_by(model_field: str, record_id: int, user):
    """Decisions of sessions `user` may read that `record_id` carried out (for the warning and incident
    pages' panel)."""
    return (
        Decision.objects.restrict(user)
        .filter(**{model_field: record_id})
        .select_related("consultation")
        .order_by("consultation__started_at", "pk")
    )
