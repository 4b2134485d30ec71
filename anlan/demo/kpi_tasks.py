"""Demo 重点任务分工 (issue 19 item 2): 30 tasks of seed 003's appendix (三、重点整治 and 四、重点措施), their
real texts and lead units mapped to the demo county's departments, at every stage of the year — done, under way, not
started, some overdue — with milestones, progress reports by the units and the names of their attachments.
Bulk created, seeded, synthetic; every row in one audited bulk insert per model."""

import datetime as dt
import json
import random
from pathlib import Path

from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.services import objects_bulk_create
from anlan.kpi.models import KeyTask, TaskMilestone, TaskReport

# (序号, 任务, 具体要求, 牵头 kind, 配合 kinds, 落实到各乡镇, 佐证材料)
# 序号, 任务, 具体要求 (seed 003's text), lead and cooperating department kinds, whether it falls to every
# township, the evidence it needs.
TASKS = json.loads((Path(__file__).parent / "data" / "kpi_tasks.json").read_text(encoding="utf-8"))

ATTACHMENTS = ["工作方案.pdf", "进展台账.xlsx", "现场照片.jpg", "阶段总结.docx", "验收资料.pdf"]


def load(*, actor, county, townships, departments, today: dt.date | None = None, seed: int = 19) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    year = today.year
    by_kind = {d.kind: d for d in departments}
    townships = sorted(townships, key=lambda t: t.code)
    # Deadlines spread over the year: month ends from March to December, so some have passed.
    months = [3 + (i * 10) // len(TASKS) for i in range(len(TASKS))]
    tasks, coop, towns, plans = [], [], [], []
    for i, row in enumerate(TASKS):
        number, title, text, lead, helpers = row["number"], row["title"], row["text"], row["lead"], row["cooperating"]
        all_townships, evidence = row["all_townships"], row["evidence"]
        month = months[i]
        deadline = dt.date(year, month, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
        task = KeyTask(
            region=county, year=year, number=number, title=title, description=text,
            source=f"《{year}年安全生产和防灾减灾救灾目标任务》附件", lead_department=by_kind.get(lead),
            lead_text="" if lead in by_kind else "县应急管理局", deadline=deadline, evidence_required=evidence,
            synthetic=True,
        )  # fmt: skip
        if deadline < today:
            late = i % 5 == 2  # every fifth past task is overdue
            task.progress = rng.choice([55, 70, 80]) if late else 100
        else:
            span = (deadline - dt.date(year, 1, 1)).days or 1
            elapsed = max(0, (today - dt.date(year, 1, 1)).days)
            task.progress = 0 if i % 7 == 3 else min(95, round(100 * elapsed / span / 10) * 10)
        task.status = (
            KeyTask.Status.DONE
            if task.progress >= 100
            else KeyTask.Status.IN_PROGRESS
            if task.progress
            else KeyTask.Status.NOT_STARTED
        )
        task.completed_on = deadline - dt.timedelta(days=rng.randint(1, 20)) if task.progress >= 100 else None
        tasks.append(task)
        coop.append([by_kind[k] for k in helpers if k in by_kind and k != lead])
        towns.append(townships if all_townships else [])
        first = max(dt.date(year, 1, 15), deadline - dt.timedelta(days=90))
        plans.append([("完成排查摸底", first), ("完成整改落实", deadline - dt.timedelta(days=15))])
    tasks = objects_bulk_create(actor=actor, model=KeyTask, instances=tasks)
    KeyTask.cooperating.through.objects.bulk_create(
        [
            KeyTask.cooperating.through(keytask_id=t.pk, department_id=d.pk)
            for t, ds in zip(tasks, coop, strict=True)
            for d in ds
        ]
    )
    KeyTask.townships.through.objects.bulk_create(
        [
            KeyTask.townships.through(keytask_id=t.pk, region_id=r.code)
            for t, rs in zip(tasks, towns, strict=True)
            for r in rs
        ]
    )
    milestones = []
    for t, plan in zip(tasks, plans, strict=True):
        for title, due in plan:
            done = due if (t.status == KeyTask.Status.DONE or (due < today and t.progress >= 50)) else None
            milestones.append(TaskMilestone(task=t, title=title, due_on=due, done_on=done))
    TaskMilestone.objects.bulk_create(milestones)
    reports = _reports(tasks, county, today, rng)
    return {"kpi_tasks": len(tasks), "kpi_task_reports": len(reports)}


def _reports(tasks, county, today, rng) -> list[TaskReport]:
    """Reports by a user of the lead unit (or the county's operator for the bureau's own tasks); none when the
    demo has no users (`with_users=False`)."""
    users = {}
    for user in User.objects.filter(is_active=True, region__pk__startswith=county.code[:6]).order_by("pk"):
        if user.role == Role.DEPARTMENT_OPERATOR and user.department_id:
            users.setdefault(user.department_id, user)
        elif user.role in COUNTY_ROLES:
            users.setdefault("county", user)
    rows = []
    for t in tasks:
        reporter = users.get(t.lead_department_id) or users.get("county")
        if reporter is None or t.progress == 0:
            continue
        steps = sorted({max(10, t.progress - 40), max(10, t.progress - 20), t.progress})
        last = t.completed_on or min(today, t.deadline) - dt.timedelta(days=rng.randint(0, 10))
        for n, progress in enumerate(steps):
            at = last - dt.timedelta(days=30 * (len(steps) - 1 - n))
            rows.append(
                TaskReport(
                    task=t, reported_at=timezone.make_aware(dt.datetime.combine(at, dt.time(16, 30))),
                    reported_by=reporter, unit_name=t.lead_department.name if t.lead_department else "县应急管理局",
                    department=t.lead_department, progress=progress,
                    text="已全部完成，佐证材料已上传" if progress >= 100 else f"按计划推进，{t.title}完成约{progress}%",
                    attachment_name=rng.choice(ATTACHMENTS),
                )
            )  # fmt: skip
    return TaskReport.objects.bulk_create(rows)
