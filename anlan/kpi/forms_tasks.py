"""Forms of the 重点任务分工 pages: a task with its milestones written inline (one a line, "6月30日前 完成排查"),
a progress report, the import of the bureau's table."""

from django import forms
from django.utils import timezone

from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from . import services_tasks as services
from .models import KeyTask


class TaskForm(forms.ModelForm):
    milestones_text = forms.CharField(
        label="节点",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个节点，如：6月30日前 完成排查（日期在任务年度内）",
    )

    class Meta:
        model = KeyTask
        fields = [
            "year", "number", "title", "description", "source", "lead_department", "lead_text", "cooperating",
            "townships", "deadline", "evidence_required", "status",
        ]  # fmt: skip
        widgets = {
            "deadline": DateOnly(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cooperating": forms.CheckboxSelectMultiple,
            "townships": forms.CheckboxSelectMultiple,
        }
        help_texts = {"lead_text": "本局或部门以外的单位牵头时填写，如 县应急管理局"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        county = (user.region_id or "")[:6]
        departments = Department.objects.filter(code__startswith=county).order_by("code")
        self.fields["lead_department"].queryset = departments
        self.fields["cooperating"].queryset = departments
        self.fields["townships"].queryset = Region.objects.filter(
            code__startswith=county, level=RegionLevel.TOWNSHIP
        ).order_by("code")
        if self.instance.pk is None:
            del self.fields["status"]
            self.initial.setdefault("year", timezone.localdate().year)
        else:
            self.initial["milestones_text"] = "\n".join(
                services.milestones_text([m]) for m in self.instance.milestones.all()
            )

    def clean(self):
        data = super().clean()
        year = data.get("year") or timezone.localdate().year
        try:
            data["milestones"] = services.parse_milestones(data.get("milestones_text", ""), year)
        except ValueError as exc:
            self.add_error("milestones_text", str(exc))
        return data


class ReportForm(forms.Form):
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    milestone = forms.ModelChoiceField(label="对应节点", queryset=None, required=False, empty_label="（不对应节点）")
    attachment = forms.FileField(label="佐证材料", required=False, help_text="照片、PDF 或 Word、Excel 文件")

    def __init__(self, *args, task: KeyTask, lead: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = task.milestones.all()
        if lead:  # the task's figure is the lead's; a cooperating unit states its own share
            self.initial.setdefault("progress", task.progress)


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2019, max_value=2100)
    file = forms.FileField(label="分工表（.xlsx）")
