"""Reads shared by the incident pages and the API: one place says which related rows each read needs, so
lists and the workspace make a fixed number of queries however many incidents, orders or entries there are.
Scope stays with `restrict()`: these functions shape querysets already restricted to the user."""

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.roles import Role

from .models import DispatchOrder, Incident, InfoReport, ResponseTask, TimelineEntry


def incidents(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incident lists and details show the kind and the place by name."""
    return queryset.select_related("kind", "region")


def incident_for(user, pk, action: str = "view") -> QuerySet[Incident]:
    """The incidents a user may reach for `action`, shaped for the workspace (filter by pk, then get)."""
    return incidents(Incident.objects.restrict(user, action)).filter(pk=pk)


def timeline(incident: Incident) -> QuerySet[TimelineEntry]:
    """Every step in time order (the model's ordering), for the workspace and `GET …/timeline/`."""
    return incident.timeline.all()


def orders(incident: Incident) -> QuerySet[DispatchOrder]:
    return incident.orders.select_related("item")


def reports(incident: Incident) -> QuerySet[InfoReport]:
    return incident.reports.prefetch_related("dispatches")


def tasks(incident: Incident) -> QuerySet[ResponseTask]:
    return incident.tasks.select_related("department")


def with_sent_reports(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents with their kind and their sent reports in sending order (`sent_reports`), so
    `services.clock_from` gives every incident's report clock in two queries however many there are."""
    sent = InfoReport.objects.filter(sent_at__isnull=False).order_by("sent_at", "id")
    return queryset.select_related("kind").prefetch_related(Prefetch("reports", sent, to_attr="sent_reports"))


# Who an order can be addressed to as 属地人员: the accounts that work in a village or township.
LOCAL_ROLES = (Role.VILLAGE_WORKER, Role.TOWNSHIP_OPERATOR)


def dispatchable_people(user) -> QuerySet:
    """Active local accounts in the dispatcher's own region subtree (a township orders its own villages)."""
    people = get_user_model().objects.filter(is_active=True, role__in=LOCAL_ROLES).select_related("region")
    if user.is_superuser:
        return people
    if not user.region_id:
        return people.none()
    return people.filter(region__pk__startswith=region_prefix(user.region_id))


def local_people(user, incident: Incident, k: int = 8) -> list:
    """Those closest to the incident by place: its own village (or township) first, then the rest of its
    township's village workers and officers."""
    township = township_of(incident.region_id)
    return list(
        dispatchable_people(user)
        .filter(region__pk__startswith=region_prefix(township))
        .annotate(
            here=Case(When(region_id=incident.region_id, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("here", "role", "region_id", "username")[:k]
    )
