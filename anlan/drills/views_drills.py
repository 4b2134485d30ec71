"""Drill pages: the list by month (filters year, organiser, status, form), planning a drill, its page
(record, timeline with photos, cancel, problems, the evaluation), the evaluation form, the 演练问题整改 list and
the compliance table by year (with its Excel export). Rows only through `restrict(user, action)`: a drill
outside the user's scope is a 404."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import xlsx_response, year_param
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from . import compliance, forms, indicators
from . import services_drills as services
from .models import Drill, DrillLogEntry, DrillProblem
from .workflow import FLOW

COMPLIANCE_READERS = frozenset(
    {*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR, Role.ENTERPRISE_USER, Role.VIEWER}
)
register_link(MenuLink("预案演练", "应急演练", "drills:drill_list", Drill, "view", 103))
register_link(MenuLink("预案演练", "演练问题整改", "drills:problem_list", DrillProblem, "view", 104))
register_link(MenuLink("预案演练", "演练达标情况", "drills:compliance", Drill, "view", 105, roles=COMPLIANCE_READERS))

PER_PAGE = 50


def _drill(user, pk, action="view") -> Drill:
    if action != "view" and not role_allows(user, action, Drill):
        raise PermissionDenied("您的角色不能登记或修改演练")
    qs = Drill.objects.restrict(user, action).select_related("plan", "region", "department", "enterprise")
    return get_object_or_404(qs, pk=pk)


def _year(request) -> int:
    return year_param(request, ahead=1)


def _organiser_label(drill: Drill) -> str:
    if drill.enterprise_id:
        return drill.enterprise.name
    if drill.department_id:
        return drill.department.name
    return drill.region.name


# ---------------------------------------------------------------- list and planning


@login_required
def drill_list(request):
    year = _year(request)
    day = Q(held_on__year=year) | Q(held_on__isnull=True, planned_on__year=year)
    qs = (
        Drill.objects.restrict(request.user)
        .filter(day)
        .select_related("plan", "region", "department", "enterprise")
        .defer("region__boundary")  # the region's name only
    )
    township = request.GET.get("township", "")
    department = request.GET.get("department", "")
    status = request.GET.get("status", "")
    form = request.GET.get("form", "")
    if township.isdigit() and len(township) == 12:
        qs = qs.filter(region__pk__startswith=township[:9], department__isnull=True, enterprise__isnull=True)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if status in Drill.Status.values:
        qs = qs.filter(status=status)
    if form in Drill.Form.values:
        qs = qs.filter(form=form)
    drills = sorted(qs, key=lambda d: (d.held_on or d.planned_on, d.pk))
    months = [
        (month, [(d, _organiser_label(d)) for d in group])
        for month, group in groupby(drills, key=lambda d: (d.held_on or d.planned_on).month)
    ]
    county = (request.user.region_id or "")[:6]
    context = {
        "months": months,
        "total": len(drills),
        "year": year,
        "years": list(range(timezone.localdate().year + 1, 2019, -1)),
        "township": township,
        "townships": Region.objects.filter(code__startswith=county, level=RegionLevel.TOWNSHIP).order_by("code"),
        "department": department,
        "departments": Department.objects.filter(code__startswith=county).order_by("code") if county else [],
        "status": status,
        "statuses": Drill.Status.choices,
        "form": form,
        "forms": Drill.Form.choices,
        "may_create": role_allows(request.user, "add", Drill),
    }
    return render(request, "drills/drill_list.html", context)


@login_required
def drill_create(request):
    if not role_allows(request.user, "add", Drill):
        raise PermissionDenied("您的角色不能组织演练")
    form = forms.DrillForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            drill = services.drill_create(
                actor=request.user, drill=form.save(commit=False), departments=form.cleaned_data.get("departments")
            )
        if outcome.ok:
            messages.success(request, "演练计划已保存；演练结束后请登记实施情况")
            return redirect("drills:drill_detail", pk=drill.pk)
    return render(request, "drills/drill_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def drill_edit(request, pk):
    drill = _drill(request.user, pk)
    if not services.may_change(request.user, drill) or drill.status != Drill.Status.PLANNED:
        raise PermissionDenied("只有组织单位可以修改计划中的演练")
    form = forms.DrillForm(request.POST or None, instance=drill, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services.drill_update(
                actor=request.user, drill=form.save(commit=False), departments=form.cleaned_data.get("departments")
            )
        if outcome.ok:
            messages.success(request, "演练计划已修改")
            return redirect("drills:drill_detail", pk=drill.pk)
    context = {"form": form, "drill": drill}
    return render(request, "drills/drill_form.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- the drill's page and its steps


@login_required
def drill_detail(request, pk):
    drill = _drill(request.user, pk)
    may_change = role_allows(request.user, "change", Drill) and services.may_change(request.user, drill)
    steps = {t.action for t in FLOW.allowed(request.user, drill)} if may_change else set()
    evaluation = getattr(drill, "evaluation", None)  # the reverse one-to-one raises an AttributeError if absent
    context = {
        "drill": drill,
        "organiser": _organiser_label(drill),
        "departments": list(drill.departments.order_by("code")),
        "log": list(drill.log.all()),
        "problems": list(drill.problems.select_related("department", "revision_trigger")),
        "evaluation": evaluation,
        "steps": steps,
        "may_change": may_change and drill.status != Drill.Status.CANCELLED,
        "record_form": forms.RecordForm(initial={"held_on": drill.planned_on, "attendance": drill.planned_headcount}),
        "cancel_form": forms.CancelForm(),
        "log_form": forms.LogForm(),
        "problem_form": forms.ProblemForm(user=request.user),
        "today": timezone.localdate(),
    }
    return render(request, "drills/drill_detail.html", context)


@login_required
@require_POST
def drill_record(request, pk):
    drill = _drill(request.user, pk, "change")
    form = forms.RecordForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("drills:drill_detail", pk=pk)
    with shown_on(request) as outcome:
        services.drill_record(actor=request.user, drill=drill, **form.cleaned_data)
    if outcome.ok:
        messages.success(request, "已登记实施情况；请填写评估表")
    return redirect("drills:drill_detail", pk=pk)


@login_required
@require_POST
def drill_cancel(request, pk):
    drill = _drill(request.user, pk, "change")
    with shown_on(request) as outcome:
        services.drill_cancel(actor=request.user, drill=drill, reason=request.POST.get("reason", ""))
    if outcome.ok:
        messages.success(request, "演练已取消")
    return redirect("drills:drill_detail", pk=pk)


@login_required
@require_POST
def log_add(request, pk):
    drill = _drill(request.user, pk, "change")
    form = forms.LogForm(request.POST, request.FILES)
    if form.is_valid():
        with shown_on(request) as outcome:
            services.log_add(actor=request.user, drill=drill, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "已添加演练记录")
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    return redirect("drills:drill_detail", pk=pk)


@login_required
def log_photo(request, pk, entry_pk):
    entry = get_object_or_404(DrillLogEntry.objects.restrict(request.user), pk=entry_pk, drill_id=pk)
    if not entry.photo:
        raise PermissionDenied("该记录没有照片")
    return serve_upload(entry.photo, entry.photo_name)


@login_required
@require_POST
def problem_add(request, pk):
    drill = _drill(request.user, pk, "change")
    form = forms.ProblemForm(request.POST, user=request.user)
    if form.is_valid():
        with shown_on(request) as outcome:
            problem = services.problem_add(actor=request.user, drill=drill, **form.cleaned_data)
        if outcome.ok:
            extra = "，并已登记为预案修订情形" if problem.revision_trigger_id else ""
            messages.success(request, f"已登记问题{extra}")
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    return redirect("drills:drill_detail", pk=pk)


@login_required
@require_POST
def problem_done(request, problem_pk):
    problem = get_object_or_404(DrillProblem.objects.restrict(request.user, "view"), pk=problem_pk)
    _drill(request.user, problem.drill_id, "change")
    form = forms.ProblemDoneForm(request.POST)
    if form.is_valid():
        with shown_on(request) as outcome:
            services.problem_done(actor=request.user, problem=problem, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "已记录整改完成")
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("drills:problem_list")
    return redirect("drills:drill_detail", pk=problem.drill_id)


@login_required
def drill_evaluate(request, pk):
    drill = _drill(request.user, pk, "change")
    if not FLOW.can(request.user, drill, "evaluate"):
        messages.error(request, f"当前状态为“{drill.get_status_display()}”，登记实施情况后才能评估")
        return redirect("drills:drill_detail", pk=pk)
    defaults = indicators.default_indicators(drill.form)
    count = len(defaults) + forms.EXTRA_INDICATOR_ROWS
    form = forms.EvaluationForm(request.POST or None, initial={"evaluated_on": timezone.localdate()})
    filled = forms.indicator_rows(request.POST, count) if request.method == "POST" else defaults
    observations = forms.observation_rows(request.POST) if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        with shown_on(form, whole_form=True) as outcome:
            services.drill_evaluate(
                actor=request.user,
                drill=drill,
                indicators_filled=filled,
                observations=observations,
                **form.cleaned_data,
            )
        if outcome.ok:
            messages.success(request, "评估已保存；请登记发现的问题并明确整改责任")
            return redirect("drills:drill_detail", pk=pk)
    rows = filled + [{"key": "", "name": "", "weight": None, "score": None}] * (count - len(filled))
    obs = observations + [{"at": "", "observer": "", "text": ""}] * (forms.OBSERVATION_ROWS - len(observations))
    context = {
        "drill": drill,
        "form": form,
        "indicator_rows": list(enumerate(rows[:count])),
        "observation_rows": list(enumerate(obs[: forms.OBSERVATION_ROWS])),
        "bands": indicators.bands(),
        "annex": "附录A（实战演练）" if drill.form == Drill.Form.LIVE else "附录B（桌面演练）",
    }
    return render(request, "drills/evaluation_form.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- 演练问题整改


@login_required
def problem_list(request):
    qs = DrillProblem.objects.restrict(request.user).select_related("drill", "department")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "true"
    if overdue:
        qs = services.problems_overdue(request.user).select_related("drill", "department")
    elif status in DrillProblem.Status.values:
        qs = qs.filter(status=status)
    department = request.GET.get("department", "")
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    page = Paginator(qs.order_by("status", "due_on", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    writable = set()
    if role_allows(request.user, "change", Drill):
        drill_ids = {p.drill_id for p in page}
        writable = set(
            Drill.objects.restrict(request.user, "change").filter(pk__in=drill_ids).values_list("pk", flat=True)
        )
    figures = DrillProblem.objects.restrict(request.user).aggregate(
        open=Count("pk", filter=Q(status=DrillProblem.Status.OPEN)),
        done=Count("pk", filter=Q(status=DrillProblem.Status.DONE)),
    )
    county = (request.user.region_id or "")[:6]
    context = {
        "page": page,
        "rows": [(p, p.drill_id in writable) for p in page],
        "status": status,
        "overdue": overdue,
        "statuses": DrillProblem.Status.choices,
        "department": department,
        "departments": Department.objects.filter(code__startswith=county).order_by("code") if county else [],
        "figures": figures,
        "today": timezone.localdate(),
        "querystring": _without_page(request),
    }
    return render(request, "drills/problem_list.html", context)


# ---------------------------------------------------------------- compliance by year


@login_required
def compliance_page(request):
    if not (request.user.is_superuser or request.user.role in COMPLIANCE_READERS):
        raise PermissionDenied("演练达标情况供县级、乡镇（街道）、部门和企业查看")
    today = timezone.localdate()
    year = min(_year(request), today.year)
    rows = services.compliance_table(request.user, year, today)
    # By category as listed, the late and due first within each: what needs acting on is on top.
    order = {category: i for i, category in enumerate(dict.fromkeys(r.category for r in rows))}
    rows.sort(key=lambda r: (order[r.category], -compliance.SEVERITY[r.status]))
    due_only = request.GET.get("due") == "true"
    shown = [r for r in rows if r.flagged] if due_only else rows
    category = request.GET.get("category", "")
    if category:
        shown = [r for r in shown if r.category == category]
    if request.GET.get("export") == "xlsx":
        data = excel.table_workbook(
            f"{year}年演练达标情况", services.COMPLIANCE_HEADERS, [services.compliance_cells(r) for r in shown]
        )
        return xlsx_response(data, f"演练达标情况_{year}_{today:%Y%m%d}.xlsx")
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    context = {
        "page": page,
        "year": year,
        "years": list(range(today.year, 2019, -1)),
        "as_of": compliance.as_of(year, today),
        "counts": compliance.counts(rows),
        "labels": compliance.STATUS_LABELS,
        "due_only": due_only,
        "category": category,
        "categories": list(dict.fromkeys(r.category for r in rows)),
        "local_yearly": services.local_yearly(),
        "querystring": _without_page(request),
        "export_query": (params.urlencode() + "&" if params else "") + "export=xlsx",
    }
    return render(request, "drills/compliance.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
