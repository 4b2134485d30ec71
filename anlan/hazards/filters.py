import django_filters
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import workflow
from .models import HiddenHazard


class HiddenHazardFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期")

    class Meta:
        model = HiddenHazard
        fields = ["region", "status", "level", "source", "department", "enterprise", "overdue"]

    def filter_overdue(self, queryset, name, value):
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status=workflow.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)
