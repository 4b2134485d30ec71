"""Pages of 灾情统计报送: processes (list, new, page), the county's report form, township returns with their
review and approval, and the village 灾害信息员's phone entry. Thin: every rule is in services.py; refusals
come back through `shown_on` or, for figures, as the errors of the fields they name."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.regioncodes import county_of, region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, Role, role_allows
from anlan.core.scoping import region_in_scope
from anlan.core.views import PAGE_SIZE
from anlan.geo.models import Region, RegionLevel

from . import clocks, indicators, selectors, services, transfer, workflow
from .completeness import final_blockers
from .forms import CommentForm, ProcessForm, figure_inputs, figures_from
from .models import DisasterProcess, DisasterReport, TownshipReturn, VillageEntry

register_link(
    MenuLink("灾情与救助", "灾情统计报送", "disasters:process_list", DisasterProcess, "view", 82, regional=True)
)
# The 工作台's "灾情待报送" opens this list (a page the menu offers, as every 工作台 link is).
register_link(
    MenuLink("灾情与救助", "待报送灾情", "disasters:process_owed", DisasterProcess, "view", 82, roles=COUNTY_ROLES)
)
register_link(
    MenuLink(
        "灾情与救助", "村级灾情填报", "disasters:village_list", VillageEntry, "add", 83,
        roles=frozenset({Role.VILLAGE_WORKER, Role.TOWNSHIP_OPERATOR}),
    )
)  # fmt: skip

Stage = DisasterReport.Stage


def _county(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") in COUNTY_ROLES


def _process(user, pk, action: str = "view") -> DisasterProcess:
    if not role_allows(user, "view", DisasterProcess):
        raise PermissionDenied("您的角色不能查看灾情统计")
    found = selectors.processes(user, action).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该灾害过程")
    return found


def _clock_view(process, now) -> dict | None:
    clock = selectors.clock_of(process, now)
    if clock is None:
        return None
    minutes = (clock.due - now).total_seconds() / 60
    return {
        "label": clock.label,
        "due": clock.due,
        "left": clocks.time_left(clock.due, now),
        "state": "overdue" if minutes < 0 else ("soon" if minutes < 60 else ""),
    }


# ---------------------------------------------------------------- processes


@login_required
def process_list(request, owed: bool = False):
    """All processes of the scope; `owed` (the 工作台's link): those owing a report now."""
    if not role_allows(request.user, "view", DisasterProcess):
        raise PermissionDenied("您的角色不能查看灾情统计")
    qs = selectors.processes(request.user).order_by("-started_at", "pk")
    if owed:
        qs = qs.filter(pk__in=[p.pk for p, _ in selectors.reports_owed(request.user)])
    status = request.GET.get("status", "")
    if status in DisasterProcess.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for process in page:
        reports = list(process.reports.all())
        rows.append(
            {
                "process": process,
                "townships": [r.name for r in process.regions.all()],
                "clock": _clock_view(process, now),
                "reports": len(reports),
                "escalate": any(r.escalate for r in reports),
                "totals": reports[-1].totals if reports else {},
            }
        )
    context = {
        "rows": rows,
        "page": page,
        "status": status,
        "statuses": DisasterProcess.Status.choices,
        "may_create": _county(request.user),
        "owed": owed,
        "note": clocks.unverified_note(),
    }
    return render(request, "disasters/process_list.html", context)


@login_required
def process_create(request):
    if not _county(request.user):
        raise PermissionDenied("新建灾害过程须由县级应急管理部门办理")
    county = county_of(request.user.region_id or "")
    form = ProcessForm(request.POST or None, county_code=county)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            process = services.create_process(actor=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, f"已新建灾害过程，初报时限 {timezone.localtime(process.initial_due):%m-%d %H:%M}")
            return redirect("disasters:process_detail", pk=process.pk)
    return render(
        request,
        "disasters/process_form.html",
        {"form": form, "title": "新建灾害过程"},
        status=400 if form.errors else 200,
    )


@login_required
def process_detail(request, pk):
    process = _process(request.user, pk)
    now = timezone.now()
    total = services.totals(process)
    table = selectors.township_table(process)
    reports = list(process.reports.all())
    submitters = dict(DisasterReport.objects.filter(process=process).values_list("pk", "submitted_by__username"))
    context = {
        "process": process,
        "clock": _clock_view(process, now),
        "groups": selectors.grouped(total),
        "core": [i for i in indicators.INDICATORS if i.in_contract],
        "table": [
            {
                "t": t,
                "core": [(t.values or {}).get(i.name, "") for i in indicators.INDICATORS if i.in_contract],
                "next": selectors.next_action(t.ret),
            }
            for t in table
        ],
        "reports": [(r, submitters.get(r.pk) or "") for r in reversed(reports)],
        "escalate": any(r.escalate for r in reports),
        "escalate_text": services.ESCALATE_TEXT,
        "may_report": _county(request.user),
        "may_keep_returns": request.user.is_superuser or request.user.role in LOCAL_REGISTRY_ROLES,
        "note": clocks.unverified_note(),
        "user_township": township_of(request.user.region_id or ""),
    }
    return render(request, "disasters/process_detail.html", context)


@login_required
@require_POST
def process_stable(request, pk):
    process = _process(request.user, pk, "change")
    with shown_on(request) as outcome:
        services.mark_stable(actor=request.user, process=process)
    if outcome.ok:
        messages.success(request, "已确认灾情稳定：不再需要每日续报，请在时限内报送核报")
    return redirect("disasters:process_detail", pk=pk)


# ---------------------------------------------------------------- the county's report


def _stage_choices(process, stages: set[str]) -> list[tuple[str, str]]:
    if process.status == DisasterProcess.Status.FINAL:
        return [(Stage.CORRECTION, "核报更正")]
    if not stages:
        return [(Stage.INITIAL, "初报")]
    return [(Stage.UPDATE, "续报"), (Stage.FINAL, "核报")]


@login_required
def report_form(request, pk):
    if not _county(request.user):
        raise PermissionDenied("灾情报送须由县级应急管理部门办理")
    process = _process(request.user, pk, "change")
    townships = list(process.regions.all().order_by("code"))
    stages = {r.stage for r in process.reports.all()}
    choices = _stage_choices(process, stages)
    latest = {row.region_id: indicators.add_rows([row]) for row in services.latest_rows(process)}
    compiled = request.GET.get("from") == "returns"
    values = dict(latest)
    included = {t.code for t in townships} if choices[0][0] != Stage.CORRECTION else set()
    if compiled:  # 生成续报: the approved returns fill the rows (and only their townships are listed)
        rows = services.compile_rows(process)
        values.update({row["region"]: row for row in rows})
        included = {row["region"] for row in rows}
    errors: dict[str, dict] = {}
    stage, reason = request.GET.get("stage") or choices[0][0], ""
    if request.method == "POST":
        stage, reason = request.POST.get("stage", ""), request.POST.get("reason", "")
        included = {t.code for t in townships if request.POST.get(f"include-{t.code}")}
        posted = {t.code: figures_from(request.POST, f"{t.code}-") for t in townships}
        values = posted
        order = [t.code for t in townships if t.code in included]
        rows = [{"region": code, **posted[code]} for code in order]
        with shown_on(request) as outcome:
            if stage == Stage.CORRECTION:
                report = services.correct_report(actor=request.user, process=process, rows=rows, reason=reason)
            else:
                report = services.submit_report(actor=request.user, process=process, stage=stage, rows=rows)
        if outcome.ok:
            label = report.get_stage_display() + ("（零报告）" if report.zero_report else "")
            messages.success(request, f"已报送{label}（第 {report.number} 次）")
            if report.escalate:
                messages.warning(request, services.ESCALATE_TEXT)
            return redirect("disasters:process_detail", pk=pk)
        if isinstance(outcome.refused, services.RowErrors):
            errors = {order[int(i)]: fields for i, fields in outcome.refused.rows.items() if int(i) < len(order)}
    columns = [
        {
            "code": t.code,
            "name": t.name,
            "included": t.code in included,
            "error": next(iter(errors.get(t.code, {}).values()), ""),
            "groups": figure_inputs(f"{t.code}-", values.get(t.code), errors.get(t.code)),
        }
        for t in townships
    ]
    # Rows: indicator by indicator, one input per township (the national table's layout, townships across).
    grid = []
    for g_index, group in enumerate(indicators.GROUPS):
        items = [i for i in indicators.INDICATORS if i.group == group]
        rows_out = []
        for i_index, indicator in enumerate(items):
            rows_out.append(
                {"indicator": indicator, "cells": [c["groups"][g_index]["items"][i_index] for c in columns]}
            )
        grid.append({"group": group, "rows": rows_out})
    context = {
        "process": process,
        "choices": choices,
        "stage": stage,
        "reason": reason,
        "columns": columns,
        "grid": grid,
        "compiled": compiled,
        "approved": TownshipReturn.objects.filter(process=process, status=workflow.APPROVED).count(),
        "clock": _clock_view(process, timezone.now()),
        # 核报 is accepted with materials missing (completeness.py says why); the form says what is missing.
        "final_blockers": final_blockers(process) if any(v == Stage.FINAL for v, _ in choices) else [],
    }
    return render(request, "disasters/report_form.html", context, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- township returns


def _township(process, code: str) -> Region:
    region = process.regions.filter(code=code).first()
    if region is None:
        raise Http404("该乡镇（街道）不在本次灾害过程的受灾范围内")
    return region


def _prefill_evacuated(groups, evacuated: int, prefill: bool) -> None:
    """紧急避险转移人口 from the transfer lists (transfer.evacuated_by_township): shown beside the field as a
    reference, and proposed as its value while the return has none — the township confirms it by saving."""
    if not evacuated:
        return
    for item in (i for g in groups for i in g["items"] if i["name"] == "evacuated"):
        item["hint"] = f"避险转移清单已转移 {evacuated} 人"
        if prefill and not item["value"]:
            item["value"] = str(evacuated)


@login_required
def return_form(request, pk, code):
    """A township's return: its figures (direct or summed from the villages), 审核, 审定 or 退回, timeline."""
    process = _process(request.user, pk)
    township = _township(process, code)
    if not (_county(request.user) or region_in_scope(request.user, code)):
        raise Http404("未找到该乡镇灾情填报")  # another township's figures: as if they did not exist
    ret = TownshipReturn.objects.filter(process=process, region=township).first()
    may_edit = (
        (request.user.is_superuser or request.user.role in LOCAL_REGISTRY_ROLES)
        and region_in_scope(request.user, code)
        and process.status == DisasterProcess.Status.OPEN
    )
    errors = {}
    values = indicators.add_rows([ret]) if ret else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("只能填报本乡镇（街道）的灾情")
        with shown_on(request) as outcome:
            if "sum_villages" in request.POST:
                ret = services.return_sum_villages(actor=request.user, process=process, township=township)
                done = "已汇总村级数据，请核对后审核"
            else:
                values = figures_from(request.POST)
                ret = services.return_save(actor=request.user, process=process, township=township, raw=values)
                done = "已保存乡镇灾情数据"
        if outcome.ok:
            messages.success(request, done)
            return redirect("disasters:return_form", pk=pk, code=code)
        if isinstance(outcome.refused, services.FigureErrors):
            errors = outcome.refused.errors
            messages.error(request, "数据有误，请按提示修改")  # the figure's own message is under its field
    groups = figure_inputs("", values, errors)
    _prefill_evacuated(groups, transfer.evacuated_by_township(process).get(code, 0), may_edit and not errors)
    village_sum, village_count = services.village_totals(process, code)
    entries = VillageEntry.objects.filter(process=process, region__pk__startswith=region_prefix(code)).select_related(
        "region", "entered_by"
    )
    context = {
        "process": process,
        "township": township,
        "ret": ret,
        "may_edit": may_edit,
        "groups": groups,
        "steps": workflow.FLOW.allowed(request.user, ret) if ret and process.status == "open" else [],
        "comment_form": CommentForm(),
        "timeline": selectors.timeline(ret) if ret else [],
        "entries": entries,
        "village_count": village_count,
        "village_groups": selectors.grouped(village_sum),
        "next": selectors.next_action(ret),
        "not_editable": not may_edit,
    }
    return render(request, "disasters/return_form.html", context, status=400 if errors else 200)


@login_required
def return_detail(request, pk):
    ret = get_object_or_404(TownshipReturn.objects.restrict(request.user, "view"), pk=pk)
    return redirect("disasters:return_form", pk=ret.process_id, code=ret.region_id)


@login_required
@require_POST
def return_step(request, pk, action):
    ret = get_object_or_404(TownshipReturn.objects.restrict(request.user, "view"), pk=pk)
    with shown_on(request) as outcome:
        services.return_step(actor=request.user, ret=ret, action=action, comment=request.POST.get("comment", ""))
    if outcome.ok:
        messages.success(request, f"已{workflow.FLOW.transition(action).label}")
    return redirect("disasters:return_form", pk=ret.process_id, code=ret.region_id)


# ---------------------------------------------------------------- village entries (phone)


def _my_villages(user):
    villages = Region.objects.filter(level=RegionLevel.VILLAGE)
    if user.is_superuser:
        return villages.none()
    return villages.filter(code__startswith=region_prefix(user.region_id or "x")).order_by("code")


@login_required
def village_list(request):
    """The 灾害信息员's page: the open processes that hit his township and his villages' entries."""
    if not role_allows(request.user, "add", VillageEntry):
        raise PermissionDenied("您的角色不能填报村级灾情")
    villages = list(_my_villages(request.user)[:200])
    townships = {township_of(v.code) for v in villages}
    processes = (
        selectors.processes(request.user)
        .filter(status=DisasterProcess.Status.OPEN, regions__code__in=townships)
        .distinct()
        .order_by("-started_at")
    )
    entered = set(
        VillageEntry.objects.filter(process__in=processes, region__in=villages).values_list("process_id", "region_id")
    )
    rows = [
        {
            "process": p,
            "villages": [
                {"village": v, "entered": (p.pk, v.code) in entered}
                for v in villages
                if township_of(v.code) in {r.code for r in p.regions.all()}
            ],
        }
        for p in processes
    ]
    return render(request, "disasters/village_list.html", {"rows": rows})


@login_required
def village_entry(request, pk, code):
    process = _process(request.user, pk)
    village = get_object_or_404(_my_villages(request.user), code=code)
    _township(process, township_of(code))
    entry = VillageEntry.objects.filter(process=process, region=village).first()
    values = indicators.add_rows([entry]) if entry else None
    errors, note = {}, entry.note if entry else ""
    if request.method == "POST":
        values, note = figures_from(request.POST), request.POST.get("note", "")
        with shown_on(request) as outcome:
            services.village_entry_save(actor=request.user, process=process, village=village, raw=values, note=note)
        if outcome.ok:
            messages.success(request, f"已保存{village.name}的灾情数据")
            return redirect("disasters:village_list")
        if isinstance(outcome.refused, services.FigureErrors):
            errors = outcome.refused.errors
            messages.error(request, "数据有误，请按提示修改")
    context = {
        "process": process,
        "village": village,
        "groups": figure_inputs("", values, errors),
        "note": note,
        "entry": entry,
        "locked": process.status != DisasterProcess.Status.OPEN,
    }
    return render(request, "disasters/village_entry.html", context, status=400 if errors else 200)
