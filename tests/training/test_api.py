"""The read-only training API: the caller's scope only, phones masked for roles without need, no writes."""

import pytest

from anlan.testing.personas import persona

from . import helpers

pytestmark = pytest.mark.django_db


def test_a_township_reads_its_own_trainees_with_phones_and_a_viewer_masked(client, tree):
    ours = helpers.trainee(tree.township, "接口本镇", phone="13800005678")
    theirs = helpers.trainee(tree.other_township, "接口外镇")
    client.force_login(persona("township_officer"))
    rows = client.get("/api/v1/training/trainees/", {"page_size": 1000}).json()["results"]
    ids = {r["id"] for r in rows}
    assert ours.pk in ids and theirs.pk not in ids
    assert client.get(f"/api/v1/training/trainees/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/training/trainees/{ours.pk}/").json()["phone"] == "13800005678"
    client.force_login(persona("viewer"))
    assert "5678" in client.get(f"/api/v1/training/trainees/{ours.pk}/").json()["phone"]
    assert client.get(f"/api/v1/training/trainees/{ours.pk}/").json()["phone"] != "13800005678"
    assert client.post("/api/v1/training/trainees/", {"name": "x"}).status_code in (403, 405)


def test_sessions_carry_their_attended_count(client, tree):
    s = helpers.session(tree.township, helpers.course(tree.county))
    helpers.attend(s, helpers.trainee(tree.township, "到课"), 8)
    helpers.attend(s, helpers.trainee(tree.township, "缺课"), 0, attended=False)
    client.force_login(persona("county_operator"))
    assert client.get(f"/api/v1/training/sessions/{s.pk}/").json()["attended"] == 1
    assert client.get("/api/v1/training/certificates/").status_code == 200
