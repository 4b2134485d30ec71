"""Grading by county roles, response levels started/raised/lowered with the plan's tasks,
task progress, the end of the response."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.errors import DomainError
from anlan.core.regioncodes import is_village, township_of
from anlan.plans.services import actions_for_response

from .. import grading, workflow
from ..models import (
    Incident,
    ResponseTask,
    TimelineEntry,
)
from .timeline import entry

GRADERS = workflow.GRADERS


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
            title=_task_title(action, incident),
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


def _task_title(action, incident: Incident) -> str:
    """A response task has one department column. A row for the township, the village or a team goes to the
    incident's own township or village or the named team, written into the title (the table's wording, the
    assignee after it) so that the commander's list says who acts; its department stays empty."""
    kind = getattr(action, "assignee_kind", "department")
    if kind == "team" and action.team_id:
        who = action.team.name
    elif kind == "township":
        who = _region_name(township_of(incident.region_id))
    elif kind == "village" and is_village(incident.region_id):
        who = incident.region.name
    elif kind == "village":
        who = "事发地各村（社区）"
    else:
        return action.title
    return f"{action.title}（{who}）"[:300]


def _region_name(code: str) -> str:
    from anlan.geo.models import Region

    return Region.objects.filter(code=code).values_list("name", flat=True).first() or "事发地乡镇（街道）"


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


@transaction.atomic
def incident_end_drill(*, actor, incident: Incident, at=None) -> Incident:
    """End a drill's incident when its drill ends (演练结束): the response, if any, ends and the record is
    kept for the review, audited and on its timeline. Real incidents end through response_end only."""
    if not incident.exercise_id:
        raise DomainError("incident.not_drill", "只能结束演练中产生的事件")
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status in (Incident.Status.ENDED, Incident.Status.CLOSED):
        return incident
    incident.status, incident.ended_at = Incident.Status.ENDED, at
    incident.save(update_fields=["status", "ended_at", "updated_at"])
    audit_record(action="incident_end", obj=incident, actor=actor, after={"status": incident.status, "drill": True})
    entry(incident, TimelineEntry.Kind.CLOSE, "演练结束，事件随之结束", actor=actor, at=at)
    return incident
