"""Issue 13, items 5 and 6, for incidents: impossible numbers are refused the same way by the intake page,
the API and the services (a 400 with the Chinese message, nothing written), and an incident made from an
alarm (转为事件) reads its values rounded, with their unit, in its text, its 首报 and its 态势简报."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document

from anlan.core.errors import DomainError
from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.resources.models import Shelter
from anlan.resources.services import shelter_occupancy
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents/"


def api_body(tree, **extra):
    return {
        "title": "早阳村山体滑坡",
        "kind": IncidentKind.objects.get(name="地质灾害").pk,
        "region": tree.village.code,
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
        "occurred_at": (timezone.now() - dt.timedelta(minutes=10)).isoformat(),
        "description": "滑坡掩埋民房",
        **extra,
    }


def page_body(tree, **extra):
    return {
        "kind": IncidentKind.objects.get(name="地质灾害").pk,
        "title": "早阳村山体滑坡",
        "region": tree.village.code,
        "lon": tree.village.center_lon,
        "lat": tree.village.center_lat,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "source": "call",
        "description": "滑坡掩埋民房",
        **dict.fromkeys(("deaths", "missing", "injured", "serious_injuries", "trapped"), 0),
        "direct_loss_10k_yuan": "0",
        **extra,
    }


def test_intake_page_refuses_a_point_outside_china_and_writes_nothing(client, tree):
    client.force_login(persona("county_operator"))
    before = Incident.objects.count()
    page = client.post("/incidents/intake/", page_body(tree, lon=200, lat=95))
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert "经度 200.0 不在中国境内" in errors["lon"][0] and "纬度 95.0 不在中国境内" in errors["lat"][0]
    far = client.post("/incidents/intake/", page_body(tree, lon=116.4, lat=39.9))  # Beijing
    assert far.status_code == 400 and "不在辖区范围内" in far.context["form"].errors["lon"][0]
    assert Incident.objects.count() == before


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"injured": 1, "serious_injuries": 7}, "serious_injuries", "其中重伤（含急性工业中毒）（7）不能多于受伤（1）"),
        ({"trapped": 999_999_999_999}, "trapped", "不合理"),
        ({"location": {"lon": 200, "lat": 95}}, "location", "不在中国境内"),
        ({"location": {"lon": 116.4, "lat": 39.9}}, "location", "不在辖区范围内"),
    ],
)
def test_api_refuses_impossible_numbers_with_the_message_and_writes_nothing(client, tree, extra, field, message):
    client.force_login(persona("county_operator"))
    before = Incident.objects.count()
    response = client.post(API, api_body(tree, **extra), content_type="application/json")
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]
    assert Incident.objects.count() == before


def test_intake_page_refuses_more_seriously_injured_than_injured(client, tree):
    client.force_login(persona("county_operator"))
    page = client.post("/incidents/intake/", page_body(tree, injured=1, serious_injuries=7))
    assert page.status_code == 400
    assert "不能多于受伤" in page.context["form"].errors["serious_injuries"][0]


def test_facts_update_keeps_the_same_rules(tree):
    officer = persona("county_operator")
    created = client_free_intake(tree)
    with pytest.raises(ValidationError) as refused:
        services.facts_update(actor=officer, incident=created, injured=1, serious_injuries=7)
    assert "不能多于受伤" in refused.value.message_dict["serious_injuries"][0]
    with pytest.raises(ValidationError, match="不合理"):
        services.facts_update(actor=officer, incident=created, trapped=999_999_999_999)
    created.refresh_from_db()
    assert (created.injured, created.serious_injuries, created.trapped) == (0, 0, 0)


def client_free_intake(tree) -> Incident:
    incident = Incident(
        title="早阳村山体滑坡",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        occurred_at=timezone.now() - dt.timedelta(minutes=10),
        description="滑坡掩埋民房",
    )
    return services.incident_create(actor=persona("county_operator"), incident=incident)


def test_a_shelter_cannot_take_more_than_it_holds_and_the_incident_count_stays(tree):
    incident = client_free_intake(tree)
    shelter = Shelter.objects.filter(status="ready").order_by("pk").first()
    present = shelter_occupancy(shelter)
    with pytest.raises(DomainError) as refused:
        services.evacuate(actor=persona("county_operator"), incident=incident, shelter=shelter, people=100_000)
    assert refused.value.code == "shelter.over_capacity" and f"可容纳 {shelter.capacity} 人" in refused.value.message
    incident.refresh_from_db()
    assert incident.evacuated == 0 and shelter_occupancy(shelter) == present
    assert not incident.timeline.filter(kind="evacuation").exists()


def _noisy_alarm() -> Alarm:
    """An alarm as the engine leaves it after summing float readings: 5.590000000000003 and 25.00999999999999."""
    rule = Rule.objects.filter(kind="accumulation", sensor__kind="rain_gauge").select_related("sensor").first()
    return Alarm.objects.create(
        sensor=rule.sensor,
        rule=rule,
        level="orange",
        value=5.590000000000003,
        peak_value=25.00999999999999,
        opened_at=timezone.now() - dt.timedelta(minutes=30),
    )


def test_alarm_to_incident_rounds_values_with_unit_in_text_report_and_brief(client, tree):
    alarm = _noisy_alarm()
    sensor = alarm.sensor
    client.force_login(persona("county_operator"))
    form = client.get(f"/incidents/intake/alarm/{alarm.pk}/").context["form"]
    title, description = form.initial["title"], form.initial["description"]
    assert title == f"{sensor.name}橙色报警" and title.count(sensor.region.name) == 1  # not 某镇某镇雨量站
    assert "触发值 5.59 mm，峰值 25.01 mm" in description and "5.590000000000003" not in description

    data = page_body(
        tree, kind=form.initial["kind"].pk, title=title, region=sensor.region_id, lon=sensor.lon, lat=sensor.lat
    )
    created = client.post(f"/incidents/intake/alarm/{alarm.pk}/", {**data, "description": description})
    assert created.status_code == 302, created.context["form"].errors if created.context else created
    incident = Incident.objects.get(alarm=alarm)
    assert incident.timeline.get(kind="alarm").detail == "触发值 5.59 mm，峰值 25.01 mm"

    draft = client.get(f"/incidents/{incident.pk}/").context["forms"]["report"].initial
    client.post(f"/incidents/{incident.pk}/", {"step": "report", **draft, "signed_by": "王局长"})
    report = incident.reports.get()
    word = client.get(f"/incidents/{incident.pk}/reports/{report.pk}.docx")
    brief = client.get(f"/incidents/{incident.pk}/brief.docx")
    for document in (word, brief):
        text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
        assert "触发值 5.59 mm，峰值 25.01 mm" in text
        assert "5.590000000000003" not in text and "25.00999999999999" not in text


def test_alarm_list_and_detail_show_values_with_unit(client, tree):
    alarm = _noisy_alarm()
    Alarm.objects.filter(pk=alarm.pk).update(value=51.91000000000622)
    client.force_login(persona("county_operator"))
    listed = client.get("/monitoring/alarm/", {"q": alarm.sensor.code}).content.decode()
    assert "51.91 mm" in listed and "51.91000000000622" not in listed
    detail = client.get(f"/monitoring/alarm/{alarm.pk}/").content.decode()
    assert "51.91 mm" in detail and "25.01 mm" in detail
    assert Sensor.objects.get(pk=alarm.sensor_id).unit == "mm"


def test_sensor_pages_show_the_latest_value_with_unit(client, tree):
    sensor = Sensor.objects.filter(kind="rain_gauge").order_by("pk").first()
    Sensor.objects.filter(pk=sensor.pk).update(last_value=0.30000000000000004, last_ts=timezone.now())
    client.force_login(persona("county_operator"))
    listed = client.get("/monitoring/sensor/", {"q": sensor.code}).content.decode()
    assert "0.3 mm" in listed and "0.30000000000000004" not in listed
    chart = client.get(f"/monitoring/sensor/{sensor.pk}/chart/").content.decode()
    assert "最新 0.3 mm" in chart


def test_the_workspace_shows_a_refused_fact_and_keeps_the_old_ones(client, tree):
    incident = client_free_intake(tree)
    client.force_login(persona("county_operator"))
    facts = {"step": "facts", "deaths": 0, "missing": 0, "injured": 0, "serious_injuries": 0}
    page = client.post(
        f"/incidents/{incident.pk}/", {**facts, "trapped": 999_999_999_999, "direct_loss_10k_yuan": "0", "note": ""}
    )
    assert page.status_code == 400 and "人数 999,999,999,999 不合理" in page.content.decode()
    incident.refresh_from_db()
    assert incident.trapped == 0 and not incident.timeline.filter(kind="facts").exists()
