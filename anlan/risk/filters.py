import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Grade, MajorHazardSource, RiskPoint


class RiskPointFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="风险等级")

    class Meta:
        model = RiskPoint
        fields = ["region", "grade", "kind", "control_level", "enterprise", "department"]


class MajorHazardSourceFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = MajorHazardSource
        fields = ["region", "is_major", "level", "unit_kind", "enterprise"]
