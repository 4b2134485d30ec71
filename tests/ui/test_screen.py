"""综合态势 in Chromium at a wall's 1920×1080 and a laptop's 1366×768: every panel draws its chart, the map has
the county's boundaries and the live layers, nothing is loaded from elsewhere, no console error, no
horizontal scrollbar; the charts on the list and statistics pages draw too."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident
from anlan.monitoring import services as monitoring_services
from anlan.monitoring.models import Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.resources.models import RescueTeam
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("alarms", "rain", "warnings", "hazards-trend", "hazards-overdue", "resources", "risk")


def storm(tree) -> None:
    """An alarm, a warning in force, an incident and a team sent to it."""
    village = tree.village
    sensor = Sensor.objects.create(
        code="RG-UI-SCR", name="大屏雨量站", kind="rain_gauge", unit="mm", region=village,
        lon=village.center_lon, lat=village.center_lat,
    )  # fmt: skip
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=5.0, red=20.0)
    now = timezone.now()
    monitoring_services.ingest(
        [{"sensor": "RG-UI-SCR", "ts": (now - dt.timedelta(minutes=m)).isoformat(), "value": 12.0} for m in (5, 15)]
    )
    issue_warning(tree, regions=[tree.township], level="orange", headline="大屏测试预警")
    officer = persona("county_operator")
    incident = incident_services.incident_create(
        actor=officer,
        incident=Incident(
            title="大屏测试滑坡",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=village,
            lon=village.center_lon,
            lat=village.center_lat,
            occurred_at=now,
            description="测试",
        ),
    )
    team = RescueTeam.objects.order_by("pk").first()
    incident_services.order_create(actor=officer, incident=incident, kind="team", target=team, instruction="出发")


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_big_screen_draws_every_panel_and_the_map_without_scrolling(browser, live_server, demo_data, size):
    storm(demo_data)
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = watch(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    login(page, live_server.url, "county_operator", "/overview/screen/")
    page.wait_for_selector("#screen[data-ready='1']", timeout=30_000)
    page.wait_for_selector("#screen-map[data-ready='1']", timeout=30_000)

    for key in CHARTS:
        box = page.locator(f"[data-chart-of='{key}']")
        assert box.locator("canvas").count() >= 1, key
        assert box.get_attribute("data-ready") == "1", key
        bounds = box.bounding_box()
        assert bounds["width"] > 120 and bounds["height"] > 60, (key, bounds)
        assert bounds["y"] + bounds["height"] <= height + 1, (key, bounds)  # on the screen, not below it
    assert page.locator("#screen-kpis .kpi").count() == 5
    assert int(page.get_attribute("#screen-map", "data-boundaries")) > 1
    for layer in ("alarms", "warnings", "incidents", "teams"):
        assert int(page.get_attribute("#screen-map", f"data-{layer}")) >= 1, layer
    assert page.locator("#screen-map path.leaflet-interactive").count() >= 2  # warning area and alarm
    # A panel's title opens its page.
    assert page.get_attribute("[data-link='hazards']", "href") == "/hazards/stats/"
    overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], overflow
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert problems == []
    assert all(url.startswith(live_server.url) for url in requested)

    # A refresh (every 30 s; called here at once) redraws in place: same chart instances, no reload.
    page.evaluate("window.notReloaded = true; document.getElementById('screen').dataset.ready = '0'")
    page.evaluate("window.anlanScreen.refresh()")
    page.wait_for_selector("#screen[data-ready='1']", state="attached", timeout=10_000)
    assert page.evaluate("window.notReloaded === true")
    assert page.locator("[data-chart-of='alarms'] canvas").count() == 1
    page.close()


def test_list_and_statistics_pages_draw_their_charts(browser, live_server, demo_data):
    storm(demo_data)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    problems = watch(page)
    login(page, live_server.url, "county_operator", "/hazards/stats/")
    for path, charts in (
        ("/hazards/stats/", 2),
        ("/risk/index/", 1),
        ("/monitoring/alarm/", 1),
        ("/alerts/warning/", 1),
    ):
        page.goto(live_server.url + path)
        page.wait_for_selector(".chart-box[data-ready='1']", timeout=20_000)
        assert page.locator(".chart-box canvas").count() >= charts, path
        assert page.locator(".chart-box[data-ready='1']").count() == charts, path
    assert problems == []
