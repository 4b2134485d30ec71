"""Read paths of the disasters app shared by pages, exports and checks.

`township_figures` is the one definition of a process's current figures: per township, the row of the
latest report that lists it (CONTRACT "totals": summed over townships). The stats helper's
`services.township_figures` is the same function; the coordinator keeps one at merge.
"""

from django.db.models import Count, Sum

from .indicators import NAMES, add_rows
from .models import DamagedHouse, DisasterPhoto, ReportRow, Victim

__all__ = ["current_totals", "houses_by_degree", "photo_count", "township_figures", "victims_by_outcome"]


def township_figures(process) -> dict[str, dict]:
    """{township code: {indicator: value}} from the latest report listing each township (one query)."""
    rows = ReportRow.objects.filter(report__process=process).order_by("region_id", "-report__number")
    figures: dict[str, dict] = {}
    for row in rows.only("region_id", "report_id", *NAMES):
        if row.region_id not in figures:
            figures[row.region_id] = {name: getattr(row, name) for name in NAMES}
    return figures


def current_totals(process) -> dict:
    """The county's current cumulative figures: the townships' latest figures summed."""
    return add_rows(township_figures(process).values())


def victims_by_outcome(process) -> dict[str, int]:
    """{"dead": n, "missing": n} registered for the process (every row, whoever reads: a check, not a list)."""
    counts = dict(Victim.objects.filter(process=process).values_list("outcome").annotate(n=Count("pk")))
    return {outcome: counts.get(outcome, 0) for outcome in Victim.Outcome.values}


def houses_by_degree(process, *, township: str | None = None) -> dict[str, dict]:
    """{degree: {"rooms": n, "households": n}} of the housing register (optionally one township's)."""
    qs = DamagedHouse.objects.filter(process=process)
    if township:
        qs = qs.filter(region__pk__startswith=township[:9])
    sums = {
        degree: {"rooms": rooms or 0, "households": households}
        for degree, rooms, households in qs.values_list("degree").annotate(Sum("rooms"), Count("pk"))
    }
    return {degree: sums.get(degree, {"rooms": 0, "households": 0}) for degree in DamagedHouse.Degree.values}


def photo_count(process) -> int:
    return DisasterPhoto.objects.filter(process=process).count()
