import django_filters
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import workflow
from .models import HiddenHazard


class HiddenHazardFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否逾期")
    open = django_filters.BooleanFilter(method="filter_open", label="未销号")
    extension_pending = django_filters.BooleanFilter(
        field_name="pending_deadline", lookup_expr="isnull", exclude=True, label="延期待审批"
    )

    class Meta:
        model = HiddenHazard
        fields = [
            *("region", "status", "level", "source", "department", "enterprise", "overdue", "open"),
            "extension_pending",
        ]

    def filter_overdue(self, queryset, name, value):
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status=workflow.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_open(self, queryset, name, value):
        """Not yet closed (销号): reported, rectifying or awaiting verification."""
        closed = Q(status=workflow.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)
