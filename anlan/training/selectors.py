"""Reads of the training app that pages and the kpi calculators share: the training rate per unit.

Training rate of a category in a unit = active trainees of that category in the unit whose credited hours in
the period reach the required hours / all active trainees of that category in the unit. Hours are those of
the sessions attended that end in the period. The required hours are a setting per category
(ANLAN_TRAINING_REQUIRED_HOURS), by default 12 class hours a year for cadres, enterprise principals and safety
managers (the yearly 再培训 of 《生产经营单位安全培训规定》 for principals and safety managers), 8 for grid workers
and 24 for rescue teams.

A unit is a department, an enterprise, a rescue team, or — for everyone else — the township (the county
itself for people of the county's own bodies without a department). One aggregate query for the trainees'
hours; units are grouped in Python over those rows (at most a few thousand), never a query per unit."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from anlan.core.regioncodes import township_of

from .models import Audience, Trainee

DEFAULT_REQUIRED_HOURS = {
    Audience.CADRE: Decimal(12),
    Audience.GRID: Decimal(8),
    Audience.PRINCIPAL: Decimal(12),
    Audience.SAFETY: Decimal(12),
    Audience.RESCUE: Decimal(24),
}


def required_hours(category: str) -> Decimal:
    configured = getattr(settings, "ANLAN_TRAINING_REQUIRED_HOURS", {}) or {}
    return Decimal(str(configured.get(category, DEFAULT_REQUIRED_HOURS[category])))


@dataclass(frozen=True)
class UnitRate:
    unit_kind: str
    unit_id: str  # department / enterprise / team id, or the township's code
    unit_name: str
    category: str
    total: int
    completed: int

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.completed) * 100 / self.total).quantize(Decimal("0.1"))

    @property
    def category_label(self) -> str:
        return Audience(self.category).label


def hours_in_period(trainees, start: dt.date, end: dt.date):
    """The trainees annotated with `period_hours`: hours credited at sessions attended ending in the period."""
    attended = Q(
        attendances__attended=True,
        attendances__session__ends_on__gte=start,
        attendances__session__ends_on__lte=end,
    )
    return trainees.annotate(period_hours=Coalesce(Sum("attendances__hours", filter=attended), Value(Decimal(0))))


def unit_of(row: dict) -> tuple[str, str]:
    kind = row["unit_kind"]
    if kind == Trainee.UnitKind.DEPARTMENT and row["department_id"]:
        return kind, str(row["department_id"])
    if kind == Trainee.UnitKind.ENTERPRISE and row["enterprise_id"]:
        return kind, str(row["enterprise_id"])
    if kind == Trainee.UnitKind.TEAM and row["team_id"]:
        return kind, str(row["team_id"])
    return Trainee.UnitKind.TOWNSHIP, township_of(row["region_id"])


def _rows(trainees, start: dt.date, end: dt.date, categories) -> list[dict]:
    qs = trainees.filter(active=True)
    if categories:
        qs = qs.filter(category__in=list(categories))
    return list(
        hours_in_period(qs.order_by(), start, end).values(
            "pk", "category", "unit_kind", "region_id", "department_id", "enterprise_id", "team_id", "period_hours"
        )
    )


def completed(row: dict) -> bool:
    return Decimal(row["period_hours"] or 0) >= required_hours(row["category"])


def unit_rates(trainees, start: dt.date, end: dt.date, categories=()) -> list[UnitRate]:
    """The rate of each (unit, category) among `trainees` (a queryset, already restricted), lowest rate first."""
    from anlan.geo.models import Region
    from anlan.registry.models import Department, Enterprise
    from anlan.resources.models import RescueTeam

    groups: dict[tuple[str, str, str], list[int]] = {}
    for row in _rows(trainees, start, end, categories):
        kind, unit = unit_of(row)
        tally = groups.setdefault((kind, unit, row["category"]), [0, 0])
        tally[0] += 1
        tally[1] += completed(row)
    ids: dict[str, set[str]] = {}
    for kind, unit, _ in groups:
        ids.setdefault(kind, set()).add(unit)
    names: dict[tuple[str, str], str] = {}
    for kind, model, key in (
        (Trainee.UnitKind.DEPARTMENT, Department, "pk"),
        (Trainee.UnitKind.ENTERPRISE, Enterprise, "pk"),
        (Trainee.UnitKind.TEAM, RescueTeam, "pk"),
        (Trainee.UnitKind.TOWNSHIP, Region, "code"),
    ):
        if ids.get(kind):
            for pk, name in model.objects.filter(**{f"{key}__in": ids[kind]}).values_list(key, "name"):
                names[(kind, str(pk))] = name
    rates = [
        UnitRate(kind, unit, names.get((kind, unit), unit), category, total, done)
        for (kind, unit, category), (total, done) in groups.items()
    ]
    return sorted(rates, key=lambda r: (r.rate if r.rate is not None else Decimal(101), r.unit_name, r.category))


def overall(trainees, start: dt.date, end: dt.date, categories=()) -> tuple[int, int]:
    """(completed, total) of the active trainees of these categories."""
    rows = _rows(trainees, start, end, categories)
    return sum(1 for r in rows if completed(r)), len(rows)


def county_trainees(county_code: str):
    return Trainee.objects.filter(region__pk__startswith=county_code[:6])


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
