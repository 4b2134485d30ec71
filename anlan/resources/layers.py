"""一张图 layers of rescue forces, experts, equipment and shelters."""

from anlan.geo.layers import point_features, register_point_layer

from .models import Equipment, Expert, RescueTeam, Shelter
from .services import with_occupancy

SHELTER_PROPS = ["name", "level", "status", "region"]


def _shelters(user, params):
    """Shelters with their capacity and live occupancy (one aggregate query)."""
    rows = with_occupancy(Shelter.objects.restrict(user))
    features = point_features(rows, [*SHELTER_PROPS, "effective_area_m2", "area_per_person_m2", "occupancy"])
    for feature in features:
        p = feature["properties"]
        p["capacity"] = int(p.pop("effective_area_m2") // p.pop("area_per_person_m2"))
    return features


register_point_layer(
    key="rescue_teams",
    name="救援队伍",
    group="应急资源",
    model=RescueTeam,
    order=40,
    properties=["name", "kind", "headcount", "readiness", "leader", "region"],
    style={"color": "#c0392b", "fillColor": "#e74c3c"},
)
register_point_layer(
    key="experts",
    name="专家",
    group="应急资源",
    model=Expert,
    order=41,
    default_visible=False,
    properties=["name", "title", "organisation", "availability", "region"],
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
    style={"color": "#7e5109", "fillColor": "#f39c12", "radius": 5},
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
    style={"color": "#1e8449", "fillColor": "#2ecc71", "radius": 8, "weight": 2},
)
