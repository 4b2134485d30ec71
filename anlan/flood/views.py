"""防汛 pages: the registry-kit lists (水库, 堤防, 河道水位站, 防汛责任人, 山洪预警阈值, 汛期, 设置), an object's
责任人 page (assign the 三个责任人), the 责任人 overview with Excel import and export, a zone's threshold page, the
汛期 board, and the public 公示 per county (no login, phones masked). Rows only through `restrict(user, action)`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.excel import ImportRejected
from anlan.core.kit import (
    MenuLink,
    ModelConfig,
    config_for,
    regions_writable_by,
    register,
    register_link,
    role_may,
)
from anlan.core.masking import mask_phone
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import role_allows, sees_full_phone
from anlan.core.views import xlsx_response
from anlan.geo.models import Region, RegionLevel
from anlan.monitoring.models import Sensor
from anlan.registry.models import Person
from anlan.sites.models import HazardSite

from . import board as board_data
from . import excel, rules, services
from .models import Dike, FlashFloodThreshold, FloodResponsibility, FloodSeason, FloodSetting, Reservoir, RiverStation

GROUP = "防汛"


def with_post_counts(qs, related="responsibilities", kind="reservoir"):
    """Annotate n_<post> for the required posts (the list's 责任人 column in the same query)."""
    return qs.annotate(
        **{f"n_{p}": Count(related, filter=Q(**{f"{related}__post": p}), distinct=True) for p in rules.REQUIRED[kind]}
    )


def _regions(level):
    """Regions of `level` the user may own records in (the county for 汛期 and 防汛设置, villages downstream)."""
    return lambda user: regions_writable_by(user).filter(level=level).only("code", "name")


def _duty_link(kind):
    return ("防汛责任人", f"flood:{kind}_duty")


register(
    ModelConfig(
        model=Reservoir,
        list_columns=[
            "code",
            "name",
            "region",
            "size_class",
            "total_storage",
            "flood_limit_level",
            "sensor",
            "duty_status",
        ],
        form_fields=[
            *("code", "name", "region", "department", "lon", "lat", "total_storage", "dam_type", "dam_height"),
            *("flood_limit_level", "normal_level", "design_flood_level", "check_flood_level", "sensor"),
            *("downstream_villages", "downstream_people"),
        ],
        detail_fields=[
            *("code", "name", "region", "department", "total_storage", "size_class", "grade", "dam_type"),
            *(
                "dam_height",
                "flood_limit_level",
                "normal_level",
                "design_flood_level",
                "check_flood_level",
                "sensor",
            ),
            *("downstream_villages", "downstream_people", "lon", "lat"),
        ],
        search_fields=["code", "name"],
        extra_labels={"duty_status": "三个责任人", "grade": "工程等别"},
        natural_keys={Sensor: "code"},
        related_choices={"downstream_villages": _regions(RegionLevel.VILLAGE)},
        selector=lambda qs: with_post_counts(qs.select_related("region", "sensor")),
        sortable=["code", "total_storage"],
        detail_links=[_duty_link("reservoir")],
        menu_group=GROUP,
        menu_order=130,
    )
)
register(
    ModelConfig(
        model=Dike,
        list_columns=["code", "name", "river", "region", "length_km", "grade", "protected_people", "duty_status"],
        form_fields=[
            *("code", "name", "river", "region", "department", "length_km", "grade", "protected_people"),
            *("warning_level", "guarantee_level", "station", "lon", "lat"),
        ],
        search_fields=["code", "name", "river"],
        extra_labels={"duty_status": "三个责任人"},
        selector=lambda qs: with_post_counts(qs.select_related("region"), kind="dike"),
        detail_links=[_duty_link("dike")],
        menu_group=GROUP,
        menu_order=131,
    )
)
register(
    ModelConfig(
        model=RiverStation,
        list_columns=["sensor", "river", "warning_level", "guarantee_level"],
        form_fields=["sensor", "river", "warning_level", "guarantee_level"],
        natural_keys={Sensor: "code"},
        selector=lambda qs: qs.select_related("sensor"),
        menu_group=GROUP,
        menu_order=132,
    )
)
register(
    ModelConfig(
        model=FloodResponsibility,
        list_columns=["target_label", "post", "person", "region"],
        form_fields=["reservoir", "dike", "site", "post", "person"],
        extra_labels={"target_label": "防汛对象"},
        importable=False,  # the 责任人 import finds or registers persons by phone: flood:duty_import
        natural_keys={Person: "pk"},
        selector=lambda qs: qs.select_related("reservoir", "dike", "site", "person", "region"),
        menu_group=GROUP,
        menu_order=134,
    )
)
register(
    ModelConfig(
        model=FlashFloodThreshold,
        list_columns=[
            "site",
            "prepare_1h",
            "immediate_1h",
            "prepare_3h",
            "immediate_3h",
            "prepare_24h",
            "immediate_24h",
            "gauges",
        ],
        form_fields=[],  # set on flood:threshold_edit, which writes the monitoring rules in the same step
        detail_fields=[
            "site",
            "prepare_1h",
            "immediate_1h",
            "prepare_3h",
            "immediate_3h",
            "prepare_24h",
            "immediate_24h",
            "gauges",
            "rules",
            "basis",
        ],
        importable=False,
        selector=lambda qs: qs.select_related("site").prefetch_related("gauges"),
        detail_links=[("修改阈值", "flood:threshold_edit", role_may("change", "flood.FlashFloodThreshold"))],
        add_url="flood:threshold_add",
        menu_group=GROUP,
        menu_order=135,
    )
)
register(
    ModelConfig(
        model=FloodSeason,
        list_columns=["region", "year", "start", "end", "main_start", "main_end", "basis"],
        form_fields=["region", "year", "start", "end", "main_start", "main_end", "basis"],
        importable=False,
        related_choices={"region": _regions(RegionLevel.COUNTY)},
        selector=lambda qs: qs.select_related("region").defer("region__boundary"),
        menu_group=GROUP,
        menu_order=137,
    )
)
register(
    ModelConfig(
        model=FloodSetting,
        list_columns=["region", "basin"],
        form_fields=["region", "basin"],
        importable=False,
        related_choices={"region": _regions(RegionLevel.COUNTY)},
        selector=lambda qs: qs.select_related("region").defer("region__boundary"),
        menu_group=GROUP,
        menu_order=138,
    )
)
register_link(MenuLink(GROUP, "汛期值守看板", "flood:board", Reservoir, "view", 129, regional=True))
register_link(MenuLink(GROUP, "三个责任人", "flood:duty", FloodResponsibility, "view", 133, regional=True))


# ---------------------------------------------------------------- board


@login_required
def board(request):
    today = timezone.localdate()
    code = (
        request.user.region_id or Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", flat=True).first()
    )
    context = board_data.board(request.user)
    context["season"] = services.season_for(code, today.year) if code else None
    context["notice"] = services.season_notice(code, today) if code else None
    context["may_add_station"] = role_allows(request.user, "add", RiverStation)
    return render(request, "flood/board.html", context)


# ---------------------------------------------------------------- 责任人


KINDS = {"reservoir": Reservoir, "dike": Dike, "site": HazardSite}


def _target(request, kind: str, pk: int, action: str = "view"):
    model = KINDS[kind]
    qs = model.objects.restrict(request.user, action)
    if kind == "site":
        qs = qs.filter(kind__in=services.ZONE_KINDS)
    return get_object_or_404(qs, pk=pk)


class AssignForm(forms.Form):
    post = forms.ChoiceField(label="岗位")
    person = forms.ModelChoiceField(label="责任人", queryset=Person.objects.none())

    def __init__(self, *args, kind, user, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p, rules.POST_LABELS[p]) for p in rules.POSTS[kind]]
        # People of the object's township (or its village), in the user's scope: whom a township names.
        prefix = target.region_id[:9]
        self.fields["person"].queryset = (
            Person.objects.restrict(user).filter(region__pk__startswith=prefix).order_by("region_id", "name")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.position or p.organisation or '—'}）"


def _duty_page(request, kind: str, pk: int):
    target = _target(request, kind, pk)
    may_write = role_allows(request.user, "add", FloodResponsibility) and (
        KINDS[kind].objects.restrict(request.user, "change").filter(pk=pk).exists()
    )
    form = AssignForm(request.POST or None, kind=kind, user=request.user, target=target)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("您的角色不能指定防汛责任人")
        if form.is_valid():
            with shown_on(form) as outcome:
                row = services.responsibility_assign(
                    actor=request.user,
                    target=target,
                    post=form.cleaned_data["post"],
                    person=form.cleaned_data["person"],
                )
            if outcome.ok:
                messages.success(request, f"已指定 {row.person.name} 为{row.get_post_display()}")
                return redirect(request.path)
    found = services.posts_by_object(kind, [target.pk]).get(target.pk, [])
    full = sees_full_phone(request.user)
    lines = [{"row": r, "phone": r.person.phone if full else mask_phone(r.person.phone)} for r in found]
    missing = rules.missing_posts(kind, [r.post for r in found])
    context = {
        "target": target,
        "kind": kind,
        "kind_label": {"reservoir": "水库", "dike": "堤防"}.get(kind) or target.get_kind_display(),
        "lines": lines,
        "missing": [rules.POST_LABELS[p] for p in missing],
        "status": rules.completeness_text(kind, [r.post for r in found]),
        "form": form if may_write else None,
        "county": target.region_id[:6] + "000000",
        "detail_url": config_for(KINDS[kind]).reverse("detail", target.pk),
    }
    return render(request, "flood/duty_object.html", context, status=400 if form.errors else 200)


@login_required
def reservoir_duty(request, pk):
    return _duty_page(request, "reservoir", pk)


@login_required
def dike_duty(request, pk):
    return _duty_page(request, "dike", pk)


@login_required
def site_duty(request, pk):
    return _duty_page(request, "site", pk)


@login_required
@require_POST
def duty_remove(request, pk):
    row = get_object_or_404(FloodResponsibility.objects.restrict(request.user, "delete"), pk=pk)
    kind, target_pk = row.target_kind, row.target.pk
    services.responsibility_remove(actor=request.user, row=row)
    messages.success(request, f"已移除 {row.person.name}（{row.get_post_display()}）")
    return redirect(f"flood:{kind}_duty", pk=target_pk)


@login_required
def duty(request):
    """The 三个责任人 of every work and zone in scope, incomplete first (three queries per kind at most)."""
    reservoirs = list(with_post_counts(Reservoir.objects.restrict(request.user).select_related("region")))
    dikes = list(with_post_counts(Dike.objects.restrict(request.user).select_related("region"), kind="dike"))
    zones = list(
        with_post_counts(
            HazardSite.objects.restrict(request.user)
            .filter(kind__in=services.ZONE_KINDS, status="active")
            .select_related("region"),
            related="flood_responsibilities",
            kind="site",
        )
    )

    def lines(objects, kind):
        out = [
            {
                "obj": o,
                "status": rules.completeness_text(kind, [p for p in rules.REQUIRED[kind] if getattr(o, f"n_{p}")]),
            }
            for o in objects
        ]
        return sorted(out, key=lambda x: (x["status"] == "责任人完整", x["obj"].region_id, x["obj"].code))

    sections = [
        ("水库", "reservoir", lines(reservoirs, "reservoir")),
        ("堤防", "dike", lines(dikes, "dike")),
        ("山洪危险区、易涝点", "site", lines(zones, "site")),
    ]
    summary = [(title, sum(1 for x in rows if x["status"] == "责任人完整"), len(rows)) for title, _, rows in sections]
    county = (request.user.region_id or "")[:6]
    context = {
        "sections": sections,
        "summary": summary,
        "may_import": role_allows(request.user, "add", FloodResponsibility),
        "county": f"{county}000000" if county else "",
    }
    return render(request, "flood/duty.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


@login_required
def duty_import(request):
    if not role_allows(request.user, "add", FloodResponsibility):
        raise PermissionDenied("您的角色不能导入防汛责任人")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_responsibilities(form.cleaned_data["file"], actor=request.user)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                f"已导入防汛责任人 {result['created']} 条（新登记责任人 {result['persons']} 名，"
                f"已存在而跳过 {result['skipped']} 条）",
            )
            return redirect("flood:duty")
    status = 400 if (errors or form.errors) else 200
    return render(request, "flood/duty_import.html", {"form": form, "errors": errors}, status=status)


@login_required
def duty_template(request):
    return xlsx_response(excel.template(), "防汛责任人_导入模板.xlsx")


@login_required
def duty_export(request):
    qs = FloodResponsibility.objects.restrict(request.user).order_by("region_id", "id")
    return xlsx_response(excel.export(qs, request.user), f"防汛责任人_{timezone.localdate():%Y%m%d}.xlsx")


# ---------------------------------------------------------------- 山洪 thresholds


def threshold_gauges(user):
    """The rain gauges a zone's thresholds may use: the active ones in the user's area, whichever department runs
    them — the 水利局's operator sets the zones' thresholds on the 气象局's gauges, which `restrict` (by
    department) hides from it. Only their names are offered here, not their readings."""
    gauges = Sensor.objects.filter(kind=Sensor.Kind.RAIN_GAUGE, active=True)
    if user.is_superuser:
        return gauges
    if not user.region_id:
        return gauges.none()
    return gauges.filter(region__pk__startswith=region_prefix(user.region_id))


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = FlashFloodThreshold
        fields = [
            *("site", "prepare_1h", "immediate_1h", "prepare_3h", "immediate_3h", "prepare_24h", "immediate_24h"),
            *("gauges", "basis"),
        ]
        widgets = {"gauges": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = HazardSite.objects.restrict(user, "change").filter(kind=HazardSite.Kind.FLASH_FLOOD)
        self.fields["site"].queryset = sites.select_related("region").order_by("region_id", "code")
        site = self.instance.site if self.instance.site_id else None
        gauges = threshold_gauges(user)
        if site is not None:
            gauges = gauges.filter(region__pk__startswith=site.region_id[:6])
            self.fields["site"].disabled = True
        self.fields["gauges"].queryset = gauges.order_by("region_id", "code")


def _threshold_page(request, threshold: FlashFloodThreshold):
    if not role_allows(request.user, "change", FlashFloodThreshold):
        raise PermissionDenied("您的角色不能设置山洪预警阈值")
    initial = {}
    site_pk = request.GET.get("site", "")
    if threshold.pk is None and site_pk.isdigit():  # a bad parameter is ignored: the page lets one choose
        site = HazardSite.objects.restrict(request.user, "change").filter(pk=int(site_pk)).first()
        if site is not None:
            initial = {"site": site, "gauges": list(services.gauges_near(site))}
    form = ThresholdForm(request.POST or None, instance=threshold, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            saved = services.thresholds_save(
                actor=request.user, threshold=form.save(commit=False), gauges=form.cleaned_data["gauges"]
            )
        if outcome.ok:
            messages.success(
                request, f"已保存{saved.site.name}的预警阈值，生成报警规则 {saved.rules.filter(active=True).count()} 条"
            )
            return redirect("flood:threshold_edit", pk=saved.pk)
    rules_list = (
        list(threshold.rules.filter(active=True).select_related("sensor").order_by("sensor__code", "window_minutes"))
        if threshold.pk
        else []
    )
    context = {"form": form, "threshold": threshold, "rules": rules_list}
    return render(request, "flood/threshold.html", context, status=400 if form.errors else 200)


@login_required
def threshold_add(request):
    return _threshold_page(request, FlashFloodThreshold())


@login_required
def threshold_edit(request, pk):
    threshold = get_object_or_404(FlashFloodThreshold.objects.restrict(request.user, "change"), pk=pk)
    return _threshold_page(request, threshold)


# ---------------------------------------------------------------- public 公示 (no login)


def public_board(request, code):
    county = Region.objects.filter(code=code, level=RegionLevel.COUNTY).first()
    if county is None:
        raise Http404("没有该县（区）")
    return render(request, "flood/public.html", services.public_board(county))


def public_url(code: str) -> str:
    return reverse("flood_public:board", kwargs={"code": code})
