"""Reads shared by the monitoring pages and the API: which related rows each list needs, said once, so a
list makes a fixed number of queries however many sensors, rules or alarms it shows. Querysets come in
already restricted to the user (`restrict()`); these only shape them."""

from django.db.models import QuerySet

from .models import Alarm, Rule, Sensor


def sensors(queryset: QuerySet[Sensor]) -> QuerySet[Sensor]:
    return queryset.select_related("region", "department")


def rules(queryset: QuerySet[Rule]) -> QuerySet[Rule]:
    return queryset.select_related("sensor")


def alarms(queryset: QuerySet[Alarm]) -> QuerySet[Alarm]:
    """Alarms show their sensor and, on pages, the rule that raised them."""
    return queryset.select_related("sensor", "rule", "rule__sensor")
