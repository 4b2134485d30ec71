"""Forms of the plan pages. They check the shape of the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from .models import SupervisionClass

SECTOR_GROUPS = SupervisionClass.SectorGroup.choices
MONTH_CHOICES = [(m, f"{m}月") for m in range(1, 13)]


class GenerateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    first_month = forms.TypedChoiceField(label="起始月份", choices=MONTH_CHOICES, coerce=int, initial=1,
                                         help_text="年中编制时从本月起分配，之前的月份不再安排")  # fmt: skip
    random_share = forms.IntegerField(label="双随机抽查占比（%）", min_value=0, max_value=100, initial=70,
                                      help_text="默认 70%（参考资料 §11.4，某区做法，可调整）")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class LineForm(forms.Form):
    department = forms.ModelChoiceField(label="执法部门", queryset=None)
    sector_group = forms.ChoiceField(label="行业组", choices=SECTOR_GROUPS)
    month = forms.TypedChoiceField(label="月份", choices=MONTH_CHOICES, coerce=int)
    planned = forms.IntegerField(label="计划检查家次", min_value=0, max_value=99999)
    reason = forms.CharField(label="调整原因", max_length=200)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class OverrideForm(forms.Form):
    supervision_class = forms.ModelChoiceField(label="监管类别", queryset=None)
    department = forms.ModelChoiceField(label="监管部门", queryset=None, required=False)
    note = forms.CharField(label="调整理由", max_length=200)

    def __init__(self, *args, classes=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervision_class"].queryset = classes
        self.fields["department"].queryset = departments


class ClassForm(forms.Form):
    name = forms.CharField(label="类别名称", max_length=32)
    yearly_cap = forms.IntegerField(label="年度检查次数上限", min_value=0, max_value=100)
    note = forms.CharField(label="说明", max_length=200, required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="退回意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
