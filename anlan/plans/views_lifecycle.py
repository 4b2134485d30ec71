"""Plan pages (预案演练 menu): the list with its life-cycle flags, a plan's page (document and versions, 备案,
评估, revision triggers), the plan form, and the county's 备案 check queue. Thin: every rule is in
services_lifecycle / rules / status; scope is `Plan.objects.restrict(user, action)` and a plan out of scope
is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Q, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import PAGE_SIZE, docx_response
from anlan.core.workdays import HOLIDAY_NOTE
from anlan.geo.models import Region, RegionLevel

from . import rules, services, status
from . import services_lifecycle as lifecycle
from .forms import EvaluationForm, PlanFilter, PlanForm, PublishForm, ReturnForm, TriggerForm, VersionForm
from .models import Plan, PlanEvaluation, PlanFiling, PlanVersion, RevisionTrigger

MENU_GROUP = "预案演练"
register_link(MenuLink(MENU_GROUP, "应急预案", "plans:plan_list", Plan, "view", 100))
register_link(
    MenuLink(MENU_GROUP, "预案备案审查", "plans:filing_queue", PlanFiling, "view", 101, roles=lifecycle.COUNTY_ROLES)
)

UNVERIFIED_NOTE = (
    "政府预案的定期评估周期按设置（默认 3 年）：2024 年《突发事件应急预案管理办法》相应条款未核实。"
    "备案审查时限 5 个工作日来自二手资料。"
)


def _plans(user, action: str = "view"):
    if not role_allows(user, "view", Plan):
        raise PermissionDenied("您的角色不能查看应急预案")
    return Plan.objects.restrict(user, action)


def _plan(user, pk, action: str = "view") -> Plan:
    found = _plans(user, action).filter(pk=pk).select_related("region", "department", "enterprise").first()
    if found is None:
        raise Http404("未找到该预案")
    return found


def _may_change(user, plan) -> bool:
    return role_allows(user, "change", Plan) and Plan.objects.restrict(user, "change").filter(pk=plan.pk).exists()


# ---------------------------------------------------------------- list


@login_required
def plan_list(request):
    """Plans in scope, filtered by kind, owner region, department/enterprise and the life-cycle flags; the
    flags' counts are shown above (the 工作台 opens this list with ?status=…)."""
    # Government plans first, in the order of the plan system (总体, 专项, 部门, 乡镇, 村), then enterprises'.
    rank = Case(*(When(kind=value, then=i) for i, value in enumerate(Plan.Kind.values)), default=99)
    qs = _plans(request.user).select_related("region", "department", "enterprise")
    qs = qs.annotate(rank=rank).order_by("rank", "region_id", "name")
    form = PlanFilter(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    if chosen.get("kind"):
        qs = qs.filter(kind=chosen["kind"])
    if chosen.get("region"):
        qs = qs.filter(region__pk__startswith=region_prefix(chosen["region"]))
    if chosen.get("owner"):
        owner = chosen["owner"].strip()
        qs = qs.filter(Q(department__name__contains=owner) | Q(enterprise__name__contains=owner))
    if chosen.get("q"):
        qs = qs.filter(name__contains=chosen["q"].strip())
    today = timezone.localdate()
    flag = chosen.get("status") or ""
    if flag:
        qs = qs.filter(pk__in=status.matching(qs, flag, today))
    counts = {key: len(status.matching(_plans(request.user), key, today)) for key in status.STATUS_FILTERS}
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    states = status.states(Plan.objects.filter(pk__in=[p.pk for p in page]), today)
    context = {
        "form": form,
        "page": page,
        "rows": [(p, states[p.pk]) for p in page],
        "flags": [(key, label, counts[key]) for key, label in status.STATUS_FILTERS.items()],
        "flag": flag,
        "may_add": role_allows(request.user, "add", Plan),
        "kinds": Plan.Kind.choices,
        "regions": _owner_regions(request.user),
    }
    return render(request, "plans/plan_list.html", context)


def _owner_regions(user):
    """The county and townships a user may filter by (an enterprise user has one owner: none offered)."""
    if getattr(user, "enterprise_id", None):
        return []
    prefix = "" if user.is_superuser else region_prefix(user.region_id or "")
    levels = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
    return list(Region.objects.filter(code__startswith=prefix, level__in=levels).order_by("code"))


# ---------------------------------------------------------------- a plan's page


def _response_table_url(plan) -> str:
    try:
        return reverse("plans:response_table", args=[plan.pk])
    except NoReverseMatch:  # the response-table pages are another part's; hidden until they exist
        return ""


@login_required
def plan_detail(request, pk):
    plan = _plan(request.user, pk)
    state = status.states(Plan.objects.filter(pk=plan.pk))[plan.pk]
    may_change = _may_change(request.user, plan)
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("-number"))
    filings = list(PlanFiling.objects.filter(plan=plan).select_related("version").order_by("-submitted_at", "-id"))
    facts = rules.UnitFacts.of(plan.enterprise)
    context = {
        "plan": plan,
        "state": state,
        "kinds": plan.kinds.all(),
        "versions": versions,
        "current": versions[0] if versions else None,
        "filings": filings,
        "evaluations": PlanEvaluation.objects.filter(plan=plan).order_by("-evaluated_on", "-id"),
        "triggers": RevisionTrigger.objects.filter(plan=plan).select_related("resolved_by"),
        "may_change": may_change,
        "may_check": lifecycle.is_county(request.user),
        "may_submit": may_change and state.filing in ("due", "late", "returned"),
        "review_default": rules.default_review_mode(plan.kind, facts),
        "evaluation_default": rules.default_evaluation_years(plan.kind, facts),
        "response_url": _response_table_url(plan),
        "version_form": VersionForm(plan=plan),
        "publish_form": PublishForm(initial={"published_on": plan.published_on or timezone.localdate()}),
        "evaluation_form": EvaluationForm(initial={"evaluated_on": timezone.localdate()}),
        "trigger_form": TriggerForm(),
        "return_form": ReturnForm(),
        "holiday_note": HOLIDAY_NOTE,
        "unverified": UNVERIFIED_NOTE,
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_form(request, pk=None):
    plan = _plan(request.user, pk, "change") if pk else None
    if not role_allows(request.user, "change" if plan else "add", Plan):
        raise PermissionDenied("您的角色不能编制或修改应急预案")
    initial = {}
    if plan:
        initial = {name: getattr(plan, name) for name in lifecycle.PLAN_EDIT_FIELDS if name != "published_on"}
        initial["kinds"] = list(plan.kinds.all())
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kinds, reason = data.pop("kinds"), data.pop("review_reason")
        with shown_on(form) as outcome:
            saved = lifecycle.plan_save(actor=request.user, plan=plan, kinds=kinds, review_reason=reason, **data)
        if outcome.ok:
            messages.success(request, f"已保存：{saved.name}（{saved.get_review_mode_display()}）")
            return redirect("plans:plan_detail", pk=saved.pk)
    context = {"form": form, "plan": plan, "title": f"修改：{plan.name}" if plan else "新建应急预案"}
    return render(request, "plans/plan_form.html", context, status=400 if form.errors else 200)


def _post_form(request, form, on_valid, success: str, pk):
    """A form posted from the plan's page: done → back to the page with a message; refused → the message."""
    if form.is_valid():
        with shown_on(form) as outcome:
            on_valid(form.cleaned_data)
        if outcome.ok:
            messages.success(request, success)
            return redirect("plans:plan_detail", pk=pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return redirect("plans:plan_detail", pk=pk)


@login_required
@require_POST
def version_add(request, pk):
    plan = _plan(request.user, pk, "change")
    form = VersionForm(request.POST, request.FILES, plan=plan)
    return _post_form(
        request,
        form,
        lambda d: lifecycle.version_add(
            actor=request.user,
            plan=plan,
            upload=d["file"],
            note=d["note"],
            published_on=d["published_on"],
            resolves=d.get("resolves") or (),
        ),
        "已上传新版本",
        pk,
    )


@login_required
@require_POST
def plan_publish(request, pk):
    plan = _plan(request.user, pk, "change")
    form = PublishForm(request.POST)
    return _post_form(
        request,
        form,
        lambda d: lifecycle.plan_publish(actor=request.user, plan=plan, published_on=d["published_on"]),
        "已登记公布日期",
        pk,
    )


@login_required
def version_file(request, pk, number):
    plan = _plan(request.user, pk)
    version = PlanVersion.objects.filter(plan=plan, number=number).first()
    if version is None:
        raise Http404("未找到该版本")
    return serve_upload(version.file, version.file_name)


@login_required
def evaluation_report(request, pk):
    evaluation = PlanEvaluation.objects.restrict(request.user, "view").filter(pk=pk).first()
    if evaluation is None or not evaluation.report:
        raise Http404("未找到该评估报告")
    return serve_upload(evaluation.report, evaluation.report_name)


@login_required
@require_POST
def evaluation_add(request, pk):
    plan = _plan(request.user, pk, "change")
    form = EvaluationForm(request.POST, request.FILES)
    return _post_form(
        request,
        form,
        lambda d: lifecycle.evaluation_record(actor=request.user, plan=plan, **d),
        "已登记评估",
        pk,
    )


@login_required
@require_POST
def trigger_add(request, pk):
    plan = _plan(request.user, pk)
    form = TriggerForm(request.POST)
    return _post_form(
        request,
        form,
        lambda d: services.trigger_add(actor=request.user, plan=plan, **d),
        "已登记修订情形，预案编制单位修订时处理",
        pk,
    )


# ---------------------------------------------------------------- 备案


@login_required
@require_POST
def filing_submit(request, pk):
    plan = _plan(request.user, pk, "change")
    with shown_on(request) as outcome:
        filing = lifecycle.filing_submit(actor=request.user, plan=plan)
    if outcome.ok:
        messages.success(request, f"已报送备案，县应急管理局将在 {filing.check_due_on:%m月%d日} 前审查")
    return redirect("plans:plan_detail", pk=pk)


def _filing(user, pk) -> PlanFiling:
    found = PlanFiling.objects.restrict(user, "view").filter(pk=pk).select_related("plan", "version").first()
    if found is None:
        raise Http404("未找到该备案")
    return found


@login_required
@require_POST
def filing_check(request, pk, step):
    filing = _filing(request.user, pk)
    if step == "file":
        with shown_on(request) as outcome:
            filing = lifecycle.filing_file(actor=request.user, filing=filing)
        if outcome.ok:
            messages.success(request, f"已备案，编号 {filing.number}；可下载备案登记表")
    elif step == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请逐项写明需要补正的材料")
        else:
            with shown_on(request) as outcome:
                missing = form.cleaned_data["missing_items"]
                lifecycle.filing_return(actor=request.user, filing=filing, missing_items=missing)
            if outcome.ok:
                messages.success(request, "已退回补正，报备单位补齐材料后重新报送")
    else:
        raise Http404("未知的审查步骤")
    back = request.POST.get("back") == "queue"
    return redirect("plans:filing_queue") if back else redirect("plans:plan_detail", pk=filing.plan_id)


@login_required
def registration_form(request, pk):
    filing = _filing(request.user, pk)
    if filing.status != PlanFiling.Status.FILED:
        raise Http404("该预案尚未备案")
    return docx_response(lifecycle.registration_form(filing), f"备案登记表-{filing.plan.name}.docx")


@login_required
def filing_queue(request):
    """The county's 待审查 filings, nearest check deadline first (overdue checks on top)."""
    if not lifecycle.is_county(request.user):
        raise PermissionDenied("备案审查由县应急管理局办理")
    qs = (
        PlanFiling.objects.restrict(request.user, "view")
        .filter(status=PlanFiling.Status.SUBMITTED)
        .select_related("plan", "plan__enterprise", "plan__department", "plan__region", "version")
        .order_by("check_due_on", "submitted_at", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "page": page,
        "today": today,
        "overdue": sum(1 for f in page if f.check_due_on < today),
        "return_form": ReturnForm(),
        "holiday_note": HOLIDAY_NOTE,
    }
    return render(request, "plans/filing_queue.html", context)
