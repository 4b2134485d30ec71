"""重点任务分工: the county writes the division table (a task with its milestones, one atomic audited save), the
units a task names report progress, and the lists ask which tasks are overdue or due soon.

Who reports: the lead department's operators, the cooperating departments' operators, the named townships'
operators (a township operator whose township is among the task's townships), and the county roles (they
may record a report on a unit's behalf, e.g. a paper one). Anyone else is refused in Chinese.

Completion: a 100 % report by the LEAD unit (or by the county) completes the task — the lead answers for the
task in the division table, so its word closes it; a cooperating department's or a township's 100 % only
says its own share is done and the task stays 推进中 at the lead's latest figure. The county can reopen a
task by editing its status (task_save), which is audited like every other edit.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from anlan.core.audit import audit_changes, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region

from .models import KeyTask, TaskMilestone, TaskReport

OPEN = (KeyTask.Status.NOT_STARTED, KeyTask.Status.IN_PROGRESS)


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    due_on: dt.date
    done_on: dt.date | None = None


# ---------------------------------------------------------------- reading


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=OPEN, deadline__lt=today)


def is_overdue(task: KeyTask, today: dt.date | None = None) -> bool:
    return task.status in OPEN and task.deadline < (today or timezone.localdate())


def mine_q(user) -> Q:
    """The tasks naming the user's unit (lead, cooperating, township); nothing for other roles."""
    role = getattr(user, "role", "")
    if role == Role.DEPARTMENT_OPERATOR and user.department_id:
        return Q(lead_department_id=user.department_id) | Q(cooperating__id=user.department_id)
    if role == Role.TOWNSHIP_OPERATOR and user.region_id:
        return Q(townships__code=user.region_id[:9] + "000")
    return Q(pk__in=[])


def tasks_for(user):
    """The division table the user may read, with what the list shows loaded in a fixed number of queries."""
    return (
        KeyTask.objects.restrict(user)
        .select_related("lead_department")
        # Townships by name: their boundaries (GeoJSON) are not read here.
        .prefetch_related("cooperating", Prefetch("townships", queryset=Region.objects.defer("boundary")))
        .order_by("year", "number", "id")
    )


def my_tasks(user):
    return KeyTask.objects.restrict(user).filter(mine_q(user)).distinct()


DUE_SOON_DAYS = 7


def due_q(today: dt.date) -> Q:
    """Open and due within DUE_SOON_DAYS days, or already overdue."""
    return Q(status__in=OPEN, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


def mine_due_count(user) -> int:
    """The 工作台's count: the user's unit's tasks due within 7 days or overdue (one query)."""
    return my_tasks(user).filter(due_q(timezone.localdate())).count()


def overdue_count(user) -> int:
    return KeyTask.objects.restrict(user).filter(overdue_q(timezone.localdate())).count()


def number_key(task: KeyTask) -> tuple:
    """The table's order: 序号 as numbers (3.2 before 3.10), then the id."""
    parts = re.split(r"[.．\-]", task.number or "")
    return (task.year, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts), task.pk)


def sorted_tasks(tasks) -> list[KeyTask]:
    return sorted(tasks, key=number_key)


def reports_for(user, qs):
    """Reports `user` reads: a township's or village's user not another township's (the county and the
    departments read all)."""
    code = getattr(user, "region_id", None) or ""
    if getattr(user, "role", "") in (Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER) and code:
        return qs.filter(Q(township__isnull=True) | Q(township__code__startswith=code[:9]))
    return qs


def latest_reports(task_ids) -> dict[int, TaskReport]:
    """Task id → its newest report, in one query."""
    latest: dict[int, TaskReport] = {}
    for report in TaskReport.objects.filter(task_id__in=list(task_ids)).order_by("task_id", "-reported_at", "-id"):
        latest.setdefault(report.task_id, report)
    return latest


def lead_name(task: KeyTask) -> str:
    return task.lead_department.name if task.lead_department_id else (task.lead_text or "县应急管理局")


# ---------------------------------------------------------------- the reporting unit


@dataclass(frozen=True)
class Unit:
    name: str
    is_lead: bool
    department_id: int | None = None
    township_id: str | None = None


def reporting_unit(user, task: KeyTask) -> Unit | None:
    """The unit as which `user` reports on `task`, or None when the task does not name the user's unit."""
    role = getattr(user, "role", "")
    if role in COUNTY_ROLES or getattr(user, "is_superuser", False):
        return Unit(name=lead_name(task), is_lead=True, department_id=task.lead_department_id)
    if role == Role.DEPARTMENT_OPERATOR and user.department_id:
        if task.lead_department_id == user.department_id:
            return Unit(task.lead_department.name, True, department_id=user.department_id)
        joined = task.cooperating.filter(pk=user.department_id).first()
        if joined:
            return Unit(joined.name, False, department_id=joined.pk)
    if role == Role.TOWNSHIP_OPERATOR and user.region_id:
        township = task.townships.filter(code=user.region_id[:9] + "000").first()
        if township:
            return Unit(township.name, False, township_id=township.code)
    return None


def may_report(user, task: KeyTask) -> bool:
    return task.status in OPEN and reporting_unit(user, task) is not None


# ---------------------------------------------------------------- writing the table


def _require_county(actor) -> None:
    if isinstance(actor, str):
        return  # the demo's / import's system actor
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "role", "") in COUNTY_ROLES):
        raise NotAllowed("kpi.task_not_county", "重点任务分工由县级管理员或县级业务人员编制和修改")


def _check_milestones(task: KeyTask, milestones: list[MilestoneRow]) -> None:
    for i, m in enumerate(milestones, 1):
        if not m.title.strip():
            raise DomainError("kpi.milestone_title", f"第{i}个节点缺少内容", field="milestones")
        if m.due_on > task.deadline:
            raise DomainError(
                "kpi.milestone_after_deadline",
                f"节点“{m.title}”的时限 {m.due_on:%Y-%m-%d} 晚于任务完成时限 {task.deadline:%Y-%m-%d}",
                field="milestones",
            )


@transaction.atomic
def task_save(
    *, actor, task: KeyTask, cooperating=(), townships=(), milestones: list[MilestoneRow] | None = None
) -> KeyTask:
    """Create or edit a task with its cooperating units, townships and (when given) its milestones, which
    replace the stored ones (a milestone already done keeps its 完成日期 when its title and date match).
    One transaction, one audit entry."""
    _require_county(actor)
    creating = task.pk is None
    before = {} if creating else snapshot(KeyTask.objects.select_for_update().get(pk=task.pk), with_m2m=True)
    if not (task.title or "").strip():
        raise DomainError("kpi.task_title", "请填写任务内容", field="title")
    if task.lead_department_id is None and not (task.lead_text or "").strip():
        raise DomainError("kpi.task_lead", "请选择牵头单位或填写其他牵头单位", field="lead_department")
    if task.lead_department_id is not None and task.lead_department_id in {getattr(d, "pk", d) for d in cooperating}:
        raise DomainError("kpi.task_lead_cooperating", "牵头单位不必再列为配合单位", field="cooperating")
    milestones = list(milestones) if milestones is not None else None
    if milestones is not None:
        _check_milestones(task, milestones)
    if task.status == KeyTask.Status.DONE and not task.completed_on:
        task.completed_on = timezone.localdate()
    if task.status != KeyTask.Status.DONE:
        task.completed_on = None
    try:
        task.full_clean()
    except ValidationError as exc:
        raise DomainError("kpi.task_invalid", "；".join(exc.messages)) from exc
    task.save()
    task.cooperating.set(list(cooperating))
    task.townships.set(list(townships))
    if milestones is not None:
        done = {(m.title, m.due_on): m.done_on for m in task.milestones.all()}
        task.milestones.all().delete()
        TaskMilestone.objects.bulk_create(
            [
                TaskMilestone(
                    task=task,
                    title=m.title.strip(),
                    due_on=m.due_on,
                    done_on=m.done_on or done.get((m.title, m.due_on)),
                )
                for m in milestones
            ]
        )
    after = snapshot(task, with_m2m=True)
    after["milestones"] = [f"{m.due_on:%Y-%m-%d} {m.title}" for m in task.milestones.all()]
    if creating:
        audit_record(action="kpi_task_create", obj=task, actor=actor, after=after)
    else:
        audit_changes(action="kpi_task_update", obj=task, actor=actor, before=before, after=after)
    return task


# ---------------------------------------------------------------- progress reports


@transaction.atomic
def task_report(
    *, actor, task: KeyTask, progress: int, text: str, milestone: TaskMilestone | None = None, attachment=None,
    now: dt.datetime | None = None,
) -> TaskReport:  # fmt: skip
    """A unit's progress report. The task's progress follows the lead's figure (a cooperating unit's report is
    recorded, never lowers or raises the task's own figure); 100 % by the lead completes the task."""
    task = KeyTask.objects.select_for_update(of=("self",)).select_related("lead_department").get(pk=task.pk)
    unit = reporting_unit(actor, task)
    if unit is None:
        raise NotAllowed("kpi.report_not_named", "该任务未将您的单位列为牵头、配合单位或责任乡镇，不能报送进展")
    if task.status not in OPEN:
        raise DomainError("kpi.report_closed", f"任务{task.get_status_display()}，不再报送进展")
    if progress is None or not 0 <= int(progress) <= 100:
        raise DomainError("kpi.report_progress", "进度须为 0 到 100 之间的整数", field="progress")
    text = (text or "").strip()
    if not text:
        raise DomainError("kpi.report_text", "请填写进展情况", field="text")
    if milestone is not None and milestone.task_id != task.pk:
        raise DomainError("kpi.report_milestone", "所选节点不属于该任务", field="milestone")
    now = now or timezone.now()
    report = TaskReport(
        task=task, milestone=milestone, reported_at=now, reported_by=actor, unit_name=unit.name,
        department_id=unit.department_id, township_id=unit.township_id, progress=int(progress), text=text,
    )  # fmt: skip
    if attachment:
        try:
            checked = check_upload(attachment, images_only=False)
        except UploadRejected as exc:
            raise DomainError("kpi.report_attachment", str(exc), field="attachment") from exc
        report.attachment = checked.as_file()
        report.attachment_name = checked.display_name
    report.save()
    before = snapshot(task)
    today = timezone.localtime(now).date()
    if unit.is_lead:
        task.progress = int(progress)
        if milestone is not None and milestone.done_on is None:
            milestone.done_on = today
            milestone.save(update_fields=["done_on"])
        if task.progress >= 100:
            task.status, task.completed_on = KeyTask.Status.DONE, today
            task.milestones.filter(done_on__isnull=True).update(done_on=today)
        elif task.status == KeyTask.Status.NOT_STARTED:
            task.status = KeyTask.Status.IN_PROGRESS
    elif task.status == KeyTask.Status.NOT_STARTED:
        task.status = KeyTask.Status.IN_PROGRESS
    task.save(update_fields=["progress", "status", "completed_on", "updated_at"])
    audit_record(
        action="kpi_task_report",
        obj=task,
        actor=actor,
        before=before,
        after={
            **snapshot(task),
            "report": {"unit": unit.name, "progress": report.progress, "attachment": report.attachment_name},
        },
    )
    return report


# ---------------------------------------------------------------- milestone text ("6月30日前 完成排查")

_MILESTONE = re.compile(
    r"^\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:前|之前|以前)?\s*[：:，,]?\s*(.+?)\s*$"
)
_DATE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*(?:前|之前|以前)?\s*$")
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:前|之前|以前)?\s*$")
_YEAR_END = re.compile(r"^\s*(\d{4})\s*年\s*(?:底|年底|末)\s*(?:前)?\s*$")


def parse_date(value, year: int) -> dt.date:
    """A 完成时限 cell: a date, "2026-06-30", "2026年6月30日前", "6月30日前" (in `year`), "2026年底"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    try:
        if m := _DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH_DAY.match(text):
            return dt.date(year, int(m[1]), int(m[2]))
        if m := _YEAR_END.match(text):
            return dt.date(int(m[1]), 12, 31)
        if text in {"年底", "年底前", "年内"}:
            return dt.date(year, 12, 31)
    except ValueError:
        raise ValueError(f"“{text}”不是有效日期") from None
    raise ValueError(f"无法识别“{text}”，请写成 2026-06-30 或 6月30日前")


def parse_milestones(text: str, year: int) -> list[MilestoneRow]:
    """ "6月30日前 完成排查；9月30日前 完成整改" → two milestones in `year`; ValueError naming the bad part."""
    rows = []
    for part in re.split(r"[；;\n]", text or ""):
        if not part.strip():
            continue
        m = _MILESTONE.match(part)
        if not m:
            raise ValueError(f"节点“{part.strip()}”应写成“6月30日前 完成排查”")
        try:
            due = dt.date(int(m[1] or year), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"节点“{part.strip()}”的日期无效") from None
        rows.append(MilestoneRow(title=m[4], due_on=due))
    return rows


def milestones_text(milestones) -> str:
    return "；".join(f"{m.due_on.month}月{m.due_on.day}日前 {m.title}" for m in milestones)
