"""Roster pages (排班): the month calendar of a desk with its conflicts, adding and removing shifts, swaps,
the month's Excel import/export, the printable 值班表, who is on duty at every desk now (当前值班) and a
desk's settings. Views parse and render; the rules are in roster.py and services.py."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.excel import ImportRejected
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import role_allows, sees_full_phone
from anlan.core.views import xlsx_response

from . import roster, services
from .api_roster import own_desk
from .forms import DeskSettingForm, RosterImportForm, ShiftForm, SwapForm
from .models import DeskSetting, Post, Shift, Swap
from .workflow import SWAP

register_link(MenuLink("值班值守", "排班", "duty:roster", Shift, "view", 64))
register_link(MenuLink("值班值守", "当前值班", "duty:on_duty", Shift, "view", 64))


def _require_view(user) -> None:
    if not role_allows(user, "view", Shift):
        raise PermissionDenied("您的角色不能查看值班安排")


def _desk_for(request):
    """The desk named by ?desk= (or the user's own, else the first visible), if the user may see it."""
    visible = roster.desks_visible_to(request.user)
    code = request.GET.get("desk") or request.POST.get("desk") or own_desk(request.user)
    desk = visible.filter(code=code).first() or (None if request.GET.get("desk") else visible.first())
    if desk is None:
        raise Http404("该值班席位不存在或不在您的管辖范围内")
    return desk, visible


def _month(request) -> tuple[int, int]:
    return roster.parse_month(request.GET.get("month") or request.POST.get("month"))


def _roster_url(desk: str, year: int, month: int) -> str:
    return f"{reverse('duty:roster')}?desk={desk}&month={year}-{month:02d}"


def _neighbours(year: int, month: int) -> tuple[str, str]:
    before = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    after = f"{year + (month == 12)}-{month % 12 + 1:02d}"
    return before, after


@login_required
def roster_month(request):
    """The month calendar of one desk: who is on which post each day, conflicts, pending swaps."""
    _require_view(request.user)
    desk, desks = _desk_for(request)
    year, month = _month(request)
    days = roster.month_days(desk.code, year, month)
    first, after = roster.month_bounds(year, month)
    keeps = roster.may_roster(request.user, desk.code)
    default_start = timezone.localtime().replace(hour=8, minute=30, second=0, microsecond=0)
    form = ShiftForm(
        desk=desk.code,
        initial={"starts": default_start, "ends": default_start + dt.timedelta(hours=24), "post": Post.OFFICER},
    )
    swaps = (
        Swap.objects.restrict(request.user)
        .filter(shift__desk=desk, status=Swap.Status.PENDING)
        .select_related("shift", "shift__user", "requested_by", "replacement")
        .order_by("shift__starts")
    )
    before, next_month = _neighbours(year, month)
    return render(
        request,
        "duty/roster_month.html",
        {
            "desk": desk,
            "desks": desks,
            "year": year,
            "month": month,
            "month_text": f"{year}-{month:02d}",
            "weeks": roster.month_weeks(days),
            "conflicts": roster.conflicts([desk.code], first, after),
            "keeps": keeps,
            "form": form,
            "swaps": [(s, list(SWAP.allowed(request.user, s))) for s in swaps],
            "swap_form": SwapForm(desk=desk.code),
            "before": before,
            "after": next_month,
            "me": request.user.pk,
            "weekdays": roster.WEEKDAYS,
        },
    )


@login_required
@require_POST
def shift_add(request):
    desk, _ = _desk_for(request)
    year, month = _month(request)
    form = ShiftForm(request.POST, desk=desk.code)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect(_roster_url(desk.code, year, month))
    with shown_on(request) as outcome:
        shift = services.shift_create(actor=request.user, desk=desk.code, **form.cleaned_data)
    if outcome.ok:
        messages.success(request, f"已排班：{shift.user} {shift.get_post_display()}")
        for conflict in roster.conflicts([desk.code], shift.starts, shift.ends):
            messages.warning(request, f"排班冲突：{conflict.message}")
    return redirect(_roster_url(desk.code, year, month))


@login_required
@require_POST
def shift_delete(request, pk: int):
    shift = get_object_or_404(Shift.objects.restrict(request.user, "delete"), pk=pk)
    year, month = _month(request)
    with shown_on(request) as outcome:
        services.shift_delete(actor=request.user, shift=shift)
    if outcome.ok:
        messages.success(request, "已删除该班次")
    return redirect(_roster_url(shift.desk_id, year, month))


@login_required
@require_POST
def swap_request(request, pk: int):
    shift = get_object_or_404(Shift.objects.restrict(request.user, "view"), pk=pk)
    year, month = _month(request)
    form = SwapForm(request.POST, desk=shift.desk_id)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        with shown_on(request) as outcome:
            services.swap_request(actor=request.user, shift=shift, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "换班申请已提交，待排班人审批")
    return redirect(_roster_url(shift.desk_id, year, month))


@login_required
@require_POST
def swap_decide(request, pk: int, action: str):
    swap = get_object_or_404(Swap.objects.restrict(request.user, "view").select_related("shift"), pk=pk)
    year, month = _month(request)
    with shown_on(request) as outcome:
        swap = services.swap_decide(actor=request.user, swap=swap, action=action, note=request.POST.get("note", ""))
    if outcome.ok:
        messages.success(request, f"换班申请{swap.get_status_display()}")
    return redirect(_roster_url(swap.shift.desk_id, year, month))


@login_required
def roster_export(request):
    _require_view(request.user)
    desk, _ = _desk_for(request)
    year, month = _month(request)
    return xlsx_response(roster.roster_workbook(desk, year, month), f"{desk.name}{year}年{month}月值班表.xlsx")


@login_required
def roster_import(request):
    """Upload a month's roster: checked row by row, then the month's shifts replaced in one transaction."""
    _require_view(request.user)
    desk, _ = _desk_for(request)
    year, month = _month(request)
    if not roster.may_roster(request.user, desk.code):
        raise PermissionDenied("只能为本级值班席位排班：县级排县及各乡镇，乡镇只排本乡镇")
    form, errors = RosterImportForm(), []
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with shown_on(form, "file") as outcome:
                    created = services.roster_import(
                        actor=request.user, desk=desk.code, year=year, month=month, uploaded=form.cleaned_data["file"]
                    )
            except ImportRejected as exc:
                errors = exc.errors
            else:
                if outcome.ok:
                    messages.success(request, f"已导入 {desk.name}{year}年{month}月值班表：{len(created)} 个班次")
                    return redirect(_roster_url(desk.code, year, month))
    return render(
        request,
        "duty/roster_import.html",
        {
            "desk": desk,
            "year": year,
            "month": month,
            "month_text": f"{year}-{month:02d}",
            "form": form,
            "errors": errors,
        },
    )


@login_required
def roster_print(request):
    """The printable 值班表 of a desk and month (the browser's print; the menus hide when printing)."""
    _require_view(request.user)
    desk, _ = _desk_for(request)
    year, month = _month(request)
    days = roster.month_days(desk.code, year, month)
    phones = {}
    if sees_full_phone(request.user):  # others see names only (no masked numbers on a printed sheet)
        phones = {s.user.pk: s.user.phone for day in days for s in day.shifts}
    rows = [
        (
            day,
            [
                [(s.user, phones.get(s.user.pk, "")) for s in day.shifts if s.post == post]
                for post in (Post.LEADER, Post.OFFICER, Post.TECH)
            ],
        )
        for day in days
    ]
    return render(
        request,
        "duty/roster_print.html",
        {"desk": desk, "year": year, "month": month, "rows": rows, "printed": timezone.localtime()},
    )


@login_required
def on_duty_board(request):
    """当前值班: for every desk the user may see, who is on duty now; a desk with nobody is flagged."""
    _require_view(request.user)
    desks = list(roster.desks_visible_to(request.user))
    now = timezone.now()
    shifts = (
        Shift.objects.filter(desk_id__in=[d.code for d in desks], starts__lte=now, ends__gt=now)
        .select_related("user")
        .order_by("starts", "id")
    )
    by_desk: dict[str, dict[str, list]] = {d.code: {p: [] for p in Post.values} for d in desks}
    for shift in shifts:
        by_desk[shift.desk_id][shift.post].append(shift)
    show_phone = sees_full_phone(request.user)
    fallbacks = {
        s.desk_id: list(s.fallback.all())
        for s in DeskSetting.objects.filter(desk_id__in=by_desk).prefetch_related("fallback")
    }
    rows = []
    for desk in desks:
        posts = by_desk[desk.code]
        people = [[(s.user, s.user.phone if show_phone else "", s.ends) for s in posts[p]] for p in Post.values]
        staffed = bool(posts[Post.LEADER] or posts[Post.OFFICER])
        rows.append((desk, people, staffed, fallbacks.get(desk.code, []), roster.may_roster(request.user, desk.code)))
    return render(request, "duty/on_duty_board.html", {"rows": rows, "now": now})


@login_required
def desk_settings(request):
    """A desk's fallback list (无人值班时通知) and when unread urgent messages become voice calls."""
    desk, _ = _desk_for(request)
    if not roster.may_roster(request.user, desk.code):
        raise PermissionDenied("只能设置本级值班席位")
    setting = DeskSetting.objects.filter(desk=desk).first()
    initial = {
        "fallback": list(setting.fallback.all()) if setting else [],
        "voice_after_minutes": setting.voice_after_minutes if setting else 10,
    }
    form = DeskSettingForm(request.POST or None, desk=desk.code, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services.desk_setting_update(
                actor=request.user,
                desk=desk.code,
                fallback=list(form.cleaned_data["fallback"]),
                voice_after_minutes=form.cleaned_data["voice_after_minutes"],
            )
        if outcome.ok:
            messages.success(request, f"已保存{desk.name}值班席位设置")
            return redirect(reverse("duty:on_duty"))
    return render(request, "duty/desk_settings.html", {"desk": desk, "form": form})


__all__ = [
    "desk_settings",
    "on_duty_board",
    "roster_export",
    "roster_import",
    "roster_month",
    "roster_print",
    "shift_add",
    "shift_delete",
    "swap_decide",
    "swap_request",
]
