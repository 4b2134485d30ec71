import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import HazardSite, Household, PatrolTask


class HazardSiteFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    min_people = django_filters.NumberFilter(field_name="threatened_people", lookup_expr="gte", label="威胁人数不少于")

    class Meta:
        model = HazardSite
        fields = ["region", "kind", "scale", "monitoring", "status", "department", "min_people"]


class PatrolTaskFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="site__region")
    due_from = django_filters.DateFilter(field_name="due", lookup_expr="gte", label="截止日期从")
    due_to = django_filters.DateFilter(field_name="due", lookup_expr="lte", label="截止日期至")

    class Meta:
        model = PatrolTask
        fields = ["region", "tier", "status", "far_away", "found_problem", "due_from", "due_to"]


class HouseholdFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    vulnerable_only = django_filters.BooleanFilter(label="有老弱病残孕", method="_vulnerable")

    class Meta:
        model = Household
        fields = ["site", "region", "active", "vulnerable_only"]

    def _vulnerable(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(vulnerable__gt=0) if value else queryset.filter(vulnerable=0)
