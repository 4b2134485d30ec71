"""Forms of the penalty-case pages: opening a case, and one small form per workflow step."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from anlan.registry.models import Enterprise

from .models import Inspector, PenaltyCase


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


def inspector_label(inspector) -> str:
    return f"{inspector}（{inspector.certificate}）"  # the name (Inspector.__str__), not the login


class CaseForm(forms.ModelForm):
    handlers = forms.ModelMultipleChoiceField(
        label="承办人（执法人员，不少于两人）",
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PenaltyCase
        fields = [
            *("title", "procedure", "party_kind", "enterprise", "party_name", "party_id_number", "opened_on"),
            *("facts", "legal_basis", "fine_yuan", "other_penalties", "legal_review_required"),
            "collective_discussion",
        ]
        widgets = {"opened_on": DateInput(), "facts": forms.Textarea(attrs={"rows": 4}),
                   "legal_basis": forms.Textarea(attrs={"rows": 2})}  # fmt: skip
        labels = {
            "legal_review_required": "需法制审核（涉及重大公共利益、情况复杂等，行政处罚法第五十八条）",
            "collective_discussion": "需负责人集体讨论（情节复杂或重大违法行为，第五十七条）",
            "party_name": "当事人（个人姓名或单位名称；选择企业时可不填）",
            "fine_yuan": "拟罚款（元）",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by("name")
        self.fields["enterprise"].required = False
        self.fields["party_name"].required = False
        self.fields["opened_on"].initial = timezone.localdate()
        self.fields["handlers"].queryset = (
            Inspector.objects.restrict(user, "view").filter(active=True).select_related("user").order_by("certificate")
        )
        self.fields["handlers"].label_from_instance = inspector_label

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("party_name") or "").strip():
            self.add_error("party_name", "请选择当事企业或填写当事人")
        if data.get("party_kind") == PenaltyCase.Party.PERSON and data.get("enterprise") and not data.get("party_name"):
            self.add_error("party_name", "当事人为个人时请填写其姓名")
        return data


def parse_qa(text: str) -> list[tuple[str, str]]:
    """Lines "问：…" and "答：…" (an answer may run over several lines) into (question, answer) pairs."""
    pairs: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[:2] in ("问：", "问:"):
            pairs.append([line[2:].strip(), ""])
        elif line[:2] in ("答：", "答:") and pairs:
            pairs[-1][1] = f"{pairs[-1][1]}\n{line[2:].strip()}".strip()
        elif pairs:
            pairs[-1][1] = f"{pairs[-1][1]}\n{line}".strip()
        else:
            raise forms.ValidationError("请以“问：”开始第一行")
    return [(q, a) for q, a in pairs]


def parse_plan(text: str) -> list[tuple[dt.date, Decimal]]:
    """Lines "YYYY-MM-DD 金额" into (due, amount) pairs."""
    plan = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.split()
        if len(parts) != 2:
            raise forms.ValidationError(f"第{number}行应为“缴纳日期 金额”，如 2026-05-01 5000")
        try:
            plan.append((dt.date.fromisoformat(parts[0]), Decimal(parts[1])))
        except (ValueError, InvalidOperation):
            raise forms.ValidationError(f"第{number}行的日期或金额无法识别") from None
    return plan


class StepForm(forms.Form):
    """The day of the step; subclasses add what the step records."""

    on = forms.DateField(label="日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def step_data(self) -> dict:
        return dict(self.cleaned_data)


class InterrogateForm(StepForm):
    person = forms.CharField(label="被询问人", max_length=64)
    place = forms.CharField(label="询问地点", max_length=100, required=False)
    qa = forms.CharField(label="询问内容（每行以“问：”或“答：”开头）", widget=forms.Textarea(attrs={"rows": 6}))

    def clean_qa(self):
        return parse_qa(self.cleaned_data["qa"])


class StatementForm(StepForm):
    statement = forms.CharField(label="陈述申辩内容", widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleHearingForm(StepForm):
    hearing_on = forms.DateField(label="听证日期", widget=DateInput())
    notice_on = forms.DateField(label="听证会通知送达日期", widget=DateInput())


class RecordForm(StepForm):
    record = forms.CharField(label="情况记录", widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(StepForm):
    opinion = forms.CharField(label="法制审核意见", widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(StepForm):
    fine_yuan = forms.DecimalField(label="决定罚款（元，留空则按告知金额；不得高于告知金额）", required=False,
                                   min_value=0, max_digits=12, decimal_places=2)  # fmt: skip

    def step_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("fine_yuan") is None:
            data.pop("fine_yuan", None)
        return data


class OnSpotForm(StepForm):
    told = forms.BooleanField(label="已当场告知当事人拟处罚内容、理由、依据及陈述申辩权利", required=False)


class ServeForm(StepForm):
    spot = forms.BooleanField(label="当场交付", required=False)


class InstalmentForm(StepForm):
    reason = forms.CharField(label="当事人申请理由（确有经济困难）", max_length=200)
    plan = forms.CharField(label="分期计划（每行“缴纳日期 金额”）", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_plan(self):
        return parse_plan(self.cleaned_data["plan"])


STEP_FORMS = {
    "interrogate": InterrogateForm,
    "statement": StatementForm,
    "schedule_hearing": ScheduleHearingForm,
    "hold_hearing": RecordForm,
    "discuss": RecordForm,
    "review": ReviewForm,
    "decide": DecideForm,
    "decide_on_spot": OnSpotForm,
    "serve": ServeForm,
    "approve_instalments": InstalmentForm,
}


def step_form(action: str, data=None):
    return STEP_FORMS.get(action, StepForm)(data, prefix=action)
