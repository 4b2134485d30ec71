import django_filters
from django.db.models import Q

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import DispatchOrder, Incident, ResponseTask

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


class ResponseTaskFilterSet(ScopedFilterSet):
    """响应任务 (read-only list): by status and stage, and `active`: the tasks of incidents still being
    handled (已接报 or 响应中) that are not done — what a department still owes a running response."""

    active = django_filters.BooleanFilter(method="filter_active", label="进行中响应的未完成任务")

    class Meta:
        model = ResponseTask
        fields = ["status", "stage", "department", "active"]

    def filter_active(self, queryset, name, value):
        open_tasks = Q(incident__status__in=ACTIVE) & ~Q(status=ResponseTask.Status.DONE)
        return queryset.filter(open_tasks) if value else queryset.exclude(open_tasks)


class DispatchOrderFilterSet(ScopedFilterSet):
    """调度指令 (read-only list): by kind and status, the incident's region, and `open`: orders of incidents
    still being handled that are not done (sent, read, accepted, on the way, on scene or returned)."""

    region = RegionSubtreeFilter(field_name="incident__region")
    open = django_filters.BooleanFilter(method="filter_open", label="未完成")
    mine = django_filters.BooleanFilter(method="filter_mine", label="下达给我的")

    class Meta:
        model = DispatchOrder
        fields = ["region", "kind", "status", "open", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value:
            return queryset
        return queryset.filter(user=user) if getattr(user, "pk", None) else queryset.none()

    def filter_open(self, queryset, name, value):
        pending = Q(incident__status__in=ACTIVE) & ~Q(status=DispatchOrder.Status.DONE)
        return queryset.filter(pending) if value else queryset.exclude(pending)
