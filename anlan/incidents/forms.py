"""Forms of the duty desk and the incident workspace: intake, facts, grade, response, reports, orders,
evacuation, notes, and the field page of a dispatch order."""

import datetime as dt
import json

from django import forms
from django.utils import timezone

from anlan.core.kit import regions_writable_by
from anlan.core.regions import name_region_choices
from anlan.core.uploads import CheckedUpload, UploadRejected, check_upload
from anlan.core.widgets import LOCAL_INPUT, DateTimeLocal
from anlan.geo.polygons import parse_polygon
from anlan.plans.models import IncidentKind

from . import calculators
from .models import (
    GEO_STAGES,
    LEVEL_CHOICES,
    RESPONSE_CHOICES,
    DispatchOrder,
    Incident,
    InfoReport,
    ReportDispatch,
    ResponseTask,
)


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            *("kind", "title", "region", "place", "lon", "lat", "occurred_at", "source", "caller_name"),
            *("caller_phone", "caller_unit", "description", "deaths", "missing", "injured", "serious_injuries"),
            *("trapped", "direct_loss_10k_yuan"),
            # graded by for forest fires and geological hazards; other kinds leave them empty
            *("burned_forest_ha", "other_woodland", "geo_stage", "people_to_relocate", "potential_loss_10k_yuan"),
        ]
        widgets = {"occurred_at": DateTimeLocal(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_writable_by(user)
        name_region_choices(self.fields["region"])
        self.fields["region"].to_field_name = "code"
        self.fields["region"].error_messages["invalid_choice"] = "区划不存在或不在您的管辖范围内"
        self.fields["occurred_at"].input_formats = [LOCAL_INPUT]
        self.fields["occurred_at"].initial = timezone.localtime().strftime(LOCAL_INPUT)
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs["step"] = "any"
        # The facts of forest fires and geological hazards: empty is 0 (or 按情况判断), other kinds leave them so;
        # the page shows them only for the kinds graded by them (behaviours.js data-shows).
        for name in calculators.GRADED_FACTS:
            self.fields[name].required = False
        graded = IncidentKind.objects.filter(grading__in=list(calculators.FACTS)).values_list("pk", "grading")
        shows = {str(pk): list(calculators.FACTS[grading]) for pk, grading in graded}
        self.fields["kind"].widget.attrs["data-shows"] = json.dumps(shows)

    def clean(self):
        data = super().clean()
        for name in calculators.GRADED_FACTS:
            if data.get(name) is None and name not in self.errors:
                data[name] = Incident._meta.get_field(name).default
        return data


class FactsForm(forms.Form):
    deaths = forms.IntegerField(label="死亡", min_value=0)
    missing = forms.IntegerField(label="失踪", min_value=0)
    injured = forms.IntegerField(label="受伤", min_value=0)
    serious_injuries = forms.IntegerField(label="其中重伤", min_value=0)
    trapped = forms.IntegerField(label="被困", min_value=0)
    direct_loss_10k_yuan = forms.DecimalField(label="直接经济损失（万元）", min_value=0, decimal_places=2)
    # Shown only for the kinds graded by them (calculators.FACTS); a number left empty keeps its value.
    burned_forest_ha = forms.DecimalField(label="受害森林面积（公顷）", min_value=0, decimal_places=4, required=False)
    other_woodland = forms.BooleanField(label="其他林地起火", required=False)
    geo_stage = forms.ChoiceField(
        label="地质灾害情形", choices=[("", "按情况判断（有伤亡或损失为灾情）"), *GEO_STAGES], required=False
    )
    people_to_relocate = forms.IntegerField(label="需转移人数", min_value=0, required=False)
    potential_loss_10k_yuan = forms.DecimalField(
        label="潜在经济损失（万元）", min_value=0, decimal_places=2, required=False
    )
    note = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, grading: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        shown = calculators.FACTS.get(grading, ())
        for name in calculators.GRADED_FACTS:
            if name not in shown:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("serious_injuries", 0) > data.get("injured", 0):
            self.add_error("serious_injuries", "重伤人数不能多于受伤人数")
        return data


# Grades and response levels start unchosen: a preselected "I" was one careless click from a 特别重大 grade.
CHOOSE = ("", "请选择")


class GradeForm(forms.Form):
    level = forms.ChoiceField(label="事件等级", choices=[CHOOSE, *LEVEL_CHOICES])
    basis = forms.CharField(label="定级依据", max_length=300)


class ResponseForm(forms.Form):
    level = forms.ChoiceField(label="响应级别", choices=[CHOOSE, *RESPONSE_CHOICES])
    reason = forms.CharField(label="理由（研判意见）", max_length=500)


class EndForm(forms.Form):
    summary = forms.CharField(label="结束响应的情况说明", widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.ModelForm):
    class Meta:
        model = InfoReport
        fields = ["kind", "situation", "casualties", "loss", "measures", "other", "signed_by"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "other": forms.Textarea(attrs={"rows": 2}),
        }


class SendForm(forms.Form):
    """Up to three recipients of one report (unit, method, who received it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = ["市应急管理局", "县人民政府办公室", ""]
        for i in range(3):
            self.fields[f"unit_{i}"] = forms.CharField(
                label=f"报送单位{i + 1}", max_length=100, required=i == 0, initial=defaults[i]
            )
            self.fields[f"method_{i}"] = forms.ChoiceField(label="方式", choices=ReportDispatch.Method.choices)
            self.fields[f"received_by_{i}"] = forms.CharField(label="接收人", max_length=64, required=False)

    def recipients(self) -> list[tuple[str, str, str]]:
        d = self.cleaned_data
        return [(d[f"unit_{i}"], d[f"method_{i}"], d[f"received_by_{i}"]) for i in range(3) if d.get(f"unit_{i}")]


class TaskForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=ResponseTask.Status.choices)
    note = forms.CharField(label="办理情况", max_length=300, required=False)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label="调度对象", choices=DispatchOrder.Kind.choices)
    target = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quantity = forms.DecimalField(label="数量", required=False, min_value=0.01, decimal_places=2)
    instruction = forms.CharField(label="指令内容", max_length=500)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=300)


class EvacuateForm(forms.Form):
    shelter = forms.IntegerField(widget=forms.HiddenInput)
    people = forms.IntegerField(label="人数", min_value=1)
    household = forms.CharField(label="户主/联系人", max_length=64, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="记录", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label="附件（照片、文件）", required=False)

    def clean_attachment(self):
        return _checked(self.cleaned_data.get("attachment"), images_only=False)


class FieldForm(forms.Form):
    """What the assignee sends from the field."""

    status = forms.ChoiceField(label="状态", choices=DispatchOrder.Status.choices)
    note = forms.CharField(label="情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    photo = forms.FileField(label="现场照片", required=False)

    def clean_photo(self):
        return _checked(self.cleaned_data.get("photo"), images_only=True)


def _checked(upload, *, images_only: bool) -> CheckedUpload | None:
    """What the service stores: the upload checked by content (photos re-encoded), or None."""
    if not upload:
        return None
    try:
        return check_upload(upload, images_only=images_only)
    except UploadRejected as exc:
        raise forms.ValidationError(str(exc)) from None


class WarningLinkForm(forms.Form):
    warning = forms.ModelChoiceField(label="关联预警", queryset=None, empty_label="请选择近 7 天发布的预警")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anlan.alerts.models import Warning

        since = timezone.now() - dt.timedelta(days=7)
        queryset = Warning.objects.filter(sent__gte=since).exclude(msg_type="Cancel").order_by("-sent")
        self.fields["warning"].queryset = queryset.restrict(user) if user is not None else queryset.none()
        self.fields["warning"].error_messages["invalid_choice"] = "请选择近 7 天发布的预警"


class ReviewForm(forms.Form):
    course = forms.CharField(label="事件经过与处置评估", widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.CharField(label="原因分析", widget=forms.Textarea(attrs={"rows": 2}))
    lessons = forms.CharField(label="经验教训", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from anlan.registry.models import Department

        for i in range(3):
            self.fields[f"task_{i}"] = forms.CharField(label=f"整改任务{i + 1}", max_length=300, required=False)
            self.fields[f"department_{i}"] = forms.ModelChoiceField(
                label="责任部门", queryset=Department.objects.all(), required=False
            )
            self.fields[f"days_{i}"] = forms.IntegerField(label="期限（天）", min_value=1, required=False)

    def follow_ups(self):
        d = self.cleaned_data
        return [(d[f"task_{i}"], d[f"department_{i}"], d[f"days_{i}"]) for i in range(3) if d.get(f"task_{i}")]


class AreaForm(forms.Form):
    area = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_area(self):
        return parse_polygon(self.cleaned_data["area"], "影响范围")
