"""Nearest resources for a point: teams, experts, warehouses holding an item, shelters with room.

This is what incident dispatch calls. Candidates always come from `restrict(user)` querysets. For
teams and experts (thousands of rows in a large county) the candidate points are held in an STRtree
cached per (model, user scope, filter); one cheap COUNT/MAX(updated_at) query per call tells whether
the cache is still current. Warehouses (filtered by stock) and shelters (filtered by live occupancy)
are few and always read fresh. The k nearest by geodesic distance then get a travel estimate.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Sum

from anlan.geo import spatial
from anlan.geo.routing import router, travel_params

from .models import Expert, Readiness, RescueTeam, Shelter, capacity_for
from .services import with_occupancy


@dataclass
class Nearby:
    kind: str
    id: int
    name: str
    lon: float
    lat: float
    region: str
    distance_m: float
    road_m: float
    eta_minutes: float
    method: str
    detail: dict


_CACHE: "OrderedDict[tuple, tuple[tuple, dict]]" = OrderedDict()
_CACHE_SIZE = 64
_lock = threading.Lock()


def _scope_key(user) -> tuple:
    return (user.pk, user.role, user.region_id, user.department_id, user.enterprise_id, user.is_superuser)


def _cached_points(key: tuple, queryset, fields: list[str]) -> dict:
    """{"ids", "xy", "rows"} for the queryset, rebuilt only when its rows changed."""
    version = tuple(queryset.aggregate(n=Count("pk"), last=Max("updated_at")).values())
    with _lock:
        hit = _CACHE.get(key)
        if hit and hit[0] == version:
            _CACHE.move_to_end(key)
            return hit[1]
    rows = list(queryset.values("pk", "lon", "lat", "region_id", *fields))
    entry = {"rows": rows, "index": spatial.PointIndex([(r["lon"], r["lat"]) for r in rows])}
    with _lock:
        _CACHE[key] = (version, entry)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return entry


def clear_cache() -> None:
    """Forget the point sets (tests restore the database to a snapshot whose rows may match the key)."""
    with _lock:
        _CACHE.clear()


def _pick(kind, lon, lat, rows, index, k, name_of, detail_of) -> list[Nearby]:
    chosen = index.nearest(lon, lat, k)
    if not chosen:
        return []
    targets = [(rows[i]["lon"], rows[i]["lat"]) for i, _ in chosen]
    region = spatial.region_of_point(lon, lat, "township") or spatial.region_of_point(lon, lat, "county")
    estimates = router().estimate((lon, lat), targets, travel_params(region))
    out = []
    for (index, metres), est in zip(chosen, estimates, strict=True):
        row = rows[index]
        out.append(
            Nearby(
                kind,
                row["pk"],
                name_of(row),
                row["lon"],
                row["lat"],
                row["region_id"],
                round(metres, 1),
                round(est.distance_m, 1),
                round(est.minutes, 1),
                est.method,
                detail_of(row),
            )
        )
    return out


def nearest_teams(user, lon, lat, k=5, specialty: str | None = None, ready_only: bool = True) -> list[Nearby]:
    qs = RescueTeam.objects.restrict(user)
    if specialty:
        qs = qs.filter(specialties__code=specialty)
    if ready_only:
        qs = qs.filter(readiness=Readiness.READY)
    entry = _cached_points(("team", _scope_key(user), specialty, ready_only), qs, ["name", "kind", "headcount"])
    kinds = dict(RescueTeam.Kind.choices)
    return _pick(
        "team",
        lon,
        lat,
        entry["rows"],
        entry["index"],
        k,
        lambda r: r["name"],
        lambda r: {"kind": kinds.get(r["kind"], r["kind"]), "headcount": r["headcount"]},
    )


def nearest_experts(user, lon, lat, k=5, field: str | None = None) -> list[Nearby]:
    qs = Expert.objects.restrict(user).filter(availability=Expert.Availability.AVAILABLE, lon__isnull=False)
    if field:
        qs = qs.filter(specialties__code=field)
    entry = _cached_points(("expert", _scope_key(user), field), qs, ["name", "title", "organisation"])
    return _pick(
        "expert",
        lon,
        lat,
        entry["rows"],
        entry["index"],
        k,
        lambda r: r["name"],
        lambda r: {"title": r["title"], "organisation": r["organisation"]},
    )


def nearest_warehouses(user, lon, lat, k=5, item: str | None = None, min_quantity=Decimal("0.01")) -> list[Nearby]:
    from anlan.supplies.models import Warehouse

    qs = Warehouse.objects.restrict(user)
    fields = ["name", "level"]
    if item:
        qs = (
            qs.filter(stock__item__code=item)
            .annotate(in_stock=Sum("stock__quantity"))
            .filter(in_stock__gte=min_quantity)
        )
        fields.append("in_stock")
    rows = list(qs.values("pk", "lon", "lat", "region_id", *fields))
    levels = dict(Warehouse.Level.choices)
    return _pick(
        "warehouse",
        lon,
        lat,
        rows,
        _index(rows),
        k,
        lambda r: r["name"],
        lambda r: {"level": levels.get(r["level"]), **({"in_stock": str(r["in_stock"])} if item else {})},
    )


def nearest_shelters(user, lon, lat, k=5, min_free: int = 1) -> list[Nearby]:
    qs = with_occupancy(
        Shelter.objects.restrict(user).exclude(status__in=[Shelter.Status.CLOSED, Shelter.Status.MAINTENANCE])
    )
    rows = []
    for row in qs.values(
        "pk", "lon", "lat", "region_id", "name", "effective_area_m2", "area_per_person_m2", "occupancy"
    ):
        capacity = capacity_for(row["effective_area_m2"], row["area_per_person_m2"])
        free = capacity - row["occupancy"]
        if free >= min_free:
            rows.append({**row, "capacity": capacity, "free": free})
    return _pick(
        "shelter",
        lon,
        lat,
        rows,
        _index(rows),
        k,
        lambda r: r["name"],
        lambda r: {"capacity": r["capacity"], "free": r["free"]},
    )


def _index(rows) -> spatial.PointIndex:
    return spatial.PointIndex([(r["lon"], r["lat"]) for r in rows])


FINDERS = {
    "teams": nearest_teams,
    "experts": nearest_experts,
    "warehouses": nearest_warehouses,
    "shelters": nearest_shelters,
}
