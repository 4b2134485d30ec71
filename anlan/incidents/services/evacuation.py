"""Evacuation: people checked into shelters for the incident (occupancy and the incident's
count)."""

from django.db import transaction
from django.utils import timezone

from anlan.resources.models import ShelterCheck
from anlan.resources.services import shelter_check

from ..models import (
    Incident,
    TimelineEntry,
)
from .timeline import entry


@transaction.atomic
def evacuate(
    *, actor, incident: Incident, shelter, people: int, from_region=None, household="", at=None
) -> ShelterCheck:
    """转移安置: people checked into a shelter for this incident; occupancy and the incident's count follow."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    check = shelter_check(
        actor=actor,
        shelter=shelter,
        kind=ShelterCheck.Kind.IN,
        people=people,
        household=household,
        from_region=from_region,
        note=f"事件 {incident.number}",
        at=at,
    )
    incident.evacuated += people
    incident.save(update_fields=["evacuated", "updated_at"])
    entry(
        incident,
        TimelineEntry.Kind.EVACUATION,
        f"转移 {people} 人入住{shelter.name}",
        actor=actor,
        at=at,
        detail=household,
        data={"shelter": shelter.pk, "people": people},
    )
    return check
