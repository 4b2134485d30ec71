"""Shelter occupancy: check-ins and check-outs, audited, never below zero nor above capacity."""

from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.errors import DomainError

from .models import Shelter, ShelterCheck


def occupancy_expression(prefix: str = "checks__"):
    """SUM(+people for check-ins, -people for check-outs) as an annotation."""
    signed = Case(
        When(**{f"{prefix}kind": ShelterCheck.Kind.IN}, then=F(f"{prefix}people")),
        When(**{f"{prefix}kind": ShelterCheck.Kind.OUT}, then=-F(f"{prefix}people")),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Coalesce(Sum(signed), Value(0))


def with_occupancy(queryset):
    return queryset.annotate(occupancy=occupancy_expression())


def shelter_occupancy(shelter: Shelter) -> int:
    return Shelter.objects.filter(pk=shelter.pk).aggregate(n=occupancy_expression())["n"]


@transaction.atomic
def shelter_check(
    *, actor, shelter: Shelter, kind: str, people: int, household: str = "", from_region=None, note: str = "", at=None
) -> ShelterCheck:
    """Record people arriving at or leaving a shelter. Leaving more than are present, or arriving beyond
    the shelter's capacity, is refused."""
    if people < 1:
        raise DomainError("shelter.people_not_positive", "人数须为正整数", field="people")
    if kind not in ShelterCheck.Kind.values:
        raise DomainError("shelter.bad_check_kind", f"未知登记类型：{kind}", field="people")
    # Lock the shelter row so that two desks checking people out cannot both pass the check.
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    current = shelter_occupancy(shelter)
    if kind == ShelterCheck.Kind.OUT and people > current:
        raise DomainError(
            "shelter.more_out_than_present", f"离开人数（{people}）超过当前在场人数（{current}）", field="people"
        )
    if shelter.status in (Shelter.Status.CLOSED, Shelter.Status.MAINTENANCE) and kind == ShelterCheck.Kind.IN:
        raise DomainError(
            "shelter.not_open", f"避难场所“{shelter}”当前{shelter.get_status_display()}，不能登记入住", field="people"
        )
    if kind == ShelterCheck.Kind.IN and current + people > shelter.capacity:
        # Capacity is what the area holds (effective area ÷ area per person); 0 means the recorded area
        # holds no one, so nobody can be checked in until the area is corrected.
        free = max(shelter.capacity - current, 0)
        raise DomainError(
            "shelter.over_capacity",
            f"入住人数（{people}）超过剩余容量（{free}）：“{shelter}”可容纳 {shelter.capacity} 人，"
            f"当前在场 {current} 人；请安排到其他避难场所",
            field="people",
        )
    check = ShelterCheck.objects.create(
        shelter=shelter,
        kind=kind,
        people=people,
        household=household,
        from_region=from_region,
        note=note,
        at=at or timezone.now(),
    )
    after = current + people if kind == ShelterCheck.Kind.IN else current - people
    audit_record(
        action=f"shelter_check_{kind}",
        obj=shelter,
        actor=actor,
        before={"occupancy": current},
        after={"occupancy": after, "people": people, "household": household, "capacity": shelter.capacity},
    )
    return check


def specialties_sync(model=None) -> int:
    """Make the specialty table match data/specialties.json (idempotent; the migration uses it too)."""
    import json
    from pathlib import Path

    if model is None:
        from .models import Specialty as model
    rows = json.loads((Path(__file__).resolve().parent / "data" / "specialties.json").read_text(encoding="utf-8"))
    for code, name in rows:
        model.objects.update_or_create(code=code, defaults={"name": name})
    return len(rows)
