import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Incident

ACTIVE = (Incident.Status.RECEIVED, Incident.Status.RESPONDING)


class IncidentFilterSet(ScopedFilterSet):
    """The incident list's filters (page and `GET /api/v1/incidents/`): the list's columns as before and
    whether an incident is still being handled (已接报 or 响应中: its report clock runs)."""

    region = RegionSubtreeFilter(field_name="region")
    active = django_filters.BooleanFilter(method="filter_active", label="处置中")

    class Meta:
        model = Incident
        fields = ["region", "kind", "level", "response_level", "status", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(status__in=ACTIVE) if value else queryset.exclude(status__in=ACTIVE)
