"""The duty desk and the workspace through the pages: intake, response with plan tasks, reports with their
Word documents, dispatch from the recommendations, the field page's read receipt, the command map data,
and scope (a township sees and acts on its own incidents only)."""

import io

import pytest
from django.utils import timezone
from docx import Document

from anlan.incidents import services
from anlan.incidents.models import DispatchOrder, Incident
from anlan.plans.defaults import install_county_plans
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def intake_data(tree, **extra):
    return {
        "kind": IncidentKind.objects.get(name="地质灾害").pk,
        "title": "早阳村山体滑坡",
        "region": tree.village.code,
        "place": "三组",
        "lon": tree.village.center_lon,
        "lat": tree.village.center_lat,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "source": "call",
        "caller_name": "村支书",
        "caller_phone": "13900002222",
        "caller_unit": "早阳村委会",
        "description": "滑坡体约 2 万方，掩埋民房 2 间，3 人被困",
        "deaths": 0,
        "missing": 0,
        "injured": 1,
        "serious_injuries": 0,
        "trapped": 3,
        "direct_loss_10k_yuan": "50",
        **extra,
    }


def test_township_records_a_call_and_works_it_the_county_decides(client, tree):
    install_county_plans(tree.county)
    client.force_login(persona("township_officer"))
    response = client.post("/incidents/intake/", intake_data(tree))
    incident = Incident.objects.get(title="早阳村山体滑坡")
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "首报" in page and "report-clock" in page
    assert "启动 / 调整响应" not in page  # the township cannot start the response
    refused = client.post(f"/incidents/{incident.pk}/", {"step": "response", "level": "IV", "reason": "x"})
    incident.refresh_from_db()
    assert refused.status_code == 403 and incident.response_level == ""

    county = persona("county_operator")
    client.force_login(county)
    client.post(f"/incidents/{incident.pk}/", {"step": "response", "level": "III", "reason": "3 人被困"})
    incident.refresh_from_db()
    assert incident.response_level == "III" and incident.tasks.count() == 7
    client.post(
        f"/incidents/{incident.pk}/",
        {
            "step": "facts",
            "deaths": 1,
            "missing": 0,
            "injured": 1,
            "serious_injuries": 0,
            "trapped": 2,
            "direct_loss_10k_yuan": "80",
            "note": "搜救出 1 人，已遇难",
        },
    )
    incident.refresh_from_db()
    assert incident.deaths == 1 and incident.trapped == 2

    draft = client.get(f"/incidents/{incident.pk}/").context["forms"]["report"].initial
    client.post(f"/incidents/{incident.pk}/", {"step": "report", **draft, "signed_by": "王局长"})
    report = incident.reports.get()
    client.post(
        f"/incidents/{incident.pk}/",
        {
            "step": "send",
            "report": report.pk,
            "unit_0": "市应急管理局",
            "method_0": "system",
            "received_by_0": "值班员",
            "unit_1": "",
            "method_1": "phone",
            "unit_2": "",
            "method_2": "phone",
        },
    )
    report.refresh_from_db()
    assert report.sent_at and report.dispatches.get().recipient == "市应急管理局"
    word = client.get(f"/incidents/{incident.pk}/reports/{report.pk}.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "关于早阳村山体滑坡的首报" in text and "滑坡体约 2 万方" in text
    brief = client.get(f"/incidents/{incident.pk}/brief.docx")
    brief_text = "\n".join(p.text for p in Document(io.BytesIO(brief.content)).paragraphs)
    assert "态势简报" in brief_text and "Ⅲ级响应" in brief_text


def test_dispatch_from_the_recommendations_and_the_field_page(client, tree):
    client.force_login(persona("county_operator"))
    client.post("/incidents/intake/", intake_data(tree))
    incident = Incident.objects.get(title="早阳村山体滑坡")
    page = client.get(f"/incidents/{incident.pk}/")
    kind, _label, rows = page.context["recommendations"][0]
    nearest_team, _stock = rows[0]
    assert kind == "team" and nearest_team.distance_m <= rows[-1][0].distance_m
    client.post(
        f"/incidents/{incident.pk}/",
        {"step": "order", "kind": "team", "target": nearest_team.id, "instruction": "携带生命探测仪赶赴现场"},
    )
    order = DispatchOrder.objects.get(incident=incident)
    assert order.team_id == nearest_team.id and order.status == "sent"
    token = services.order_token(order)
    client.logout()
    field = client.get(f"/p/order/{token}/")
    order.refresh_from_db()
    assert field.status_code == 200 and order.status == "read" and order.read_at  # opening is the read receipt
    client.post(f"/p/order/{token}/", {"status": "accepted", "note": "", "lon": "", "lat": ""})
    client.post(f"/p/order/{token}/", {"status": "en_route", "note": "出发", "lon": "109.9", "lat": "31.1"})
    order.refresh_from_db()
    assert order.status == "en_route" and order.last_lon == 109.9
    bad = client.post(f"/p/order/{token}/", {"status": "accepted", "note": ""})
    assert bad.status_code == 400 and "不能改为" in bad.content.decode()
    assert client.get("/p/order/forged-token/").status_code == 404

    client.force_login(persona("county_operator"))
    data = client.get(f"/incidents/{incident.pk}/situation.json").json()
    (feature,) = [f for f in data["features"] if f["properties"]["layer"] == "order"]
    assert feature["properties"]["status"] == "en_route" and feature["geometry"]["coordinates"] == [109.9, 31.1]
    assert any(f["properties"]["layer"] == "incident" for f in data["features"])


def test_a_township_sees_and_acts_on_its_own_incidents_only(client, tree):
    client.force_login(persona("county_operator"))
    client.post("/incidents/intake/", intake_data(tree, region=tree.other_village.code, title="别处的事件"))
    elsewhere = Incident.objects.get(title="别处的事件")
    client.force_login(persona("township_officer"))
    assert client.get(f"/incidents/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/incidents/{elsewhere.pk}/situation.json").status_code == 404
    assert client.post(f"/incidents/{elsewhere.pk}/", {"step": "note", "text": "x"}).status_code == 404
    listing = client.get("/incidents/incident/").content.decode()
    assert "别处的事件" not in listing
    assert client.get(f"/api/v1/incidents/{elsewhere.pk}/").status_code == 404
    outside = client.post("/incidents/intake/", intake_data(tree, region=tree.other_village.code))
    assert outside.status_code == 400 and "不在您的管辖范围内" in outside.content.decode()


def test_a_viewer_cannot_record_incidents(client, tree):
    client.force_login(persona("viewer"))
    assert client.get("/incidents/intake/").status_code == 403
    assert client.post("/incidents/intake/", intake_data(tree)).status_code == 403
    assert not Incident.objects.exists()


def test_an_alarm_opens_the_intake_form_filled_in(client, tree):
    from anlan.monitoring.models import Alarm, Rule, Sensor

    sensor = Sensor.objects.filter(kind="gnss", region__code__startswith=tree.township.code[:9]).first()
    sensor = sensor or Sensor.objects.filter(kind="gnss").first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    alarm = Alarm.objects.create(sensor=sensor, rule=rule, level="red", value=42.0, opened_at=timezone.now())
    client.force_login(persona("county_operator"))
    page = client.get(f"/incidents/intake/alarm/{alarm.pk}/")
    form = page.context["form"]
    assert form.initial["source"] == "alarm" and form.initial["region"] == sensor.region_id
    assert form.initial["kind"].name == "地质灾害" and "触发值 42 mm" in form.initial["description"]
    data = intake_data(tree, region=sensor.region_id, source="alarm", title=form.initial["title"])
    client.post(f"/incidents/intake/alarm/{alarm.pk}/", data)
    incident = Incident.objects.get(title=form.initial["title"])
    assert incident.alarm_id == alarm.pk and incident.timeline.filter(kind="alarm").exists()


def test_a_department_updates_its_own_tasks_only(client, tree):
    install_county_plans(tree.county)
    client.force_login(persona("county_operator"))
    client.post("/incidents/intake/", intake_data(tree))
    incident = Incident.objects.get(title="早阳村山体滑坡")
    client.post(f"/incidents/{incident.pk}/", {"step": "response", "level": "III", "reason": "被困"})
    water = persona("department_operator")
    own, other = incident.tasks.all()[:2]
    own.department = water.department  # the water bureau holds one task
    own.save()
    client.force_login(water)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "启动 / 调整响应" not in page
    refused = client.post(
        f"/incidents/{incident.pk}/", {"step": "task", "task": other.pk, "status": "done", "note": ""}
    )
    assert refused.status_code == 403
    assert client.post(f"/incidents/{incident.pk}/", {"step": "order", "kind": "team", "target": 1}).status_code == 403
    client.post(f"/incidents/{incident.pk}/", {"step": "task", "task": own.pk, "status": "done", "note": "已完成"})
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "done" and other.status == "assigned"


def test_the_api_records_an_incident_and_reads_its_timeline(client, tree):
    client.force_login(persona("county_operator"))
    body = {
        "title": "某矿冒顶",
        "kind": IncidentKind.objects.get(name="工矿商贸等企业安全事故").pk,
        "region": tree.village.code,
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
        "occurred_at": timezone.now().isoformat(),
        "description": "井下冒顶",
        "deaths": 3,
        "serious_injuries": 0,
        "direct_loss_10k_yuan": "120",
    }
    created = client.post("/api/v1/incidents/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["level"] == "III" and data["number"].startswith("SJ500237") and data["status"] == "received"
    timeline = client.get(f"/api/v1/incidents/{data['id']}/timeline/").json()
    assert [e["kind"] for e in timeline] == ["intake", "grade"]
    outside = client.post("/api/v1/incidents/", {**body, "region": "110101001001"}, content_type="application/json")
    assert outside.status_code == 400


def test_incident_detail_offers_no_edit_or_delete_of_a_workflow_record(client, tree):
    client.force_login(persona("county_operator"))
    client.post("/incidents/intake/", intake_data(tree))
    incident = Incident.objects.get(title="早阳村山体滑坡")
    page = client.get(f"/incidents/incident/{incident.pk}/").content.decode()
    assert "事件工作台" in page and ">编辑<" not in page and ">删除<" not in page
    assert client.post(f"/incidents/incident/{incident.pk}/delete/").status_code == 404
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_situation_shows_registered_sites_only(tree):
    """Near an incident: a site on the register is shown; one written off or only proposed (三查 finding not yet
    confirmed by the county) is not."""
    from anlan.incidents.situation import _surroundings
    from anlan.sites.models import HazardSite

    lon, lat = 109.88, 31.07
    for status in ("active", "removed", "proposed"):
        HazardSite.objects.create(
            code=f"NEAR-{status}",
            name=f"附近隐患点{status}",
            kind="landslide",
            region=tree.village,
            lon=lon,
            lat=lat,
            status=status,
        )
    shown = {
        f["properties"]["name"]
        for f in _surroundings(persona("county_operator"), lon, lat)
        if f["properties"]["layer"] == "site"
    }
    assert "附近隐患点active" in shown
    assert not {"附近隐患点removed", "附近隐患点proposed"} & shown
