import pytest

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.resources.models import Shelter
from anlan.resources.services import shelter_check, shelter_occupancy
from anlan.testing.personas import persona


@pytest.fixture
def shelter(tree):
    return Shelter.objects.create(
        name="测试避难场所",
        region=tree.village,
        level="village",
        period="emergency",
        site_class="III",
        effective_area_m2=150,
        area_per_person_m2=1.5,
        address="x",
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        manager="m",
        manager_phone="13800000000",
    )


@pytest.mark.django_db
def test_capacity_is_area_over_norm_and_the_norm_defaults_to_gb21734(settings, tree, shelter):
    assert shelter.capacity == 100
    assert (
        Shelter._meta.get_field("area_per_person_m2").get_default() == settings.ANLAN_SHELTER_AREA_PER_PERSON_M2 == 1.5
    )
    shelter.area_per_person_m2 = 2.0
    assert shelter.capacity == 75


@pytest.mark.django_db
def test_occupancy_follows_check_ins_and_outs_and_never_goes_negative(tree, shelter):
    officer = persona("township_officer")
    shelter_check(actor=officer, shelter=shelter, kind="in", people=40, household="王家")
    shelter_check(actor=officer, shelter=shelter, kind="in", people=25)
    shelter_check(actor=officer, shelter=shelter, kind="out", people=15)
    assert shelter_occupancy(shelter) == 50
    with pytest.raises(DomainError, match="超过当前在场人数（50）"):
        shelter_check(actor=officer, shelter=shelter, kind="out", people=51)
    assert shelter_occupancy(shelter) == 50
    entries = AuditEntry.objects.filter(object_type="resources.shelter", object_id=str(shelter.pk))
    assert entries.filter(action="shelter_check_in").count() == 2
    assert entries.get(action="shelter_check_out").after["occupancy"] == 50


@pytest.mark.django_db
def test_closed_shelter_refuses_check_in(tree, shelter):
    shelter.status = Shelter.Status.CLOSED
    shelter.save()
    with pytest.raises(DomainError, match="已关闭"):
        shelter_check(actor=persona("township_officer"), shelter=shelter, kind="in", people=1)


@pytest.mark.django_db
def test_check_in_through_api_and_page_with_scope(client, tree, shelter):
    client.force_login(persona("township_officer"))
    response = client.post(
        f"/api/v1/shelters/{shelter.pk}/checks/", {"kind": "in", "people": 30}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["occupancy"] == 30 and response.json()["capacity"] == 100
    bad = client.post(
        f"/api/v1/shelters/{shelter.pk}/checks/", {"kind": "out", "people": 31}, content_type="application/json"
    )
    assert bad.status_code == 400 and "超过当前在场人数" in bad.json()["people"][0]
    page = client.post(f"/resources/shelter/{shelter.pk}/checks/", {"kind": "out", "people": 10})
    assert page.status_code == 302
    assert client.get(f"/api/v1/shelters/{shelter.pk}/").json()["occupancy"] == 20
    client.force_login(persona("other_township_officer"))
    assert (
        client.post(
            f"/api/v1/shelters/{shelter.pk}/checks/", {"kind": "in", "people": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/resources/shelter/{shelter.pk}/checks/").status_code == 404
    client.force_login(persona("viewer"))
    assert (
        client.post(
            f"/api/v1/shelters/{shelter.pk}/checks/", {"kind": "in", "people": 1}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_shelter_layer_shows_capacity_and_live_occupancy(client, tree, shelter):
    shelter_check(actor=persona("county_admin"), shelter=shelter, kind="in", people=12)
    client.force_login(persona("township_officer"))
    features = client.get("/api/v1/map/layers/shelters/").json()["features"]
    mine = next(f for f in features if f["id"] == shelter.pk)
    assert mine["properties"]["capacity"] == 100 and mine["properties"]["occupancy"] == 12
    assert mine["properties"]["level"] == "村（社区）级"


@pytest.mark.django_db
def test_an_edit_may_not_leave_more_people_present_than_the_area_holds(client, tree, shelter):
    """Issue 13, item 5: occupancy ≤ capacity wherever either changes; areas within plausible bounds."""
    shelter_check(actor=persona("township_officer"), shelter=shelter, kind="in", people=80)
    client.force_login(persona("township_officer"))
    url = f"/api/v1/shelters/{shelter.pk}/"
    smaller = client.patch(url, {"effective_area_m2": 30}, content_type="application/json")
    assert smaller.status_code == 400, smaller.content
    assert smaller.json()["effective_area_m2"] == ["按此面积只能容纳 20 人，但当前在场 80 人；请先登记离开或核对面积"]
    huge = client.patch(url, {"effective_area_m2": 1e12}, content_type="application/json")
    assert huge.status_code == 400 and "请核对单位" in huge.json()["effective_area_m2"][0]
    shelter.refresh_from_db()
    assert shelter.effective_area_m2 == 150
    assert client.patch(url, {"effective_area_m2": 300}, content_type="application/json").status_code == 200
