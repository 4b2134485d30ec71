"""What the command map shows for one incident (一张图指挥), as GeoJSON features the page polls:

- the incident and its affected area;
- within RADIUS_M: risk points by grade, natural hazard sites, sensors by live status, shelters with
  occupancy against capacity (every list through the user's scope);
- every dispatch order where its resource is (a team's last reported position), coloured by status.

A `revision` lets the page tell when anything changed."""

import hashlib
import json

from anlan.geo.layers import FOUR_COLOURS
from anlan.geo.spatial import distances_m
from anlan.monitoring.layers import STATUS_COLOURS, STATUS_LEGEND
from anlan.monitoring.models import Sensor
from anlan.resources.models import Shelter, capacity_for
from anlan.resources.services import with_occupancy
from anlan.risk.layers import GRADE_LEGEND
from anlan.risk.models import GRADE_COLOURS, RiskPoint
from anlan.sites.models import HazardSite

from .models import DispatchOrder, Incident

RADIUS_M = 5000
LIVE_STATUS_LABELS = dict(Sensor._meta.get_field("live_status").flatchoices)
ORDER_COLOURS = {
    "sent": "#7a8899",
    "read": "#2f7fd8",
    "accepted": "#2f7fd8",
    "en_route": "#f28c28",
    "on_scene": "#27ae60",
    "done": "#1e8449",
    "returned": "#c0392b",
}


# What the command map draws, for its legend (the same symbols as the 一张图): kind → name, shape, colours.
LEGEND = [
    {
        "key": "incident",
        "name": "事发点",
        "symbol": "star",
        "legend": [{"label": "事发点", "colour": FOUR_COLOURS["red"]}],
    },
    {
        "key": "area",
        "name": "影响范围",
        "geometry": "polygon",
        "legend": [{"label": "影响范围", "colour": "#c0392b"}],
    },
    {
        "key": "order",
        "name": "调度力量",
        "symbol": "circle",
        "legend": [
            {"label": label, "colour": ORDER_COLOURS[status]}
            for status, label in DispatchOrder.Status.choices
            if status not in ("read", "done")
        ],
    },
    {"key": "risk", "name": "风险点", "symbol": "circle", "legend": GRADE_LEGEND},
    {
        "key": "site",
        "name": "灾害隐患点",
        "symbol": "triangle",
        "legend": [{"label": "灾害隐患点", "colour": "#dc7633"}],
    },
    {"key": "sensor", "name": "监测设备", "symbol": "square", "legend": STATUS_LEGEND},
    {"key": "shelter", "name": "避难场所", "symbol": "pin", "legend": [{"label": "避难场所", "colour": "#2ecc71"}]},
    {
        "key": "boundary",
        "name": "行政区划",
        "geometry": "polygon",
        "legend": [
            {"label": "县界", "colour": "#c0392b", "line": "solid"},
            {"label": "乡镇（街道）界", "colour": "#2c3e50", "line": "solid"},
        ],
    },
]


def _point(layer, lon, lat, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"layer": layer, **props},
    }


def _near(rows, lon, lat):
    rows = [r for r in rows if r["lon"] is not None and r["lat"] is not None]
    if not rows:
        return []
    dist = distances_m(lon, lat, [r["lon"] for r in rows], [r["lat"] for r in rows])
    return [dict(r, distance_m=round(float(d))) for r, d in zip(rows, dist, strict=True) if d <= RADIUS_M]


def collect(incident: Incident, user) -> dict:
    features = []
    lon, lat = incident.lon, incident.lat
    if incident.affected_area:
        features.append({"type": "Feature", "geometry": incident.affected_area, "properties": {"layer": "area"}})
    if lon is not None and lat is not None:
        features.append(_point("incident", lon, lat, name=incident.title, level=incident.get_level_display()))
        features += _surroundings(user, lon, lat)
    for order in incident.orders.select_related("team", "expert", "shelter", "warehouse"):
        at = _order_position(order)
        if at is None:
            continue
        features.append(
            _point(
                "order",
                *at,
                id=order.pk,
                name=order.assignee_name,
                kind=order.get_kind_display(),
                status=order.status,
                status_label=order.get_status_display(),
                colour=ORDER_COLOURS[order.status],
            )
        )
    payload = {
        "incident": {
            "number": incident.number,
            "title": incident.title,
            "level": incident.get_level_display(),
            "response": incident.get_response_level_display(),
            "status": incident.get_status_display(),
            "lon": lon,
            "lat": lat,
        },
        "features": features,
    }
    payload["revision"] = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return payload


def _order_position(order: DispatchOrder):
    if order.last_lon is not None and order.last_lat is not None:
        return order.last_lon, order.last_lat
    for resource in (order.expert, order.shelter, order.warehouse):
        if resource is not None and getattr(resource, "lon", None) is not None:
            return resource.lon, resource.lat
    return None


def _surroundings(user, lon, lat) -> list[dict]:
    out = []
    risk = RiskPoint.objects.restrict(user).values("id", "name", "grade", "lon", "lat")
    for r in _near(risk, lon, lat):
        out.append(
            _point(
                "risk",
                r["lon"],
                r["lat"],
                name=r["name"],
                colour=GRADE_COLOURS[r["grade"] or ""],
                distance_m=r["distance_m"],
            )
        )
    # Sites still on the register: not one written off (已核销) nor a finding the county has not confirmed.
    sites = (
        HazardSite.objects.restrict(user)
        .exclude(status__in=[HazardSite.Status.REMOVED, HazardSite.Status.PROPOSED])
        .values("id", "name", "kind", "lon", "lat", "threatened_people")
    )
    for r in _near(sites, lon, lat):
        out.append(
            _point(
                "site", r["lon"], r["lat"], name=r["name"], people=r["threatened_people"], distance_m=r["distance_m"]
            )
        )
    sensors = Sensor.objects.restrict(user).values("id", "name", "live_status", "last_value", "lon", "lat")
    for r in _near(sensors, lon, lat):
        out.append(
            _point(
                "sensor",
                r["lon"],
                r["lat"],
                name=r["name"],
                status=r["live_status"],
                status_label=LIVE_STATUS_LABELS.get(r["live_status"], r["live_status"]),
                value=r["last_value"],
                colour=STATUS_COLOURS[r["live_status"]],
                distance_m=r["distance_m"],
            )
        )
    shelters = with_occupancy(Shelter.objects.restrict(user)).values(
        "id", "name", "lon", "lat", "effective_area_m2", "area_per_person_m2", "occupancy", "status"
    )
    for r in _near(shelters, lon, lat):
        capacity = capacity_for(r["effective_area_m2"], r["area_per_person_m2"])
        out.append(
            _point(
                "shelter",
                r["lon"],
                r["lat"],
                id=r["id"],
                name=r["name"],
                occupancy=r["occupancy"] or 0,
                capacity=capacity,
                distance_m=r["distance_m"],
            )
        )
    return out
