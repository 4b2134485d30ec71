"""CONTRACT.md "Duty": creating shifts and asking who is on duty."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.duty.models import Shift
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/shifts/"


def _body(desk, user, post="officer", starts=None, hours=24):
    starts = starts or timezone.now().replace(microsecond=0) + dt.timedelta(days=90)
    return {
        "desk": desk,
        "user": user,
        "post": post,
        "starts": starts.isoformat(),
        "ends": (starts + dt.timedelta(hours=hours)).isoformat(),
    }


def test_a_county_operator_rosters_a_township_desk_and_it_is_audited(client, tree):
    client.force_login(persona("county_operator"))
    response = client.post(URL, _body(tree.township.code, "township_officer"), content_type="application/json")
    assert response.status_code == 201, response.content
    shift = Shift.objects.get(pk=response.json()["id"])
    assert (shift.desk_id, shift.user.username, shift.post) == (tree.township.code, "township_officer", "officer")
    assert AuditEntry.objects.filter(action="shift_create", object_id=str(shift.pk)).exists()
    # An officer without a leader at that time is flagged, not refused.
    assert [c["kind"] for c in response.json()["conflicts"]] == ["no_leader"]


def test_ends_before_starts_is_a_400_and_nothing_is_written(client, tree):
    client.force_login(persona("county_operator"))
    body = _body(tree.county.code, "county_operator", hours=-2)
    before = Shift.objects.count()
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in response.json()["ends"][0]
    assert Shift.objects.count() == before


def test_a_township_rosters_its_own_desk_only(client, tree):
    client.force_login(persona("township_officer"))
    own = client.post(URL, _body(tree.township.code, "township_officer"), content_type="application/json")
    assert own.status_code == 201, own.content
    other = client.post(URL, _body(tree.other_township.code, "other_township_officer"), content_type="application/json")
    assert other.status_code == 403
    county = client.post(URL, _body(tree.county.code, "township_officer"), content_type="application/json")
    assert county.status_code == 403


def test_a_person_outside_the_desk_or_a_village_desk_is_a_400(client, tree):
    client.force_login(persona("county_admin"))
    outsider = client.post(URL, _body(tree.township.code, "other_township_officer"), content_type="application/json")
    assert outsider.status_code == 400 and "不属于该值班席位" in outsider.json()["user"][0]
    village = client.post(URL, _body(tree.village.code, "village_grid_worker"), content_type="application/json")
    assert village.status_code == 400 and "不是值班席位" in village.json()["desk"][0]
    nobody = client.post(URL, _body(tree.county.code, "no_such_user"), content_type="application/json")
    assert nobody.status_code == 400 and "不存在" in nobody.json()["user"][0]
    bad_post = client.post(URL, {**_body(tree.county.code, "viewer"), "post": "chief"}, content_type="application/json")
    assert bad_post.status_code == 400


def test_roles_that_keep_no_desk_cannot_roster(client, tree):
    client.force_login(persona("village_grid_worker"))
    response = client.post(URL, _body(tree.township.code, "township_officer"), content_type="application/json")
    assert response.status_code == 403


def _on_duty(client, desk, at):
    return client.get("/api/v1/duty/on-duty/", {"desk": desk, "at": at.isoformat()})


def test_on_duty_lists_leader_and_officers_at_a_moment(client, tree):
    client.force_login(persona("county_operator"))
    at = timezone.now().replace(microsecond=0) + dt.timedelta(days=200)
    for user, post in (("county_admin", "leader"), ("county_operator", "officer"), ("viewer", "officer")):
        created = client.post(URL, _body(tree.county.code, user, post, starts=at), content_type="application/json")
        assert created.status_code == 201, created.content
    response = client.get(
        "/api/v1/duty/on-duty/", {"desk": tree.county.code, "at": (at + dt.timedelta(hours=3)).isoformat()}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["desk"] == tree.county.code
    assert data["leader"] == ["county_admin"]
    assert sorted(data["officers"]) == ["county_operator", "viewer"]
    # Before the shift starts and at its very end nobody from it is on duty.
    before = client.get(
        "/api/v1/duty/on-duty/", {"desk": tree.county.code, "at": (at - dt.timedelta(days=120)).isoformat()}
    )
    assert before.json()["leader"] == [] and before.json()["officers"] == []
    end = client.get(
        "/api/v1/duty/on-duty/", {"desk": tree.county.code, "at": (at + dt.timedelta(hours=24)).isoformat()}
    )
    assert "county_admin" not in end.json()["leader"]


def test_on_duty_defaults_to_now_and_the_demo_roster_covers_it(client, tree):
    client.force_login(persona("township_officer"))
    data = client.get("/api/v1/duty/on-duty/", {"desk": tree.township.code}).json()
    assert data["leader"] and data["officers"]  # the demo county's roster covers this month
    assert abs(dt.datetime.fromisoformat(data["at"]) - timezone.now()) < dt.timedelta(minutes=1)
    own = client.get("/api/v1/duty/on-duty/").json()
    assert own["desk"] == tree.township.code


def test_on_duty_of_another_township_or_a_bad_moment_is_refused(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get("/api/v1/duty/on-duty/", {"desk": tree.other_township.code}).status_code == 404
    assert client.get("/api/v1/duty/on-duty/", {"desk": tree.county.code}).status_code == 200
    bad = client.get("/api/v1/duty/on-duty/", {"desk": tree.county.code, "at": "yesterday"})
    assert bad.status_code == 400 and "at" in bad.json()
    assert client.get("/api/v1/duty/on-duty/", {"desk": "999"}).status_code == 400


def test_a_township_lists_its_own_and_the_county_roster_not_its_neighbour(client, tree):
    client.force_login(persona("township_officer"))
    desks = {s["desk"] for s in client.get(URL, {"page_size": 1000}).json()["results"]}
    assert tree.township.code in desks and tree.county.code in desks
    assert tree.other_township.code not in desks


def test_change_and_delete_go_through_the_rules(client, tree):
    client.force_login(persona("county_operator"))
    created = client.post(URL, _body(tree.county.code, "county_operator"), content_type="application/json").json()
    url = f"{URL}{created['id']}/"
    bad = client.patch(url, {"ends": "2000-01-01T00:00:00+08:00"}, content_type="application/json")
    assert bad.status_code == 400
    moved = client.patch(url, {"user": "viewer", "post": "leader"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["user"] == "viewer"
    assert client.delete(url).status_code == 204
    assert not Shift.objects.filter(pk=created["id"]).exists()
    assert AuditEntry.objects.filter(action="shift_delete", object_id=str(created["id"])).exists()
