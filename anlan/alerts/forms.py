"""The warning editor's form: wording (from a template or by hand), area (regions and/or a drawn
polygon), validity, and measures per audience and per township (一行业一措施、一乡镇一方案)."""

import datetime as dt
import json

from django import forms
from django.utils import timezone

from anlan.core.kit import regions_writable_by
from anlan.core.widgets import LOCAL_INPUT, DateTimeLocal
from anlan.geo.models import Region, RegionLevel
from anlan.geo.polygons import parse_polygon

from .messages import AUDIENCES
from .models import Warning, WarningTemplate


class WarningForm(forms.ModelForm):
    template = forms.ModelChoiceField(
        label="模板", queryset=WarningTemplate.objects.all(), required=False, empty_label="（不用模板）"
    )
    regions = forms.ModelMultipleChoiceField(
        label="预警区域", queryset=Region.objects.none(), required=False, to_field_name="code"
    )
    polygon = forms.CharField(label="预警范围（地图上绘制）", required=False, widget=forms.HiddenInput)

    class Meta:
        model = Warning
        fields = [
            *("template", "event", "category", "level", "urgency", "severity", "certainty", "headline"),
            *("description", "instruction", "regions", "polygon", "onset", "expires"),
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "instruction": forms.Textarea(attrs={"rows": 2}),
            "onset": DateTimeLocal(),
            "expires": DateTimeLocal(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = regions_writable_by(user).order_by("code").only("code", "name", "level")
        indent = {RegionLevel.COUNTY: "", RegionLevel.TOWNSHIP: "\u3000", RegionLevel.VILLAGE: "\u3000\u3000"}
        self.fields["regions"].label_from_instance = lambda r: indent.get(r.level, "") + r.name
        self.fields["regions"].error_messages["invalid_choice"] = "区划 %(value)s 不存在或不在您的管辖范围内"
        for name in ("onset", "expires"):
            self.fields[name].input_formats = [LOCAL_INPUT]
        if not self.instance.pk:
            self.fields["expires"].initial = (timezone.localtime() + dt.timedelta(hours=12)).strftime(LOCAL_INPUT)
        if self.instance.polygon:
            self.initial["polygon"] = json.dumps(self.instance.polygon)
        # Measures: one box per audience, one per township of the area the user may warn.
        measures = self.instance.measures or {}
        self.measure_names = []
        for key, label in AUDIENCES:
            self._measure_field(key, f"措施：{label}", measures.get(key, ""))
        townships = regions_writable_by(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")
        self.township_names = []
        for township in townships.only("code", "name"):
            name = self._measure_field(
                f"township:{township.code}", f"{township.name}方案", measures.get(f"township:{township.code}", "")
            )
            self.township_names.append(name)

    def _measure_field(self, key: str, label: str, initial: str) -> str:
        name = "m_" + key.replace(":", "__")
        self.fields[name] = forms.CharField(
            label=label, required=False, initial=initial, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.measure_names.append((name, key))
        return name

    def clean_polygon(self):
        return parse_polygon(self.cleaned_data["polygon"], "预警范围")

    def clean(self):
        data = super().clean()
        if not data.get("regions") and not data.get("polygon"):
            self.add_error("regions", "请选择预警区域或在地图上绘制预警范围")
        if data.get("onset") and data.get("expires") and data["expires"] <= data["onset"]:
            self.add_error("expires", "失效时间应晚于开始时间")
        if data.get("expires") and data["expires"] <= timezone.now():
            self.add_error("expires", "失效时间应晚于现在")
        return data

    def measures(self) -> dict:
        return {
            key: self.cleaned_data[name].strip()
            for name, key in self.measure_names
            if self.cleaned_data.get(name, "").strip()
        }

    def measure_fields(self):
        townships = set(self.township_names)
        return [self[name] for name, _ in self.measure_names if name not in townships]

    def township_fields(self):
        return [self[name] for name in self.township_names]
