import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.core.testing.helpers import image_bytes
from anlan.core.testing.personas import persona
from anlan.hazards import workflow
from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.hazards.services import overdue_mark

PNG = image_bytes("PNG")


def report(client, tree, level="general", who="village_grid_worker", region=None, **extra):
    client.force_login(persona(who))
    body = {
        "title": "河堤裂缝",
        "description": "堤身出现纵向裂缝约3米",
        "region": (region or tree.village).code,
        "level": level,
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
        **extra,
    }
    return client.post("/api/v1/hazards/", body, content_type="application/json")


def step(client, hazard_id, who, action, slash=False, **data):
    client.force_login(persona(who))
    url = f"/api/v1/hazards/{hazard_id}/transition" + ("/" if slash else "")
    return client.post(url, {"action": action, **data}, content_type="application/json")


@pytest.mark.django_db
def test_contract_report_and_read(client, tree):
    created = report(client, tree)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "reported" and isinstance(body["id"], int)
    detail = client.get(f"/api/v1/hazards/{body['id']}/").json()
    assert detail["status"] == "reported" and detail["overdue"] is False
    assert detail["location"] == {"lon": tree.village.center_lon, "lat": tree.village.center_lat}
    listed = client.get("/api/v1/hazards/", {"region": tree.township.code, "status": "reported"}).json()
    assert body["id"] in [h["id"] for h in listed["results"]]


@pytest.mark.django_db
def test_full_loop_general_hazard_closed_by_township(client, tree):
    hazard_id = report(client, tree).json()["id"]
    assert step(client, hazard_id, "township_officer", "assign", responsible="李站长").json()["status"] == "rectifying"
    submitted = step(client, hazard_id, "village_grid_worker", "submit", slash=True, measures="已灌浆封堵")
    assert submitted.json()["status"] == "awaiting_verification"
    rejected = step(client, hazard_id, "township_officer", "reject", comment="封堵不彻底")
    assert rejected.json()["status"] == "rectifying"
    step(client, hazard_id, "village_grid_worker", "submit", measures="重新封堵并加固")
    closed = step(client, hazard_id, "township_officer", "verify", comment="验收合格")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
    actions = [e["action"] for e in closed.json()["events"]]
    assert actions == ["report", "assign", "submit", "reject", "submit", "verify"]
    audited = AuditEntry.objects.filter(object_type="hazards.hiddenhazard", object_id=str(hazard_id))
    assert audited.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("reported", "submit"),
        ("reported", "verify"),
        ("reported", "reject"),
        ("rectifying", "assign"),
        ("rectifying", "verify"),
        ("awaiting_verification", "submit"),
        ("awaiting_verification", "assign"),
        ("closed", "reject"),
        ("closed", "verify"),
        ("closed", "submit"),
    ],
)
def test_wrong_state_is_400(client, tree, status, action):
    hazard_id = report(client, tree).json()["id"]
    HiddenHazard.objects.filter(pk=hazard_id).update(status=status, responsible="x", measures="y")
    response = step(client, hazard_id, "county_admin", action, comment="意见")
    assert response.status_code == 400
    assert "当前状态" in response.json()["action"][0]
    assert HiddenHazard.objects.get(pk=hazard_id).status == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("village_grid_worker", "assign", "reported"),
        ("village_grid_worker", "refuse_extension", "rectifying"),
        ("viewer", "submit", "rectifying"),
        ("team_leader", "submit", "rectifying"),
        ("village_grid_worker", "verify", "awaiting_verification"),
        ("village_grid_worker", "reject", "awaiting_verification"),
        ("village_grid_worker", "approve_extension", "rectifying"),
    ],
)
def test_wrong_role_is_403(client, tree, who, action, status):
    hazard_id = report(client, tree).json()["id"]
    HiddenHazard.objects.filter(pk=hazard_id).update(status=status, responsible="x", pending_deadline=None)
    response = step(client, hazard_id, who, action, comment="意见")
    assert response.status_code == 403
    assert HiddenHazard.objects.get(pk=hazard_id).status == status


@pytest.mark.django_db
def test_out_of_scope_is_404_for_every_action(client, tree):
    hazard_id = report(client, tree).json()["id"]
    for action in workflow.FLOW:
        assert step(client, hazard_id, "other_township_officer", action, comment="x").status_code == 404
    assert client.get(f"/api/v1/hazards/{hazard_id}/").status_code == 404


@pytest.mark.django_db
def test_major_hazard_needs_supervision_and_county_verification(client, tree):
    hazard_id = report(client, tree, level="major").json()["id"]
    missing = step(client, hazard_id, "township_officer", "assign", responsible="王")
    assert missing.status_code == 400 and "挂牌督办" in missing.json()["detail"]
    ok = step(
        client,
        hazard_id,
        "township_officer",
        "assign",
        responsible="王",
        supervising_unit="县安委办",
        supervising_leader="张副县长",
    )
    assert ok.status_code == 200
    step(client, hazard_id, "village_grid_worker", "submit", measures="停产整改完毕")
    assert step(client, hazard_id, "township_officer", "verify").status_code == 403
    assert step(client, hazard_id, "county_operator", "verify").json()["status"] == "closed"


@pytest.mark.django_db
def test_deadline_extension_keeps_every_deadline(client, tree):
    hazard_id = report(client, tree).json()["id"]
    step(client, hazard_id, "township_officer", "assign", responsible="李")
    first = HiddenHazard.objects.get(pk=hazard_id).deadline
    later = first + dt.timedelta(days=15)
    bad = step(client, hazard_id, "village_grid_worker", "request_extension", new_deadline=first.isoformat())
    assert bad.status_code == 400
    asked = step(
        client,
        hazard_id,
        "village_grid_worker",
        "request_extension",
        new_deadline=later.isoformat(),
        comment="材料未到",
    )
    assert asked.json()["pending_deadline"] == later.isoformat()
    approved = step(client, hazard_id, "township_officer", "approve_extension").json()
    assert approved["deadline"] == later.isoformat() and approved["pending_deadline"] is None
    events = HazardEvent.objects.filter(hazard_id=hazard_id, action="approve_extension").get()
    assert (events.deadline_before, events.deadline_after) == (first, later)
    step(
        client,
        hazard_id,
        "village_grid_worker",
        "request_extension",
        new_deadline=(later + dt.timedelta(days=5)).isoformat(),
    )
    refused = step(client, hazard_id, "township_officer", "refuse_extension", comment="不同意").json()
    assert refused["deadline"] == later.isoformat() and refused["pending_deadline"] is None


@pytest.mark.django_db
def test_overdue_flag_filter_and_daily_job(client, tree):
    hazard_id = report(client, tree).json()["id"]
    HiddenHazard.objects.filter(pk=hazard_id).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(persona("township_officer"))
    assert client.get(f"/api/v1/hazards/{hazard_id}/").json()["overdue"] is True
    overdue = client.get("/api/v1/hazards/", {"overdue": "true"}).json()["results"]
    assert hazard_id in [h["id"] for h in overdue]
    assert [h.pk for h in overdue_mark()] == [hazard_id]
    assert overdue_mark() == []  # once per missed deadline
    assert HazardEvent.objects.filter(hazard_id=hazard_id, action="overdue").count() == 1


@pytest.mark.django_db
def test_photos_are_checked_for_type_and_size(client, tree, settings):
    hazard_id = report(client, tree).json()["id"]
    client.force_login(persona("village_grid_worker"))
    url = f"/api/v1/hazards/{hazard_id}/photos/"
    ok = client.post(url, {"stage": "before", "image": SimpleUploadedFile("a.png", PNG)})
    assert ok.status_code == 201, ok.content
    fake = client.post(url, {"stage": "after", "image": SimpleUploadedFile("a.png", b"GIF89a....")})
    assert fake.status_code == 400 and "JPEG 或 PNG" in fake.json()["image"][0]
    settings.ANLAN_MAX_PHOTO_BYTES = 32
    big = client.post(url, {"stage": "after", "image": SimpleUploadedFile("b.png", PNG)})
    assert big.status_code == 400 and "不能超过" in big.json()["image"][0]
    assert len(client.get(f"/api/v1/hazards/{hazard_id}/").json()["photos"]) == 1


@pytest.mark.django_db
def test_bad_report_input_names_the_fields(client, tree):
    response = report(client, tree, region=tree.other_village)
    assert response.status_code == 400 and "不存在或不在您的管辖范围内" in str(response.json()["region"])
    client.force_login(persona("village_grid_worker"))
    response = client.post("/api/v1/hazards/", {"title": "x", "level": "huge"}, content_type="application/json")
    assert response.status_code == 400 and {"level", "description", "region", "deadline"} <= set(response.json())
    client.force_login(persona("viewer"))
    assert report(client, tree, who="viewer").status_code == 403
    _ = io
