import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import workflow
from .models import HiddenHazard

ENTERPRISE_CHOICES_MAX = 500


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.form.fields.get("enterprise")
        if field is not None and field.queryset.count() > ENTERPRISE_CHOICES_MAX:
            # A large county's register (10,000 enterprises) is no drop-down: the page takes the enterprise's
            # number, as its own page links here with it; the value is still checked against the scope.
            field.widget = forms.NumberInput(attrs={"placeholder": "企业编号（从企业页进入时已填）", "min": 1})

    # Open statuses named (not "not closed"): the (status, deadline) index answers the counts of the 工作台
    # and the situation API from the few open rows instead of scanning every hazard of the county.
    def filter_overdue(self, queryset, name, value):
        late = Q(deadline__lt=timezone.localdate(), status__in=workflow.OPEN)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_open(self, queryset, name, value):
        """Not yet closed (销号): reported, rectifying or awaiting verification."""
        return queryset.filter(status__in=workflow.OPEN) if value else queryset.filter(status=workflow.CLOSED)
