"""核心指标 pages: the 指标看板 by category (latest value, status, trend), an indicator's page with the trend chart
against the target and each value's numerator / denominator / note, the manual entry form, 重新计算 (county roles)
and the Excel export of the board. Definitions and yearly bases are registry-kit pages (Indicator, YearBase)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import modelform_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import charts, excel
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, ScopedModelForm, register, register_link
from anlan.core.uploads import serve_upload
from anlan.core.views import xlsx_response

from . import computed, status
from . import services_indicators as services
from .models import Indicator, IndicatorValue, YearBase

MENU_GROUP = "考核与任务"
register_link(MenuLink(MENU_GROUP, "指标看板", "kpi:indicator_board", Indicator, "view", 120))


class IndicatorForm(ScopedModelForm):
    source = forms.ChoiceField(label="数据来源", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "source" in self.fields:
            self.fields["source"].choices = computed.source_choices()


INDICATOR_FIELDS = [
    "region", "code", "name", "category", "unit", "source", "formula", "direction", "target", "amber_band", "period",
    "responsible_department", "responsible_text", "basis", "active", "order",
]  # fmt: skip

register(
    ModelConfig(
        model=Indicator,
        form_class=modelform_factory(Indicator, form=IndicatorForm, fields=INDICATOR_FIELDS),
        list_columns=["name", "category", "unit", "target", "direction", "period", "source", "responsible_department"],
        form_fields=INDICATOR_FIELDS,
        search_fields=["name", "code"],
        sortable=["name", "category", "order"],
        menu_group=MENU_GROUP,
        menu_label="指标定义",
        menu_order=121,
    )
)
register(
    ModelConfig(
        model=YearBase,
        list_columns=["year", "gdp", "workers", "population", "source"],
        form_fields=["region", "year", "gdp", "workers", "population", "source"],
        sortable=["year"],
        menu_group=MENU_GROUP,
        menu_order=122,
    )
)

BOARD_HEADERS = ["类别", "指标名称", "单位", "目标", "最新值", "统计周期", "状态", "计算说明", "责任单位"]


def _target(indicator: Indicator) -> str:
    if indicator.target is None:
        return "未设目标"
    sign = "≥" if indicator.direction == Indicator.Direction.AT_LEAST else "≤"
    return f"{sign}{services.format_value(indicator.target, indicator.unit)}"


def _responsible(indicator: Indicator) -> str:
    return indicator.responsible_department.name if indicator.responsible_department else indicator.responsible_text


@login_required
def indicator_board(request):
    rows = services.board(request.user)
    wanted = request.GET.get("status", "")
    if wanted == "flagged":
        rows = [r for r in rows if r.status.key in status.FLAGGED]
    for r in rows:
        r.target_text = _target(r.indicator)
        r.value_text = services.format_value(r.latest.value if r.latest else None, r.indicator.unit)
        r.responsible = _responsible(r.indicator)
        values = [float(v.value) for v in r.trend if v.value is not None]
        if len(values) >= 2:
            low, high = min(values), max(values)
            span = (high - low) or 1
            step = 100 / (len(values) - 1)
            r.spark = " ".join(f"{i * step:.1f},{28 - (v - low) / span * 24:.1f}" for i, v in enumerate(values))
        else:
            r.spark = ""
    if request.GET.get("format") == "xlsx":
        data = excel.table_workbook(
            "核心指标",
            BOARD_HEADERS,
            [
                [
                    r.indicator.get_category_display(), r.indicator.name, r.indicator.unit, r.target_text, r.value_text,
                    r.period, r.status.label, r.latest.note if r.latest else "", r.responsible,
                ]
                for r in rows
            ],
        )  # fmt: skip
        return xlsx_response(data, f"核心指标_{timezone.localdate():%Y%m%d}.xlsx")
    counts = {key: sum(1 for r in rows if r.status.key == key) for key in status.LABELS}
    context = {
        "rows": rows,
        "kpi_rows": len(rows),
        "counts": counts,
        "labels": status.LABELS,
        "flagged_only": wanted == "flagged",
        "may_recompute": services.may_recompute(request.user),
        "may_define": request.user.is_superuser or request.user.role in Indicator.write_roles,
    }
    return render(request, "kpi/indicator_board.html", context)


def _indicator(user, pk) -> Indicator:
    return get_object_or_404(services.county_indicators(user).select_related("responsible_department"), pk=pk)


class EntryForm(forms.Form):
    day = forms.DateField(label="统计周期内任一日期", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.CharField(label="数值", max_length=30)
    numerator = forms.CharField(label="分子（可选）", max_length=30, required=False)
    denominator = forms.CharField(label="分母（可选）", max_length=30, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)
    evidence = forms.FileField(label="佐证材料（PDF、Word、Excel 或图片）", required=False)


@login_required
def indicator_detail(request, pk):
    indicator = _indicator(request.user, pk)
    values = list(
        IndicatorValue.objects.filter(indicator=indicator).select_related("entered_by").order_by("period_start")
    )
    form = EntryForm(initial={"day": timezone.localdate()})
    may_enter = services.may_enter(request.user, indicator)
    if request.method == "POST":
        if not may_enter:
            messages.error(request, "只有县级应急管理部门或该指标的责任单位可以填报")
            return redirect("kpi:indicator_page", pk=pk)
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            with shown_on(form) as outcome:
                services.enter_value(actor=request.user, indicator=indicator, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, "已保存指标值")
                return redirect("kpi:indicator_page", pk=pk)
    categories = [services.period_label(indicator.period, v.period_start) for v in values]
    series = [charts.series(indicator.name, [None if v.value is None else float(v.value) for v in values])]
    if indicator.target is not None:
        series.append(charts.series("目标值", [float(indicator.target)] * len(values), colour="#e02020"))
    # The chart script shows its "empty" note over a chart whose figures are all 0: here 0 is a value (0 起 of
    # major accidents is the target met), so the note says so rather than "no values".
    counted = any(v.value is not None for v in values)
    empty = f"各期均为 0{indicator.unit}" if counted else "尚无指标值"
    trend = charts.chart("line", categories, series, unit=indicator.unit, empty=empty)
    for v in values:
        v.label = services.period_label(indicator.period, v.period_start)
        v.value_text = services.format_value(v.value, indicator.unit)
        v.status = status.Status(
            status.status_of(
                v.value, direction=indicator.direction, target=indicator.target, amber_band=indicator.amber_band
            )
        )
    context = {
        "indicator": indicator,
        "values": list(reversed(values)),
        "charts": [("趋势与目标", trend)],
        "target_text": _target(indicator),
        "responsible": _responsible(indicator),
        "source_label": computed.CALCULATORS[indicator.source].label
        if indicator.source in computed.CALCULATORS
        else "手工填报",
        "form": form if may_enter else None,
        "may_recompute": services.may_recompute(request.user) and bool(indicator.source),
    }
    return render(request, "kpi/indicator_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def indicator_recompute(request):
    with shown_on(request) as outcome:
        written = services.recompute_for(actor=request.user)
    if outcome.ok:
        messages.success(request, f"已重新计算 {written} 个指标值")
    return redirect("kpi:indicator_board")


@login_required
def value_evidence(request, pk, value_pk):
    indicator = _indicator(request.user, pk)
    value = get_object_or_404(IndicatorValue, pk=value_pk, indicator=indicator)
    if not value.evidence:
        return redirect("kpi:indicator_page", pk=pk)
    return serve_upload(value.evidence, value.evidence_name)
