"""Filters of the 三查记录 list: by campaign, township, inspector and result, 未检查 included (a blank state)."""

import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import SiteCheck

UNCHECKED = "unchecked"


class SiteCheckFilterSet(ScopedFilterSet):
    township = RegionSubtreeFilter(field_name="township", label="责任乡镇")
    result = django_filters.ChoiceFilter(
        label="检查结果", choices=[(UNCHECKED, "未检查"), *SiteCheck.State.choices], method="filter_result"
    )

    class Meta:
        model = SiteCheck
        fields = ["campaign", "township", "inspector", "result"]

    def filter_result(self, queryset, name, value):
        return queryset.filter(state="" if value == UNCHECKED else value)
