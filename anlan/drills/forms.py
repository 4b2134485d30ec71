"""Forms of the drill pages: plan a drill, record it, add a timeline entry, evaluate it, add and close
problems. Choices are limited to what the user may see (plans, regions, departments, enterprises)."""

import datetime as dt

from django import forms
from django.utils import timezone

from anlan.core.regioncodes import region_prefix
from anlan.core.roles import Role
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.plans.models import Plan
from anlan.registry.models import Department, Enterprise

from .models import Drill, DrillProblem


class DrillForm(forms.ModelForm):
    class Meta:
        model = Drill
        fields = [
            "title", "plan", "form", "scope", "double_blind", "scenario", "region", "department", "enterprise",
            "departments", "participant_units", "planned_on", "place", "planned_headcount",
        ]  # fmt: skip
        widgets = {
            "planned_on": DateOnly(),
            "scenario": forms.Textarea(attrs={"rows": 4}),
            "participant_units": forms.Textarea(attrs={"rows": 2}),
            "departments": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "region": "组织演练的县、乡镇（街道）或村（社区）",
            "department": "县级部门组织时选择",
            "enterprise": "企业组织时选择（企业的演练报县级主管部门）",
            "participant_units": "部门以外的参演单位，如救援队伍、村（社区）、企业，以顿号分隔",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user.region_id or "")
        self.fields["plan"].queryset = Plan.objects.restrict(user).filter(active=True).order_by("name")
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=prefix, level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
        ).order_by("code")
        county = (user.region_id or "")[:6]
        self.fields["department"].queryset = Department.objects.filter(code__startswith=county).order_by("code")
        self.fields["departments"].queryset = Department.objects.filter(code__startswith=county).order_by("code")
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user).order_by("name")
        role = getattr(user, "role", "")
        if role == Role.ENTERPRISE_USER:  # the enterprise and its region are the user's own
            for name in ("region", "department", "enterprise"):
                del self.fields[name]
        elif role == Role.DEPARTMENT_OPERATOR:
            del self.fields["department"]
            del self.fields["enterprise"]
        elif role in (Role.TOWNSHIP_OPERATOR,):
            del self.fields["department"]
        if "region" in self.fields and not self.initial.get("region"):
            self.initial["region"] = user.region_id

    def clean_planned_headcount(self):
        value = self.cleaned_data.get("planned_headcount")
        if value is not None and value > 100_000:
            raise forms.ValidationError("计划参演人数不应超过 100000 人")
        return value


class RecordForm(forms.Form):
    held_on = forms.DateField(label="实施日期", widget=DateOnly())
    attendance = forms.IntegerField(label="实际参演人数（人）", min_value=0, max_value=100_000)
    summary = forms.CharField(label="演练总结", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=300)


class LogForm(forms.Form):
    at = forms.DateTimeField(
        label="时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    text = forms.CharField(label="内容", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label="照片", required=False, help_text="JPEG 或 PNG")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = DrillProblem
        fields = ["category", "description", "department", "due_on"]
        widgets = {"due_on": DateOnly(), "description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"category": "“预案”类问题同时登记为该预案的修订情形（应急条例第六条）"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        county = (user.region_id or "")[:6]
        self.fields["department"].queryset = Department.objects.filter(code__startswith=county).order_by("code")
        self.fields["due_on"].required = True
        self.fields["due_on"].initial = timezone.localdate() + dt.timedelta(days=30)


class ProblemDoneForm(forms.Form):
    note = forms.CharField(label="整改情况", max_length=300)
    done_on = forms.DateField(label="完成日期", widget=DateOnly(), required=False)


OBSERVATION_ROWS = 6
EXTRA_INDICATOR_ROWS = 2


class EvaluationForm(forms.Form):
    """The evaluation form: its head here; the indicator and observation rows are drawn by the template and
    read by `rows_from` (their number varies with the indicator set)."""

    evaluated_on = forms.DateField(label="评估日期", widget=DateOnly())
    evaluators = forms.CharField(label="评估人员", max_length=300, help_text="评估组成员，以顿号分隔")
    report = forms.CharField(
        label="评估报告（总结与改进建议）", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


def _number(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # kept as given: indicators.check names it
    return int(number) if number.is_integer() else number


def indicator_rows(data, count: int) -> list[dict]:
    rows = []
    for i in range(count):
        name = (data.get(f"ind_name_{i}") or "").strip()
        if not name:
            continue
        rows.append(
            {
                "key": (data.get(f"ind_key_{i}") or f"custom{i}").strip(),
                "name": name,
                "weight": _number(data.get(f"ind_weight_{i}")),
                "score": _number(data.get(f"ind_score_{i}")),
            }
        )
    return rows


def observation_rows(data) -> list[dict]:
    return [
        {"at": data.get(f"obs_at_{i}", ""), "observer": data.get(f"obs_observer_{i}", ""),
         "text": data.get(f"obs_text_{i}", "")}
        for i in range(OBSERVATION_ROWS)
    ]  # fmt: skip
