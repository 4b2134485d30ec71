"""Risk pages: the registries (risk points, matrix thresholds, major hazard sources), assessment,
the printable 风险告知卡 with its QR code and the public page the code opens, and the substance list
that re-grades a major hazard source."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from anlan.core import excel
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, config_for, register, register_link, role_may
from anlan.core.roles import role_allows
from anlan.core.views import xlsx_response
from anlan.registry.models import Department, Enterprise

from . import index, regional, services
from .filters import MajorHazardSourceFilterSet, RiskPointFilterSet
from .forms import AssessForm, SubstanceFormSet
from .models import MajorHazardSource, RiskMatrixSetting, RiskPoint

RISK_POINT_FIELDS = [
    *("name", "kind", "enterprise", "region", "department", "address", "lon", "lat"),
    *("hazard_factors", "accident_types", "controls", "emergency_measures", "control_level"),
    *("responsible", "responsible_phone", "emergency_phone"),
]


def _assessments(point, user):
    rows = [
        (
            f"{timezone.localtime(a.assessed_at):%Y-%m-%d %H:%M}",
            a.get_method_display(),
            f"L={a.L:g} E={a.E:g} C={a.C:g}" if a.method == "lec" else f"L={a.L:g} S={a.S}",
            f"{a.score:g}",
            a.get_grade_display(),
            a.assessor,
            a.note,
        )
        for a in point.assessments.all()
    ]
    return [("评估记录", ["时间", "方法", "取值", "D / R", "等级", "评估人", "说明"], rows)]


register(
    ModelConfig(
        model=RiskPoint,
        list_columns=["name", "kind", "enterprise", "region", "grade", "control_level", "responsible", "assessed_at"],
        form_fields=RISK_POINT_FIELDS,
        detail_fields=[*RISK_POINT_FIELDS[:13], "grade", "assessed_at", *RISK_POINT_FIELDS[13:]],
        filterset_class=RiskPointFilterSet,
        search_fields=["name", "hazard_factors", "responsible", "address"],
        natural_keys={Department: "code", Enterprise: "credit_code"},
        selector=lambda qs: qs.select_related("region", "enterprise", "department"),
        sortable=["name", "region", "grade", "assessed_at"],
        detail_links=[("风险评估", "risk:assess", role_may("change", "risk.RiskPoint")), ("风险告知卡", "risk:card")],
        related_tables=_assessments,
        menu_group="企业与风险",
        menu_order=34,
    )
)

register(
    ModelConfig(
        model=RiskMatrixSetting,
        list_columns=["region", "red", "orange", "yellow", "basis"],
        form_fields=["region", "red", "orange", "yellow", "basis"],
        importable=False,
        menu_group="系统",
        menu_order=90,
    )
)

MAJOR_HAZARD_FIELDS = [
    *("enterprise", "name", "unit_kind", "exposed_people", "lon", "lat", "record_no"),
    *("principal", "technical_lead", "operations_lead"),
]


def _substances(source, user):
    rows = [
        (s.name or "—", s.matched_name, s.category or "—", f"{s.quantity_t:g}", f"{s.critical_t:g}")
        for s in source.substances.all()
    ]
    return [("危险化学品", ["填报名称/CAS", "标准名称", "类别", "设计最大量（吨）", "临界量（吨）"], rows)]


register(
    ModelConfig(
        model=MajorHazardSource,
        list_columns=["enterprise", "name", "unit_kind", "region", "is_major", "level_label", "R", "graded_at"],
        form_fields=MAJOR_HAZARD_FIELDS,
        detail_fields=[*MAJOR_HAZARD_FIELDS, "region", "is_major", "sum_ratio", "R", "level_label", "graded_at"],
        export_fields=[*MAJOR_HAZARD_FIELDS, "region", "is_major", "sum_ratio", "R", "level", "graded_at"],
        extra_labels={"level_label": "重大危险源级别"},
        filterset_class=MajorHazardSourceFilterSet,
        search_fields=["name", "record_no"],
        natural_keys={Enterprise: "credit_code"},
        selector=lambda qs: qs.select_related("enterprise", "region"),
        sortable=["name", "region", "level", "R"],
        detail_links=[("危险化学品与分级", "risk:substances")],
        related_tables=_substances,
        menu_group="企业与风险",
        menu_label="重大危险源",
        menu_order=35,
    )
)


register_link(MenuLink("企业与风险", "区域风险指数", "risk:index", RiskPoint, "view", 39, regional=True))


@login_required
def assess(request, pk):
    point = get_object_or_404(RiskPoint.objects.restrict(request.user, "change"), pk=pk)
    form = AssessForm(request.POST or None, initial={"method": "lec"})
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            record = services.assess(
                actor=request.user,
                point=point,
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                **form.factors(),
            )
        if outcome.ok:
            messages.success(request, f"评估完成：{record.get_grade_display()}（{record.score:g}）")
            return redirect(config_for(RiskPoint).reverse("detail", point.pk))
    context = {
        "point": point,
        "form": form,
        "thresholds": services.matrix_thresholds(point.region_id),
        "detail_url": config_for(RiskPoint).reverse("detail", point.pk),
    }
    return render(request, "risk/assess.html", context, status=400 if form.errors else 200)


def public_card_url(request, point: RiskPoint) -> str:
    path = reverse("risk_public_card", kwargs={"token": point.public_token})
    return f"{settings.ANLAN_PUBLIC_URL}{path}" if settings.ANLAN_PUBLIC_URL else request.build_absolute_uri(path)


@login_required
def card(request, pk):
    """The 风险告知卡 to print and post at the site; its QR code opens the public card page."""
    point = get_object_or_404(RiskPoint.objects.restrict(request.user).select_related("enterprise", "region"), pk=pk)
    url = public_card_url(request, point)
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#1b2733")
    context = {
        "point": point,
        "qr": qr,
        "public_url": url,
        "public_url_set": bool(settings.ANLAN_PUBLIC_URL),
        "detail_url": config_for(RiskPoint).reverse("detail", point.pk),
    }
    return render(request, "risk/card.html", context)


@never_cache
def public_card(request, token):
    """What a passer-by sees after scanning the card: no login, no personal phone numbers."""
    point = get_object_or_404(RiskPoint.objects.select_related("enterprise", "region"), public_token=token)
    return render(request, "risk/public_card.html", {"point": point})


@login_required
def substances(request, pk):
    source = get_object_or_404(MajorHazardSource.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    may_change = role_allows(request.user, "change", MajorHazardSource)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("您的角色无权修改")
    initial = [{"name": s.name, "category": s.category, "quantity_t": s.quantity_t} for s in source.substances.all()]
    formset = SubstanceFormSet(request.POST or None, initial=initial, prefix="s")
    error = None
    if request.method == "POST" and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data.get("name") or f.cleaned_data.get("category")]
        with shown_on(None) as outcome:
            source = services.substances_replace(actor=request.user, source=source, items=items)
        if not outcome.ok:
            error = outcome.refused.message
        else:
            messages.success(
                request,
                f"已重新辨识：{'构成' + source.level_label + '重大危险源' if source.is_major else '不构成重大危险源'}",
            )
            return redirect(config_for(MajorHazardSource).reverse("detail", source.pk))
    context = {
        "source": source,
        "formset": formset,
        "error": error,
        "may_change": may_change,
        "detail_url": config_for(MajorHazardSource).reverse("detail", source.pk),
    }
    return render(request, "risk/substances.html", context, status=400 if error or formset.errors else 200)


INDEX_HEADERS = [
    *("排名", "区划", "上级", "风险指数", "等级", "红橙风险点", "重大危险源", "未销号隐患", "逾期隐患"),
    *("灾害隐患点", "威胁人数"),
]


@login_required
def risk_index(request):
    """一图一指数: townships (or villages) ranked by the regional risk index, with its parts."""
    level = request.GET.get("level", "township")
    if level not in ("township", "village"):
        level = "township"
    rows = regional.regional_risk(request.user, level)
    table = [
        (
            *(rank, r.name, r.parent_name, r.index, r.colour_label, r.red_orange_points, r.major_units),
            *(r.open_hazards, r.overdue_hazards, r.components.sites, r.components.threatened_people),
        )
        for rank, r in enumerate(rows, start=1)
    ]
    if request.GET.get("export") == "xlsx":
        title = "乡镇风险指数" if level == "township" else "村（社区）风险指数"
        data = excel.table_workbook(title, INDEX_HEADERS, table)
        return xlsx_response(data, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")
    counts = {c: sum(1 for r in rows if r.colour == c) for c in index.COLOURS}
    context = {
        "level": level,
        "rows": list(zip(rows, table, strict=True)),
        "headers": INDEX_HEADERS,
        "counts": [(index.LABELS[c], index.COLOURS[c], n) for c, n in counts.items()],
        "thresholds": regional.thresholds()[level],
        "weights": index,
        "charts": [(f"风险指数排名（前 {min(len(rows), 15)} 名）", regional.ranking_chart(rows))],
    }
    return render(request, "risk/index.html", context)
