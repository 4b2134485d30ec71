"""The 一张图 and the command map in a real browser, as a county operator: a legend, clusters instead of a
carpet of dots, open alarms drawn on top, a layer panel that folds and remembers the choice on the server,
a place search that flies to the place; and the command map with the county's outlines and its legend."""

import re

import pytest
from django.utils import timezone

from anlan.accounts.models import User
from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def test_the_map_reads_at_a_glance_and_flies_to_a_place(browser, live_server, demo_data):
    sensor = Sensor.objects.filter(region__code__startswith=demo_data.township.code[:9], active=True).first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    Alarm.objects.create(sensor=sensor, rule=rule, level="red", value=42.0, opened_at=timezone.now())

    page = browser.new_page(**DESKTOP)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, "county_operator", "/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    assert page.locator("#map").get_attribute("data-error") is None and not errors

    # Hundreds of hazard sites and teams are clusters with a count, not same-sized dots.
    page.wait_for_selector(".map-cluster")
    counts = [int(t) for t in page.locator(".map-cluster b").all_inner_texts()]
    assert len(counts) >= 10 and sum(counts) >= 950
    # The open alarm is drawn above every other marker, in red.
    ring = page.locator(".leaflet-top-pane .sym-ring")
    assert ring.count() >= 1 and "#e02020" in ring.first.get_attribute("style")

    legend = page.locator(".map-legend .map-box-body")
    assert legend.is_visible()
    text = legend.inner_text()
    assert {"红色报警", "橙色报警", "黄色报警", "蓝色报警", "乡镇（街道）界", "地质灾害隐患点"} <= set(text.split("\n"))

    # The panel groups layers by theme and folds away.
    panel = page.locator(".map-panel .map-box-body")
    groups = page.locator(".map-panel legend").all_inner_texts()
    assert groups == ["事件处置", "监测预警", "风险隐患", "应急资源", "基础地理"]
    page.get_by_role("button", name="图层").click()
    assert not panel.is_visible()
    page.get_by_role("button", name="图层").click()
    assert panel.is_visible()

    # A layer turned on is remembered for this user on the server, and the legend explains it.
    page.check(".map-panel input[data-layer=sensors]")
    page.wait_for_selector("#map[data-saved*='sensors']", state="attached")
    assert "sensors" in User.objects.get(username="county_operator").map_layers
    assert "离线" in legend.inner_text()

    # The search box finds the township and the map flies there.
    township = demo_data.township
    page.fill(".map-search input", township.name)
    page.locator(".map-search-results button", has_text=township.name).first.click()
    page.wait_for_selector(f"#map[data-flown-to='{township.name}']", state="attached", timeout=10_000)
    centre = page.evaluate("(() => { const c = window.anlanMap.getCenter(); return [c.lng, c.lat]; })()")
    assert abs(centre[0] - township.center_lon) < 0.01 and abs(centre[1] - township.center_lat) < 0.01
    assert page.evaluate("window.anlanMap.getZoom()") == 12

    # Another browser opens the map with the same layers.
    other = browser.new_page(**DESKTOP)
    login(other, live_server.url, "county_operator", "/geo/map/")
    other.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    assert other.is_checked(".map-panel input[data-layer=sensors]")


def test_a_popup_names_the_place_and_links_to_its_page(browser, live_server, demo_data):
    page = browser.new_page(**DESKTOP)
    login(page, live_server.url, "county_operator", "/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    name = page.evaluate(
        "(() => { const l = window.anlanLayers.shelters.getLayers()[0]; window.anlanMap.setView(l.getLatLng(), 17);"
        " l.openPopup(); return l.feature.properties.name; })()"
    )
    popup = page.locator(".leaflet-popup .map-popup")
    popup.wait_for()
    assert popup.locator("h3").inner_text() == name
    assert {"容量（人）", "在场人数", "所属区划"} <= {c.split("\t")[0] for c in popup.inner_text().split("\n")}
    assert not re.search(r"\b\d{12}\b", popup.inner_text())
    popup.get_by_role("link", name="详情").click()
    page.wait_for_url("**/resources/shelter/*/")


def test_the_command_map_draws_the_county_outlines_and_a_legend(browser, live_server, demo_data):
    village = demo_data.village
    incident = services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="早阳村山体滑坡",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=village,
            lon=village.center_lon,
            lat=village.center_lat,
            occurred_at=timezone.now(),
            description="3 人被困",
        ),
    )
    page = browser.new_page(**DESKTOP)
    login(page, live_server.url, "county_operator", f"/incidents/{incident.pk}/map/")
    page.wait_for_function("() => Number(document.getElementById('map').dataset.boundaries) >= 27", timeout=30_000)
    assert page.locator(".map-label-townships", has_text=demo_data.township.name).count() == 1
    legend = page.locator(".map-legend .map-box-body")
    assert legend.is_visible()
    assert {"事发点", "县界", "乡镇（街道）界", "在途", "到场", "重大风险（红）"} <= set(
        legend.inner_text().split("\n")
    )
    page.wait_for_selector(".sym-star")  # the incident itself
