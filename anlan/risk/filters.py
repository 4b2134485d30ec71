import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Grade, MajorHazardSource, RiskPoint

# 双重预防机制: a unit identifies and assesses its risks again at least once a year (and after changes), so
# a point never assessed, or last assessed more than a year ago, is due.
REASSESS_AFTER = dt.timedelta(days=365)


def reassessment_due(now=None) -> Q:
    return Q(assessed_at__isnull=True) | Q(assessed_at__lt=(now or timezone.now()) - REASSESS_AFTER)


class RiskPointFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="风险等级")
    reassess_due = django_filters.BooleanFilter(method="filter_reassess_due", label="待复评")

    class Meta:
        model = RiskPoint
        fields = ["region", "grade", "kind", "control_level", "enterprise", "department", "reassess_due"]

    def filter_reassess_due(self, queryset, name, value):
        due = reassessment_due()
        return queryset.filter(due) if value else queryset.exclude(due)


class MajorHazardSourceFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = MajorHazardSource
        fields = ["region", "is_major", "level", "unit_kind", "enterprise"]
