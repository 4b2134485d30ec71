import datetime as dt

from django import forms
from django.utils import timezone

from anlan.core.kit import regions_writable_by
from anlan.core.regions import name_region_choices
from anlan.core.widgets import DateOnly

from .models import HiddenHazard


class ReportForm(forms.Form):
    title = forms.CharField(label="隐患名称", max_length=200)
    description = forms.CharField(label="隐患描述", widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label="隐患等级", choices=HiddenHazard.Level.choices)
    region = forms.ModelChoiceField(label="所在村（社区）/乡镇", queryset=None, to_field_name="code")
    deadline = forms.DateField(label="整改期限", widget=DateOnly())
    lon = forms.FloatField(label="经度", required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label="纬度", required=False, min_value=-90, max_value=90)
    photo = forms.FileField(label="现场照片（整改前）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_writable_by(user).exclude(level="county")
        name_region_choices(self.fields["region"])
        self.fields["region"].error_messages["invalid_choice"] = "区划不存在或不在您的管辖范围内"
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=7)
        if user.region_id and user.region_id[9:] != "000":
            self.fields["region"].initial = user.region_id


class StepForm(forms.Form):
    """Every field any step may need; the page shows each step's own fields."""

    action = forms.CharField(widget=forms.HiddenInput)
    responsible = forms.CharField(label="整改责任人", max_length=64, required=False)
    deadline = forms.DateField(label="整改期限", required=False, widget=DateOnly())
    supervising_unit = forms.CharField(label="挂牌督办单位", max_length=100, required=False)
    supervising_leader = forms.CharField(label="督办领导", max_length=64, required=False)
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label="延期至", required=False, widget=DateOnly())
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label="整改后照片", required=False)


STEP_FIELDS = {
    "assign": ["responsible", "deadline", "supervising_unit", "supervising_leader", "comment"],
    "submit": ["measures", "photo", "comment"],
    "verify": ["comment"],
    "reject": ["comment"],
    "request_extension": ["new_deadline", "comment"],
    "approve_extension": ["comment"],
    "refuse_extension": ["comment"],
}
