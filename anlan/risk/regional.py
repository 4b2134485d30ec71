"""Regional risk index per township and village, from the rows a user may see (a few aggregate queries)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from anlan.core import charts
from anlan.geo.models import Region, RegionLevel
from anlan.hazards import workflow
from anlan.hazards.models import HiddenHazard
from anlan.sites.models import HazardSite

from . import index
from .models import MajorHazardSource, RiskPoint


@dataclass
class RegionRisk:
    code: str
    name: str
    level: str
    parent_name: str
    components: index.Components
    index: float = 0.0
    colour: str = "blue"

    @property
    def hex(self) -> str:
        return index.COLOURS[self.colour]

    @property
    def colour_label(self) -> str:
        return index.LABELS[self.colour]

    @property
    def open_hazards(self) -> int:
        return sum(self.components.hidden_hazards.values())

    @property
    def overdue_hazards(self) -> int:
        return sum(n for (_, overdue), n in self.components.hidden_hazards.items() if overdue)

    @property
    def red_orange_points(self) -> int:
        return self.components.risk_points.get("red", 0) + self.components.risk_points.get("orange", 0)

    @property
    def major_units(self) -> int:
        return sum(self.components.major_hazards.values())


def thresholds() -> dict:
    return getattr(settings, "ANLAN_RISK_INDEX_THRESHOLDS", None) or index.DEFAULT_THRESHOLDS


def _by_region(user) -> dict[str, index.Components]:
    """Components per owning region code (as stored: village, township or county level)."""
    out: dict[str, index.Components] = {}

    def at(code: str) -> index.Components:
        return out.setdefault(code, index.Components())

    for row in RiskPoint.objects.restrict(user).exclude(grade="").values("region_id", "grade").annotate(n=Count("pk")):
        at(row["region_id"]).risk_points[row["grade"]] = row["n"]
    majors = MajorHazardSource.objects.restrict(user).filter(is_major=True)
    for row in majors.values("region_id", "level").annotate(n=Count("pk")):
        at(row["region_id"]).major_hazards[row["level"]] = row["n"]
    today = timezone.localdate()
    open_hazards = HiddenHazard.objects.restrict(user).exclude(status=workflow.CLOSED)
    for row in open_hazards.values("region_id", "level").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today))
    ):
        c = at(row["region_id"])
        c.hidden_hazards[(row["level"], False)] = row["n"] - row["late"]
        c.hidden_hazards[(row["level"], True)] = row["late"]
    sites = HazardSite.objects.restrict(user).filter(status=HazardSite.Status.ACTIVE)
    for region_code, people in sites.values_list("region_id", "threatened_people"):
        c = at(region_code)
        c.sites += 1
        c.site_score += index.site_score(people)
        c.threatened_people += people
    return out


def regional_risk(user, level: str = RegionLevel.TOWNSHIP) -> list[RegionRisk]:
    """Every township (or village) in the user's scope with its index and colour, highest first."""
    # Boundaries are large JSON documents the ranking never reads (decoding them took 0.3 s of 0.4 s).
    regions = (
        Region.objects.restrict(user)
        .filter(level=level)
        .select_related("parent")
        .only("code", "name", "level", "parent__code", "parent__name")
        .order_by("code")
    )
    rows = {
        r.code: RegionRisk(r.code, r.name, level, r.parent.name if r.parent else "", index.Components())
        for r in regions
    }
    prefix_len = 9 if level == RegionLevel.TOWNSHIP else 12
    for code, components in _by_region(user).items():
        key = code[:prefix_len] + "0" * (12 - prefix_len)
        if key in rows:
            rows[key].components.add(components)
    limits = thresholds()
    for row in rows.values():
        row.index = index.score(row.components)
        row.colour = index.colour(row.index, level, limits)
    return sorted(rows.values(), key=lambda r: (-r.index, r.code))


def ranking_chart(rows: list[RegionRisk], *, limit: int = 15) -> dict:
    """The highest `limit` regions of `regional_risk` as bars in their own colour (no query)."""
    top = rows[:limit]
    return charts.chart(
        "hbar",
        [r.name for r in top],
        [charts.series("风险指数", [{"value": round(r.index, 1), "colour": r.hex} for r in top])],
        empty="范围内没有区划",
        all_labels=True,
    )
