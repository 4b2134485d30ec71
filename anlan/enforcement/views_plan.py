"""Pages of 分类分级 and the 年度监督检查计划 (/enforcement/classes/, /enforcement/plan/). Thin: every rule is
in services_plan.py (and the pure classes.py, plan.py, workflow_plan.py); refusals come back through
`shown_on`. Every queryset is `restrict(request.user)`; an id outside the scope is a 404."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link, role_may
from anlan.core.regioncodes import county_of
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.views import PAGE_SIZE, xlsx_response
from anlan.registry.models import Department, Enterprise

from . import classes, exports_plan, plan, services_plan
from .filters_plan import EnterpriseSupervisionFilterSet
from .forms_plan import ClassForm, CommentForm, GenerateForm, LineForm, OverrideForm
from .models import EnterpriseSupervision, InspectionPlan, PlanLine, SupervisionClass
from .workflow_plan import FLOW

MENU_GROUP = "执法检查"

register_link(
    MenuLink(MENU_GROUP, "年度监督检查计划", "enforcement:plan_list", InspectionPlan, "view", 90, regional=True)
)
# The 工作台's "年度检查计划完成情况" opens this page (a page the menu offers, as every 工作台 link is).
register_link(
    MenuLink(MENU_GROUP, "计划完成情况", "enforcement:plan_progress", InspectionPlan, "view", 90, regional=True,
             roles=frozenset({*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR}))
)  # fmt: skip
register_link(MenuLink(MENU_GROUP, "监管分类方案", "enforcement:classes", SupervisionClass, "view", 91, regional=True))
register(
    ModelConfig(
        model=EnterpriseSupervision,
        list_columns=["enterprise", "region_name", "sector_group_name", "supervision_class", "department", "manual",
                      "assessed_on"],
        form_fields=[],  # written by the rule (一键定级) and the override page, both audited services
        detail_fields=["enterprise", "region_name", "supervision_class", "yearly_cap", "department", "manual",
                       "assessed_on", "note"],
        extra_labels={"region_name": "所属区划", "sector_group_name": "行业组", "yearly_cap": "年度检查次数上限"},
        filterset_class=EnterpriseSupervisionFilterSet,
        search_fields=["enterprise__name"],
        selector=lambda qs: qs.select_related("enterprise__region", "supervision_class", "department"),
        sortable=["enterprise", "supervision_class", "department", "assessed_on"],
        detail_links=[
            ("人工调整类别", "enforcement:class_override_row", role_may("change", "enforcement.EnterpriseSupervision"))
        ],
        menu_group=MENU_GROUP,
        menu_label="企业监管分类",
        menu_order=91,
    )
)  # fmt: skip


def _require(user, action: str, model) -> None:
    if not role_allows(user, action, model):
        raise PermissionDenied(f"您的角色不能{'查看' if action == 'view' else '办理'}{model._meta.verbose_name}")


def _departments(user):
    code = county_of(getattr(user, "region_id", "") or "")
    return Department.objects.restrict(user, "view").filter(region__pk__startswith=code[:6]).order_by("code")


# ---------------------------------------------------------------- classes


@login_required
def classes_page(request):
    """The class scheme (sector group × class → cap), editable by county roles, with how many enterprises
    of the scope are in each class and how many have none yet."""
    _require(request.user, "view", SupervisionClass)
    scheme = services_plan.current_scheme()
    rows = services_plan.scheme_classes(scheme)
    counts = dict(
        EnterpriseSupervision.objects.restrict(request.user, "view").order_by()
        .values_list("supervision_class").annotate(n=Count("pk"))
    )  # fmt: skip
    unclassified = Enterprise.objects.restrict(request.user, "view").filter(supervision__isnull=True).count()
    may_edit = role_allows(request.user, "change", SupervisionClass)
    groups = []
    for value, label in SupervisionClass.SectorGroup.choices:
        members = [(c, counts.get(c.pk, 0), ClassForm(initial={"name": c.name, "yearly_cap": c.yearly_cap,
                                                                "note": c.note}, prefix=f"c{c.pk}"))
                   for c in rows if c.sector_group == value]  # fmt: skip
        groups.append({"label": label, "classes": members})
    context = {
        "scheme": scheme,
        "is_default": scheme == classes.DEFAULT_SCHEME,
        "scheme_label": classes.DEFAULT_SCHEME_LABEL,
        "source": classes.DEFAULT_SOURCE,
        "groups": groups,
        "empty": not rows,
        "may_edit": may_edit,
        "may_classify": role_allows(request.user, "add", EnterpriseSupervision),
        "unclassified": unclassified,
        "list_url": _classification_list_url(),
    }
    return render(request, "enforcement/plan/classes.html", context)


def _classification_list_url() -> str:
    from django.urls import reverse

    return reverse("enforcement:enterprisesupervision_list")


@login_required
@require_POST
def class_edit(request, pk):
    _require(request.user, "change", SupervisionClass)
    found = SupervisionClass.objects.restrict(request.user, "change").filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该监管类别")
    form = ClassForm(request.POST, prefix=f"c{pk}")
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
        return redirect("enforcement:classes")
    with shown_on(request) as outcome:
        services_plan.class_update(actor=request.user, supervision_class=found, **form.cleaned_data)
    if outcome.ok:
        messages.success(request, f"已保存“{found}”")
    return redirect("enforcement:classes")


@login_required
@require_POST
def classes_install(request):
    _require(request.user, "add", SupervisionClass)
    added = services_plan.install_default_scheme()
    messages.success(request, f"已安装默认方案缺少的类别 {added} 个" if added else "默认方案各类别均已存在，未作改动")
    return redirect("enforcement:classes")


@login_required
@require_POST
def classify(request):
    """一键定级: every enterprise of the scope without a class gets the rule's proposal."""
    with shown_on(request) as outcome:
        result = services_plan.classify_missing(actor=request.user)
    if outcome.ok:
        text = f"已为 {result.created} 家企业按规则定级"
        if result.missing_class:
            text += f"；{len(result.missing_class)} 家企业的建议类别不在当前方案中，未定级"
        messages.success(request, text)
    return redirect("enforcement:classes")


@login_required
def class_override(request, pk):
    """An enterprise's class by hand: the rule's proposal and reasons, the current class, the form."""
    _require(request.user, "change", EnterpriseSupervision)
    enterprise = Enterprise.objects.restrict(request.user, "view").filter(pk=pk).first()
    if enterprise is None:
        raise Http404("企业不存在或不在您的管辖范围内")
    current = (
        EnterpriseSupervision.objects.select_related("supervision_class", "department")
        .filter(enterprise=enterprise)
        .first()
    )
    proposal, proposed = services_plan.proposal_for(enterprise)
    scheme_rows = SupervisionClass.objects.filter(scheme=services_plan.current_scheme())
    departments = _departments(request.user)
    initial = {
        "supervision_class": current.supervision_class_id if current else (proposed.pk if proposed else None),
        "department": current.department_id if current else enterprise.department_id,
    }
    form = OverrideForm(request.POST or None, initial=initial, classes=scheme_rows, departments=departments)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services_plan.classify_override(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, f"已调整“{enterprise.name}”的监管类别")
            return redirect(f"{_classification_list_url()}?{urlencode({'name': enterprise.name})}")
    context = {"enterprise": enterprise, "current": current, "proposal": proposal, "proposed": proposed, "form": form}
    return render(request, "enforcement/plan/class_override.html", context)


@login_required
def class_override_row(request, pk):
    """The kit detail's link (by the classification row's id) to the enterprise's override page."""
    row = EnterpriseSupervision.objects.restrict(request.user, "view").filter(pk=pk).first()
    if row is None:
        raise Http404("未找到该企业监管分类")
    return redirect("enforcement:class_override", pk=row.enterprise_id)


# ---------------------------------------------------------------- plans


@login_required
def plan_list(request):
    _require(request.user, "view", InspectionPlan)
    plans = InspectionPlan.objects.restrict(request.user, "view").select_related("region")
    may_generate = role_allows(request.user, "add", InspectionPlan)
    form = GenerateForm(request.POST or None) if may_generate else None
    if request.method == "POST":
        _require(request.user, "add", InspectionPlan)
        if form.is_valid():
            with shown_on(form) as outcome:
                made = services_plan.plan_generate(actor=request.user, **form.cleaned_data)
            if outcome.ok:
                text = f"已生成计划：{made.total} 家次，{made.lines} 条明细"
                if made.unassigned:
                    text += f"；{made.unassigned} 家企业没有监管部门，未计入"
                messages.success(request, text)
                return redirect("enforcement:plan_detail", pk=made.plan.pk)
    context = {"plans": plans, "form": form, "this_year": timezone.localdate().year}
    return render(request, "enforcement/plan/plan_list.html", context)


def _plan(user, pk) -> InspectionPlan:
    _require(user, "view", InspectionPlan)
    found = InspectionPlan.objects.restrict(user, "view").select_related("region", "approved_by").filter(pk=pk).first()
    if found is None:
        raise Http404("计划不存在或不在您的管辖范围内")
    return found


@dataclass
class TableRow:
    department: str
    group: str
    months: list = field(default_factory=lambda: [None] * 12)  # (planned, adjusted, reason) or None

    @property
    def total(self) -> int:
        return sum(cell[0] for cell in self.months if cell)


def plan_table(user, plan_obj: InspectionPlan) -> tuple[list[TableRow], list[int], int]:
    """Rows department × sector group with twelve month cells, the month totals and the year total (the
    lines `user` may see: a department operator sees its own)."""
    labels = dict(SupervisionClass.SectorGroup.choices)
    rows: dict[tuple, TableRow] = {}
    lines = (
        PlanLine.objects.restrict(user, "view").filter(plan=plan_obj)
        .values_list("department__code", "department__name", "sector_group", "month", "planned", "generated", "reason")
    )  # fmt: skip
    for code, name, group, month, planned, generated, reason in lines:
        row = rows.setdefault((code, group), TableRow(name, labels.get(group, group)))
        row.months[month - 1] = (planned, planned != generated, reason)
    ordered = [rows[key] for key in sorted(rows)]
    month_totals = [sum(r.months[i][0] for r in ordered if r.months[i]) for i in range(12)]
    return ordered, month_totals, sum(month_totals)


@login_required
def plan_detail(request, pk):
    plan_obj = _plan(request.user, pk)
    rows, month_totals, total = plan_table(request.user, plan_obj)
    draft = plan_obj.status == InspectionPlan.Status.DRAFT
    may_adjust = draft and role_allows(request.user, "change", PlanLine)
    progress = services_plan.progress(request.user, plan_obj)
    done_total = sum(r.done_total for r in progress)
    context = {
        "plan": plan_obj,
        "rows": rows,
        "month_totals": month_totals,
        "total": total,
        "random_minimum": plan.random_minimum(total, plan_obj.random_share),
        "months": plan.MONTHS,
        "steps": FLOW.allowed(request.user, plan_obj),
        "comment_form": CommentForm(),
        "line_form": LineForm(departments=_departments(request.user)) if may_adjust else None,
        "progress": progress,
        "done_total": done_total,
        "done_percent": plan.percent(done_total, total),
        "this_month": timezone.localdate().month if plan_obj.year == timezone.localdate().year else None,
    }
    return render(request, "enforcement/plan/plan_detail.html", context)


@login_required
@require_POST
def plan_adjust(request, pk):
    plan_obj = _plan(request.user, pk)
    _require(request.user, "change", PlanLine)
    form = LineForm(request.POST, departments=_departments(request.user))
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
        return redirect("enforcement:plan_detail", pk=pk)
    with shown_on(request) as outcome:
        line = services_plan.line_set(actor=request.user, plan_obj=plan_obj, **form.cleaned_data)
    if outcome.ok:
        messages.success(
            request, f"已调整：{line.department} {line.get_sector_group_display()} {line.month}月 → {line.planned} 家次"
        )
    return redirect("enforcement:plan_detail", pk=pk)


@login_required
@require_POST
def plan_step(request, pk, action):
    plan_obj = _plan(request.user, pk)
    if action not in FLOW:
        raise Http404("未知操作")
    with shown_on(request) as outcome:
        services_plan.plan_step(actor=request.user, plan_obj=plan_obj, action=action,
                                comment=request.POST.get("comment", ""))  # fmt: skip
    if outcome.ok:
        messages.success(request, f"已{FLOW[action].label}")
    return redirect("enforcement:plan_detail", pk=pk)


@login_required
def plan_export(request, pk):
    plan_obj = _plan(request.user, pk)
    rows, month_totals, total = plan_table(request.user, plan_obj)
    data = exports_plan.plan_workbook(plan_obj, rows, month_totals, total)
    return xlsx_response(data, f"{plan_obj.name}.xlsx")


@login_required
def plan_progress(request):
    """This year's completed inspections in the user's scope (the 工作台 item opens this list: its count is
    these rows), with the plan's figures above."""
    _require(request.user, "view", InspectionPlan)
    today = timezone.localdate()
    code = getattr(request.user, "region_id", "") or ""
    done = services_plan.done_inspections(request.user, today.year, county_of(code)).select_related(
        "enterprise", "department"
    )
    page = Paginator(done.order_by("-inspected_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    _count, note = services_plan.workbench_summary(request.user, today)
    context = {
        "page": page,
        "note": note,
        "year": today.year,
        "plan": services_plan.the_plan(request.user, today.year),
    }
    return render(request, "enforcement/plan/plan_progress.html", context)
