"""Forms of the tip and reward pages (the rules are the services'; these collect the input)."""

from django import forms

from anlan.core.widgets import DateOnly

from . import clocks, rules
from .models import Reward, Tip


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(label="核查结论", choices=[("", "请选择"), *Tip.Outcome.choices])
    matter = forms.ChoiceField(label="举报事项类型", choices=[("", "请选择"), *Tip.Matter.choices])
    findings = forms.CharField(
        label="核查情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    cases = forms.ModelMultipleChoiceField(
        label="由举报查处的处罚案件（罚款计入奖励）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    concealed_deaths = forms.IntegerField(label="查实瞒报死亡人数", min_value=0, max_value=1000, initial=0)
    accident_grade = forms.ChoiceField(
        label="瞒报事故等级", choices=[("", "（非瞒报事故不填）"), *Tip.Grade.choices], required=False
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda c: (
            f"{c.title}（{c.party_name}，{c.get_status_display()}"
            + (f"，罚款 {rules.yuan(c.fine_yuan)}）" if c.fine_yuan else "，未处罚款）")
        )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="审批结论", choices=[("approve", "批准奖励"), ("refuse", "不予奖励")])
    opinion = forms.CharField(
        label="审批意见（不予奖励时必填）", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class PayForm(forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DateOnly())
    method = forms.ChoiceField(label="发放方式", choices=[("", "请选择"), *Reward.Method.choices])
    voucher = forms.FileField(label="发放凭证（银行回单、签收单的照片或 PDF）")
    note = forms.CharField(label="发放说明（可选）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = clocks.today()
