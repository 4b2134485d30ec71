"""Forms of the plan pages. They only parse input: every rule (the Art. 21 review mode, owners, dates) is in
services_lifecycle, so a page refuses exactly what the service refuses."""

from django import forms

from anlan.core.regioncodes import region_prefix
from anlan.core.regions import name_region_choices
from anlan.core.roles import Role
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department, Enterprise

from .models import IncidentKind, Plan, RevisionTrigger
from .status import STATUS_FILTERS


class PlanForm(forms.Form):
    name = forms.CharField(label="预案名称", max_length=200)
    kind = forms.ChoiceField(label="预案类别", choices=Plan.Kind.choices)
    kinds = forms.ModelMultipleChoiceField(
        label="适用事件类型", queryset=IncidentKind.objects.all(), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    region = forms.ModelChoiceField(label="编制单位区划", queryset=Region.objects.none())
    department = forms.ModelChoiceField(
        label="编制部门", queryset=Department.objects.none(), required=False, help_text="部门应急预案必填"
    )
    enterprise = forms.ModelChoiceField(
        label="编制企业", queryset=Enterprise.objects.none(), required=False, help_text="企业预案、现场处置方案必填"
    )
    review_mode = forms.ChoiceField(
        label="评审/论证",
        choices=[("", "按规定自动确定"), *Plan.Review.choices],
        required=False,
        help_text="《生产安全事故应急预案管理办法》第二十一条：高危行业及中型以上企业评审，其他企业论证；政府预案评审",
    )
    review_reason = forms.CharField(label="改用其他方式的理由", required=False, max_length=300)
    reviewed_on = forms.DateField(label="评审（论证）日期", required=False, widget=DateOnly())
    evaluation_years = forms.IntegerField(
        label="定期评估周期（年）", required=False, min_value=1, max_value=10, help_text="留空按第三十五条自动确定"
    )
    active = forms.BooleanField(label="现行有效", required=False, initial=True)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user.region_id or "") if not user.is_superuser else ""
        levels = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
        self.fields["region"].queryset = Region.objects.filter(code__startswith=prefix, level__in=levels).order_by(
            "code"
        )
        name_region_choices(self.fields["region"])
        self.fields["department"].queryset = Department.objects.filter(code__startswith=prefix[:6]).order_by("code")
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by("name")
        if getattr(user, "role", "") == Role.ENTERPRISE_USER:
            # The enterprise's own plan: owner and region come from its account (services_lifecycle).
            for name in ("region", "department", "enterprise"):
                del self.fields[name]
            self.fields["kind"].choices = [
                (Plan.Kind.ENTERPRISE, Plan.Kind.ENTERPRISE.label),
                (Plan.Kind.ONSITE, Plan.Kind.ONSITE.label),
            ]


class VersionForm(forms.Form):
    file = forms.FileField(label="预案文本（Word 或 PDF）")
    note = forms.CharField(label="修订说明", required=False, max_length=300)
    published_on = forms.DateField(
        label="公布日期",
        required=False,
        widget=DateOnly(),
        help_text="已签发公布的填写；自公布之日起 20 个工作日内备案",
    )
    resolves = forms.MultipleChoiceField(
        label="本次修订解决的修订情形", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        open_ = plan.triggers.filter(status=RevisionTrigger.Status.OPEN)
        self.fields["resolves"].choices = [(t.pk, f"{t.get_reason_display()}：{t.description[:40]}") for t in open_]
        if not open_:
            del self.fields["resolves"]


class PublishForm(forms.Form):
    published_on = forms.DateField(label="公布日期", widget=DateOnly())


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label="评估日期", widget=DateOnly())
    evaluator = forms.CharField(label="评估组织", max_length=150, help_text="如：县应急管理局组织专家组")
    conclusion = forms.CharField(label="评估结论", widget=forms.Textarea(attrs={"rows": 3}))
    needs_revision = forms.BooleanField(label="需要修订（自动登记修订情形）", required=False)
    report = forms.FileField(label="评估报告（Word 或 PDF，可选）", required=False)


class TriggerForm(forms.Form):
    reason = forms.ChoiceField(label="修订情形", choices=RevisionTrigger.Reason.choices)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label="来源", required=False, max_length=200, help_text="如 演练：2026年防汛桌面推演")


class ReturnForm(forms.Form):
    missing_items = forms.CharField(
        label="需补正材料（逐项列出）",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="一次性告知全部需要补正的材料",
    )


class PlanFilter(forms.Form):
    kind = forms.ChoiceField(label="预案类别", required=False, choices=[("", "全部类别"), *Plan.Kind.choices])
    region = forms.CharField(label="编制单位区划", required=False)
    owner = forms.CharField(label="部门或企业", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATUS_FILTERS.items()])
    q = forms.CharField(label="名称", required=False)
