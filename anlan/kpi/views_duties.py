"""职责清单 / 年度工作清单 pages (each unit edits its own; every unit in the county reads published lists) and the
public 公示 of responsible persons under /p/duty/ (no login, read-only, phones masked)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import DomainError, shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.geo.models import Region, RegionLevel

from . import services_duties as svc
from .models import DutyList, DutyListItem

register_link(MenuLink("考核与任务", "职责清单与工作清单", "kpi:duty_lists", DutyList, "view", 121))


def _may_create(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") in {
        *COUNTY_ROLES,
        Role.DEPARTMENT_OPERATOR,
        Role.TOWNSHIP_OPERATOR,
    }


def _owner(duty_list: DutyList) -> str:
    return duty_list.department.name if duty_list.department_id else duty_list.region.name


@login_required
def list_index(request):
    if request.method == "POST":
        year = (request.POST.get("year") or "").strip()
        duty_list = DutyList(
            kind=request.POST.get("kind") or DutyList.Kind.DUTIES,
            title=request.POST.get("title", ""),
            year=int(year) if year.isdigit() and 2000 < int(year) < 2100 else None,
            region=request.user.region,
        )
        with shown_on(request) as outcome:
            duty_list = svc.list_create(actor=request.user, duty_list=duty_list)
        if outcome.ok:
            messages.success(request, "清单已建立，请添加事项或从 Excel 导入")
            return redirect("kpi:duty_list", pk=duty_list.pk)
    lists = svc.readable(request.user).select_related("region", "department")
    rows = [
        (d, _owner(d), svc.may_edit(request.user, d)) for d in lists.order_by("kind", "-year", "region_id", "title")
    ]
    context = {
        "rows": rows,
        "may_create": _may_create(request.user),
        "kinds": DutyList.Kind.choices,
        "this_year": timezone.localdate().year,
    }
    return render(request, "kpi/duty_lists.html", context)


@login_required
def list_detail(request, pk):
    duty_list = get_object_or_404(svc.readable(request.user).select_related("region", "department"), pk=pk)
    context = {
        "list": duty_list,
        "owner": _owner(duty_list),
        "items": duty_list.items.all(),
        "editable": svc.may_edit(request.user, duty_list)
        and DutyList.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "errors": [],
    }
    return render(request, "kpi/duty_list.html", context)


def _date(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError("duties.date", f"“{raw}”不是日期", field="deadline") from exc


@login_required
@require_POST
def item_add(request, pk):
    with shown_on(request) as outcome:
        duty_list = svc.owned_list(request.user, pk)
        item = DutyListItem(
            duty_list=duty_list,
            content=request.POST.get("content", ""),
            basis=request.POST.get("basis", ""),
            deadline=_date(request.POST.get("deadline")),
        )
        svc.item_save(actor=request.user, item=item)
    if outcome.ok:
        messages.success(request, "已添加事项")
    return redirect("kpi:duty_list", pk=pk)


@login_required
@require_POST
def item_done(request, pk, item_pk):
    with shown_on(request) as outcome:
        duty_list = svc.owned_list(request.user, pk)
        item = get_object_or_404(duty_list.items, pk=item_pk)
        item.done_on = None if item.done_on else timezone.localdate()
        svc.item_save(actor=request.user, item=item)
    if outcome.ok:
        messages.success(request, "已更新完成情况")
    return redirect("kpi:duty_list", pk=pk)


@login_required
@require_POST
def item_delete(request, pk, item_pk):
    with shown_on(request) as outcome:
        duty_list = svc.owned_list(request.user, pk)
        svc.item_delete(actor=request.user, item=get_object_or_404(duty_list.items, pk=item_pk))
    if outcome.ok:
        messages.success(request, "已删除事项")
    return redirect("kpi:duty_list", pk=pk)


@login_required
@require_POST
def list_import(request, pk):
    duty_list = get_object_or_404(svc.readable(request.user), pk=pk)
    upload = request.FILES.get("file")
    errors = []
    with shown_on(request) as outcome:
        if not upload:
            raise DomainError("duties.import_file", "请选择要导入的 Excel 文件")
        created, errors = svc.import_items(actor=request.user, duty_list=duty_list, uploaded=upload)
    if outcome.ok and not errors:
        messages.success(request, f"已导入 {created} 项")
        return redirect("kpi:duty_list", pk=pk)
    if errors:
        messages.error(request, f"有 {len(errors)} 处错误，未导入任何事项，请修改后重新导入")
        context = {
            "list": duty_list,
            "owner": _owner(duty_list),
            "items": duty_list.items.all(),
            "editable": True,
            "errors": errors,
        }
        return render(request, "kpi/duty_list.html", context, status=400)
    return redirect("kpi:duty_list", pk=pk)


@login_required
@require_POST
def list_publish(request, pk):
    with shown_on(request) as outcome:
        svc.list_publish(actor=request.user, duty_list=DutyList(pk=pk))
    if outcome.ok:
        messages.success(request, "清单已公布")
    return redirect("kpi:duty_list", pk=pk)


# ---------------------------------------------------------------- public 公示 (no login)


def public_index(request):
    townships = svc.public_townships()
    return render(request, "kpi/public_duty_index.html", {"townships": townships})


def public_board(request, code):
    region = Region.objects.filter(code=code, level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]).first()
    if region is None:
        raise Http404("没有该乡镇（街道）或村（社区）")
    return render(request, "kpi/public_duty.html", svc.public_board(region))
