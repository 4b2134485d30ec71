"""Drills: plan, record (timeline with photos, attendance), evaluate (GB/T 46792-2025 form), follow up the
problems found, and the compliance table by year.

Every write is one transaction with its audit entry. Who may: DRILL_WRITERS (Drill.write_roles) within their
scope — the service re-checks `restrict(actor, "change")` so a caller that forgot cannot touch another
township's drill. A department operator organises as its own department, an enterprise user as its own
enterprise (应急条例 Art. 8: the enterprise reports its drill to the county). Rules a user may break come back
as ValidationErrors naming the field, in Chinese.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anlan.core.audit import actor_name, audit_changes, snapshot
from anlan.core.kept import kept
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.services import object_create, object_update
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region, RegionLevel
from anlan.plans import services as plan_services
from anlan.plans.models import Plan, RevisionTrigger
from anlan.registry.models import Department, Enterprise

from . import compliance, indicators
from .models import Drill, DrillEvaluation, DrillLogEntry, DrillProblem
from .workflow import FLOW

COUNTED = (Drill.Status.HELD, Drill.Status.EVALUATED)


# ---------------------------------------------------------------- who may


def _require_writer(actor, drill: Drill | None = None) -> None:
    if not getattr(actor, "is_authenticated", False):
        return  # the demo's string actor
    if not role_allows(actor, "change" if drill else "add", Drill):
        raise PermissionDenied("您的角色不能组织或登记演练")
    if drill is not None and not may_change(actor, drill):
        raise PermissionDenied("该演练不在您的管辖范围内")


def may_change(actor, drill: Drill) -> bool:
    """May this user record, evaluate, cancel or run the drill? Its organiser only: the region scope first
    (restrict), then the unit — a department only its own department's drills (not the county's it joins), a
    township not an enterprise's drill in its area. The scope alone does not narrow these two roles, because
    a department must still read the county drills it takes part in."""
    if not Drill.objects.restrict(actor, "change").filter(pk=drill.pk).exists():
        return False
    role = getattr(actor, "role", "")
    if role == Role.DEPARTMENT_OPERATOR:
        return drill.department_id is not None and drill.department_id == actor.department_id
    if role == Role.TOWNSHIP_OPERATOR:
        return drill.enterprise_id is None
    return True


def _organiser(actor, drill: Drill) -> None:
    """Fix the organiser from the actor's role: a department organises as itself, an enterprise as itself
    (and where it is registered)."""
    role = getattr(actor, "role", "")
    if role == Role.DEPARTMENT_OPERATOR:
        drill.department_id = actor.department_id
    if role == Role.ENTERPRISE_USER:
        drill.enterprise_id = actor.enterprise_id
    if drill.enterprise_id:
        drill.region_id = Enterprise.objects.filter(pk=drill.enterprise_id).values_list("region_id", flat=True)[0]


# ---------------------------------------------------------------- plan, record, cancel


@transaction.atomic
def drill_create(*, actor, drill: Drill, departments=()) -> Drill:
    """A planned drill (status 计划中); `departments` are the participating departments."""
    _require_writer(actor)
    _organiser(actor, drill)
    drill.status = Drill.Status.PLANNED
    if not (drill.scenario or "").strip():
        raise ValidationError({"scenario": "请描述演练情景"})
    departments = list(departments or [])
    return object_create(actor=actor, instance=drill, after_save=lambda: drill.departments.set(departments))


@transaction.atomic
def drill_update(*, actor, drill: Drill, departments=None) -> Drill:
    """Change a drill still 计划中 (its date, place, scenario, participants …); once held its record is kept as
    it happened. `drill` carries the new values (an unsaved edit of the stored row)."""
    stored = Drill.objects.select_for_update().get(pk=drill.pk)
    _require_writer(actor, stored)
    if stored.status != Drill.Status.PLANNED:
        raise ValidationError({"planned_on": "只有计划中的演练可以修改；已实施或已取消的演练请查看记录"})
    if not (drill.scenario or "").strip():
        raise ValidationError({"scenario": "请描述演练情景"})
    before = snapshot(stored, with_m2m=True)
    drill.status, drill.exercise_id = stored.status, stored.exercise_id  # steps and the sandbox are not edited
    _organiser(actor, drill)
    after_save = (lambda: drill.departments.set(list(departments))) if departments is not None else None
    return object_update(actor=actor, instance=drill, before=before, after_save=after_save)


def _step(actor, drill: Drill, action: str, fields: list[str], **data) -> Drill:
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    before = snapshot(drill)
    FLOW.apply(actor, drill, action, **data)
    for name in fields:
        if name in data:
            setattr(drill, name, data[name])
    drill.full_clean()
    drill.save()
    audit_changes(action=f"drill_{action}", obj=drill, actor=actor, before=before, after=snapshot(drill))
    return drill


@transaction.atomic
def drill_record(*, actor, drill: Drill, held_on: dt.date | None, attendance: int | None, summary: str = "") -> Drill:
    """The drill was held: its date, how many took part, the summary (计划中/进行中 → 已实施)."""
    _require_writer(actor, drill)
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": "实施日期不能晚于今天"})
    if attendance is None:
        raise ValidationError({"attendance": "请填写实际参演人数"})
    return _step(
        actor, drill, "record", ["held_on", "attendance", "summary"], held_on=held_on, attendance=attendance,
        summary=(summary or "").strip(),
    )  # fmt: skip


@transaction.atomic
def drill_cancel(*, actor, drill: Drill, reason: str) -> Drill:
    """Cancel a planned drill; the reason is kept as its summary (and in the audit entry)."""
    _require_writer(actor, drill)
    reason = (reason or "").strip()
    return _step(actor, drill, "cancel", ["summary"], reason=reason, summary=f"取消原因：{reason}" if reason else "")


@transaction.atomic
def log_add(*, actor, drill: Drill, at: dt.datetime, text: str, photo=None) -> DrillLogEntry:
    """A timeline entry, with a photo checked by content (core.uploads) and re-encoded."""
    _require_writer(actor, drill)
    drill = Drill.objects.get(pk=drill.pk)
    if drill.status == Drill.Status.CANCELLED:
        raise ValidationError({"text": "演练已取消，不能再记录"})
    if not (text or "").strip():
        raise ValidationError({"text": "请填写记录内容"})
    entry = DrillLogEntry(drill=drill, at=at, text=text.strip(), actor_name=actor_name(actor) or "系统")
    if photo:
        try:
            checked = check_upload(photo, images_only=True)
        except UploadRejected as exc:
            raise ValidationError({"photo": str(exc)}) from exc
        entry.photo = checked.as_file()
        entry.photo_name = checked.display_name
    return object_create(actor=actor, instance=entry)


# ---------------------------------------------------------------- evaluate


def clean_observations(rows: list[dict]) -> list[dict]:
    """Observation records with text (time HH:MM optional, observer optional)."""
    kept = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if not text:
            continue
        at = (row.get("at") or "").strip()
        if at:
            try:
                dt.time.fromisoformat(at if len(at) == 5 else "x")
            except ValueError as exc:
                raise ValidationError({"observations": f"观察时间“{at}”应为 时:分，如 09:30"}) from exc
        kept.append({"at": at, "observer": (row.get("observer") or "").strip(), "text": text})
    return kept


@transaction.atomic
def drill_evaluate(
    *,
    actor,
    drill: Drill,
    evaluated_on: dt.date,
    evaluators: str,
    indicators_filled: list[dict],
    observations: list[dict] = (),
    report: str = "",
) -> DrillEvaluation:
    """The evaluation form: indicators scored, the weighted score and its conclusion band, observations, the
    report (已实施 → 已评估)."""
    _require_writer(actor, drill)
    drill = Drill.objects.get(pk=drill.pk)
    if not (evaluators or "").strip():
        raise ValidationError({"evaluators": "请填写评估人员"})
    if drill.held_on and evaluated_on < drill.held_on:
        raise ValidationError({"evaluated_on": "评估日期不能早于实施日期"})
    if evaluated_on > timezone.localdate():
        raise ValidationError({"evaluated_on": "评估日期不能晚于今天"})
    filled = [row for row in indicators_filled if (row.get("name") or "").strip()]
    problems = indicators.check(filled)
    if problems:
        raise ValidationError({"indicators": problems})
    score = indicators.total(filled)
    evaluation = DrillEvaluation(
        drill=drill,
        evaluated_on=evaluated_on,
        evaluators=evaluators.strip(),
        observations=clean_observations(list(observations)),
        indicators=filled,
        score=score,
        conclusion=indicators.conclusion(score),
        report=(report or "").strip(),
        recorded_by=actor_name(actor) or "系统",
    )
    _step(actor, drill, "evaluate", [])
    return object_create(actor=actor, instance=evaluation)


# ---------------------------------------------------------------- problems → follow-up, revision triggers


@transaction.atomic
def problem_add(
    *, actor, drill: Drill, category: str, description: str, department=None, due_on: dt.date | None = None
) -> DrillProblem:
    """A problem the drill revealed, with its responsible unit and deadline. A problem with the plan
    (category 预案) is also a revision trigger of the plan exercised (应急条例 Art. 6 (5))."""
    _require_writer(actor, drill)
    drill = Drill.objects.select_related("plan").get(pk=drill.pk)  # its state now, not the caller's copy
    if drill.status not in COUNTED:
        raise ValidationError({"description": "演练实施后才能登记发现的问题"})
    if not (description or "").strip():
        raise ValidationError({"description": "请描述发现的问题"})
    if due_on is None:
        raise ValidationError({"due_on": "请填写整改期限"})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "整改期限不能早于今天"})
    problem = DrillProblem(
        drill=drill, category=category, description=description.strip(), department=department, due_on=due_on
    )
    if category == DrillProblem.Category.PLAN:
        if drill.plan_id is None:
            raise ValidationError({"category": "本次演练未关联预案，不能登记为预案问题"})
        problem.revision_trigger = plan_services.trigger_add(
            actor=actor,
            plan=drill.plan,
            reason=RevisionTrigger.Reason.PRACTICE,
            description=description,
            source=f"演练：{drill.title}",
        )
    return object_create(actor=actor, instance=problem)


@transaction.atomic
def problem_done(*, actor, problem: DrillProblem, note: str, done_on: dt.date | None = None) -> DrillProblem:
    """The problem was put right (整改中 → 已整改), with what was done."""
    _require_writer(actor, problem.drill)
    problem = DrillProblem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == DrillProblem.Status.DONE:
        raise ValidationError({"note": "该问题已整改完成"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写整改情况"})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天"})
    before = snapshot(problem)
    problem.status, problem.note, problem.done_on = DrillProblem.Status.DONE, note.strip(), done_on
    return object_update(actor=actor, instance=problem, before=before)


def problems_overdue(user, today: dt.date | None = None):
    """Open problems past their deadline that the user may see."""
    today = today or timezone.localdate()
    return DrillProblem.objects.restrict(user).filter(status=DrillProblem.Status.OPEN, due_on__lt=today)


# ---------------------------------------------------------------- compliance by year

TWO_YEARS = compliance.Rule(compliance.TWO_YEARS, "应急条例第八条")
LOCAL_YEARLY = compliance.Rule(compliance.YEARLY, "本县目标“每年至少组织1次”")
ENTERPRISE_HALF = compliance.Rule(compliance.HALF_YEARLY, "应急条例第八条")
PLAN_YEARLY = compliance.Rule(compliance.YEARLY, "预案管理办法第三十三条")
ONSITE_HALF = compliance.Rule(compliance.HALF_YEARLY, "预案管理办法第三十三条")

CATEGORY_TOWNSHIP = "乡镇（街道）"
CATEGORY_DEPARTMENT = "县级部门"
CATEGORY_ENTERPRISE = "高危行业企业"
CATEGORY_PLAN = "综合（总体）/专项预案"
CATEGORY_ONSITE = "现场处置方案"

# 应急条例 Art. 7 unit types, read from the registry: dangerous goods (危化, 烟花爆竹, 重大危险源), mines, metal
# smelting, construction (GB/T 4754 大类), and crowded places: hotels, entertainment, scenic-spot management,
# and large or medium retailers (商场).
MINING = ("06", "07", "08", "09", "10", "11", "12")
SMELTING = ("31", "32")
CONSTRUCTION = ("47", "48", "49", "50")
CROWDED = ("61", "90", "78")
HIGH_RISK = (
    Q(is_hazchem=True)
    | Q(is_fireworks=True)
    | Q(is_non_coal_mine=True)
    | Q(has_major_hazard=True)
    | Q(industry__in=MINING + SMELTING + CONSTRUCTION + CROWDED)
    | Q(industry="52", scale__in=[Enterprise.Scale.LARGE, Enterprise.Scale.MEDIUM])
)
PLAN_KINDS_YEARLY = (Plan.Kind.OVERALL, Plan.Kind.SPECIAL, Plan.Kind.ENTERPRISE)


def local_yearly() -> bool:
    return bool(getattr(settings, "ANLAN_DRILL_LOCAL_YEARLY", True))


def _local_rules() -> tuple[compliance.Rule, ...]:
    return (TWO_YEARS, LOCAL_YEARLY) if local_yearly() else (TWO_YEARS,)


def _county_view(user) -> bool:
    return user.is_superuser or user.role in COUNTY_ROLES or user.role == Role.VIEWER


def compliance_table(user, year: int, today: dt.date | None = None, *, count_only: bool = False):
    """The rows the user may see for `year`: townships, county departments, high-risk enterprises, plans and
    on-site procedures, each assessed from the drills held (a fixed number of queries). `count_only`: the
    number of flagged rows instead of the rows (drills_due_count)."""
    today = today or timezone.localdate()
    prefix = region_prefix(user.region_id or "")
    county = (user.region_id or "")[:6].ljust(12, "0")
    role = "county" if _county_view(user) else user.role
    townships = Region.objects.none()
    departments = Department.objects.none()
    if role == "county":
        townships = Region.objects.filter(parent_id=county, level=RegionLevel.TOWNSHIP)
        departments = Department.objects.filter(region_id=county)
    elif role == Role.TOWNSHIP_OPERATOR:
        townships = Region.objects.filter(code=user.region_id, level=RegionLevel.TOWNSHIP)
    elif role == Role.DEPARTMENT_OPERATOR:
        departments = Department.objects.filter(pk=user.department_id)
    enterprises = Enterprise.objects.none()
    plans = Plan.objects.none()
    if role in ("county", Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR, Role.ENTERPRISE_USER):
        enterprises = Enterprise.objects.restrict(user).filter(HIGH_RISK)
        plans = Plan.objects.restrict(user).filter(
            active=True, region__pk__startswith=prefix, kind__in=[*PLAN_KINDS_YEARLY, Plan.Kind.ONSITE]
        )
        if role == Role.DEPARTMENT_OPERATOR:
            plans = plans.filter(department_id=user.department_id)

    # The county's drills only (the rows above are all in it): another county's drills are never read.
    drills = Drill.objects.filter(
        region__pk__startswith=region_prefix(county),
        status__in=COUNTED,
        held_on__gte=dt.date(year - 2, 1, 1),
        held_on__lte=dt.date(year, 12, 31),
    ).values_list("held_on", "region_id", "department_id", "enterprise_id", "plan_id")
    by_township: dict[str, list] = {}
    by_department: dict[int, list] = {}
    by_enterprise: dict[int, list] = {}
    by_plan: dict[int, list] = {}
    for held_on, region_id, department_id, enterprise_id, plan_id in drills:
        if plan_id:
            by_plan.setdefault(plan_id, []).append(held_on)
        if enterprise_id:
            by_enterprise.setdefault(enterprise_id, []).append(held_on)
        elif department_id:
            by_department.setdefault(department_id, []).append(held_on)
        elif region_id and not region_id.endswith("000000"):  # organised by a township (or one of its villages)
            by_township.setdefault(region_id[:9].ljust(12, "0"), []).append(held_on)

    def row(category, name, rules, held, key):
        return compliance.assess(category=category, name=name, rules=rules, held=held, year=year, today=today, key=key)

    if count_only:
        # The 工作台 asks how many are flagged: every enterprise without a drill gets the same assessment, so
        # it is assessed once for all of them (a large county has thousands), the others one by one.
        flagged = sum(
            row(CATEGORY_TOWNSHIP, "", _local_rules(), by_township.get(code, []), "").flagged
            for code in townships.values_list("code", flat=True)
        )
        flagged += sum(
            row(CATEGORY_DEPARTMENT, "", _local_rules(), by_department.get(pk, []), "").flagged
            for pk in departments.values_list("pk", flat=True)
        )
        ids = list(enterprises.values_list("pk", flat=True))
        drilled = [pk for pk in ids if pk in by_enterprise]
        rules = (ENTERPRISE_HALF,)
        flagged += sum(row(CATEGORY_ENTERPRISE, "", rules, by_enterprise[pk], "").flagged for pk in drilled)
        if len(ids) > len(drilled):
            never = row(CATEGORY_ENTERPRISE, "", rules, [], "")
            flagged += (len(ids) - len(drilled)) * int(never.flagged)
        for pk, kind in plans.values_list("pk", "kind"):
            rules = (ONSITE_HALF,) if kind == Plan.Kind.ONSITE else (PLAN_YEARLY,)
            flagged += row(CATEGORY_PLAN, "", rules, by_plan.get(pk, []), "").flagged
        return flagged

    rows = [
        row(CATEGORY_TOWNSHIP, t.name, _local_rules(), by_township.get(t.code, []), f"t:{t.code}")
        for t in townships.order_by("code").only("code", "name")
    ]
    rows += [
        row(CATEGORY_DEPARTMENT, d.name, _local_rules(), by_department.get(d.pk, []), f"d:{d.pk}")
        for d in departments.order_by("code").only("pk", "name")
    ]
    rows += [
        row(CATEGORY_ENTERPRISE, e.name, (ENTERPRISE_HALF,), by_enterprise.get(e.pk, []), f"e:{e.pk}")
        for e in enterprises.order_by("region_id", "name").only("pk", "name")
    ]
    for plan in plans.order_by("kind", "name").only("pk", "name", "kind"):
        onsite = plan.kind == Plan.Kind.ONSITE
        rows.append(
            row(
                CATEGORY_ONSITE if onsite else CATEGORY_PLAN,
                plan.name,
                (ONSITE_HALF,) if onsite else (PLAN_YEARLY,),
                by_plan.get(plan.pk, []),
                f"p:{plan.pk}",
            )
        )
    return rows


def drills_due_count(user) -> int:
    """Units late or due this quarter in the current year (the 工作台's 演练到期). Kept per process until a
    drill, unit or plan changes (core.kept): a large county assesses ~5,000 enterprises and plans for it."""
    today = timezone.localdate()
    scope = (user.pk if user.is_superuser else None, user.role, user.region_id, user.department_id, user.enterprise_id)
    return kept(
        ("drills_due_count", today, *scope),
        (Drill, Enterprise, Plan, Region, Department),
        lambda: compliance_table(user, today.year, today, count_only=True),
    )


COMPLIANCE_HEADERS = ["类别", "单位（预案）", "要求及依据", "本年已演练（次）", "最近演练", "下次期限", "状态", "说明"]


def compliance_cells(row: compliance.Row) -> list:
    return [
        row.category,
        row.name,
        row.required,
        row.held,
        row.last_held.isoformat() if row.last_held else "无",
        row.due_on.isoformat() if row.due_on else "—",
        row.status_label,
        "；".join(row.notes),
    ]
