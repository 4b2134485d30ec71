"""Services of 分类分级 and the 年度监督检查计划 (docs/enforcement.md).

Every write is atomic and audited; refusals are DomainErrors with a Chinese message and write nothing.
The rules themselves are pure: the class rule in classes.py, the arithmetic in plan.py, the steps in
workflow_plan.py.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from anlan.core.audit import audit_changes, audit_record, snapshot
from anlan.core.errors import Conflict, DomainError, NotAllowed, NotFound
from anlan.core.labels import register_actions
from anlan.core.regioncodes import county_of, region_prefix
from anlan.core.roles import role_allows
from anlan.core.services import objects_bulk_create
from anlan.geo.models import Region
from anlan.registry.models import Department, DepartmentKind, Enterprise

from . import classes, plan
from .models import EnterpriseSupervision, Inspection, InspectionPlan, PlanLine, SupervisionClass
from .workflow_plan import FLOW

register_actions(
    {
        "plan_class_update": "修改监管类别",
        "plan_classify_override": "人工调整监管类别",
        "plan_line_adjust": "调整计划明细",
        "plan_regenerate": "重新生成计划",
    }
)

MAX_CAP = 100  # inspections a year of one enterprise: more is a typing error, not a plan
MAX_LINE = 99999


def current_scheme() -> str:
    """The scheme whose classes the rule assigns (a deployment may name its own province's rows)."""
    return getattr(settings, "ANLAN_ENFORCEMENT_CLASS_SCHEME", classes.DEFAULT_SCHEME)


# ---------------------------------------------------------------- classes


def install_default_scheme(model=SupervisionClass) -> int:
    """Add the default scheme's missing classes (classes.install); idempotent."""
    return classes.install(model)


def scheme_classes(scheme: str | None = None) -> list[SupervisionClass]:
    """The classes of a scheme in the default display order (sector group, then class)."""
    order = {(g, c): i for i, (g, c, _, _) in enumerate(classes.DEFAULT_CLASSES)}
    rows = list(SupervisionClass.objects.filter(scheme=scheme or current_scheme()))
    return sorted(rows, key=lambda r: (order.get((r.sector_group, r.code), len(order)), r.sector_group, r.code))


def _count(value, *, high: int, code: str, label: str, field: str) -> int:
    """A typed count (a class's cap, a line's inspections): a whole number from 0 to `high`, else a refusal
    naming the field (`<code>_invalid`, `<code>_range`)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{code}_invalid", f"{label}须为整数", field=field) from None
    if not 0 <= number <= high:
        raise DomainError(f"{code}_range", f"{label}须在 0–{high} 之间", field=field)
    return number


@transaction.atomic
def class_update(*, actor, supervision_class: SupervisionClass, name: str, yearly_cap, note: str = ""):
    """Change a class's name, cap or note (county roles)."""
    if not role_allows(actor, "change", SupervisionClass):
        raise NotAllowed("plan.class_not_allowed", "监管分类须由县级管理员或县级业务人员修改")
    cap = _count(yearly_cap, high=MAX_CAP, code="plan.cap", label="年度检查次数上限", field="yearly_cap")
    name = (name or "").strip()
    if not name:
        raise DomainError("plan.class_name", "请填写类别名称", field="name")
    locked = SupervisionClass.objects.select_for_update().get(pk=supervision_class.pk)
    before = snapshot(locked)
    locked.name, locked.yearly_cap, locked.note = name, cap, (note or "").strip()
    locked.full_clean()
    locked.save()
    audit_changes(action="plan_class_update", obj=locked, actor=actor, before=before, after=snapshot(locked))
    return locked


# ---------------------------------------------------------------- enterprise classification


def _class_index(scheme: str) -> dict[tuple[str, str], SupervisionClass]:
    return {(c.sector_group, c.code): c for c in SupervisionClass.objects.filter(scheme=scheme)}


def _emergency_departments() -> dict[str, int]:
    """The 应急管理 department of each county (county code → id): the default supervisor (安全生产法 Art. 10:
    综合监督管理) of an enterprise whose registry names no industry department."""
    found: dict[str, int] = {}
    for pk, region_id in (
        Department.objects.filter(kind=DepartmentKind.EMERGENCY).order_by("code").values_list("pk", "region_id")
    ):
        found.setdefault(county_of(region_id), pk)
    return found


def proposal_for(enterprise, index: dict | None = None) -> tuple[classes.Proposal, SupervisionClass | None]:
    """The rule's proposal and its class row in the current scheme (None if the scheme lacks it)."""
    proposal = classes.propose(enterprise)
    index = index if index is not None else _class_index(current_scheme())
    return proposal, index.get((proposal.sector_group, proposal.code))


@dataclass
class Classified:
    created: int = 0
    missing_class: list[str] = field(default_factory=list)  # enterprises whose proposed class is not in the scheme


@transaction.atomic
def classify_missing(*, actor, today: dt.date | None = None) -> Classified:
    """Give every enterprise in the actor's scope that has no class the class the rule proposes."""
    if not role_allows(actor, "add", EnterpriseSupervision):
        raise NotAllowed("plan.classify_not_allowed", "您的角色不能为企业定级")
    return classify_enterprises(actor=actor, enterprises=Enterprise.objects.restrict(actor, "view"), today=today)


def classify_enterprises(*, actor, enterprises, today: dt.date | None = None) -> Classified:
    """Classify the enterprises of the queryset that have no class yet (no role check: classify_missing and
    the demo loader decide who). One query for the enterprises, one for the classes, one for the counties'
    emergency departments, one bulk insert and one bulk audit insert: no query per enterprise."""
    today = today or timezone.localdate()
    index = _class_index(current_scheme())
    if not index:
        raise DomainError("plan.no_scheme", f"分类方案“{current_scheme()}”没有任何类别，请先安装默认方案")
    emergency = _emergency_departments()
    result = Classified()
    rows = []
    for enterprise in enterprises.filter(supervision__isnull=True).order_by("pk"):
        proposal, found = proposal_for(enterprise, index)
        if found is None:
            result.missing_class.append(enterprise.name)
            continue
        department_id = enterprise.department_id or emergency.get(county_of(enterprise.region_id))
        rows.append(
            EnterpriseSupervision(
                enterprise=enterprise,
                supervision_class=found,
                department_id=department_id,
                assessed_on=today,
                note=proposal.reason_text[:200],
            )
        )
    objects_bulk_create(actor=actor, model=EnterpriseSupervision, instances=rows)
    result.created = len(rows)
    return result


@transaction.atomic
def classify_override(
    *, actor, enterprise: Enterprise, supervision_class: SupervisionClass, department=None, note: str
) -> EnterpriseSupervision:
    """Set an enterprise's class by hand, with the reason (audited as 人工调整). Creates the row if the
    enterprise has none yet."""
    if not Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists():
        raise NotFound("plan.enterprise_not_found", "企业不存在或不在您的管辖范围内")
    note = (note or "").strip()
    if not note:
        raise DomainError("plan.reason_required", "人工调整类别须填写调整理由", field="note")
    if department is not None and not Department.objects.restrict(actor, "view").filter(pk=department.pk).exists():
        raise DomainError("plan.department_outside", "监管部门不在您的管辖范围内", field="department")
    existing = EnterpriseSupervision.objects.select_for_update().filter(enterprise=enterprise).first()
    if existing is None:
        if not role_allows(actor, "add", EnterpriseSupervision):
            raise NotAllowed("plan.classify_not_allowed", "您的角色不能为企业定级")
        row = EnterpriseSupervision(enterprise=enterprise)
        before = {}
    else:
        if not EnterpriseSupervision.objects.restrict(actor, "change").filter(pk=existing.pk).exists():
            raise NotAllowed("plan.classify_not_allowed", "您不能调整该企业的监管类别")
        row = existing
        before = snapshot(existing)
    row.supervision_class = supervision_class
    row.department = department
    row.manual = True
    row.note = note
    row.assessed_on = timezone.localdate()
    row.full_clean()
    row.save()
    if not EnterpriseSupervision.objects.restrict(actor, "view").filter(pk=row.pk).exists():
        raise DomainError(
            "plan.outside_after_save", "调整后该企业将不在您的管辖范围内（监管部门），已撤销", field="department"
        )
    audit_record(action="plan_classify_override", obj=row, actor=actor, before=before or None, after=snapshot(row))
    return row


# ---------------------------------------------------------------- plan generation


@dataclass
class Generated:
    plan: InspectionPlan
    total: int
    lines: int
    unassigned: int  # classified enterprises left out: no supervising department known


def _county_region(actor) -> Region:
    code = getattr(actor, "region_id", None)
    if not code:
        raise NotAllowed("plan.no_region", "您的账号没有所属区划，不能编制计划")
    return Region.objects.get(pk=county_of(code))


@transaction.atomic
def plan_generate(*, actor, year: int, first_month: int = 1, random_share: int = 70) -> Generated:
    """Build (or rebuild, while still 编制中) the county's plan of `year` from the enterprises' classes."""
    if not role_allows(actor, "add", InspectionPlan):
        raise NotAllowed("plan.not_allowed", "年度监督检查计划须由县级管理员或县级业务人员编制")
    return build_plan(
        actor=actor, region=_county_region(actor), year=year, first_month=first_month, random_share=random_share
    )


@transaction.atomic
def build_plan(*, actor, region: Region, year: int, first_month: int = 1, random_share: int = 70) -> Generated:
    """The plan of `region` (a county) for `year` (no role check: plan_generate and the demo loader decide
    who). Planned per department × sector group = the sum of the caps of the classes of the enterprises the
    department supervises (an enterprise without a department falls to the county's 应急管理 department),
    spread over first_month..12 by plan.spread (exact totals)."""
    if not 2000 <= int(year) <= 2100:
        raise DomainError("plan.year", "年度不正确", field="year")
    if not 1 <= int(first_month) <= 12:
        raise DomainError("plan.first_month", "起始月份须为 1–12", field="first_month")
    if not 0 <= int(random_share) <= 100:
        raise DomainError("plan.random_share", "双随机抽查占比须在 0–100 之间", field="random_share")
    existing = InspectionPlan.objects.select_for_update().filter(region=region, year=year).first()
    if existing is not None and existing.status != InspectionPlan.Status.DRAFT:
        raise Conflict(
            "plan.not_draft", f"{year}年度计划已{existing.get_status_display()}，不能重新生成（须退回到编制中）"
        )
    emergency = _emergency_departments().get(region.code)
    caps, unassigned = [], 0
    supervised = EnterpriseSupervision.objects.filter(enterprise__region__pk__startswith=region_prefix(region.code))
    for department_id, group, cap in supervised.values_list(
        "department_id", "supervision_class__sector_group", "supervision_class__yearly_cap"
    ):
        department_id = department_id or emergency
        if department_id is None:
            unassigned += 1
            continue
        caps.append((department_id, group, cap))
    planned = plan.lines(plan.year_totals(caps), int(first_month))
    name = f"{region.name}{year}年度安全生产监督检查计划"
    if existing is None:
        target = InspectionPlan(region=region, year=year, name=name, random_share=random_share)
        target.full_clean()
        target.save()
        audit_record(action="create", obj=target, actor=actor, after=snapshot(target))
    else:
        target = existing
        before = snapshot(target)
        target.random_share = random_share
        target.save(update_fields=["random_share", "updated_at"])
        removed = target.lines.count()
        target.lines.all().delete()
        audit_record(
            action="plan_regenerate", obj=target, actor=actor, before=before, after=snapshot(target),
            extra={"removed_lines": removed},
        )  # fmt: skip
    rows = [
        PlanLine(plan=target, department_id=dep, sector_group=group, month=month, planned=n, generated=n)
        for (dep, group, month), n in sorted(planned.items())
    ]
    objects_bulk_create(actor=actor, model=PlanLine, instances=rows)
    return Generated(target, sum(planned.values()), len(rows), unassigned)


def _plan_for_change(actor, plan_obj: InspectionPlan) -> InspectionPlan:
    """The plan locked for a write; 404 outside the actor's scope (who may write is the step's or the line's
    own check, a 403 with its message)."""
    locked = InspectionPlan.objects.select_for_update().filter(pk=plan_obj.pk).first()
    if locked is None or not InspectionPlan.objects.restrict(actor, "view").filter(pk=plan_obj.pk).exists():
        raise NotFound("plan.not_found", "计划不存在或不在您的管辖范围内")
    return locked


@transaction.atomic
def line_set(
    *, actor, plan_obj: InspectionPlan, department: Department, sector_group: str, month: int, planned, reason: str
) -> PlanLine:
    """Adjust one line by hand (while 编制中): the new count and the reason; a line not generated is added.
    Totals are sums of the lines, so they follow."""
    locked = _plan_for_change(actor, plan_obj)
    if not role_allows(actor, "change", PlanLine):
        raise NotAllowed("plan.not_allowed", "计划明细须由县级管理员或县级业务人员调整")
    if locked.status != InspectionPlan.Status.DRAFT:
        raise Conflict("plan.not_draft", f"计划{locked.get_status_display()}，不能调整明细（须退回到编制中）")
    count = _count(planned, high=MAX_LINE, code="plan.planned", label="计划检查家次", field="planned")
    if sector_group not in SupervisionClass.SectorGroup.values:
        raise DomainError("plan.sector_group", "行业组不正确", field="sector_group")
    if not 1 <= int(month) <= 12:
        raise DomainError("plan.month", "月份须为 1–12", field="month")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("plan.reason_required", "调整计划须填写调整原因", field="reason")
    if not Department.objects.restrict(actor, "view").filter(pk=department.pk).exists():
        raise DomainError("plan.department_outside", "执法部门不在您的管辖范围内", field="department")
    line = PlanLine.objects.filter(plan=locked, department=department, sector_group=sector_group, month=month).first()
    if line is None:
        line = PlanLine(plan=locked, department=department, sector_group=sector_group, month=month, generated=0)
        before = {}
    else:
        before = snapshot(line)
    line.planned, line.reason = count, reason
    line.full_clean()
    line.save()
    audit_record(action="plan_line_adjust", obj=line, actor=actor, before=before or None, after=snapshot(line))
    return line


# ---------------------------------------------------------------- steps


def _step(actor, plan_obj: InspectionPlan, action: str, **data) -> InspectionPlan:
    locked = _plan_for_change(actor, plan_obj)
    before = snapshot(locked)
    FLOW.apply(actor, locked, action, **data)
    now = timezone.now()
    if action == "submit":
        locked.submitted_at = now
    elif action == "approve":
        locked.approved_by, locked.approved_at = actor, now
    elif action == "publish":
        locked.published_at = now
    elif action == "send_back":
        locked.note = "\n".join(filter(None, [locked.note, f"{now:%Y-%m-%d} 退回意见：{data['comment'].strip()}"]))
    locked.save()
    audit_record(
        action=f"plan_{action}", obj=locked, actor=actor, before=before, after=snapshot(locked),
        extra={"comment": data["comment"]} if data.get("comment") else None,
    )  # fmt: skip
    plan_obj.refresh_from_db()
    return plan_obj


@transaction.atomic
def plan_step(*, actor, plan_obj: InspectionPlan, action: str, comment: str = "") -> InspectionPlan:
    """Take one workflow step (submit, approve, send_back, publish) on the plan."""
    return _step(actor, plan_obj, action, comment=comment)


# ---------------------------------------------------------------- progress


def done_inspections(user, year: int, region_code: str):
    """Inspections of `year` in the region that are done (signed or later: the on-site record is
    signed, 安全生产法 Art. 68), as `user` may see them. Every kind counts (random, planned, campaign,
    complaint): the caps limit how often an enterprise is inspected at all."""
    return (
        Inspection.objects.restrict(user, "view")
        .filter(inspected_on__year=year, region__pk__startswith=region_prefix(region_code))
        .exclude(status=Inspection.Status.IN_PROGRESS)
    )


@dataclass
class ProgressRow:
    department: str
    planned: dict[int, int]
    done: dict[int, int]

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def done_total(self) -> int:
        return sum(self.done.values())

    @property
    def percent(self) -> str:
        return plan.percent(self.done_total, self.planned_total)

    def cells(self) -> list[tuple[int, int]]:
        return [(self.planned.get(m, 0), self.done.get(m, 0)) for m in plan.MONTHS]


def progress(user, plan_obj: InspectionPlan) -> list[ProgressRow]:
    """Planned (the lines `user` sees) and done inspections per department and month; two queries."""
    rows: dict[object, ProgressRow] = {}
    for dep, name, month, n in (
        PlanLine.objects.restrict(user, "view").filter(plan=plan_obj).order_by()
        .values_list("department_id", "department__name", "month").annotate(n=Sum("planned"))
    ):  # fmt: skip
        rows.setdefault(dep, ProgressRow(name, {}, {})).planned[month] = n
    for dep, name, month, n in (
        done_inspections(user, plan_obj.year, plan_obj.region_id).order_by()
        .annotate(m=ExtractMonth("inspected_on")).values_list("department_id", "department__name", "m")
        .annotate(n=Count("pk"))
    ):  # fmt: skip
        rows.setdefault(dep, ProgressRow(name or "未注明执法部门", {}, {})).done[month] = n
    return sorted(rows.values(), key=lambda r: (-r.planned_total, r.department))


def the_plan(user, year: int, *, published_only: bool = False) -> InspectionPlan | None:
    """The plan of `year` of the user's county, if the user may see it."""
    code = getattr(user, "region_id", None)
    if not code:
        return None
    found = InspectionPlan.objects.restrict(user, "view").filter(year=year, region_id=county_of(code))
    if published_only:
        found = found.filter(status=InspectionPlan.Status.PUBLISHED)
    return found.first()


def workbench_summary(user, today: dt.date | None = None) -> tuple[int, str]:
    """The 工作台 item: (inspections done this year in the user's scope, the note), three queries whatever
    the rows. The count is the rows of the progress page's list (same queryset)."""
    today = today or timezone.localdate()
    code = getattr(user, "region_id", None) or ""
    found = the_plan(user, today.year, published_only=True)
    done = done_inspections(user, today.year, county_of(code)).aggregate(
        n=Count("pk"), month=Count("pk", filter=Q(inspected_on__month=today.month))
    )
    if found is None:
        return done["n"], f"{today.year}年度检查计划尚未公布；今年已完成检查 {done['n']} 家次"
    planned = (
        PlanLine.objects.restrict(user, "view")
        .filter(plan=found)
        .aggregate(total=Sum("planned"), month=Sum("planned", filter=Q(month=today.month)))
    )
    total, month = planned["total"] or 0, planned["month"] or 0
    return done["n"], (
        f"年度检查计划进度：已完成 {done['n']}/{total} 家次（{plan.percent(done['n'], total)}），"
        f"本月应完成 {month} 家次，已完成 {done['month']} 家次"
    )
