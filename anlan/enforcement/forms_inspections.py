"""Forms of the inspection pages (phone-width; see views_inspections)."""

from django import forms
from django.utils import timezone

from anlan.core.widgets import DateOnly
from anlan.registry.models import Enterprise

from .models import Finding, Inspection, Inspector


class InspectorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.certificate}）"


class StartForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="被检查企业", queryset=Enterprise.objects.none())
    inspectors = InspectorChoices(
        label="执法人员（至少两名，第一名为带队人员）",
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    inspected_on = forms.DateField(label="检查日期", widget=DateOnly())
    kind = forms.ChoiceField(label="检查类型", choices=Inspection.Kind.choices, initial=Inspection.Kind.PLANNED)
    place = forms.CharField(label="检查场所", max_length=200, required=False)
    principal_name = forms.CharField(label="被检查单位负责人", max_length=64, required=False)
    draw_object = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").only("pk", "name")
        self.fields["enterprise"].error_messages["invalid_choice"] = "企业不存在或不在您的管辖范围内"
        self.fields["inspectors"].queryset = Inspector.objects.filter(active=True).select_related("user")
        self.fields["inspected_on"].initial = timezone.localdate()

    def clean_inspectors(self):
        chosen = list(self.cleaned_data["inspectors"])
        if len(chosen) < 2:
            raise forms.ValidationError("执法人员不得少于两人（行政处罚法第四十二条）")
        return chosen


class FindingForm(forms.ModelForm):
    photo = forms.FileField(label="现场照片（JPEG 或 PNG）", required=False)

    class Meta:
        model = Finding
        fields = ["title", "description", "level", "measure", "deadline", "lon", "lat"]
        widgets = {"deadline": DateOnly(), "description": forms.Textarea(attrs={"rows": 3})}
        # The numbers alone say nothing of their unit or datum on a phone screen.
        labels = {"lon": "经度（度）", "lat": "纬度（度）"}
        help_texts = {"lon": "东经，WGS-84，如 109.878", "lat": "北纬，WGS-84，如 31.074"}


class RefuseForm(forms.Form):
    refusal_note = forms.CharField(
        label="拒绝签字情况",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：负责人张某拒绝签字，经两名执法人员见证（安全生产法第六十八条）",
    )


class CloseForm(forms.Form):
    opinion = forms.CharField(
        label="复查意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="经复查，责令整改的问题已全部整改完毕，隐患已销号。",
    )
