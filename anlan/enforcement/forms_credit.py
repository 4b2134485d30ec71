"""Forms of the credit pages: the listing decision (with its checked decision document) and 信用修复."""

from django import forms
from django.utils import timezone

from anlan.core.uploads import UploadRejected, check_upload
from anlan.core.widgets import DateOnly
from anlan.registry.models import Enterprise

from .models import CreditListing

# 措辞待核实 criteria are shown as such (standards.md §11.5: only the accident criteria and item 1 without
# an accident are VERIFIED); the labels already say it, the form says why.
UNVERIFIED = {
    CreditListing.Criterion.RENT_CREDENTIALS,
    CreditListing.Criterion.FALSE_REPORT,
    CreditListing.Criterion.OTHER,
}
DECISION_EXTENSIONS = ("pdf", "jpg", "png")


class ListingForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label="企业")
    criterion = forms.ChoiceField(
        label="列入情形",
        choices=[("", "请选择"), *CreditListing.Criterion.choices],
        help_text="依据《安全生产严重失信主体名单管理办法》（应急管理部令第11号）；标注“待核实”的情形原文措辞尚未核实。",
    )
    facts = forms.CharField(label="失信行为事实", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    decision_number = forms.CharField(label="列入决定书文号", max_length=64)
    decision_file = forms.FileField(label="列入决定书（PDF 或照片）")
    listed_on = forms.DateField(label="列入日期", widget=DateOnly())

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["listed_on"].initial = timezone.localdate()

    def clean_decision_file(self):
        upload = self.cleaned_data["decision_file"]
        try:
            checked = check_upload(upload, images_only=False)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from None
        if checked.extension not in DECISION_EXTENSIONS:
            raise forms.ValidationError("列入决定书只接受 PDF 或照片（JPEG、PNG）")
        return checked


class RepairForm(forms.Form):
    applied_on = forms.DateField(label="申请日期", widget=DateOnly())
    reason = forms.CharField(label="申请理由及整改情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "同意提前移出"), ("reject", "不同意")])
    opinion = forms.CharField(label="审核意见", max_length=200, required=False)
