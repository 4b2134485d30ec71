"""Finding 13 (issue 12), the API and validation items: the schema needed no login; photo "image" URLs
pointed to a 404; a shelter with capacity 0 took 40,360 people; (0, 0) was accepted as a 巫山 location;
a 200,000-vertex warning polygon took 5 s; create-user accepted an enterprise user outside its
enterprise's region."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from anlan.accounts.models import User
from anlan.monitoring.models import Sensor
from anlan.registry.models import Enterprise
from anlan.resources.models import RescueTeam, Shelter, ShelterCheck
from anlan.testing.personas import persona
from tests.alerts.test_warnings import body as warning_body
from tests.hazards.test_workflow import PNG, report

pytestmark = pytest.mark.django_db


def test_finding13_schema_needs_a_login(client):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code == 302
    client.force_login(persona("viewer"))
    assert client.get("/api/v1/schema/").status_code == 200


def test_finding13_photo_image_url_serves_the_photo(client, tree):
    hazard_id = report(client, tree).json()["id"]
    uploaded = client.post(
        f"/api/v1/hazards/{hazard_id}/photos/", {"stage": "before", "image": SimpleUploadedFile("a.png", PNG)}
    )
    assert uploaded.status_code == 201, uploaded.content
    listed = client.get(f"/api/v1/hazards/{hazard_id}/").json()["photos"][0]["image"]
    assert listed == uploaded.json()["image"]
    served = client.get(listed)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_finding13_a_shelter_takes_no_one_beyond_its_capacity(client):
    client.force_login(persona("county_admin"))
    shelter = Shelter.objects.filter(status=Shelter.Status.OPEN).order_by("pk").first() or Shelter.objects.first()
    Shelter.objects.filter(pk=shelter.pk).update(status="open", effective_area_m2=1, area_per_person_m2=1.5)
    ShelterCheck.objects.filter(shelter=shelter).delete()
    url = f"/api/v1/shelters/{shelter.pk}/checks/"
    zero = client.post(url, {"kind": "in", "people": 40_360}, content_type="application/json")
    assert zero.status_code == 400 and "超过剩余容量（0）" in zero.json()["people"][0]
    assert zero.json()["code"] == "shelter.over_capacity"

    Shelter.objects.filter(pk=shelter.pk).update(effective_area_m2=150, area_per_person_m2=1.5)  # 100 people
    assert client.post(url, {"kind": "in", "people": 100}, content_type="application/json").status_code == 200
    full = client.post(url, {"kind": "in", "people": 1}, content_type="application/json")
    assert full.status_code == 400 and "可容纳 100 人，当前在场 100 人" in full.json()["people"][0]
    assert client.get(f"/api/v1/shelters/{shelter.pk}/").json()["occupancy"] == 100


@pytest.mark.parametrize("lon, lat, field", [(0, 0, "lon"), (109.9, 95, "lat"), (2.35, 48.85, "lon")])
def test_finding13_locations_outside_china_are_refused_on_every_model(client, tree, lon, lat, field):
    client.force_login(persona("county_admin"))
    team = RescueTeam.objects.order_by("pk").first()
    plain = client.patch(f"/api/v1/rescue-teams/{team.pk}/", {"lon": lon, "lat": lat}, content_type="application/json")
    assert plain.status_code == 400 and field in plain.json(), plain.content
    team.refresh_from_db()
    assert (team.lon, team.lat) != (lon, lat)

    sensor = Sensor.objects.order_by("pk").first()
    located = client.patch(
        f"/api/v1/monitoring/sensors/{sensor.code}/",
        {"location": {"lon": lon, "lat": lat}},
        content_type="application/json",
    )
    assert located.status_code == 400 and "location" in located.json(), located.content
    assert Sensor.objects.get(pk=sensor.pk).lon != lon


def test_finding13_kit_form_refuses_null_island(client):
    client.force_login(persona("county_admin"))
    team = RescueTeam.objects.order_by("pk").first()
    page = client.get(f"/resources/rescueteam/{team.pk}/edit/")
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(lon=0, lat=0)
    refused = client.post(f"/resources/rescueteam/{team.pk}/edit/", data)
    assert refused.status_code == 400 and "(0, 0)" in refused.content.decode()
    team.refresh_from_db()
    assert team.lon != 0


def _ring(n):
    points = [[109.8 + 0.01 * (i % 50), 31.0 + 0.0001 * i] for i in range(n - 1)]
    return [[*points, points[0]]]


def test_finding13_warning_polygon_vertices_are_capped(client, tree):
    client.force_login(persona("county_operator"))
    huge = {"type": "Polygon", "coordinates": _ring(200_000)}
    response = client.post("/api/v1/warnings/", warning_body(tree, polygon=huge), content_type="application/json")
    assert response.status_code == 400 and "顶点过多" in response.json()["polygon"][0]
    ok = {"type": "Polygon", "coordinates": [[[109.8, 31.0], [109.9, 31.0], [109.9, 31.1], [109.8, 31.0]]]}
    response = client.post("/api/v1/warnings/", warning_body(tree, polygon=ok), content_type="application/json")
    assert response.status_code == 201, response.content


def test_finding13_create_user_refuses_an_enterprise_user_outside_its_enterprise_region(tree):
    enterprise = Enterprise.objects.exclude(region=tree.other_township).order_by("pk").first()
    with pytest.raises(CommandError, match="企业用户的区划应为其企业所在区划"):
        call_command(
            "create_user", "ent_outside", password="Zq8!vRt3#pLw", role="enterprise_user",
            region=tree.other_township.code, enterprise=enterprise.pk,
        )  # fmt: skip
    assert not User.objects.filter(username="ent_outside").exists()
    call_command(
        "create_user", "ent_inside", password="Zq8!vRt3#pLw", role="enterprise_user",
        region=enterprise.region_id, enterprise=enterprise.pk,
    )  # fmt: skip
    assert User.objects.get(username="ent_inside").enterprise == enterprise
