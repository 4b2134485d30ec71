import django_filters
from django.db.models import Q

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import LEVEL_CHOICES, Alarm, Rule, Sensor


class SensorFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Sensor
        fields = ["region", "kind", "live_status", "department", "active"]


class RuleFilterSet(ScopedFilterSet):
    sensor = django_filters.CharFilter(field_name="sensor__code", label="设备编码")

    class Meta:
        model = Rule
        fields = ["sensor", "kind", "active"]


class AlarmFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="sensor__region")
    sensor = django_filters.CharFilter(field_name="sensor__code", label="设备编码")
    level = django_filters.ChoiceFilter(choices=LEVEL_CHOICES, label="级别")
    open = django_filters.BooleanFilter(method="filter_open", label="未解除")
    levels = django_filters.MultipleChoiceFilter(
        field_name="level", choices=LEVEL_CHOICES, distinct=False, label="级别（多选）"
    )

    class Meta:
        model = Alarm
        fields = ["region", "sensor", "status", "level", "levels", "open"]

    def filter_open(self, queryset, name, value):
        """Still in force: raised and not cleared, whether or not someone acknowledged it (已确认 is still an
        alarm: the reading has not come back below the line)."""
        closed = Q(status=Alarm.Status.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)
