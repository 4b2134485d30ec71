"""一张图 layers of rescue forces, experts, equipment and shelters."""

from anlan.geo.layers import MapLayer, field_labels, point_features, register_layer

from .models import Equipment, Expert, RescueTeam, Shelter
from .services import with_occupancy

TEAM_PROPS = ["name", "kind", "headcount", "readiness", "leader", "region"]
EXPERT_PROPS = ["name", "title", "organisation", "availability", "region"]
EQUIPMENT_PROPS = ["name", "kind", "quantity", "status", "owner", "region"]
SHELTER_PROPS = ["name", "level", "status", "effective_area_m2", "area_per_person_m2", "region"]


def _teams(user, params):
    return point_features(RescueTeam.objects.restrict(user), TEAM_PROPS)


def _experts(user, params):
    return point_features(Expert.objects.restrict(user), EXPERT_PROPS)


def _equipment(user, params):
    return point_features(Equipment.objects.restrict(user), EQUIPMENT_PROPS)


def _shelters(user, params):
    rows = with_occupancy(Shelter.objects.restrict(user))
    features = point_features(rows, SHELTER_PROPS)
    occupancy = dict(rows.values_list("pk", "occupancy"))
    for feature in features:
        p = feature["properties"]
        p["capacity"] = int(p.pop("effective_area_m2") // p.pop("area_per_person_m2"))
        p["occupancy"] = occupancy[p["id"]]
    return features


register_layer(
    MapLayer(
        key="rescue_teams",
        name="救援队伍",
        group="应急资源",
        geometry="point",
        features=_teams,
        labels=field_labels(RescueTeam, TEAM_PROPS),
        style={"color": "#c0392b", "fillColor": "#e74c3c", "fillOpacity": 0.9, "radius": 6, "weight": 1},
        label_field=None,
        order=40,
    )
)
register_layer(
    MapLayer(
        key="experts",
        name="专家",
        group="应急资源",
        geometry="point",
        features=_experts,
        labels=field_labels(Expert, EXPERT_PROPS),
        style={"color": "#6c3483", "fillColor": "#9b59b6", "fillOpacity": 0.9, "radius": 5, "weight": 1},
        label_field=None,
        default_visible=False,
        order=41,
    )
)
register_layer(
    MapLayer(
        key="equipment",
        name="大型装备",
        group="应急资源",
        geometry="point",
        features=_equipment,
        labels=field_labels(Equipment, EQUIPMENT_PROPS),
        style={"color": "#7e5109", "fillColor": "#f39c12", "fillOpacity": 0.9, "radius": 5, "weight": 1},
        label_field=None,
        default_visible=False,
        order=42,
    )
)
register_layer(
    MapLayer(
        key="shelters",
        name="避难场所",
        group="应急资源",
        geometry="point",
        features=_shelters,
        labels=field_labels(
            Shelter, ["name", "level", "status", "region"], {"capacity": "容量（人）", "occupancy": "在场人数"}
        ),
        style={"color": "#1e8449", "fillColor": "#2ecc71", "fillOpacity": 0.9, "radius": 8, "weight": 2},
        label_field="name",
        order=44,
    )
)
