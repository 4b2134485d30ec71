import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import CreditListing, CreditRepair, ViolationRecord


class ViolationRecordFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="enterprise__region")
    enterprise_name = django_filters.CharFilter(
        field_name="enterprise__name", lookup_expr="icontains", label="企业名称"
    )
    happened_from = django_filters.DateFilter(field_name="happened_on", lookup_expr="gte", label="违法行为日期起")
    happened_to = django_filters.DateFilter(field_name="happened_on", lookup_expr="lte", label="违法行为日期止")
    with_case = django_filters.BooleanFilter(
        field_name="case", lookup_expr="isnull", exclude=True, label="来自处罚案件"
    )

    class Meta:
        model = ViolationRecord
        fields = ["region", "enterprise_name", "happened_from", "happened_to", "public", "with_case"]


class CreditListingFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="enterprise__region")
    enterprise_name = django_filters.CharFilter(
        field_name="enterprise__name", lookup_expr="icontains", label="企业名称"
    )

    class Meta:
        model = CreditListing
        fields = ["region", "enterprise_name", "status", "criterion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The criteria are sentences: without a cap the select is as wide as the longest and a phone scrolls sideways.
        self.form.fields["criterion"].widget.attrs["style"] = "max-width: 15em"


class CreditRepairFilterSet(ScopedFilterSet):
    class Meta:
        model = CreditRepair
        fields = ["status"]
