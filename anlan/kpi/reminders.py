"""Reminders of the 重点任务分工 (the daily job "重点任务提醒", registered in kpi.apps.ready()).

For every open task (未启动/推进中) and each of its dates — the 完成时限 and every milestone not yet done — a
message goes to the units that must act: ANLAN_KPI_TASK_REMIND_DAYS days before (default 7 and 1), on the
day, and once a week after it passed (days 7, 14, … overdue). Recipients: the lead department's operators
(for a task the county leads itself, the county's operators) and the named townships' operators.

Through the in-app inbox (inbox.services.notify_many) with a dedupe key per task, date and stage, so a job run
twice on one day (cron and the scheduler) sends nothing twice. Overdue notices stay in the inbox as the
hazards' overdue notices do (hazards.services._notify_overdue): no SMS for a planning deadline.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from anlan.accounts.models import User
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.inbox.services import Message, notify_many

from .models import KeyTask
from .services_tasks import OPEN, lead_name

CATEGORY = "kpi_task"
WEEK = 7


def remind_days() -> tuple[int, ...]:
    return tuple(sorted(set(getattr(settings, "ANLAN_KPI_TASK_REMIND_DAYS", (7, 1))), reverse=True))


def stage(due_on: dt.date, today: dt.date, days_before: tuple[int, ...]) -> str | None:
    """Which reminder (if any) `today` owes for a date `due_on`: "before7", "today", "late14" …"""
    delta = (due_on - today).days
    if delta > 0:
        return f"before{delta}" if delta in days_before else None
    if delta == 0:
        return "today"
    late = -delta
    return f"late{late}" if late % WEEK == 0 else None


def _wording(kind: str, title: str, due_on: dt.date, today: dt.date) -> str:
    delta = (due_on - today).days
    what = "完成时限" if kind == "deadline" else f"节点“{title}”"
    if delta > 0:
        return f"{what} {due_on:%Y-%m-%d}，还有 {delta} 天"
    if delta == 0:
        return f"{what} 今天（{due_on:%Y-%m-%d}）到期"
    return f"{what} {due_on:%Y-%m-%d} 已逾期 {-delta} 天"


def _recipients(tasks: list[KeyTask]) -> dict[int, set[int]]:
    """Task id → active user ids of its lead unit and named townships, in three queries."""
    departments = {t.lead_department_id for t in tasks if t.lead_department_id}
    by_department = defaultdict(set)
    for pk, dep in User.objects.filter(
        is_active=True, role=Role.DEPARTMENT_OPERATOR, department_id__in=departments
    ).values_list("pk", "department_id"):
        by_department[dep].add(pk)
    townships = {code for t in tasks for code in t.township_codes}
    by_township = defaultdict(set)
    county_users = defaultdict(set)
    for pk, role, region in User.objects.filter(
        is_active=True, role__in=[Role.TOWNSHIP_OPERATOR, *COUNTY_ROLES]
    ).values_list("pk", "role", "region_id"):
        if not region:
            continue
        if role == Role.TOWNSHIP_OPERATOR and region[:9] + "000" in townships:
            by_township[region[:9] + "000"].add(pk)
        elif role in COUNTY_ROLES:
            county_users[region[:6]].add(pk)
    out = {}
    for t in tasks:
        users = set(by_department[t.lead_department_id]) if t.lead_department_id else set(county_users[t.region_id[:6]])
        for code in t.township_codes:
            users |= by_township[code]
        out[t.pk] = users
    return out


def send_reminders(today: dt.date) -> int:
    """Send what `today` owes; returns how many messages were new."""
    days_before = remind_days()
    horizon = today + dt.timedelta(days=max(days_before, default=0))
    tasks = list(
        KeyTask.objects.filter(status__in=OPEN)
        .select_related("lead_department")
        .prefetch_related("townships", "milestones")
        .order_by("pk")
    )
    due = []
    for t in tasks:
        t.township_codes = [r.code for r in t.townships.all()]
        dates = [("deadline", "", t.deadline)] + [
            ("milestone", m.title, m.due_on) for m in t.milestones.all() if m.done_on is None
        ]
        owed = [(kind, title, d, s) for kind, title, d in dates if d <= horizon and (s := stage(d, today, days_before))]
        if owed:
            due.append((t, owed))
    if not due:
        return 0
    recipients = _recipients([t for t, _ in due])
    pairs = []
    for t, owed in due:
        link = reverse("kpi:task_detail", kwargs={"pk": t.pk})
        for kind, title, d, s in owed:
            late = s.startswith("late")
            message = Message(
                category=CATEGORY,
                title=f"{'重点任务逾期' if late else '重点任务提醒'}：{t.number} {t.title}"[:200],
                body=f"{_wording(kind, title, d, today)}。牵头单位：{lead_name(t)}，当前进度 {t.progress}%。"
                + ("请尽快推进并报送进展。" if late else "请按时完成并报送进展和佐证材料。"),
                link=link,
                dedupe_key=f"kpi-task:{t.pk}:{kind}:{d.isoformat()}:{title[:40]}:{s}",
            )
            pairs += [(user_id, message) for user_id in sorted(recipients[t.pk])]
    return notify_many(pairs)


def reminder_job(today: dt.date) -> str:
    return f"发送重点任务提醒 {send_reminders(today)} 条"
