import django_filters
from django.db.models import Q
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Warning


def in_force(now=None) -> Q:
    """Issued and not yet expired: what the public pages, the CAP feed and the 叫应 board treat as live."""
    return Q(status=Warning.Status.ISSUED, expires__gt=now or timezone.now())


class WarningFilterSet(ScopedFilterSet):
    """The warning list's filters (page and `GET /api/v1/warnings/`): the list's choice columns as before,
    the owner region's subtree and whether a warning is in force."""

    region = RegionSubtreeFilter(field_name="region")
    in_force = django_filters.BooleanFilter(method="filter_in_force", label="生效中")

    class Meta:
        model = Warning
        fields = ["region", "level", "msg_type", "status", "in_force"]

    def filter_in_force(self, queryset, name, value):
        live = in_force()
        return queryset.filter(live) if value else queryset.exclude(live)
