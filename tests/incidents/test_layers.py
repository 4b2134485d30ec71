"""The 一张图's layer of incidents being handled: at their place, coloured by grade, gone once closed, and
seen only within the user's area."""

import pytest
from django.utils import timezone

from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def record(region, title):
    return services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title=title,
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=region,
            lon=region.center_lon,
            lat=region.center_lat,
            occurred_at=timezone.now(),
            description="3 人被困",
            trapped=3,
        ),
    )


def active(client):
    return {f["id"]: f for f in client.get("/api/v1/map/layers/incidents_active/").json()["features"]}


def test_active_incidents_are_drawn_where_they_happened_in_the_users_area(client, tree):
    mine = record(tree.village, "早阳村山体滑坡")
    theirs = record(tree.other_township, "邻乡山体滑坡")
    client.force_login(persona("township_officer"))
    found = active(client)
    assert mine.pk in found and theirs.pk not in found
    props = found[mine.pk]["properties"]
    assert props["title"] == "早阳村山体滑坡" and props["kind__name"] == "地质灾害"
    assert props["level"] == "一般（IV级）" and props["casualties"] == "死亡 0，失踪 0，受伤 0，被困 3"
    assert props["region_label"] == tree.village.name
    assert props["url"] == f"/incidents/incident/{mine.pk}/"
    Incident.objects.filter(pk=mine.pk).update(status=Incident.Status.CLOSED)
    assert mine.pk not in active(client)
