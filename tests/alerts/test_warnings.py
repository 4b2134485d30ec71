"""CAP 1.2 warnings: authoring, issuing with targeting into the outbox, update and cancel, the feed."""

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from anlan.alerts import cap, services
from anlan.alerts.models import Resident, Warning
from anlan.alerts.services import deliveries
from anlan.core.models import AuditEntry
from anlan.core.testing.personas import persona
from anlan.core.testing.registry import RegistryTests
from anlan.registry.models import Person

NS = {"c": cap.NS}


def body(tree, **extra):
    return {
        "event": "暴雨",
        "category": "Met",
        "level": "orange",
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "headline": "巫山县气象台发布暴雨橙色预警",
        "description": "预计未来6小时降雨量将达50毫米以上。",
        "instruction": "地质灾害隐患点群众立即转移。",
        "regions": [tree.village.code],
        "expires": (timezone.now() + dt.timedelta(hours=12)).isoformat(),
        **extra,
    }


def draft(client, tree, who="county_operator", **extra):
    client.force_login(persona(who))
    response = client.post("/api/v1/warnings/", body(tree, **extra), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_contract_draft_issue_cap_and_summary(client, tree):
    created = draft(client, tree)
    assert created["status"] == "draft" and len(created["identifier"]) == 31
    Resident.objects.create(name="王大爷", region=tree.village, phone="13900001111")
    issued = client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json")
    assert issued.status_code == 200 and issued.json() == {"status": "issued"}
    xml = client.get(f"/api/v1/warnings/{created['id']}/cap").content
    cap.validate(xml)
    doc = etree.fromstring(xml)
    assert doc.findtext("c:msgType", namespaces=NS) == "Alert"
    assert doc.findtext("c:sent", namespaces=NS).endswith("+08:00")
    assert doc.find("c:info/c:area/c:geocode/c:value", NS).text == tree.village.code
    summary = client.get(f"/api/v1/warnings/{created['id']}/delivery-summary").json()
    assert summary["targeted"] == summary["queued"] > 0 and summary["sent"] == summary["acknowledged"] == 0
    assert AuditEntry.objects.filter(action="warning_issue", object_id=str(created["id"])).exists()


@pytest.mark.django_db
def test_targeting_reaches_three_levels_residents_once_per_channel(client, tree):
    created = draft(client, tree)
    Person.objects.create(name="县防指值班长", region=tree.county, phone="13900003333")
    resident = Resident.objects.create(name="李婶", region=tree.village, phone="13900002222")
    client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json")
    outbox_rows = deliveries(created["id"])
    tiers = set(outbox_rows.values_list("tier", flat=True))
    assert {"county", "township", "village", "resident", "user"} <= tiers
    village_people = Person.objects.filter(region=tree.village).count()
    assert outbox_rows.filter(tier="village").count() == village_people
    assert outbox_rows.filter(recipient_key=f"resident:{resident.pk}").count() == 1
    assert not outbox_rows.filter(region_code__startswith=tree.other_township.code[:9]).exists()
    # Issuing again is refused, and the outbox never holds a recipient twice on a channel.
    again = client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json")
    assert again.status_code == 400
    assert outbox_rows.count() == outbox_rows.values("recipient_key", "channel").distinct().count()


@pytest.mark.django_db
def test_polygon_reaches_the_villages_it_touches(client, tree):
    lon, lat = tree.other_village.center_lon, tree.other_village.center_lat
    square = {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.001, lat - 0.001],
                [lon + 0.001, lat - 0.001],
                [lon + 0.001, lat + 0.001],
                [lon - 0.001, lat + 0.001],
                [lon - 0.001, lat - 0.001],
            ]
        ],
    }
    created = draft(client, tree, regions=[], polygon=square)
    client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json")
    codes = set(deliveries(created["id"]).values_list("region_code", flat=True))
    assert tree.other_village.code in codes and tree.village.code not in codes
    doc = etree.fromstring(client.get(f"/api/v1/warnings/{created['id']}/cap").content)
    assert doc.findtext("c:info/c:area/c:polygon", namespaces=NS).startswith(f"{lat - 0.001:.6f},")


@pytest.mark.django_db
def test_only_county_roles_issue_and_drafts_are_checked(client, tree):
    created = draft(client, tree, who="township_officer")
    assert client.post(f"/api/v1/warnings/{created['id']}/submit", content_type="application/json").json() == {
        "status": "review"
    }
    assert client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json").status_code == 403
    client.force_login(persona("viewer"))
    assert client.post("/api/v1/warnings/", body(tree), content_type="application/json").status_code == 403
    client.force_login(persona("county_operator"))
    bad = client.post("/api/v1/warnings/", body(tree, severity="Red"), content_type="application/json")
    assert bad.status_code == 400 and "severity" in bad.json()
    nowhere = client.post("/api/v1/warnings/", body(tree, regions=[]), content_type="application/json")
    assert nowhere.status_code == 400 and "regions" in nowhere.json()
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/api/v1/warnings/{created['id']}/").status_code == 404


@pytest.mark.django_db
def test_cancel_publishes_a_valid_cap_cancel_referencing_the_alert_and_the_feed_follows(client, tree):
    created = draft(client, tree)
    client.post(f"/api/v1/warnings/{created['id']}/issue", content_type="application/json")
    feed = etree.fromstring(client.get("/feeds/cap.atom").content)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", atom).get("href") for e in feed.findall("a:entry", atom)]
    original = Warning.objects.get(pk=created["id"])
    assert any(original.identifier in href for href in links)
    cap.validate(client.get(f"/feeds/cap/{original.identifier}.xml").content)
    cancelled = client.post(f"/api/v1/warnings/{created['id']}/cancel", content_type="application/json").json()
    assert cancelled["status"] == "cancelled"
    follower = Warning.objects.get(pk=cancelled["cancel_id"])
    xml = client.get(f"/api/v1/warnings/{follower.pk}/cap").content
    cap.validate(xml)
    doc = etree.fromstring(xml)
    assert doc.findtext("c:msgType", namespaces=NS) == "Cancel"
    assert original.identifier in doc.findtext("c:references", namespaces=NS)
    original.refresh_from_db()
    assert original.status == "cancelled"
    feed = client.get("/feeds/cap.atom").content.decode()
    assert original.identifier not in feed


@pytest.mark.django_db
def test_update_is_a_valid_cap_update(tree):
    officer = persona("county_operator")
    warning = Warning(
        region_id=tree.county.code,
        event="地质灾害",
        category="Geo",
        level="yellow",
        urgency="Expected",
        severity="Moderate",
        certainty="Possible",
        headline="地质灾害气象风险黄色预警",
        description="d",
        expires=timezone.now() + dt.timedelta(hours=6),
    )
    warning = services.warning_create(actor=officer, warning=warning, regions=[tree.township])
    services.warning_issue(actor=officer, warning=warning)
    update = services.warning_follow_up(
        actor=officer, warning=warning, msg_type="Update", changes={"level": "orange", "headline": "升级为橙色预警"}
    )
    doc = etree.fromstring(cap.document(update, list(update.regions.all())))
    assert doc.findtext("c:msgType", namespaces=NS) == "Update"
    assert doc.find("c:info/c:parameter/c:value", NS).text == "橙色"
    warning.refresh_from_db()
    assert warning.status == "superseded" and update.status == "issued"


def test_schema_rejects_a_broken_document():
    with pytest.raises(cap.CapInvalid):
        cap.validate(b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>')


class TestResidentRegistry(RegistryTests):
    model = Resident
    api_basename = "resident"

    def make(self, region):
        return Resident.objects.create(name="张三", region=region, phone="13800000001")

    def form_data(self, region):
        return {"name": "李四", "region": region.code, "phone": "13900000002"}

    def import_row(self, region):
        return {"姓名": "王五", "所在村（社区）": region.code, "手机号码": "13700000003"}
