import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import workflow
from .models import HiddenHazard

ENTERPRISE_CHOICES_MAX = 500


class EnterpriseSelect(forms.Select):
    """A large county's register (10,000 enterprises) is no drop-down: the page takes the enterprise's number,
    as its own page links here with it; the value is still checked against the scope. Decided when the form is
    drawn, so the API (which never draws it) does not count the register on every request."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.choices.queryset.count() > ENTERPRISE_CHOICES_MAX:
            number = forms.NumberInput(attrs={**self.attrs, "placeholder": "企业编号（从企业页进入时已填）", "min": 1})
            return number.render(name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)


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

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        made = super().filter_for_field(field, field_name, lookup_expr)
        if field_name == "enterprise":
            made.extra["widget"] = EnterpriseSelect
        return made

    # Open statuses named (not "not closed"): the (status, deadline) index answers the counts of the 工作台
    # and the situation API from the few open rows instead of scanning every hazard of the county.
    def filter_overdue(self, queryset, name, value):
        late = Q(deadline__lt=timezone.localdate(), status__in=workflow.OPEN)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_open(self, queryset, name, value):
        """Not yet closed (销号): reported, rectifying or awaiting verification."""
        return queryset.filter(status__in=workflow.OPEN) if value else queryset.filter(status=workflow.CLOSED)
