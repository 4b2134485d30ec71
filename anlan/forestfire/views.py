"""森林防火 pages: the registry-kit lists (防火期, 设置, 火险等级, 野外用火, 护林员), the daily danger-level entry
with the one-click draft warning, the phone pages (用火申请, 护林员报告火情), a permit's page with its decision,
and missed ranger patrols. Rows only through `restrict(user, action)`."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.masking import mask_phone
from anlan.core.roles import PHONE_FULL_ROLES, SECTOR_REGISTRY_ROLES, Role, role_allows
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region, RegionLevel
from anlan.geo.views import tile_source
from anlan.registry.models import Person
from anlan.sites.models import HazardSite

from . import rules, services
from .models import BurnPermit, DangerLevel, FireSeason, ForestFireSetting, Ranger
from .workflow import FLOW

GROUP = "森林防火"
# Who reports a fire from the field on the phone page besides a ranger with an account: the village, township,
# county and department staff (a ranger's account may have any role).
REPORTERS = frozenset({*SECTOR_REGISTRY_ROLES, Role.VILLAGE_WORKER})

register(
    ModelConfig(
        model=FireSeason,
        list_columns=["region", "kind", "start", "end", "basis"],
        form_fields=["region", "kind", "start", "end", "basis"],
        importable=False,
        menu_group=GROUP,
        menu_order=120,
    )
)
register(
    ModelConfig(
        model=ForestFireSetting,
        list_columns=["region", "warning_level", "max_permit_level", "township_approves", "high_period_rule"],
        form_fields=["region", "warning_level", "max_permit_level", "township_approves", "high_period_rule"],
        importable=False,
        menu_group=GROUP,
        menu_order=127,
    )
)
register(
    ModelConfig(
        model=DangerLevel,
        list_columns=["day", "region", "level", "source", "warning"],
        form_fields=["region", "day", "level"],  # one correction by hand; a day's levels on the entry page
        selector=lambda qs: qs.select_related("region", "warning"),
        sortable=["day", "level"],
        menu_group=GROUP,
        menu_order=122,
    )
)
register(
    ModelConfig(
        model=BurnPermit,
        list_columns=["number", "applicant", "region", "purpose", "starts_at", "ends_at", "approver_level", "status"],
        form_fields=[],
        detail_fields=[
            *("number", "applicant", "applicant_phone", "person_in_charge", "region", "place", "lon", "lat"),
            *("radius_m", "purpose", "area_mu", "starts_at", "ends_at", "safety_measures", "approver_level"),
            *("status", "decided_by", "decided_at", "reason"),
        ],
        search_fields=["number", "applicant", "place"],
        importable=False,
        selector=lambda qs: qs.select_related("region"),
        sortable=["starts_at", "status"],
        detail_links=[("审批与详情", "forestfire:permit")],
        add_url="forestfire:permit_apply",
        menu_group=GROUP,
        menu_order=123,
    )
)
register(
    ModelConfig(
        model=Ranger,
        list_columns=["person", "region", "full_time", "sites", "user", "active"],
        form_fields=["person", "user", "region", "full_time", "sites", "area", "active"],
        importable=False,
        related_choices={"sites": lambda user: HazardSite.objects.restrict(user).filter(kind="forest_fire")},
        natural_keys={Person: "pk"},
        selector=lambda qs: qs.select_related("person", "region", "user").prefetch_related("sites"),
        menu_group=GROUP,
        menu_order=125,
    )
)
register_link(MenuLink(GROUP, "火险等级录入", "forestfire:levels", DangerLevel, "add", 121))
register_link(MenuLink(GROUP, "护林员报告火情", "forestfire:fire_report", Ranger, "view", 124, roles=REPORTERS))
register_link(MenuLink(GROUP, "护林员漏巡", "forestfire:missed", Ranger, "view", 126))


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        return timezone.localdate()


# ---------------------------------------------------------------- danger levels


@login_required
def levels(request):
    """One day's level per township of the user's scope: a bulk form (county roles), with the colours and the
    draft-warning button for levels at or above the county's warning level."""
    day = _day(request)
    townships = list(
        Region.objects.restrict(request.user).filter(level=RegionLevel.TOWNSHIP).only("code", "name").order_by("code")
    )
    stored = {
        d.region_id: d for d in DangerLevel.objects.restrict(request.user).filter(day=day).select_related("warning")
    }
    may_write = role_allows(request.user, "add", DangerLevel)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("您的角色不能录入火险等级")
        rows = []
        for t in townships:
            raw = request.POST.get(f"level_{t.code}", "").strip()
            if raw:
                rows.append((t.code, day, int(raw) if raw.isdigit() else -1))
        with shown_on(request) as outcome:
            result = services.danger_levels_save(actor=request.user, rows=rows, source=DangerLevel.Source.MANUAL)
        if outcome.ok:
            messages.success(request, f"已保存：新增 {result['created']} 条，修改 {result['changed']} 条")
        return redirect(f"{reverse('forestfire:levels')}?day={day.isoformat()}")
    setting = services.setting_for(request.user.region_id or (townships[0].code if townships else "000000000000"))
    lines = []
    for t in townships:
        d = stored.get(t.code)
        lines.append(
            {
                "region": t,
                "level": d,
                "offer": bool(d and may_write and d.warning_id is None and d.level >= setting.warning_level),
            }
        )
    context = {
        "day": day,
        "prev": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "lines": lines,
        "levels": [(n, *rules.LEVELS[n]) for n in rules.LEVELS],
        "may_write": may_write,
        "setting": setting,
        "setting_saved": setting.pk is not None,
    }
    return render(request, "forestfire/levels.html", context)


@login_required
@require_POST
def level_warning(request, pk):
    if not role_allows(request.user, "add", DangerLevel):
        raise PermissionDenied("您的角色不能拟稿预警")
    level = get_object_or_404(DangerLevel.objects.restrict(request.user).select_related("region"), pk=pk)
    with shown_on(request) as outcome:
        warning = services.danger_warning_draft(actor=request.user, level=level)
    if outcome.ok:
        messages.success(request, f"已生成预警草稿 {warning.headline}，请审核后提交签发")
        return redirect("alerts:warning_steps", pk=warning.pk)
    return redirect(f"{reverse('forestfire:levels')}?day={level.day.isoformat()}")


# ---------------------------------------------------------------- burn permits


class PermitForm(forms.ModelForm):
    class Meta:
        model = BurnPermit
        fields = [
            *("applicant", "applicant_phone", "person_in_charge", "place", "lon", "lat", "radius_m", "polygon"),
            *("purpose", "area_mu", "starts_at", "ends_at", "safety_measures"),
        ]
        widgets = {
            "lon": forms.NumberInput(attrs={"step": "any", "class": "lon"}),
            "lat": forms.NumberInput(attrs={"step": "any", "class": "lat"}),
            "polygon": forms.HiddenInput(),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "safety_measures": forms.Textarea(attrs={"rows": 3}),
        }


@login_required
def permit_apply(request):
    """Phone page: an application recorded by a township or village worker (or county staff)."""
    if not role_allows(request.user, "add", BurnPermit):
        raise PermissionDenied("您的角色不能登记野外用火申请")
    form = PermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            permit = services.permit_apply(actor=request.user, permit=form.save(commit=False))
        if outcome.ok:
            messages.success(request, f"已登记 {permit.number}，由{permit.get_approver_level_display()}审批")
            return redirect("forestfire:permit", pk=permit.pk)
    code = request.user.region_id or ""
    centre = Region.objects.filter(code=code).only("center_lon", "center_lat").first() if code else None
    context = {"form": form, "tiles": tile_source(), "centre": centre}
    return render(request, "forestfire/permit_apply.html", context)


@login_required
def permit(request, pk):
    permit = get_object_or_404(BurnPermit.objects.restrict(request.user).select_related("region"), pk=pk)
    steps = FLOW.allowed(request.user, permit) if role_allows(request.user, "change", BurnPermit) else []
    pending = permit.status in (BurnPermit.Status.PENDING, BurnPermit.Status.ESCALATED)
    context = {
        "permit": permit,
        "steps": steps,
        "obstacles": services.approval_obstacles(permit) if pending else [],
        "needs_county": pending and services.needs_county(permit),
        "approver": rules.APPROVER_LABELS[permit.approver_level],
        "phone": permit.applicant_phone
        if request.user.is_superuser or request.user.role in PHONE_FULL_ROLES
        else mask_phone(permit.applicant_phone),
    }
    return render(request, "forestfire/permit.html", context)


@login_required
@require_POST
def permit_decide(request, pk):
    if not role_allows(request.user, "change", BurnPermit):
        raise PermissionDenied("您的角色不能审批野外用火")
    permit = get_object_or_404(BurnPermit.objects.restrict(request.user, "change"), pk=pk)
    action = request.POST.get("action", "")
    with shown_on(request) as outcome:
        permit = services.permit_decide(
            actor=request.user, permit=permit, action=action, reason=request.POST.get("reason", "")
        )
    if outcome.ok:
        messages.success(request, f"{permit.number}：{permit.get_status_display()}")
    return redirect("forestfire:permit", pk=pk)


# ---------------------------------------------------------------- rangers


class FireReportForm(forms.Form):
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    text = forms.CharField(
        label="火情描述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "位置、火势、烟雾颜色、是否有人员"}),
    )
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


def _may_report(user) -> bool:
    return user.is_superuser or user.role in REPORTERS or Ranger.objects.filter(user=user, active=True).exists()


@login_required
def fire_report(request):
    """Phone page: a ranger (or township/county staff) reports a fire; it enters incident intake at once."""
    if not _may_report(request.user):
        raise PermissionDenied("只有护林员和村、乡镇、县级人员可在此报告火情")
    ranger = Ranger.objects.filter(user=request.user, active=True).select_related("person").first()
    form = FireReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        photo = None
        if d["photo"]:
            try:
                photo = check_upload(d["photo"], images_only=True)
            except UploadRejected as exc:
                form.add_error("photo", str(exc))
        if not form.errors:
            with shown_on(form) as outcome:
                incident = services.ranger_fire_report(
                    actor=request.user, ranger=ranger, lon=d["lon"], lat=d["lat"], text=d["text"], photo=photo
                )
            if outcome.ok:
                flag = "（位于已批准用火范围内）" if "位于已批准用火范围内" in incident.description else ""
                messages.success(request, f"火情已报告，事件编号 {incident.number}{flag}，值班人员已收到通知")
                return redirect("forestfire:fire_report")
    return render(request, "forestfire/fire_report.html", {"form": form, "ranger": ranger})


@login_required
def missed(request):
    since = timezone.localdate() - dt.timedelta(days=30)
    tasks = list(services.missed_patrols(request.user, since=since)[:500])
    guards: dict[int, list[str]] = {}
    rows = Ranger.sites.through.objects.filter(hazardsite_id__in={t.site_id for t in tasks}).select_related(
        "ranger__person"
    )
    for link in rows:
        guards.setdefault(link.hazardsite_id, []).append(link.ranger.person.name)
    lines = [{"task": t, "rangers": "、".join(guards.get(t.site_id, [])) or "（未指定护林员）"} for t in tasks]
    return render(request, "forestfire/missed.html", {"lines": lines, "since": since})
