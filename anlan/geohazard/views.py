"""地质灾害防治 pages: the registry-kit lists (三查工作, 三查记录, 三查发现, 险情灾情), a campaign's page (progress
per township, steps, assignment, 排查表 in Excel), the phone page of a site's check with its finding, the
county's decision on a finding, a site's 险情/灾情 form and the event page with its 速报 deadline, the 避险明白卡
of a site (print page and Word) and the public page its QR opens. Rows only through `restrict(user, action)`."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.audit import audit_record
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, config_for, register, register_link
from anlan.core.masking import mask_name
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, role_allows, sees_full_phone
from anlan.core.uploads import UploadRejected, check_upload, serve_upload
from anlan.core.views import docx_response, xlsx_response
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.incidents.models import GEO_DANGER, GEO_STAGES
from anlan.sites.models import GEOLOGICAL, HazardSite, Household

from . import cards, services
from .filters import SiteCheckFilterSet
from .models import Campaign, CheckPhoto, Finding, GeoEvent, SiteCheck
from .workflow import FLOW

GROUP = "地质灾害防治"
GEO_KINDS = [(k, label) for k, label in HazardSite.Kind.choices if k in GEOLOGICAL]

register(
    ModelConfig(
        model=Campaign,
        list_columns=["title", "kind", "year", "region", "start", "end", "status"],
        form_fields=[],
        detail_fields=["title", "kind", "year", "region", "start", "end", "status", "notes", "created_by"],
        search_fields=["title"],
        importable=False,
        selector=lambda qs: qs.select_related("region"),
        sortable=["year", "start", "status"],
        detail_links=[("进度与排查表", "geohazard:campaign")],
        add_url="geohazard:campaign_new",
        menu_group=GROUP,
        menu_order=140,
    )
)
register(
    ModelConfig(
        model=SiteCheck,
        list_columns=["campaign", "site", "township", "inspector", "checked_on", "result", "checked_by"],
        form_fields=[],
        detail_fields=[
            *("campaign", "site", "township", "inspector", "checked_on", "state", "measures", "note"),
            *("lon", "lat", "checked_by"),
        ],
        search_fields=["site__name", "site__code"],
        filterset_class=SiteCheckFilterSet,
        extra_labels={"result": "检查结果"},
        importable=False,
        selector=lambda qs: qs.select_related("campaign", "site", "township", "inspector"),
        sortable=["checked_on"],
        detail_links=[("检查填报", "geohazard:check")],
        menu_group=GROUP,
        menu_order=142,
    )
)
register(
    ModelConfig(
        model=Finding,
        list_columns=["kind", "site_check", "region", "description", "status", "decided_by"],
        form_fields=[],
        detail_fields=[
            *("kind", "site_check", "region", "description", "proposed_site", "households", "people", "event"),
            *("status", "decided_by", "decided_at", "decision_note"),
        ],
        importable=False,
        selector=lambda qs: qs.select_related("site_check__site", "site_check__campaign", "region"),
        sortable=["status"],
        detail_links=[("确认", "geohazard:finding")],
        menu_group=GROUP,
        menu_order=143,
    )
)
register(
    ModelConfig(
        model=GeoEvent,
        list_columns=["site", "stage", "incident", "people_threatened", "recorded_by", "created_at"],
        form_fields=[],
        detail_fields=["site", "stage", "incident", "people_threatened", "recorded_by", "created_at"],
        importable=False,
        selector=lambda qs: qs.select_related("site", "incident"),
        detail_links=[("等级与速报时限", "geohazard:event")],
        menu_group=GROUP,
        menu_order=144,
    )
)
register_link(MenuLink(GROUP, "我的三查任务", "geohazard:my_checks", SiteCheck, "view", 141))


# ---------------------------------------------------------------- campaigns


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["kind", "year", "title", "region", "start", "end", "notes"]
        widgets = {
            # ISO values: a Chinese browser's locale format (2026/12/10) leaves a date input empty.
            "start": DateOnly(),
            "end": DateOnly(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.restrict(user).filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).order_by("code")
        )


@login_required
def campaign_add(request):
    if not role_allows(request.user, "add", Campaign):
        raise PermissionDenied("您的角色不能编制三查工作")
    today = timezone.localdate()
    initial = {"year": today.year, "kind": Campaign.Kind.PRE, "region": request.user.region_id, "start": today}
    form = CampaignForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            campaign = services.campaign_create(actor=request.user, campaign=form.save(commit=False))
        if outcome.ok:
            messages.success(
                request, f"已编制“{campaign.title}”，共 {campaign.checks.count()} 处隐患点，请分配检查人后启动"
            )
            return redirect("geohazard:campaign", pk=campaign.pk)
    context = {"form": form, "list_url": config_for(Campaign).reverse("list")}
    return render(request, "geohazard/campaign_add.html", context, status=400 if form.errors else 200)


@login_required
def campaign(request, pk):
    campaign = get_object_or_404(Campaign.objects.restrict(request.user).select_related("region"), pk=pk)
    rows = services.progress(campaign, request.user)
    checks = (
        SiteCheck.objects.restrict(request.user)
        .filter(campaign=campaign)
        .select_related("site", "township", "inspector")
        .order_by("township_id", "site__code")
    )
    if request.GET.get("export") == "xlsx":
        rows_out = [_export_cells(c) for c in checks.select_related("region").defer("region__boundary")]
        data = excel.table_workbook(f"{campaign.title}排查表", EXPORT_HEADERS, rows_out)
        return xlsx_response(data, f"{campaign.title}_排查表_{timezone.localdate():%Y%m%d}.xlsx")
    township = request.GET.get("township", "")
    if township:
        checks = checks.filter(township_id=township)
    may_assign = request.user.is_superuser or request.user.role in LOCAL_REGISTRY_ROLES
    checks = list(checks[:500])
    # 填报 only where this user may fill the check in now; 查看 elsewhere (a read-only role opens no empty form).
    fills = role_allows(request.user, "change", SiteCheck) and campaign.status == Campaign.Status.RUNNING
    for c in checks:
        c.may_fill = fills and services.may_check(request.user, c)
    context = {
        "campaign": campaign,
        "rows": rows,
        "totals": services.totals(rows),
        "checks": checks,
        "township": township,
        "steps": FLOW.allowed(request.user, campaign),
        "may_assign": may_assign and campaign.status in (Campaign.Status.DRAFT, Campaign.Status.RUNNING),
        "inspectors": _inspector_choices(rows) if may_assign else {},
        "list_url": config_for(Campaign).reverse("list"),
    }
    return render(request, "geohazard/campaign.html", context)


def _inspector_choices(rows) -> dict[str, list]:
    """Township code → its active township and village staff (one query for every township shown)."""
    from anlan.accounts.models import User

    codes = [r["code"] for r in rows]
    out: dict[str, list] = {code: [] for code in codes}
    prefixes = {region_prefix(code): code for code in codes}
    if not prefixes:
        return out
    within = Q()
    for prefix in prefixes:
        within |= Q(region__pk__startswith=prefix)
    users = User.objects.filter(within, is_active=True, role__in=["township_operator", "village_worker"])
    for u in users.only("pk", "username", "display_name", "role", "region_id").order_by("role", "username"):
        code = prefixes.get(u.region_id[:9])
        if code:
            out[code].append(u)
    return out


EXPORT_HEADERS = [
    *("隐患点编号", "隐患点名称", "类型", "责任乡镇", "所在村（社区）", "威胁户数", "威胁人数", "检查人"),
    *("检查日期", "检查结果", "防范措施", "检查情况", "填报人"),
]


def _export_cells(c: SiteCheck) -> list:
    inspector = c.inspector.display_name or c.inspector.username if c.inspector_id else ""
    return [
        c.site.code,
        c.site.name,
        c.site.get_kind_display(),
        c.township.name,
        c.region.name,
        c.site.threatened_households,
        c.site.threatened_people,
        inspector,
        c.checked_on,
        c.get_state_display() if c.state else "未检查",
        c.measures,
        c.note,
        c.checked_by,
    ]


@login_required
@require_POST
def campaign_step(request, pk):
    campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)
    with shown_on(request) as outcome:
        campaign = services.campaign_step(actor=request.user, campaign=campaign, action=request.POST.get("action", ""))
    if outcome.ok:
        messages.success(request, f"{campaign.title}：{campaign.get_status_display()}")
    return redirect("geohazard:campaign", pk=pk)


@login_required
@require_POST
def campaign_assign(request, pk):
    from anlan.accounts.models import User

    if not (request.user.is_superuser or request.user.role in LOCAL_REGISTRY_ROLES):
        raise PermissionDenied("只有县级和乡镇人员可以分配检查人")
    campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)
    raw = request.POST.get("inspector", "")
    inspector = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if inspector is None:
        messages.error(request, "请选择检查人")
        return redirect("geohazard:campaign", pk=pk)
    with shown_on(request) as outcome:
        count = services.assign(
            actor=request.user, campaign=campaign, township_code=request.POST.get("township", ""), inspector=inspector
        )
    if outcome.ok:
        messages.success(request, f"已将 {count} 处隐患点分配给 {inspector.display_name or inspector.username}")
    return redirect("geohazard:campaign", pk=pk)


@login_required
def my_checks(request):
    """The inspector's (or the township's) sites still to check in running campaigns."""
    checks = (
        SiteCheck.objects.restrict(request.user)
        .filter(campaign__status=Campaign.Status.RUNNING, checked_on__isnull=True)
        .select_related("campaign", "site", "township")
        .order_by("campaign__end", "township_id", "site__code")
    )
    if request.user.role == "village_worker":
        checks = checks.filter(Q(inspector__isnull=True) | Q(inspector=request.user))
    return render(request, "geohazard/my_checks.html", {"checks": checks[:300]})


# ---------------------------------------------------------------- the check


class CheckForm(forms.Form):
    checked_on = forms.DateField(label="检查日期", widget=DateOnly())
    state = forms.ChoiceField(label="检查结果", choices=SiteCheck.State.choices)
    measures = forms.CharField(label="防范措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    finding_kind = forms.ChoiceField(
        label="发现", required=False, choices=[("", "无需更新名录"), *Finding.Kind.choices]
    )
    finding_description = forms.CharField(
        label="发现情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_name = forms.CharField(label="新隐患点名称", required=False, max_length=200)
    new_kind = forms.ChoiceField(label="新隐患点类型", required=False, choices=[("", "—"), *GEO_KINDS])
    new_lon = forms.FloatField(label="新隐患点经度", required=False)
    new_lat = forms.FloatField(label="新隐患点纬度", required=False)
    households = forms.IntegerField(label="威胁户数", required=False, min_value=0, max_value=100000)
    people = forms.IntegerField(label="威胁人数", required=False, min_value=0, max_value=1000000)
    people_to_relocate = forms.IntegerField(label="险情：需转移人数", required=False, min_value=0, max_value=1000000)
    potential_loss = forms.DecimalField(
        label="险情：潜在经济损失（万元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def finding(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("finding_kind"):
            return None
        return {
            "kind": d["finding_kind"],
            "description": d["finding_description"],
            "site": {
                "name": d["new_name"],
                "kind": d["new_kind"],
                "lon": d["new_lon"],
                "lat": d["new_lat"],
                "households": d["households"],
                "people": d["people"],
            },
            "households": d["households"],
            "people": d["people"],
            "event": {
                "people_threatened": d["people"] or 0,
                "people_to_relocate": d["people_to_relocate"] or 0,
                "potential_loss_10k_yuan": d["potential_loss"] or 0,
            },
        }


MAX_PHOTOS = 6


@login_required
def check(request, pk):
    check = get_object_or_404(
        SiteCheck.objects.restrict(request.user).select_related("campaign", "site", "township", "inspector"), pk=pk
    )
    may_fill = (
        role_allows(request.user, "change", SiteCheck)
        and check.campaign.status == Campaign.Status.RUNNING
        and services.may_check(request.user, check)
    )
    form = CheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied("您不能填报该隐患点的检查")
        uploads = request.FILES.getlist("photos")
        photos = []
        if len(uploads) > MAX_PHOTOS:
            form.add_error(None, f"一次最多上传 {MAX_PHOTOS} 张照片")
        for upload in uploads[:MAX_PHOTOS]:
            try:
                photos.append(check_upload(upload, images_only=True))
            except UploadRejected as exc:
                form.add_error(None, str(exc))
        if form.is_valid() and not form.errors:
            d = form.cleaned_data
            with shown_on(form) as outcome:
                done = services.check_record(
                    actor=request.user,
                    check=check,
                    checked_on=d["checked_on"],
                    state=d["state"],
                    measures=d["measures"],
                    note=d["note"],
                    lon=d["lon"],
                    lat=d["lat"],
                    photos=photos,
                    finding=form.finding(),
                )
            if outcome.ok:
                event = next((f.event for f in done.findings.all() if f.event_id), None)
                if event:
                    messages.success(request, f"已填报，险情已登记为突发事件 {event.incident.number}")
                    return redirect("geohazard:event", pk=event.pk)
                messages.success(request, f"已填报 {done.site.name} 的检查")
                return redirect("geohazard:my_checks")
    context = {
        "check": check,
        "form": form,
        "may_fill": may_fill,
        "photos": list(CheckPhoto.objects.filter(site_check=check)),
        "findings": list(check.findings.select_related("proposed_site", "event__incident")),
        "max_photos": MAX_PHOTOS,
        # The village's 群测群防员 comes from 我的三查任务 on the phone and goes back there.
        "back": (
            (reverse("geohazard:my_checks"), "返回我的三查任务")
            if request.user.role == "village_worker"
            else (reverse("geohazard:campaign", args=[check.campaign_id]), "返回三查工作")
        ),
    }
    return render(request, "geohazard/check.html", context, status=400 if form.errors else 200)


@login_required
def photo(request, pk):
    item = get_object_or_404(CheckPhoto.objects.restrict(request.user), pk=pk)
    return serve_upload(item.image)


@login_required
def finding(request, pk):
    finding = get_object_or_404(
        Finding.objects.restrict(request.user).select_related(
            "site_check__site", "site_check__campaign", "proposed_site", "event__incident", "region"
        ),
        pk=pk,
    )
    may_decide = (request.user.is_superuser or request.user.role in COUNTY_ROLES) and (
        finding.status == Finding.Status.PENDING
    )
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied("三查发现由县级确认")
        with shown_on(request) as outcome:
            finding = services.finding_decide(
                actor=request.user,
                finding=finding,
                confirm=request.POST.get("action") == "confirm",
                note=request.POST.get("note", ""),
            )
        if outcome.ok:
            messages.success(request, f"{finding.get_kind_display()}：{finding.get_status_display()}")
        return redirect("geohazard:finding", pk=pk)
    return render(request, "geohazard/finding.html", {"finding": finding, "may_decide": may_decide})


# ---------------------------------------------------------------- 险情 and 灾情


class EventForm(forms.Form):
    stage = forms.ChoiceField(label="情形", choices=GEO_STAGES, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(
        label="发生（发现）时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label="情况",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "规模、可能的诱发因素、发展趋势、已采取的措施"}),
    )
    people_threatened = forms.IntegerField(label="受威胁人数", min_value=0, max_value=1000000, initial=0)
    people_to_relocate = forms.IntegerField(label="需转移人数（险情）", min_value=0, max_value=1000000, initial=0)
    potential_loss = forms.DecimalField(
        label="潜在经济损失（万元，险情）", min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    deaths = forms.IntegerField(label="死亡（人，灾情）", min_value=0, max_value=100000, initial=0)
    missing = forms.IntegerField(label="失踪（人，灾情）", min_value=0, max_value=100000, initial=0)
    injured = forms.IntegerField(label="受伤（人，灾情）", min_value=0, max_value=100000, initial=0)
    direct_loss = forms.DecimalField(
        label="直接经济损失（万元，灾情）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )


@login_required
def site_event(request, pk):
    """From a site: record a 险情 or 灾情 (an incident graded by incidents.grading_geo)."""
    if not role_allows(request.user, "add", GeoEvent):
        raise PermissionDenied("您的角色不能登记险情灾情")
    site = get_object_or_404(HazardSite.objects.restrict(request.user).select_related("region"), pk=pk)
    initial = {
        "stage": GEO_DANGER,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "people_threatened": site.threatened_people,
    }
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with shown_on(form) as outcome:
            event = services.event_record(
                actor=request.user,
                site=site,
                stage=d["stage"],
                description=d["description"],
                occurred_at=d["occurred_at"],
                people_threatened=d["people_threatened"],
                people_to_relocate=d["people_to_relocate"],
                potential_loss_10k_yuan=d["potential_loss"],
                deaths=d["deaths"],
                missing=d["missing"],
                injured=d["injured"],
                direct_loss_10k_yuan=d["direct_loss"],
            )
        if outcome.ok:
            messages.success(request, f"已登记为突发事件 {event.incident.number}，值班人员已收到通知")
            return redirect("geohazard:event", pk=event.pk)
    context = {"site": site, "form": form, "site_url": config_for(HazardSite).reverse("detail", site.pk)}
    return render(request, "geohazard/site_event.html", context, status=400 if form.errors else 200)


@login_required
def event(request, pk):
    event = get_object_or_404(
        GeoEvent.objects.restrict(request.user).select_related("site__region", "incident__kind"), pk=pk
    )
    from anlan.incidents.calculators import level_label

    context = {
        "event": event,
        "incident": event.incident,
        "level": level_label(event.incident),
        "deadlines": services.report_deadlines(event),
        "site_url": config_for(HazardSite).reverse("detail", event.site_id),
    }
    return render(request, "geohazard/event.html", context)


# ---------------------------------------------------------------- 避险明白卡


def _card_url(request, household: Household) -> str:
    path = services.card_path(household)
    return f"{settings.ANLAN_PUBLIC_URL}{path}" if settings.ANLAN_PUBLIC_URL else request.build_absolute_uri(path)


def _site_for_cards(request, pk) -> HazardSite:
    if not role_allows(request.user, "view", Household):
        raise PermissionDenied("您的角色不能查看受威胁户")
    return get_object_or_404(
        HazardSite.objects.restrict(request.user).select_related("region", "shelter").prefetch_related("monitors"),
        pk=pk,
    )


@login_required
def site_cards(request, pk):
    """The 避险明白卡 of every household of the site, A6 cards to print (two to an A5 sheet side)."""
    site = _site_for_cards(request, pk)
    households = cards.households_of(site).filter(pk__in=Household.objects.restrict(request.user).values("pk"))
    rows = cards.card_rows(site, households, request.user)
    for row in rows:
        row["url"] = _card_url(request, row["household"])
        row["qr"] = cards.qr_svg(row["url"])
    audit_record(action="geo_cards_print", obj=site, actor=request.user, extra={"households": len(rows)})
    context = {
        "site": site,
        "rows": rows,
        "masked": not sees_full_phone(request.user),
        "public_url_set": bool(settings.ANLAN_PUBLIC_URL),
        "site_url": config_for(HazardSite).reverse("detail", site.pk),
        "size": "a5" if request.GET.get("size") == "a5" else "a6",
    }
    return render(request, "geohazard/cards.html", context)


@login_required
def site_cards_docx(request, pk):
    site = _site_for_cards(request, pk)
    households = cards.households_of(site).filter(pk__in=Household.objects.restrict(request.user).values("pk"))
    rows = cards.card_rows(site, households, request.user)
    urls = [_card_url(request, row["household"]) for row in rows]
    data = cards.word(site, rows, urls, masked=not sees_full_phone(request.user))
    audit_record(action="geo_cards_word", obj=site, actor=request.user, extra={"households": len(rows)})
    return docx_response(data, f"避险明白卡_{site.name}.docx")


@never_cache
def card_public(request, token):
    """What the QR of a household's card opens (no login): the site's open transfer and this household's
    marks, or 当前无转移行动 with the route and the shelter. Names masked, no phone numbers."""
    pk = services.read_card_token(token)
    if pk is None:
        raise Http404("无效的二维码")
    household = (
        Household.objects.filter(pk=pk, active=True).select_related("site__shelter", "site__region", "region").first()
    )
    if household is None:
        raise Http404("该户已不在册")
    record = services.transfer_record(household)
    context = {
        "household": household,
        "head": mask_name(household.head_name),
        "site": household.site,
        **record,
        "now": timezone.localtime(),
    }
    return render(request, "geohazard/card_public.html", context)
