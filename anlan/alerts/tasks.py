"""Warning-driven response (分段分级分层分类): the tasks an issued warning creates from the active plans'
response tables, their follow-ups when the warning is raised, lowered, cancelled or expires, and their
confirmation (措施落实) by the assignee.

Which rows apply: every active plan owned by a region of the warning's area or the chain above it (the
county, the townships and villages reached: `services.target_codes`) whose warning rows name the warning's
event at or below its colour (a 黄色及以上 row also applies to a red warning). Each row becomes one task per
assignee: a department row once, a township row once per township reached, a village row once per village
reached, a team row once. A township's or village's own plan reaches only its own part of the area.

The tasks follow the message in force: an Update (CAP references) takes over its original's tasks, adds the
tasks of rows that now apply (never a second open task for the same row and assignee) and closes the open
tasks of rows that no longer do ("预警降级"); a Cancel or the expiry closes every open task ("预警解除").
Everything is written in bulk and audited once per warning, so a warning over 300 villages costs the same
few queries as one over a single township.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anlan.core.audit import AuditItem, actor_name, append, audit_record
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.labels import register_actions
from anlan.core.regioncodes import is_village, region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.plans.models import WARNING_LEVELS, PlanAction

from .models import Warning, WarningTask

CLOSED_LOWERED = "预警降级"
CLOSED_ENDED = "预警解除"
OPEN = WarningTask.Status.ASSIGNED
# Who confirms 措施落实 as a signed-in user: the assignees (department, township, village) and the county,
# which may confirm on an assignee's word by telephone. Viewers only read.
CONFIRMERS = frozenset({*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER})

register_actions({"warning_tasks": "预警任务下达/关闭", "warning_task_confirm": "预警任务落实确认"})


def register_vocabulary() -> None:
    """Hand the measures' audiences and the templates' warning kinds down to the response-table editor."""
    from anlan.plans.services_response import register_vocabulary as register

    from .messages import AUDIENCES
    from .models import WarningTemplate

    def events() -> list[str]:
        return sorted(set(WarningTemplate.objects.values_list("event", flat=True)))

    register(audiences=list(AUDIENCES), events=events)


# ---------------------------------------------------------------- which rows, which assignees


def rows_for(warning: Warning, codes: list[str]) -> list[PlanAction]:
    """The warning rows of the active plans of the area's regions (and the county above) that this warning's
    event and colour start."""
    if warning.level not in WARNING_LEVELS:
        return []
    levels = WARNING_LEVELS[: WARNING_LEVELS.index(warning.level) + 1]
    owners = {*codes, warning.region_id}
    return list(
        PlanAction.objects.filter(
            trigger=PlanAction.Trigger.WARNING,
            plan__active=True,
            plan__region_id__in=owners,
            warning_event=warning.event.strip(),
            warning_level__in=levels,
        )
        .select_related("plan")
        .order_by("plan_id", "order", "id")
    )


def _measures(warning: Warning, audience: str) -> str:
    if not audience:
        return ""
    own = (warning.measures or {}).get(audience)
    if own:
        return str(own)
    template = warning.template.measures if warning.template_id and warning.template else {}
    return str((template or {}).get(audience, ""))


@dataclass(frozen=True)
class Key:
    """What makes two tasks the same task: one row, one assignee."""

    action_id: int
    kind: str
    department_id: int | None
    team_id: int | None
    region_id: str


def key_of(task: WarningTask) -> Key:
    return Key(task.action_id, task.assignee_kind, task.department_id, task.team_id, task.region_id)


def expected_tasks(warning: Warning, codes: list[str], *, now: dt.datetime | None = None) -> list[WarningTask]:
    """The tasks the response tables call for now (unsaved), one per row and assignee."""
    sent = warning.sent or now or timezone.now()
    townships = sorted({township_of(c) for c in codes if c[6:9] != "000"})
    villages = sorted(c for c in codes if is_village(c))
    out: list[WarningTask] = []
    for row in rows_for(warning, codes):
        base = {
            "warning": warning,
            "action": row,
            "title": row.title,
            "measures": _measures(warning, row.audience),
            "due_at": sent + dt.timedelta(hours=row.hours) if row.hours else None,
            "created_at": now or timezone.now(),
        }
        # A township's or village's own plan acts in its own part of the area only.
        owned = region_prefix(row.plan.region_id)
        if row.assignee_kind == PlanAction.Assignee.DEPARTMENT:
            if row.department_id:
                out.append(
                    WarningTask(
                        **base, assignee_kind="department", department_id=row.department_id, region_id=warning.region_id
                    )
                )
        elif row.assignee_kind == PlanAction.Assignee.TEAM:
            if row.team_id:
                out.append(WarningTask(**base, assignee_kind="team", team_id=row.team_id, region_id=warning.region_id))
        else:
            targets = townships if row.assignee_kind == PlanAction.Assignee.TOWNSHIP else villages
            out += [WarningTask(**base, assignee_kind="region", region_id=c) for c in targets if c.startswith(owned)]
    return out


# ---------------------------------------------------------------- issuing and following up


def on_issue(warning: Warning, codes: list[str], actor) -> dict[str, int]:
    """The alerts on-issue hook: create, carry over and close tasks for a warning just issued."""
    now = timezone.now()
    if warning.references_id:
        # The tasks follow the message in force (the original is now superseded or cancelled).
        WarningTask.objects.filter(warning_id=warning.references_id).update(warning=warning)
    if warning.msg_type == Warning.MsgType.CANCEL:
        closed = close_open(warning, reason=CLOSED_ENDED, actor=actor, now=now)
        return {"created": 0, "closed": closed}
    expected = expected_tasks(warning, codes, now=now)
    open_now = {key_of(t): t.pk for t in WarningTask.objects.filter(warning=warning, status=OPEN)}
    confirmed = {key_of(t) for t in WarningTask.objects.filter(warning=warning, status=WarningTask.Status.CONFIRMED)}
    wanted = {key_of(t) for t in expected}
    new = []
    for task in expected:
        key = key_of(task)
        if key not in open_now and key not in confirmed:
            new.append(task)
            confirmed.add(key)  # a row listed twice (two plans sharing nothing but a title) still makes one task
    WarningTask.objects.bulk_create(new)
    stale = [pk for key, pk in open_now.items() if key not in wanted]
    closed = WarningTask.objects.filter(pk__in=stale).update(
        status=WarningTask.Status.CLOSED, closed_at=now, close_reason=CLOSED_LOWERED
    )
    if new or closed:
        audit_record(
            action="warning_tasks",
            obj=warning,
            actor=actor,
            after={"created": len(new), "closed": closed, "reason": CLOSED_LOWERED if closed else ""},
        )
    return {"created": len(new), "closed": closed}


def close_open(warning: Warning, *, reason: str, actor, now: dt.datetime | None = None) -> int:
    """Close every open task of a warning (cancelled or expired); audited once."""
    closed = WarningTask.objects.filter(warning=warning, status=OPEN).update(
        status=WarningTask.Status.CLOSED, closed_at=now or timezone.now(), close_reason=reason
    )
    if closed:
        audit_record(action="warning_tasks", obj=warning, actor=actor, after={"closed": closed, "reason": reason})
    return closed


@transaction.atomic
def close_expired(*, now: dt.datetime | None = None) -> int:
    """The periodic job: open tasks of warnings past their expiry are closed ("预警解除"), audited once per
    warning in one append. Returns the tasks closed."""
    now = now or timezone.now()
    expired = list(
        Warning.objects.filter(expires__lte=now, tasks__status=OPEN).distinct().only("pk", "headline", "region_id")
    )
    if not expired:
        return 0
    counts = dict(
        WarningTask.objects.filter(warning__in=expired, status=OPEN)
        .values("warning_id")
        .annotate(n=Count("id"))
        .values_list("warning_id", "n")
    )
    closed = WarningTask.objects.filter(warning__in=expired, status=OPEN).update(
        status=WarningTask.Status.CLOSED, closed_at=now, close_reason=CLOSED_ENDED
    )
    append(
        [
            AuditItem(
                "warning_tasks",
                "alerts.warning",
                str(w.pk),
                str(w)[:255],
                w.region_id,
                None,
                {"closed": counts.get(w.pk, 0), "reason": CLOSED_ENDED},
            )
            for w in expired
        ],
        actor="系统",
    )
    return closed


# ---------------------------------------------------------------- confirming


def current_of(warning: Warning) -> Warning:
    """The message in force of a warning's chain (its latest Update or Cancel), which holds the tasks."""
    seen = 0
    while seen < 50:  # a chain of 50 updates is already absurd; this only guards against a cycle
        follower = Warning.objects.filter(references=warning).order_by("-pk").first()
        if follower is None:
            return warning
        warning, seen = follower, seen + 1
    return warning


@transaction.atomic
def task_confirm(*, actor, task: WarningTask, note: str = "", now: dt.datetime | None = None) -> WarningTask:
    """措施落实: the assignee (a user who may see the task, or a 叫应 link's recipient) confirms an open task."""
    role = getattr(actor, "role", None)
    if role is not None and role not in CONFIRMERS and not actor.is_superuser:
        raise NotAllowed("warning_task.not_assignee", "您的角色不能确认预警任务")
    task = WarningTask.objects.select_for_update().select_related("warning").get(pk=task.pk)
    if task.status != OPEN:
        raise DomainError(
            "warning_task.not_open", f"该任务当前为“{task.get_status_display()}”，不能再确认落实", field="status"
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("warning_task.note_too_long", "落实情况不超过 300 字", field="note")
    task.status, task.confirmed_at = WarningTask.Status.CONFIRMED, now or timezone.now()
    task.confirmed_by, task.note = actor_name(actor)[:150], note
    task.save(update_fields=["status", "confirmed_at", "confirmed_by", "note"])
    audit_record(
        action="warning_task_confirm",
        obj=task.warning,
        actor=actor,
        after={"task": task.pk, "title": task.title, "note": note},
    )
    return task


def tasks_of_recipient(warning: Warning, recipient_key: str):
    """The open tasks a 叫应 link's recipient answers for, and the recipient's name: a responsible person of a
    department answers for that department's tasks, one of a township or village for that region's tasks.
    Nothing for anyone else (an enterprise's person, a resident, a subscriber)."""
    from anlan.registry.models import Person

    kind, _, pk = recipient_key.split("#")[0].partition(":")
    if kind != "person" or not pk.isdigit():
        return WarningTask.objects.none(), ""
    person = Person.objects.filter(pk=int(pk)).values("name", "department_id", "region_id", "enterprise_id").first()
    if person is None or person["enterprise_id"]:
        return WarningTask.objects.none(), ""
    tasks = WarningTask.objects.filter(warning=current_of(warning), status=OPEN)
    if person["department_id"]:
        tasks = tasks.filter(assignee_kind="department", department_id=person["department_id"])
    else:
        tasks = tasks.filter(assignee_kind="region", region_id=person["region_id"])
    return tasks, person["name"]


# ---------------------------------------------------------------- completion


def open_tasks(user, now: dt.datetime | None = None):
    """The open tasks of warnings in force this user may see: what 我的预警任务 lists and the 工作台 counts."""
    now = now or timezone.now()
    return WarningTask.objects.restrict(user, "view").filter(
        status=OPEN, warning__status=Warning.Status.ISSUED, warning__expires__gt=now
    )


def workbench_count(user) -> tuple[int, str]:
    """The 工作台's count (open tasks) and its note (how many warnings, how many overdue), in one query."""
    now = timezone.now()
    found = open_tasks(user, now).aggregate(
        n=Count("id"), warnings=Count("warning_id", distinct=True), overdue=Count("id", filter=Q(due_at__lt=now))
    )
    if not found["n"]:
        return 0, ""
    note = f"{found['warnings']} 条生效预警" + (f"，超时 {found['overdue']} 项" if found["overdue"] else "")
    return found["n"], note


def completion(warning: Warning, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Counts in one query: tasks called for (closed ones no longer are), confirmed, open, overdue, and the
    rate confirmed / called for in whole percent (None when there is no task)."""
    now = now or timezone.now()
    found = WarningTask.objects.filter(warning=warning).aggregate(
        confirmed=Count("id", filter=Q(status=WarningTask.Status.CONFIRMED)),
        open=Count("id", filter=Q(status=OPEN)),
        overdue=Count("id", filter=Q(status=OPEN, due_at__lt=now)),
        closed=Count("id", filter=Q(status=WarningTask.Status.CLOSED)),
    )
    total = found["confirmed"] + found["open"]
    return {**found, "total": total, "rate": round(100 * found["confirmed"] / total) if total else None}
