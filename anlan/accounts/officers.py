"""Who stands above a record: the platform users one level over a place (and its supervising department).

Hidden hazards (overdue notices) and monitoring alarms (alarm notices) both ask "which active users are
responsible above this record?"; the answer comes from the region tree and the roles, never stored, so
moving a user moves their notices. One query loads the candidates; the relation is decided in Python.
"""

from dataclasses import dataclass
from enum import Enum

from anlan.core.regioncodes import is_village, same_county, township_of
from anlan.core.roles import COUNTY_ROLES, Role

from .models import User


class Relation(Enum):
    VILLAGE = "village"  # the village's own worker
    TOWNSHIP = "township"  # an officer of the township the record lies in
    COUNTY = "county"  # a county role of the record's county
    DEPARTMENT = "department"  # an operator of the record's supervising department


@dataclass(frozen=True)
class Officer:
    pk: int
    role: str
    region_id: str
    department_id: int | None


OFFICER_ROLES = (*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER, Role.DEPARTMENT_OPERATOR)


def active_officers(roles=OFFICER_ROLES) -> list[Officer]:
    """Active users of these roles that have a region (one query)."""
    rows = User.objects.filter(is_active=True, role__in=list(roles), region__isnull=False).values_list(
        "pk", "role", "region_id", "department_id"
    )
    return [Officer(*row) for row in rows]


def relation(officer: Officer, region_code: str, department_id: int | None = None) -> Relation | None:
    """How `officer` stands to a record at `region_code` supervised by `department_id`, or None.

    A village worker relates to its own village only; a township officer to records in its township;
    county roles and the department's operators to records in their county."""
    if not same_county(officer.region_id, region_code):
        return None
    if officer.role == Role.VILLAGE_WORKER:
        return Relation.VILLAGE if officer.region_id == region_code else None
    if officer.role == Role.TOWNSHIP_OPERATOR:
        return Relation.TOWNSHIP if officer.region_id == township_of(region_code) else None
    if officer.role in COUNTY_ROLES:
        return Relation.COUNTY
    if officer.role == Role.DEPARTMENT_OPERATOR and department_id and officer.department_id == department_id:
        return Relation.DEPARTMENT
    return None


def above_holder(officer: Officer, region_code: str, department_id: int | None, *, major: bool = False) -> bool:
    """Whether `officer` is one level above whoever holds a record at `region_code`: a village's record goes to
    its township, a township's (or county's) to the county roles, a supervised record also to its department,
    and a major record always to the county too."""
    rel = relation(officer, region_code, department_id)
    if rel is Relation.TOWNSHIP:
        return is_village(region_code)
    if rel is Relation.COUNTY:
        return not is_village(region_code) or major
    return rel is Relation.DEPARTMENT
