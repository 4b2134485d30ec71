"""Forms of the 会商 pages. Rules (who may write, open session, scope of linked records) are the services'."""

from django import forms

from anlan.core.widgets import LOCAL_INPUT, DateTimeLocal
from anlan.registry.models import Department

from .models import Consultation, Decision


class StartForm(forms.Form):
    kind = forms.ChoiceField(label="会商类别", choices=Consultation.Kind.choices)
    title = forms.CharField(label="会商主题", max_length=200, help_text="如：7月12日强降雨过程防汛会商")
    chair = forms.CharField(label="主持人", max_length=64)
    place = forms.CharField(label="会商地点", max_length=100, required=False, initial="县应急指挥中心")
    departments = forms.ModelMultipleChoiceField(
        label="参会部门", queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(label="参会人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    forecast = forms.CharField(
        label="气象水文预报",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="气象、水文部门的预报意见",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.restrict(user).order_by("name")
        self.fields["departments"].error_messages["invalid_choice"] = "部门 %(value)s 不存在或不在您的管辖范围内"


class RecordForm(forms.Form):
    forecast = forms.CharField(label="气象水文预报", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusions = forms.CharField(label="研判结论", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="决定类别", choices=Decision.Kind.choices)
    text = forms.CharField(label="决定事项", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    department = forms.ModelChoiceField(
        label="牵头部门", queryset=Department.objects.none(), required=False, empty_label="（不指定）"
    )
    due_at = forms.DateTimeField(label="完成时限", required=False, widget=DateTimeLocal, input_formats=[LOCAL_INPUT])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.restrict(user).order_by("name")
        self.fields["department"].error_messages["invalid_choice"] = "牵头部门不存在或不在您的管辖范围内"
