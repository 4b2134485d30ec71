"""Pages of the duty log, handovers, daily reports and the county 值班日报 (phone-friendly). Thin: the
rules are in log.py, handover.py and daily.py; refusals come back through `shown_on`."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from anlan.core.documents import DOCX_CONTENT_TYPE
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.masking import visible_field_value
from anlan.core.roles import COUNTY_ROLES, role_allows
from anlan.core.views import PAGE_SIZE, attachment_response
from anlan.geo.models import Region
from anlan.hazards import services as hazard_services
from anlan.hazards.forms import ReportForm as HazardReportForm
from anlan.hazards.models import HiddenHazard

from . import daily, documents, handover, log, sources
from .forms_log import CloseForm, ConfirmForm, DailyReportForm, HandoverForm, LogEntryForm
from .models import DailyReport, Handover, LogEntry

register_link(MenuLink("值班值守", "值班日志", "duty:log_list", LogEntry, "view", 75))
register_link(MenuLink("值班值守", "交接班", "duty:handover_list", Handover, "view", 77))
register_link(MenuLink("值班值守", "日报报送", "duty:daily_reports", DailyReport, "view", 78))


def _may_read(user, model) -> None:
    if not role_allows(user, "view", model):
        raise PermissionDenied("您的角色不能查看值班值守记录")


def _may_write(user) -> None:
    if not log.keeps_desks(user):
        raise PermissionDenied("只有县级和乡镇（街道）值班人员可以记录值班日志和交接班")


def _day(value: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


# ---------------------------------------------------------------- duty log


@login_required
def log_list(request):
    _may_read(request.user, LogEntry)
    qs = log.entries(request.user)
    desk, status, day = request.GET.get("desk", ""), request.GET.get("status", ""), _day(request.GET.get("date"))
    if desk:
        qs = qs.filter(desk_id=desk)
    if status in LogEntry.Status.values:
        qs = qs.filter(status=status)
    if day:
        qs = qs.filter(**sources.on_day("occurred_at", day))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "desks": Region.objects.filter(code__in=qs.values("desk_id").distinct()).order_by("code")
        if not desk
        else Region.objects.filter(code=desk),
        "desk": desk,
        "status": status,
        "day": day,
        "statuses": LogEntry.Status.choices,
        "may_write": log.keeps_desks(request.user),
        "querystring": query.urlencode(),
    }
    return render(request, "duty/log_list.html", context)


@login_required
def log_add(request):
    _may_write(request.user)
    initial = {}
    related = request.GET.get("related")
    if related and related.isdigit():
        parent = log.entry_for(request.user, int(related))
        initial = {"kind": LogEntry.Kind.FOLLOW, "desk": parent.desk_id, "caller": parent.caller, "unit": parent.unit}
        initial |= {"event_kind": parent.event_kind_id, "place": parent.place, "region": parent.region_id}
    form = LogEntryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        if related and related.isdigit():
            data["related"] = log.entry_for(request.user, int(related))
        with shown_on(form) as outcome:
            entry = log.entry_create(actor=request.user, **data)
        if outcome.ok:
            messages.success(request, "已记录值班日志")
            return redirect("duty:log_detail", pk=entry.pk)
    return render(
        request, "duty/log_form.html", {"form": form, "title": "记录值班日志"}, status=400 if form.errors else 200
    )


@login_required
def log_detail(request, pk):
    _may_read(request.user, LogEntry)
    entry = log.entry_for(request.user, pk)
    may_write = log.keeps_desks(request.user) and log.writable_desks(request.user).filter(code=entry.desk_id).exists()
    close_form = CloseForm(request.POST or None)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("您不能办理该值班席位的日志")
        action = request.POST.get("action")
        with shown_on(request) as outcome:
            if action == "close" and close_form.is_valid():
                log.entry_close(actor=request.user, entry=entry, action_taken=close_form.cleaned_data["action_taken"])
                messages.success(request, "已办结")
            elif action == "reopen":
                log.entry_reopen(actor=request.user, entry=entry)
                messages.success(request, "已重新打开，待跟进")
        if outcome.ok:
            return redirect("duty:log_detail", pk=entry.pk)
        entry = log.entry_for(request.user, pk)
    context = {
        "entry": entry,
        "may_write": may_write,
        "close_form": close_form,
        "actions": sources.log_actions(request.user, entry) if may_write else [],
        "may_hazard": may_write and not entry.hazard_id and role_allows(request.user, "add", HiddenHazard),
        "follow_ups": entry.follow_ups.order_by("occurred_at"),
        "phone": visible_field_value(request.user, entry, LogEntry._meta.get_field("phone")),
    }
    return render(request, "duty/log_detail.html", context)


@login_required
def log_edit(request, pk):
    _may_write(request.user)
    entry = log.entry_for(request.user, pk, "change")
    form = LogEntryForm(request.POST or None, user=request.user, instance=entry)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            log.entry_update(actor=request.user, entry=entry, **form.service_fields())
        if outcome.ok:
            messages.success(request, "已保存")
            return redirect("duty:log_detail", pk=entry.pk)
    return render(
        request,
        "duty/log_form.html",
        {"form": form, "title": f"修改值班日志：{entry}", "entry": entry},
        status=400 if form.errors else 200,
    )


def _hazard_initial(entry: LogEntry) -> dict:
    """转为隐患: the hazard report form filled in from the entry (the officer checks and completes it)."""
    first_line = entry.content.strip().splitlines()[0] if entry.content.strip() else ""
    who = "，".join(x for x in (entry.unit, entry.caller) if x)
    return {
        "title": f"{entry.place}{'：' if entry.place else ''}{first_line}"[:200],
        "description": f"{entry.content}\n（{timezone.localtime(entry.occurred_at):%Y-%m-%d %H:%M} 值班接报"
        f"{('，' + who) if who else ''}）",
        "region": entry.region_id if entry.region_id and entry.region_id[9:] != "000" else None,
    }


@login_required
def log_hazard(request, pk):
    """转为隐患: report a hidden hazard from the entry (hazards' own form and service) and link it back."""
    _may_write(request.user)
    entry = log.entry_for(request.user, pk, "change")
    if not role_allows(request.user, "add", HiddenHazard):
        raise PermissionDenied("您的角色无权上报隐患")
    if entry.hazard_id:
        messages.info(request, "该记录已转为隐患")
        return redirect("hazards:handle", pk=entry.hazard_id)
    initial = _hazard_initial(entry)
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        public = entry.kind == LogEntry.Kind.RECEIVE and not entry.unit
        hazard = HiddenHazard(
            title=d["title"],
            description=d["description"],
            level=d["level"],
            region=d["region"],
            deadline=d["deadline"],
            lon=d["lon"],
            lat=d["lat"],
            source=HiddenHazard.Source.PUBLIC_TIP if public else HiddenHazard.Source.PATROL,
            reporter_name=entry.caller,
            reporter_phone=entry.phone,
        )
        with shown_on(form, "photo") as outcome, transaction.atomic():
            hazard_services.hazard_report(actor=request.user, hazard=hazard)
            if d["photo"]:
                hazard_services.photo_add(actor=request.user, hazard=hazard, stage="before", upload=d["photo"])
            log.entry_link_hazard(actor=request.user, entry=entry, hazard=hazard)
        if outcome.ok:
            messages.success(request, f"已转为隐患“{hazard}”")
            return redirect("hazards:handle", pk=hazard.pk)
    return render(request, "duty/log_hazard.html", {"form": form, "entry": entry}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- handovers


@login_required
def handover_list(request):
    _may_read(request.user, Handover)
    qs = Handover.objects.restrict(request.user).select_related("desk", "outgoing", "incoming")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "duty/handover_list.html", {"page": page, "may_write": log.keeps_desks(request.user)})


@login_required
def handover_write(request):
    _may_write(request.user)
    desk = request.POST.get("desk") or request.GET.get("desk") or log.home_desk(request.user)
    form = HandoverForm(request.POST or None, user=request.user, initial={"desk": desk})
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            written = handover.handover_write(
                actor=request.user, desk=form.cleaned_data["desk"].code, notes=form.cleaned_data["notes"]
            )
        if outcome.ok:
            messages.success(request, "已交班，待接班人确认")
            return redirect("duty:handover_detail", pk=written.pk)
    items = []
    if desk and log.writable_desks(request.user).filter(code=desk).exists():
        items = handover.gather(desk)
    return render(
        request, "duty/handover_write.html", {"form": form, "items": items}, status=400 if form.errors else 200
    )


@login_required
def handover_detail(request, pk):
    _may_read(request.user, Handover)
    record = handover.handover_for(request.user, pk)
    user = request.user
    steps = {t.action for t in handover.FLOW.allowed(user, record)} if log.keeps_desks(user) else set()
    if steps and not log.writable_desks(user).filter(code=record.desk_id).exists():
        steps = set()
    confirm_form = ConfirmForm(request.POST or None) if "confirm" in steps else None
    notes_form = (
        HandoverForm(request.POST or None, user=user, initial={"desk": record.desk_id, "notes": record.notes})
        if "update" in steps
        else None
    )
    if request.method == "POST":
        step = request.POST.get("action")
        with shown_on(request) as outcome:
            if step == "confirm":
                handover.handover_confirm(actor=user, handover=record, note=request.POST.get("note", ""))
                messages.success(request, "已确认接班")
            elif step == "update":
                handover.handover_update(actor=user, handover=record, notes=request.POST.get("notes", ""))
                messages.success(request, "已修改交接班记录，未结事项已重新汇总")
            else:
                messages.error(request, "未知操作")
        if outcome.ok:
            return redirect("duty:handover_detail", pk=record.pk)
        return render(
            request,
            "duty/handover_detail.html",
            {"handover": handover.handover_for(user, pk), "confirm_form": confirm_form, "notes_form": notes_form},
            status=outcome.refused.status,
        )
    return render(
        request,
        "duty/handover_detail.html",
        {"handover": record, "confirm_form": confirm_form, "notes_form": notes_form},
    )


# ---------------------------------------------------------------- daily reports and the 值班日报


def _is_county(user) -> bool:
    return user.is_superuser or user.role in COUNTY_ROLES


@login_required
def daily_reports(request):
    """日报报送: file a daily or zero report; the county also sees who has not reported for a day."""
    _may_read(request.user, DailyReport)
    user = request.user
    may_file = user.is_superuser or user.role in log.DESK_ROLES or user.role == "department_operator"
    form = DailyReportForm(request.POST or None, user=user) if may_file else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您的角色不能报送日报")
        if form.is_valid():
            d = form.cleaned_data
            region = d.get("region")
            with shown_on(form) as outcome:
                report = daily.report_file(
                    actor=user,
                    region=region.code if region else None,
                    date=d["date"],
                    nothing_to_report=d["nothing_to_report"],
                    summary=d["summary"],
                )
            if outcome.ok:
                messages.success(request, f"已报送：{report}")
                return redirect("duty:daily_reports")
    county = Region.objects.filter(code=(user.region_id or "")[:6].ljust(12, "0")).first()
    missing = None
    if county and _is_county(user):
        day = _day(request.GET.get("date"), daily.last_due_date(county.code))
        missing = {
            "day": day,
            "townships": daily.missing_townships(county.code, day),
            "departments": daily.missing_departments(county.code, day),
        }
    reports = daily.reports(user)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "missing": missing, "county": county, "is_county": _is_county(user)}
    return render(request, "duty/daily_reports.html", context, status=400 if form is not None and form.errors else 200)


def _county_desk(user) -> Region:
    if not _is_county(user) or not user.region_id:
        raise PermissionDenied("值班日报由县级值班人员生成")
    return Region.objects.get(code=user.region_id[:6].ljust(12, "0"))


@login_required
def duty_day(request):
    """The county 值班日报 for a day, as a page (preview) and as a Word document."""
    desk = _county_desk(request.user)
    day = _day(request.GET.get("date"), timezone.localdate())
    if request.GET.get("format") == "docx":
        data = documents.duty_day_document(desk, day)
        return attachment_response(data, f"{desk.name}值班日报{day:%Y%m%d}.docx", DOCX_CONTENT_TYPE)
    return render(request, "duty/daily_day.html", {"data": documents.gather(desk, day), "day": day})
