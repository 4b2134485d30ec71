"""CONTRACT.md "Disaster statistics (灾情报送)": the three endpoints as written, scope (township reads but
cannot write, another county is a 404) and the 400s naming row and field with nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.disasters.models import DisasterProcess, DisasterReport
from anlan.testing.personas import persona

from .helpers import new_process, other_county_operator

pytestmark = pytest.mark.django_db

URL = "/api/v1/disasters/"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _create(client, tree, hours_ago=1.0):
    started = (timezone.now() - dt.timedelta(hours=hours_ago)).replace(microsecond=0)
    body = {"name": "强降雨", "hazard": "flood", "started_at": started.isoformat(),
            "regions": [tree.township.code, tree.other_township.code]}  # fmt: skip
    return _post(client, URL, body), started


def test_create_returns_open_and_initial_due_two_hours_after_the_start(client, tree):
    client.force_login(persona("county_operator"))
    response, started = _create(client, tree)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and isinstance(body["id"], int)
    assert dt.datetime.fromisoformat(body["initial_due"]) == started + dt.timedelta(hours=2)


def test_reports_flow_late_escalate_totals_and_get(client, tree):
    client.force_login(persona("county_operator"))
    pid = _create(client, tree, hours_ago=3)[0].json()["id"]
    reports = f"{URL}{pid}/reports/"
    first = _post(client, reports, {"stage": "initial", "rows": [
        {"region": tree.township.code, "affected_people": 300, "deaths": 2, "crop_affected_ha": 10.5},
    ]})  # fmt: skip
    assert first.status_code == 201, first.content
    assert first.json()["stage"] == "initial" and first.json()["late"] is True and first.json()["escalate"] is False
    assert first.json()["totals"]["affected_people"] == 300
    second = _post(client, reports, {"stage": "update", "rows": [
        {"region": tree.township.code, "affected_people": 320, "deaths": 3, "missing": 2},
        {"region": tree.other_township.code, "affected_people": 80, "missing": 5, "direct_loss_10k_yuan": "56.30"},
    ]})  # fmt: skip
    assert second.status_code == 201, second.content
    assert second.json()["late"] is False and second.json()["escalate"] is True
    detail = client.get(f"{URL}{pid}/").json()
    assert detail["status"] == "open" and detail["hazard"] == "flood" and detail["name"] == "强降雨"
    assert [(r["stage"], r["late"]) for r in detail["reports"]] == [("initial", True), ("update", False)]
    assert {"id", "submitted_at"} <= set(detail["reports"][0])
    totals = detail["totals"]
    assert (totals["affected_people"], totals["deaths"], totals["missing"]) == (400, 3, 7)
    # The township's latest row (the update) no longer lists crops: its 10.5 ha are not counted.
    assert totals["crop_affected_ha"] == 0 and totals["direct_loss_10k_yuan"] == 56.3
    final = _post(client, reports, {"stage": "final", "rows": []})
    assert final.status_code == 201
    assert client.get(f"{URL}{pid}/").json()["status"] == "final"
    after = _post(client, reports, {"stage": "update", "rows": []})
    assert after.status_code == 400 and "stage" in after.json()


def test_a_bad_row_is_a_400_naming_row_and_field_and_nothing_is_stored(client, tree):
    client.force_login(persona("county_operator"))
    pid = _create(client, tree)[0].json()["id"]
    response = _post(client, f"{URL}{pid}/reports/", {"stage": "initial", "rows": [
        {"region": tree.township.code, "deaths": 1},
        {"region": tree.other_township.code, "crop_affected_ha": 5, "crop_failed_ha": 2, "crop_lost_ha": 3},
    ]})  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert list(body["rows"]) == ["1"] and list(body["rows"]["1"]) == ["crop_lost_ha"]
    assert "第 2 行" in body["detail"]
    assert not DisasterReport.objects.filter(process_id=pid).exists()


def test_a_region_outside_or_twice_is_a_400(client, tree):
    client.force_login(persona("county_operator"))
    process = new_process(tree, townships=[tree.township])
    url = f"{URL}{process.pk}/reports/"
    outside = _post(client, url, {"stage": "initial", "rows": [{"region": tree.other_township.code}]})
    assert outside.status_code == 400 and "region" in outside.json()["rows"]["0"]
    twice = _post(client, url, {"stage": "initial", "rows": [{"region": tree.township.code}] * 2})
    assert twice.status_code == 400 and "region" in twice.json()["rows"]["1"]
    first_update = _post(client, url, {"stage": "update", "rows": []})
    assert first_update.status_code == 400 and "初报" in first_update.json()["stage"][0]
    assert not process.reports.exists()


def test_a_township_reads_its_countys_processes_but_cannot_write(client, tree):
    process = new_process(tree)
    client.force_login(persona("township_officer"))
    assert client.get(f"{URL}{process.pk}/").status_code == 200
    assert process.pk in [p["id"] for p in client.get(URL).json()["results"]]
    assert _create(client, tree)[0].status_code == 403
    report = _post(client, f"{URL}{process.pk}/reports/", {"stage": "initial", "rows": []})
    assert report.status_code == 403
    client.force_login(persona("enterprise_user"))
    assert client.get(f"{URL}{process.pk}/").status_code in (403, 404)


def test_another_countys_process_is_a_404(client, tree):
    process = new_process(tree)
    neighbour = other_county_operator()
    client.force_login(neighbour)
    assert client.get(f"{URL}{process.pk}/").status_code == 404
    assert _post(client, f"{URL}{process.pk}/reports/", {"stage": "initial", "rows": []}).status_code == 404
    assert process.pk not in [p["id"] for p in client.get(URL).json()["results"]]
    # … nor may it name our townships in a process of its own.
    started = timezone.now().isoformat()
    body = {"name": "x", "hazard": "flood", "started_at": started, "regions": [tree.township.code]}
    assert _post(client, URL, body).status_code == 400
    assert not DisasterProcess.objects.filter(name="x").exists()
