"""Filters shared by the plan list pages and the API."""

import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import IncidentKind, Plan, PlanAction


class PlanFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region", label="编制单位区划")
    kind = django_filters.ModelChoiceFilter(
        field_name="kinds", queryset=IncidentKind.objects.all(), label="适用事件类型"
    )

    class Meta:
        model = Plan
        fields = ["region", "kind", "active"]


class PlanActionFilterSet(ScopedFilterSet):
    class Meta:
        model = PlanAction
        fields = ["plan", "level", "department"]
