from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from anlan.core import excel
from anlan.core.audit import audit_record
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, config_for, register, register_link, role_may
from anlan.core.public import with_fresh_challenge
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import docx_response, xlsx_response
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region
from anlan.registry.models import Department, Enterprise

from . import documents, public, services, stats, workflow
from .filters import HiddenHazardFilterSet
from .forms import STEP_FIELDS, ReportForm, StepForm
from .models import HazardPhoto, HiddenHazard

# History entries that are not steps of the flow (written by the services themselves).
EVENT_LABELS = {"report": "上报", "overdue": "逾期", "photo": "上传照片"}


def event_label(action: str) -> str:
    step = workflow.FLOW.table.get(action)
    return step.label if step else EVENT_LABELS.get(action, action)


def _photos_and_history(hazard, user) -> list[tuple[str, list[str], list[tuple]]]:
    """Under the hazard's details: its photos (thumbnails opening the stored file through the checked
    photo URL) and its history (every step, with the deadline before and after)."""
    photos = []
    for p in HazardPhoto.objects.restrict(user).filter(hazard=hazard):
        url = reverse("hazards:photo", kwargs={"pk": p.pk})
        thumbnail = format_html(
            '<a href="{}" target="_blank" rel="noopener"><img class="thumb" src="{}" alt="{}" loading="lazy"></a>',
            url,
            url,
            f"{p.get_stage_display()}照片",
        )
        photos.append((thumbnail, p.get_stage_display(), p.uploaded_by, _when(p.uploaded_at)))
    history = []
    for e in hazard.events.all():
        if e.deadline_after and e.deadline_before and e.deadline_before != e.deadline_after:
            deadline = f"{e.deadline_before:%Y-%m-%d} → {e.deadline_after:%Y-%m-%d}"
        else:
            deadline = f"{e.deadline_after:%Y-%m-%d}" if e.deadline_after else ""
        moved = e.from_status and e.to_status and e.from_status != e.to_status
        status = f"{workflow.FLOW.label(e.from_status)} → {workflow.FLOW.label(e.to_status)}" if moved else ""
        history.append((_when(e.at), event_label(e.action), status, e.actor_name, e.comment, deadline))
    return [
        ("照片", ["照片", "阶段", "上传人", "上传时间"], photos),
        ("处理记录", ["时间", "操作", "状态变化", "操作人", "意见", "期限"], history),
    ]


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


register(
    ModelConfig(
        model=HiddenHazard,
        list_columns=["title", "level", "status", "region", "deadline", "responsible", "source", "created_at"],
        form_fields=[],  # reported and handled through the workflow pages, not a generic form
        add_url="hazards:report",
        detail_fields=[
            *("title", "description", "level", "status", "source", "region", "enterprise", "department"),
            *("deadline", "pending_deadline", "responsible", "measures", "supervising_unit", "supervising_leader"),
            *("reporter_name", "reporter_phone", "created_at", "closed_at"),
        ],
        export_fields=[
            *("title", "level", "status", "source", "region", "enterprise", "department", "description"),
            *("deadline", "pending_deadline", "responsible", "measures", "supervising_unit", "supervising_leader"),
            *("reporter_name", "created_at", "closed_at"),
        ],
        natural_keys={Region: "name", Enterprise: "name", Department: "name"},
        filterset_class=HiddenHazardFilterSet,
        search_fields=["title", "description", "responsible"],
        importable=False,
        selector=lambda qs: qs.select_related("region", "enterprise", "department"),
        sortable=["title", "level", "status", "deadline", "created_at"],
        menu_group="企业与风险",
        menu_label="隐患台账",
        menu_order=32,
        related_tables=_photos_and_history,
        # Each page only where it applies: 办理 while a step is open to the user (else the same page is
        # read for its history and photos), the notice for superiors, 转为事件 for those who record incidents.
        detail_links=[
            ("办理", "hazards:handle", workflow.FLOW.offers_any()),
            ("处理记录与照片", "hazards:handle", lambda user, hazard: not workflow.FLOW.allowed(user, hazard)),
            ("整改通知书", "hazards:notice", lambda user, hazard: user.is_superuser or user.role in workflow.SUPERIORS),
            ("转为事件", "incidents:intake_from_hazard", role_may("add", "incidents.Incident")),
        ],
    )
)
register_link(MenuLink("企业与风险", "上报隐患", "hazards:report", HiddenHazard, "add", 33))
register_link(MenuLink("企业与风险", "隐患统计", "hazards:stats", HiddenHazard, "view", 33, regional=True))


@login_required
def report(request):
    """Report a hazard from a phone: the form fits a small screen and can take the phone's position."""
    if request.user.role not in workflow.HOLDERS and not request.user.is_superuser:
        raise PermissionDenied("您的角色无权上报隐患")
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        hazard = HiddenHazard(
            title=d["title"],
            description=d["description"],
            level=d["level"],
            region=d["region"],
            deadline=d["deadline"],
            lon=d["lon"],
            lat=d["lat"],
            source=HiddenHazard.Source.SELF_CHECK
            if request.user.role == "enterprise_user"
            else HiddenHazard.Source.PATROL,
            enterprise_id=request.user.enterprise_id if request.user.role == "enterprise_user" else None,
        )
        with shown_on(form, "photo"), transaction.atomic():
            services.hazard_report(actor=request.user, hazard=hazard)
            if d["photo"]:
                services.photo_add(actor=request.user, hazard=hazard, stage="before", upload=d["photo"])
        if not form.errors:
            messages.success(request, f"隐患“{hazard}”已上报")
            return redirect("hazards:handle", pk=hazard.pk)
    return render(request, "hazards/report.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def handle(request, pk):
    """A hazard's status, history and photos, with the steps this user may take now."""
    hazard = get_object_or_404(HiddenHazard.objects.restrict(request.user).select_related("region"), pk=pk)
    steps = workflow.FLOW.allowed(request.user, hazard)
    error = None
    if request.method == "POST":
        form = StepForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            fields = {k: d[k] for k in STEP_FIELDS.get(d["action"], []) if k not in ("photo", "comment") and d[k]}
            with shown_on(form), transaction.atomic():
                if d["photo"]:
                    services.photo_add(actor=request.user, hazard=hazard, stage="after", upload=d["photo"])
                services.hazard_transition(
                    actor=request.user, hazard=hazard, action=d["action"], comment=d["comment"], **fields
                )
            if not form.errors:
                messages.success(request, "已办理")
                return redirect("hazards:handle", pk=hazard.pk)
        error = "；".join(e for errors in form.errors.values() for e in errors)
    forms_by_step = []
    for s in steps:
        blank = StepForm(initial={"action": s.action}, auto_id=f"id_{s.action}_%s")  # unique ids per step
        forms_by_step.append((s, blank, [blank[name] for name in STEP_FIELDS[s.action]]))
    context = {
        "hazard": hazard,
        "steps": forms_by_step,
        "events": hazard.events.all(),
        "photos": hazard.photos.all(),
        "error": error,
        "detail_url": config_for(HiddenHazard).reverse("detail", hazard.pk),
    }
    return render(request, "hazards/handle.html", context, status=400 if error else 200)


@login_required
def photo(request, pk):
    """Serve an evidence photo to users who can see its hazard (uploads are not public files)."""
    item = HazardPhoto.objects.restrict(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return serve_upload(item.image, f"{item.get_stage_display()}.{item.extension}")


@never_cache
def public_tip(request):
    """群众举报: no account; checked against robots and floods (see hazards/public.py)."""
    form, status = None, 200
    if request.method == "POST":
        key = public.address_key(public.client_ip(request))
        form = public.PublicTipForm(request.POST, request.FILES)
        if public.recent_tips(key) >= settings.ANLAN_TIP_RATE_PER_HOUR:
            form.add_error(None, "提交次数过多，请一小时后再试；紧急情况请拨打 119、110 或 12350")
            status = 429
        elif form.is_valid():
            hazard = form.hazard(key)
            photo_upload = form.cleaned_data["photo"]
            with shown_on(form, "photo"), transaction.atomic():
                services.hazard_report(actor="群众举报", hazard=hazard)
                if photo_upload:
                    services.photo_add(actor="群众举报", hazard=hazard, stage="before", upload=photo_upload)
                extras = public.save_extensions(form, hazard)  # parts registered by apps above (rewards)
            if not form.errors:
                return render(request, "hazards/public_tip_done.html", {"hazard": hazard, "extras": extras})
        status = status if status != 200 else 400
    form = with_fresh_challenge(public.PublicTipForm, form)
    return render(request, "hazards/public_tip.html", {"form": form}, status=status)


class StatsForm(forms.Form):
    since = forms.DateField(label="上报日期从", required=False, widget=DateOnly())
    until = forms.DateField(label="至", required=False, widget=DateOnly())


@login_required
def statistics(request):
    """隐患统计: by township, sector and status, with closure rate and overdue; Excel on request."""
    if not role_allows(request.user, "view", HiddenHazard):
        raise PermissionDenied
    form = StatsForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    tables = stats.hazard_statistics(request.user, since=since, until=until)
    if request.GET.get("export") == "xlsx":
        sheets = [
            (f"按{name}", [name, *stats.HEADERS[1:]], [line.cells() for line in lines])
            for name, lines in tables.items()
        ]
        return xlsx_response(excel.tables_workbook(sheets), f"隐患统计_{timezone.localdate():%Y%m%d}.xlsx")
    context = {
        "form": form,
        "tables": tables,
        "headers": stats.HEADERS[1:],
        "query": request.GET.urlencode(),
        "charts": stats.statistics_charts(request.user, tables),
    }
    return render(request, "hazards/stats.html", context, status=400 if form.errors else 200)


@login_required
def notice(request, pk):
    """隐患整改通知书 as Word, for the units that assign and supervise rectification."""
    hazard = get_object_or_404(
        HiddenHazard.objects.restrict(request.user).select_related("region", "enterprise"), pk=pk
    )
    if request.user.role not in workflow.SUPERIORS and not request.user.is_superuser:
        raise PermissionDenied("整改通知书由乡镇（街道）、行业部门或县级人员出具")
    data = documents.rectification_notice(hazard)
    audit_record(
        action="hazard_notice", obj=hazard, actor=request.user, after={"number": documents.notice_number(hazard)}
    )
    return docx_response(data, f"隐患整改通知书_{hazard.pk}.docx")
