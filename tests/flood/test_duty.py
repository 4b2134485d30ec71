"""The 三个责任人: a county user assigns them on the reservoir's page and the status goes from 缺X to 完整; the
lists show completeness in a fixed number of queries; a township sees its own works only; the public 公示
shows names and posts with masked phones, never a full number."""

import pytest

from anlan.flood.models import FloodResponsibility, Reservoir
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

from .helpers import assign, person, reservoir

pytestmark = pytest.mark.django_db


def test_a_county_user_assigns_the_three_persons(client, tree):
    r = reservoir(tree.village)
    admin, tech, patrol = (
        person(tree.village, n, p)
        for n, p in [("李行政", "13900002001"), ("赵技术", "13900002002"), ("钱巡查", "13900002003")]
    )
    client.force_login(persona("county_operator"))
    page = client.get(f"/flood/reservoir/{r.pk}/duty/").content.decode()
    assert "缺行政、技术、巡查" in page and "小(1)型" in page
    for post, who in (("admin", admin), ("technical", tech)):
        client.post(f"/flood/reservoir/{r.pk}/duty/", {"post": post, "person": who.pk})
    page = client.get(f"/flood/reservoir/{r.pk}/duty/").content.decode()
    assert "缺巡查" in page
    response = client.post(f"/flood/reservoir/{r.pk}/duty/", {"post": "patrol", "person": patrol.pk}, follow=True)
    page = response.content.decode()
    assert "已指定 钱巡查 为巡查责任人" in page and "责任人完整" in page
    # The county operator needs the phones to call: shown in full.
    assert "13900002003" in page
    # A post a reservoir does not have is refused with the reason.
    response = client.post(f"/flood/reservoir/{r.pk}/duty/", {"post": "guard", "person": patrol.pk})
    assert response.status_code == 400
    # The same person twice on one post: refused, nothing added.
    response = client.post(f"/flood/reservoir/{r.pk}/duty/", {"post": "patrol", "person": patrol.pk})
    assert "已是" in response.content.decode()
    assert FloodResponsibility.objects.filter(reservoir=r).count() == 3


def test_a_village_worker_sees_the_page_but_cannot_assign(client, tree):
    r = reservoir(tree.village)
    client.force_login(persona("village_grid_worker"))
    page = client.get(f"/flood/reservoir/{r.pk}/duty/").content.decode()
    assert "指定责任人" not in page
    response = client.post(f"/flood/reservoir/{r.pk}/duty/", {"post": "admin", "person": person(tree.village).pk})
    assert response.status_code == 403


def test_the_reservoir_list_shows_completeness_in_fixed_queries(client, tree, django_assert_max_num_queries):
    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(25):
        page = client.get("/flood/reservoir/").content.decode()
    assert "三个责任人" in page and "责任人完整" in page and "缺技术" in page
    with django_assert_max_num_queries(25):
        page = client.get("/flood/duty/").content.decode()
    assert "水库：责任人完整 12 / 15" in page


def test_a_township_sees_its_own_works(client, tree):
    mine = reservoir(tree.village, code="T-SK-MINE")
    other = reservoir(tree.other_village, code="T-SK-OTHER")
    client.force_login(persona("township_officer"))
    page = client.get("/flood/duty/").content.decode()
    assert mine.name in page and other.name not in page
    assert client.get(f"/flood/reservoir/{other.pk}/duty/").status_code == 404
    visible = set(Reservoir.objects.restrict(persona("township_officer")).values_list("region_id", flat=True))
    assert all(code.startswith(tree.township.code[:9]) for code in visible)


def test_the_public_page_masks_every_phone(client, tree, django_assert_max_num_queries):
    r = reservoir(tree.village, code="T-SK-PUB")
    patrol = person(tree.village, "孙巡查", "13912349876")
    assign(r, "patrol", patrol)
    client.logout()
    with django_assert_max_num_queries(12):
        response = client.get(f"/p/flood/{tree.county.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "孙巡查" in page and "巡查责任人" in page and "139****9876" in page
    assert "13912349876" not in page
    # No full phone of anyone on the page: every registered responsible person is masked.
    phones = {row.person.phone for row in FloodResponsibility.objects.select_related("person")}
    assert phones and not [p for p in phones if p in page]
    zone = HazardSite.objects.filter(kind="flash_flood", flood_responsibilities__isnull=False).first()
    assert zone.name in page
    assert client.get("/p/flood/500237001000/").status_code == 404  # a township is not a county


def test_the_api_lists_reservoirs_with_class_and_completeness_in_scope(client, tree, django_assert_max_num_queries):
    mine = reservoir(tree.village, code="T-SK-API")
    assign(mine, "patrol", person(tree.village, "郑巡查", "13900006001"))
    reservoir(tree.other_village, code="T-SK-API2")
    client.force_login(persona("township_officer"))
    with django_assert_max_num_queries(12):
        rows = client.get("/api/v1/flood/reservoirs/").json()["results"]
    assert "T-SK-API" in {r["code"] for r in rows} and "T-SK-API2" not in {r["code"] for r in rows}
    assert next(r for r in rows if r["code"] == "T-SK-API")["duty_status"] == "缺行政、技术"
    assert rows and all(r["region"].startswith(tree.township.code[:9]) for r in rows)
    assert all(r["size_class_label"] in ("中型", "小(1)型", "小(2)型") for r in rows)
    people = client.get("/api/v1/flood/responsibilities/").json()["results"]
    assert people and "phone" not in people[0] and people[0]["post_label"].endswith("责任人")
    assert client.post("/api/v1/flood/reservoirs/", {}).status_code == 405
