"""Forms of the statistics pages. Figures are never checked here: every figure goes to the services, which
check it with indicators.parse_row, so a page refuses exactly what the API refuses."""

from django import forms
from django.utils import timezone

from anlan.core.widgets import DateTimeLocal
from anlan.geo.models import Region, RegionLevel

from . import indicators
from .models import Hazard


class ProcessForm(forms.Form):
    name = forms.CharField(label="灾害过程名称", max_length=200, help_text="如：6·18 强降雨洪涝灾害")
    hazard = forms.ChoiceField(label="灾种", choices=Hazard.choices)
    started_at = forms.DateTimeField(label="灾害发生时间", widget=DateTimeLocal, help_text="初报时限为发生后 2 小时")
    regions = forms.MultipleChoiceField(label="受灾乡镇（街道）", widget=forms.CheckboxSelectMultiple)
    response_started = forms.BooleanField(
        label="已启动应急响应", required=False, help_text="启动响应的灾害核报时需附至少 3 张照片"
    )
    description = forms.CharField(label="灾情概况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Region.objects.filter(parent_id=county_code, level=RegionLevel.TOWNSHIP).order_by("code")
        self.fields["regions"].choices = [(r.code, r.name) for r in townships]
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def figure_inputs(prefix: str, values: dict | None, errors: dict | None = None) -> list[dict]:
    """The indicator inputs of one township or village, grouped for a form: [{group, items: [{…}]}]."""
    values, errors = values or {}, errors or {}
    out = []
    for group in indicators.GROUPS:
        items = []
        for i in indicators.INDICATORS:
            if i.group != group:
                continue
            value = values.get(i.name)
            shown = "" if value in (None, "", 0) else str(value)
            items.append(
                {
                    "name": f"{prefix}{i.name}",
                    "label": i.label,
                    "unit": i.unit,
                    "value": shown,
                    "integer": i.integer,
                    "error": errors.get(i.name, ""),
                    "sub": i.label.startswith("其中"),
                    "hint": "",  # a reference shown beside the field (the transfer lists for 紧急避险转移人口)
                }
            )
        out.append({"group": group, "items": items})
    return out


def figures_from(data, prefix: str = "") -> dict:
    """The raw figures a form posted (strings; parse_row reads them)."""
    return {i.name: (data.get(f"{prefix}{i.name}") or "").strip() for i in indicators.INDICATORS}
