"""一张图 layers of rescue forces, experts, equipment and shelters; teams and shelters are found by name in
the map's search box."""

from anlan.geo.layers import (
    PlaceSearch,
    point_features,
    point_places,
    register_place_search,
    register_point_layer,
)

from .models import Equipment, Expert, RescueTeam, Shelter, capacity_for
from .services import with_occupancy

SHELTER_PROPS = ["name", "level", "status", "region"]


def _capacity(row, props):
    props["capacity"] = capacity_for(row["effective_area_m2"], row["area_per_person_m2"])
    props["occupancy"] = props["occupancy"] or 0


def _shelters(user, params):
    """Shelters with their capacity and live occupancy (one aggregate query)."""
    rows = with_occupancy(Shelter.objects.restrict(user))
    return point_features(
        rows,
        [*SHELTER_PROPS, "occupancy"],
        user=user,
        raw=("effective_area_m2", "area_per_person_m2"),
        extra=_capacity,
    )


register_point_layer(
    key="rescue_teams",
    name="救援队伍",
    group="应急资源",
    model=RescueTeam,
    order=40,
    properties=["name", "kind", "headcount", "readiness", "leader", "region"],
    symbol="cross",
    cluster=True,
    style={"color": "#922b21", "fillColor": "#e74c3c", "radius": 7},
)
register_point_layer(
    key="experts",
    name="专家",
    group="应急资源",
    model=Expert,
    order=41,
    default_visible=False,
    properties=["name", "title", "organisation", "availability", "region"],
    symbol="circle",
    cluster=True,
    style={"color": "#6c3483", "fillColor": "#9b59b6", "radius": 5},
)
register_point_layer(
    key="equipment",
    name="大型装备",
    group="应急资源",
    model=Equipment,
    order=42,
    default_visible=False,
    properties=["name", "kind", "quantity", "status", "owner", "region"],
    symbol="pentagon",
    cluster=True,
    style={"color": "#7e5109", "fillColor": "#f39c12", "radius": 6},
)
register_point_layer(
    key="shelters",
    name="避难场所",
    group="应急资源",
    model=Shelter,
    order=44,
    properties=SHELTER_PROPS,
    extra_labels={"capacity": "容量（人）", "occupancy": "在场人数"},
    features=_shelters,
    symbol="pin",
    cluster=True,
    style={"color": "#1e8449", "fillColor": "#2ecc71", "radius": 8, "weight": 2},
)
register_place_search(
    PlaceSearch(
        kind="shelter",
        label="避难场所",
        order=40,
        search=lambda user, q, limit: point_places(
            Shelter.objects.restrict(user), q, limit, kind="shelter", label="避难场所"
        ),
    )
)
register_place_search(
    PlaceSearch(
        kind="rescue_team",
        label="救援队伍",
        order=50,
        search=lambda user, q, limit: point_places(
            RescueTeam.objects.restrict(user), q, limit, kind="rescue_team", label="救援队伍"
        ),
    )
)
