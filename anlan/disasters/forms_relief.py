"""Forms of the relief pages (救灾救助) and the public 公示 objection form."""

from django import forms

from anlan.core.public import ChallengeForm
from anlan.core.regioncodes import region_prefix
from anlan.core.regions import choice_label
from anlan.core.validators import validate_id_number, validate_phone
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.supplies.models import SupplyItem, Warehouse

from .models import DisasterProcess, ReliefPayment, ReliefProgramme, ReliefRecipient


def _regions_of(user, levels, within: str | None = None):
    # Choices by name: the outlines (GeoJSON, the county's alone over a megabyte) are left in the database.
    rows = Region.objects.filter(level__in=levels).select_related("parent").defer("boundary", "parent__boundary")
    rows = rows.order_by("code")
    if not user.is_superuser:
        rows = rows.filter(code__startswith=region_prefix(user.region_id))
    if within:
        rows = rows.filter(code__startswith=region_prefix(within))
    return rows


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = ReliefProgramme
        fields = [
            "name",
            "kind",
            "process",
            "region",
            "starts_on",
            "ends_on",
            "rate",
            "days",
            "cap_per_household",
            "notice_days",
            "note",
        ]
        widgets = {"starts_on": DateOnly(), "ends_on": DateOnly(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions_of(user, [RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        self.fields["region"].to_field_name = "code"
        self.fields["process"].queryset = DisasterProcess.objects.restrict(user).order_by("-started_at")


class RecipientForm(forms.ModelForm):
    amount = forms.DecimalField(label="救助金额（元）", required=False, help_text="留空按项目标准计算")

    class Meta:
        model = ReliefRecipient
        fields = [
            "region",
            "head_name",
            "id_number",
            "phone",
            "household_type",
            "members",
            "people",
            "address",
            "rooms",
            "amount",
            "amount_reason",
        ]

    def __init__(self, *args, user, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions_of(user, [RegionLevel.VILLAGE], within=programme.region_id)
        self.fields["region"].to_field_name = "code"
        self.fields["region"].label_from_instance = choice_label
        self.fields["id_number"].required = True
        self.fields["id_number"].validators.append(validate_id_number)
        self.fields["phone"].validators.append(validate_phone)
        if programme.kind != ReliefProgramme.Kind.REBUILD:
            del self.fields["rooms"]


class VillageReviewForm(forms.Form):
    village_review_on = forms.DateField(label="村评日期", widget=DateOnly())
    passed = forms.TypedChoiceField(
        label="村评结果", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="村评意见", max_length=200, required=False)


class TownshipCheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="乡审结果", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    check_note = forms.CharField(label="乡审意见", max_length=200, required=False)


class AmountForm(forms.Form):
    amount = forms.DecimalField(label="救助金额（元）", min_value=0)
    amount_reason = forms.CharField(label="调整原因", max_length=200, required=False)


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="处理结果",
        choices=[("0", "异议不成立"), ("1", "异议成立（移出名单）"), ("2", "异议成立（调整金额）")],
    )
    new_amount = forms.DecimalField(label="调整后金额（元）", required=False, min_value=0)
    resolution = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class CashForm(forms.Form):
    method = forms.ChoiceField(
        label="发放形式",
        choices=[(ReliefPayment.Method.BANK, "银行转账（一卡通）"), (ReliefPayment.Method.CASH, "现金")],
    )
    paid_on = forms.DateField(label="发放日期", widget=DateOnly())
    reference = forms.CharField(label="凭证号（银行流水号）", max_length=100, required=False)
    amount = forms.DecimalField(label="金额（元）", required=False, help_text="留空按核定金额发放")


class GoodsForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(label="发放的户", queryset=None, widget=forms.CheckboxSelectMultiple)
    warehouse = forms.ModelChoiceField(label="出库仓库", queryset=None)
    item = forms.ModelChoiceField(label="物资", queryset=SupplyItem.objects.order_by("code"))
    quantity = forms.DecimalField(label="每户数量", min_value=0)
    unit_price = forms.DecimalField(label="单价（元）", min_value=0, help_text="用于折款（应急统表10 D03009）")
    paid_on = forms.DateField(label="发放日期", widget=DateOnly())
    reference = forms.CharField(label="领物凭证号", max_length=100, required=False)
    per_household = forms.BooleanField(label="每户单独出库（默认整批一笔出库）", required=False)

    def __init__(self, *args, user, recipients, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients
        self.fields["recipients"].label_from_instance = lambda r: labels.get(r.pk, str(r.pk))
        self.fields["warehouse"].queryset = Warehouse.objects.restrict(user).order_by("region", "name")


class ObjectionForm(ChallengeForm):
    """公示异议: anyone may object to a listed household; the township resolves it."""

    salt = "anlan.relief-objection"

    recipient = forms.ModelChoiceField(label="对哪一户有异议", queryset=None)
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    name = forms.CharField(label="您的姓名", max_length=50)
    phone = forms.CharField(label="联系电话（便于核实回复）", max_length=20, validators=[validate_phone])

    def __init__(self, *args, listed=None, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = listed if listed is not None else ReliefRecipient.objects.none()
        self.fields["recipient"].label_from_instance = lambda r: (labels or {}).get(r.pk, "")
        self.fields["recipient"].error_messages["invalid_choice"] = "请选择公示名单中的一户"
