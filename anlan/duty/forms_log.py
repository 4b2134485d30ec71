"""Forms of the duty log, handovers and daily reports (phone-friendly: one column, native pickers)."""

import datetime as dt

from django import forms
from django.utils import timezone

from anlan.core.kit import regions_writable_by
from anlan.core.regions import name_region_choices
from anlan.core.widgets import LOCAL_INPUT, DateOnly, DateTimeLocal
from anlan.geo.models import RegionLevel
from anlan.plans.models import IncidentKind

from . import log
from .models import LogEntry


class LogEntryForm(forms.ModelForm):
    desk = forms.ModelChoiceField(label="值班席位", queryset=None, to_field_name="code")

    class Meta:
        model = LogEntry
        fields = [
            *("desk", "kind", "occurred_at", "caller", "unit", "phone", "event_kind", "place", "region"),
            *("content", "action_taken", "requested", "follow_up_by"),
        ]
        widgets = {
            "occurred_at": DateTimeLocal(),
            "follow_up_by": DateTimeLocal(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
            "requested": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        desks = log.writable_desks(user).only("code", "name")
        self.fields["desk"].queryset = desks
        self.fields["desk"].error_messages["invalid_choice"] = "值班席位不存在或不在您的管辖范围内"
        self.fields["desk"].initial = log.home_desk(user)
        if self.instance.pk:
            del self.fields["desk"]  # an entry stays at its desk
        self.fields["region"].queryset = regions_writable_by(user)
        name_region_choices(self.fields["region"])
        self.fields["region"].to_field_name = "code"
        self.fields["region"].error_messages["invalid_choice"] = "区划不存在或不在您的管辖范围内"
        self.fields["event_kind"].queryset = IncidentKind.objects.order_by("order", "pk")
        for name in ("occurred_at", "follow_up_by"):
            self.fields[name].input_formats = [LOCAL_INPUT]
        if not self.instance.pk:
            self.fields["occurred_at"].initial = timezone.localtime().strftime(LOCAL_INPUT)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def service_fields(self) -> dict:
        """The cleaned values the log services take (the desk as its code)."""
        data = dict(self.cleaned_data)
        desk = data.pop("desk", None)
        if desk is not None:
            data["desk"] = desk.code
        return data


class CloseForm(forms.Form):
    action_taken = forms.CharField(
        label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class HandoverForm(forms.Form):
    desk = forms.ModelChoiceField(label="值班席位", queryset=None, to_field_name="code")
    notes = forms.CharField(label="交班说明", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = log.writable_desks(user).only("code", "name")
        self.fields["desk"].error_messages["invalid_choice"] = "值班席位不存在或不在您的管辖范围内"
        self.fields["desk"].initial = log.home_desk(user)


class ConfirmForm(forms.Form):
    note = forms.CharField(label="接班意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DailyReportForm(forms.Form):
    region = forms.ModelChoiceField(label="报送乡镇（街道）", queryset=None, to_field_name="code", required=False)
    date = forms.DateField(label="日期", widget=DateOnly())
    nothing_to_report = forms.BooleanField(label="零报告（当日无情况）", required=False)
    summary = forms.CharField(label="情况摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = regions_writable_by(user).filter(level=RegionLevel.TOWNSHIP).only("code", "name")
        self.fields["region"].queryset = townships
        self.fields["region"].error_messages["invalid_choice"] = "区划不存在或不在您的管辖范围内"
        if user.role == "department_operator":
            del self.fields["region"]  # a department reports for itself
        elif user.region_id and user.region_id[6:9] != "000":
            self.fields["region"].initial = user.region_id[:9] + "000"
        self.fields["date"].initial = timezone.localdate() - dt.timedelta(days=1)
