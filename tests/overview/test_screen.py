"""综合态势 big screen: who may open it, its figures equal the lists its panels open, a township officer sees
only its township, and the data endpoint runs a fixed number of queries whatever the rows."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from anlan.core.kit import links_for
from anlan.hazards.models import HiddenHazard
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident
from anlan.monitoring import services as monitoring_services
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.resources.models import RescueTeam
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.hazards.test_reports import new_hazard

pytestmark = pytest.mark.django_db

DATA = "/overview/screen/data/"


def rain_gauge(village, code: str, name: str) -> Sensor:
    place = {"region": village, "lon": village.center_lon, "lat": village.center_lat}
    sensor = Sensor.objects.create(code=code, name=name, kind="rain_gauge", unit="mm", **place)
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=5.0, red=20.0)
    return sensor


def rain(sensor: Sensor, values: list[float]) -> None:
    """Readings ten minutes apart, the last one five minutes ago."""
    now = timezone.now()
    items = [
        {"sensor": sensor.code, "ts": (now - dt.timedelta(minutes=5 + 10 * i)).isoformat(), "value": v}
        for i, v in enumerate(reversed(values))
    ]
    result = monitoring_services.ingest(items)
    assert result.accepted == len(values), result


def data_as(client, username: str) -> dict:
    client.force_login(persona(username))
    response = client.get(DATA)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def list_count(client, url: str) -> int:
    """The "共 N 条" a list page shows."""
    page = client.get(url).content.decode()
    return int(re.search(r"共 (\d+) 条", page).group(1))


def kpi(data: dict, label: str) -> dict:
    return next(k for k in data["kpis"] if k["label"] == label)


def test_anonymous_users_are_sent_to_log_in(client):
    for url in ("/overview/screen/", DATA, "/overview/screen/boundaries/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_command_centre_and_townships_may_open_it_and_the_menu_offers_it_to_them_only(client, tree):
    for username in ("county_admin", "county_operator", "viewer", "township_officer"):
        client.force_login(persona(username))
        page = client.get("/overview/screen/")
        assert page.status_code == 200, username
        assert "应急管理综合态势" in page.content.decode()
        assert client.get(DATA).status_code == 200
        assert "综合态势大屏" in [link.label for link in links_for(persona(username))]
    for username in ("department_operator", "village_grid_worker", "enterprise_user", "team_leader"):
        client.force_login(persona(username))
        assert client.get("/overview/screen/").status_code == 403, username
        assert client.get(DATA).status_code == 403
        assert "综合态势大屏" not in [link.label for link in links_for(persona(username))]


def test_the_page_carries_no_inline_script_and_only_local_assets(client, tree):
    client.force_login(persona("county_operator"))
    page = client.get("/overview/screen/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"\son[a-z]+=", page)
    assert not re.search(r'(src|href)="https?://', page)


def test_figures_equal_the_lists_the_panels_open(client, tree):
    gauge = rain_gauge(tree.village, "RG-SCR-1", "大屏测试雨量站")
    rain(gauge, [2.0, 3.5, 7.25])  # 7.25 mm crosses yellow: an alarm 报警中
    new_hazard(tree.village, days=-2, title="逾期的护栏缺失")
    data = data_as(client, "county_operator")

    alarms = kpi(data, "报警中")
    assert alarms["value"] == list_count(client, alarms["url"]) == Alarm.objects.filter(status="open").count()
    assert sum(data["alarms_open"].values()) == alarms["value"]
    assert data["alarms_open"]["yellow"] == list_count(client, "/monitoring/alarm/?status=open&level=yellow")
    overdue = kpi(data, "逾期隐患")
    assert overdue["value"] == list_count(client, overdue["url"]) == data["panels"]["hazards"]["overdue_total"]
    resources = data["panels"]["resources"]
    assert resources["teams_ready"] == list_count(client, "/resources/rescueteam/?readiness=ready")
    assert resources["teams_total"] == list_count(client, "/resources/rescueteam/")

    # The map shows the alarm by the sensor's name, coloured by level, with a link to the alarm.
    alarm = Alarm.objects.get(sensor=gauge)
    feature = next(f for f in data["layers"]["alarms"]["features"] if f["properties"]["name"] == "大屏测试雨量站")
    assert feature["properties"]["colour"] == "#f5d000"
    assert feature["properties"]["url"] == f"/monitoring/alarm/{alarm.pk}/"
    assert "7.25 mm" in feature["properties"]["text"]
    # Rainfall: 1 h / 3 h / 24 h totals rounded to 0.1 mm (the three readings fall within the last hour or two).
    rain_chart = data["panels"]["rain"]["chart"]
    assert rain_chart["unit"] == "mm"
    row = rain_chart["categories"].index("大屏测试雨量站")
    h24 = rain_chart["series"][2]["data"][row]
    assert h24 == 12.8  # 2.0 + 3.5 + 7.25 = 12.75, rounded
    assert rain_chart["series"][1]["data"][row] <= h24
    # Each panel opens its page.
    assert data["panels"]["hazards"]["url"] == "/hazards/stats/"
    assert data["panels"]["risk"]["url"].startswith("/risk/index/")
    assert data["panels"]["warnings"]["url"] == "/alerts/warning/"
    for key in ("alarms", "rain", "warnings", "hazards", "resources", "risk"):
        assert client.get(data["panels"][key]["url"]).status_code == 200, key


def test_warnings_in_force_are_drawn_as_their_areas_with_reach_and_ack_rate(client, tree):
    warning = issue_warning(tree, regions=[tree.township], headline="大屏测试山洪预警", level="orange")
    data = data_as(client, "county_operator")
    assert kpi(data, "生效预警")["value"] >= 1
    areas = [f for f in data["layers"]["warnings"]["features"] if f["properties"]["name"] == "大屏测试山洪预警"]
    assert [a["properties"]["area"] for a in areas] == [tree.township.name]
    assert areas[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert areas[0]["properties"]["url"] == f"/alerts/warning/{warning.pk}/"
    panel = data["panels"]["warnings"]
    assert panel["issued"] >= 1 and panel["targeted"] > 0
    assert panel["ack_rate"] == round(100 * panel["acknowledged"] / panel["responsible"], 1)


def test_a_township_officer_sees_only_its_township(client, tree):
    rain(rain_gauge(tree.village, "RG-SCR-OURS", "本镇测试雨量站"), [9.0])
    rain(rain_gauge(tree.other_village, "RG-SCR-THEIRS", "邻镇测试雨量站"), [9.0])
    new_hazard(tree.village, days=-1)
    new_hazard(tree.other_village, days=-1)
    ours = data_as(client, "township_officer")
    alarm_names = {f["properties"]["name"] for f in ours["layers"]["alarms"]["features"]}
    assert "本镇测试雨量站" in alarm_names and "邻镇测试雨量站" not in alarm_names
    gauges = ours["panels"]["rain"]["chart"]["categories"]
    assert "本镇测试雨量站" in gauges and "邻镇测试雨量站" not in gauges
    assert ours["panels"]["hazards"]["overdue"]["categories"] == [tree.township.name]
    # The risk ranking is of its villages; the region is its township.
    villages = set(tree.township.children.values_list("name", flat=True))
    assert set(ours["panels"]["risk"]["chart"]["categories"]) <= villages
    assert ours["region"]["code"] == tree.township.code
    theirs = data_as(client, "other_township_officer")
    assert "本镇测试雨量站" not in {f["properties"]["name"] for f in theirs["layers"]["alarms"]["features"]}
    boundaries = client.get("/overview/screen/boundaries/").json()["features"]
    townships = {f["properties"]["code"] for f in boundaries if f["properties"]["level"] == "township"}
    assert townships == {tree.other_township.code}


def test_the_data_endpoint_runs_a_fixed_number_of_queries(client, tree):
    officer = persona("county_operator")
    issue_warning(tree, regions=[tree.township])
    client.force_login(officer)
    client.get(DATA)  # warm the per-process caches (rules, sessions)
    with count_queries() as before:
        assert client.get(DATA).status_code == 200

    # More of every kind: alarms, rain, warnings, hazards, an incident with teams on the move.
    for i in range(3):
        rain(rain_gauge(tree.village, f"RG-SCR-Q{i}", f"查询测试雨量站{i}"), [30.0])
        new_hazard(tree.village, days=-1)
    issue_warning(tree, regions=[tree.other_township], headline="第二条预警")
    incident = incident_services.incident_create(
        actor=officer,
        incident=Incident(
            title="大屏测试滑坡",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=tree.village,
            lon=tree.village.center_lon,
            lat=tree.village.center_lat,
            occurred_at=timezone.now(),
            description="测试",
        ),
    )
    for team in RescueTeam.objects.order_by("pk")[:2]:
        incident_services.order_create(actor=officer, incident=incident, kind="team", target=team, instruction="出发")
    with count_queries() as after:
        response = client.get(DATA)
    data = response.json()
    assert kpi(data, "处置中事件")["value"] >= 1 and kpi(data, "出动队伍")["value"] >= 2
    assert len(data["layers"]["teams"]["features"]) >= 2
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]
    assert len(after) <= 30
    assert HiddenHazard.objects.exists()
