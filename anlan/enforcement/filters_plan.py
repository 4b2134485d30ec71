"""Filters of the enterprise classification list (企业监管分类): class, sector group, township, department."""

import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import EnterpriseSupervision, SupervisionClass


class EnterpriseSupervisionFilterSet(ScopedFilterSet):
    # The enterprise's region subtree: a township's code lists the enterprises of that township.
    region = RegionSubtreeFilter(field_name="enterprise__region", label="乡镇（街道）")
    supervision_class = django_filters.ModelChoiceFilter(queryset=SupervisionClass.objects.all(), label="监管类别")
    sector_group = django_filters.ChoiceFilter(
        field_name="supervision_class__sector_group", choices=SupervisionClass.SectorGroup.choices, label="行业组"
    )
    name = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains", label="企业名称")

    class Meta:
        model = EnterpriseSupervision
        fields = ["region", "sector_group", "supervision_class", "department", "manual", "name"]
