import django_filters

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

    class Meta:
        model = Alarm
        fields = ["region", "sensor", "status", "level"]
