"""The permit pages a township and the county use: apply (phone form), the permit page with the steps the
user may take, a refusal with its reason; the lists and the map layers stay inside the user's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.forestfire.models import BurnPermit, DangerLevel, FireSeason
from anlan.geo.layers import get_layer
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_demo_fire_rules():
    DangerLevel.objects.all().delete()
    FireSeason.objects.all().delete()


def _form(place, **extra):
    start = timezone.localtime() + dt.timedelta(hours=3)
    data = {
        "applicant": "欧阳春生",
        "applicant_phone": "13912345678",
        "person_in_charge": "欧阳春生",
        "place": "村后茶园",
        "lon": place.center_lon,
        "lat": place.center_lat,
        "radius_m": 100,
        "purpose": "agriculture",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "safety_measures": "隔离带 3 米，扑火人员 4 人",
    }
    return data | extra


def test_a_village_worker_applies_and_the_county_refuses_with_a_reason(client, tree):
    client.force_login(persona("village_grid_worker"))
    page = client.get("/forestfire/permits/apply/").content.decode()
    assert "野外用火申请" in page and "县级人民政府批准" in page
    response = client.post("/forestfire/permits/apply/", _form(tree.village), follow=True)
    permit = BurnPermit.objects.get(applicant="欧阳春生")
    assert "由县级人民政府（森林防火指挥机构）审批" in response.content.decode()
    # The worker may withdraw but not approve, and sees the applicant's phone masked.
    assert 'value="approve"' not in response.content.decode()
    assert "139****5678" in response.content.decode() and "13912345678" not in response.content.decode()

    client.force_login(persona("county_operator"))
    page = client.get(f"/forestfire/permits/{permit.pk}/view/").content.decode()
    assert 'value="approve"' in page and 'value="refuse"' in page and "13912345678" in page
    client.post(f"/forestfire/permits/{permit.pk}/decide/", {"action": "refuse", "reason": ""})
    assert BurnPermit.objects.get(pk=permit.pk).status == BurnPermit.Status.PENDING
    client.post(f"/forestfire/permits/{permit.pk}/decide/", {"action": "refuse", "reason": "未开设隔离带"})
    permit.refresh_from_db()
    assert (permit.status, permit.reason) == (BurnPermit.Status.REFUSED, "未开设隔离带")


def test_a_bad_window_is_shown_on_the_form_and_nothing_is_written(client, tree):
    client.force_login(persona("township_officer"))
    data = _form(tree.village)
    data["ends_at"] = data["starts_at"]
    page = client.post("/forestfire/permits/apply/", data).content.decode()
    assert "结束时间应晚于开始时间" in page
    assert not BurnPermit.objects.filter(applicant="欧阳春生").exists()


def test_another_township_neither_sees_the_permit_nor_its_area_on_the_map(client, tree):
    client.force_login(persona("county_operator"))
    client.post(
        "/forestfire/permits/apply/", _form(tree.village, starts_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    )
    permit = BurnPermit.objects.get(applicant="欧阳春生")
    client.post(f"/forestfire/permits/{permit.pk}/decide/", {"action": "approve", "reason": "同意"})
    assert BurnPermit.objects.get(pk=permit.pk).status == BurnPermit.Status.APPROVED
    layer = get_layer("forestfire_permits")
    own = [f["properties"]["number"] for f in layer.features(persona("township_officer"), {})]
    other = [f["properties"]["number"] for f in layer.features(persona("other_township_officer"), {})]
    assert permit.number in own and permit.number not in other
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/forestfire/permits/{permit.pk}/view/").status_code == 404
    assert permit.number not in client.get("/forestfire/burnpermit/").content.decode()


def test_the_registry_pages_open_for_the_county(client, tree):
    client.force_login(persona("county_operator"))
    for url in (
        "/forestfire/fireseason/",
        "/forestfire/forestfiresetting/",
        "/forestfire/dangerlevel/",
        "/forestfire/burnpermit/",
        "/forestfire/ranger/",
        "/forestfire/missed/",
        "/forestfire/levels/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/forestfire/forestfiresetting/add/").content.decode()
    assert "默认值 3 级" in page
