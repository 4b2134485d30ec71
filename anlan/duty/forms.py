"""Forms of the roster pages (排班): a shift, a swap request, a desk's settings, a month's Excel file.
They only parse input; the rules are checked by duty.services (a refusal shows on the form)."""

from django import forms

from anlan.core.widgets import LOCAL_INPUT, DateTimeLocal

from .models import Post
from .roster import rosterable_users


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name or obj.username}（{obj.username}）"


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name or obj.username}（{obj.username}）"


class ShiftForm(forms.Form):
    user = _PersonChoice(label="值班人员", queryset=None)
    post = forms.ChoiceField(label="岗位", choices=Post.choices)
    starts = forms.DateTimeField(label="开始时间", widget=DateTimeLocal(), input_formats=[LOCAL_INPUT])
    ends = forms.DateTimeField(label="结束时间", widget=DateTimeLocal(), input_formats=[LOCAL_INPUT])
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, desk: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = rosterable_users(desk)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "结束时间须晚于开始时间")
        return data


class SwapForm(forms.Form):
    replacement = _PersonChoice(label="替班人员", queryset=None)
    reason = forms.CharField(label="换班理由", max_length=200)

    def __init__(self, *args, desk: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = rosterable_users(desk)


class DeskSettingForm(forms.Form):
    fallback = _PeopleChoice(
        label="无人值班时通知",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="该席位当时无人值班时，值班提醒发给这些人员",
    )
    voice_after_minutes = forms.IntegerField(
        label="未读转语音外呼（分钟）",
        min_value=1,
        max_value=240,
        help_text="橙色、红色及事件消息在此时间内未读，则语音外呼",
    )

    def __init__(self, *args, desk: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fallback"].queryset = rosterable_users(desk)


class RosterImportForm(forms.Form):
    file = forms.FileField(label="值班表（.xlsx）")
