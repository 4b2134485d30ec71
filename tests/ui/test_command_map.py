"""The command map in a real browser: a dispatch order's status changes in the field and the map shows it
within 5 seconds, without reloading."""

import time

import pytest
from django.utils import timezone

from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.resources.models import RescueTeam
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_order_status_change_reaches_the_map_within_five_seconds(browser, live_server, demo_data):
    village = demo_data.village
    officer = persona("county_operator")
    incident = services.incident_create(
        actor=officer,
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
    team = RescueTeam.objects.filter(region__code__startswith="500237").first()
    order = services.order_create(actor=officer, incident=incident, kind="team", target=team, instruction="赶赴现场")

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    login(page, live_server.url, "county_operator", f"/incidents/{incident.pk}/map/")
    page.wait_for_selector(f"#order-list li[data-order='{order.pk}'][data-status='sent']")
    assert page.evaluate("Object.keys(window.anlanCommand.orders).length") == 1
    page.evaluate("window.notReloaded = true")

    # The team leader reports from the field page on a phone: en route, with a position.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/p/order/{services.order_token(order)}/")
    phone.check("input[name=status][value=accepted]")
    phone.click("#field-form button[type=submit]")
    phone.wait_for_selector("#order-status")
    services.order_progress(
        actor="队长", order=order, status="en_route", lon=village.center_lon + 0.01, lat=village.center_lat
    )
    changed = time.monotonic()
    page.wait_for_selector(f"#order-list li[data-order='{order.pk}'][data-status='en_route']", timeout=5000)
    assert time.monotonic() - changed < 5
    position = page.evaluate(f"window.anlanCommand.orders[{order.pk}]")
    assert abs(position["lon"] - (village.center_lon + 0.01)) < 1e-6
    assert page.evaluate("window.notReloaded === true")  # updated in place, not reloaded


def test_the_report_clock_counts_down_and_turns_red_when_late(browser, live_server, demo_data):
    import datetime as dt

    village = demo_data.village
    officer = persona("county_operator")
    kind = IncidentKind.objects.get(name="工矿商贸等企业安全事故")
    late = services.incident_create(
        actor=officer,
        incident=Incident(
            title="某厂闪爆",
            kind=kind,
            region=village,
            occurred_at=timezone.now() - dt.timedelta(minutes=70),
            received_at=timezone.now() - dt.timedelta(minutes=65),
            description="d",
        ),
    )
    fresh = services.incident_create(
        actor=officer,
        incident=Incident(title="某厂泄漏", kind=kind, region=village, occurred_at=timezone.now(), description="d"),
    )
    page = browser.new_page()
    login(page, live_server.url, "county_operator", f"/incidents/{late.pk}/")
    page.wait_for_function(
        "() => document.querySelector('#report-clock .countdown').textContent.indexOf('已超时') === 0"
    )
    assert "overdue" in page.get_attribute("#report-clock", "class")
    page.goto(f"{live_server.url}/incidents/{fresh.pk}/")
    first = page.inner_text("#report-clock .countdown")
    page.wait_for_timeout(1500)
    assert first.startswith(("剩余 59 分", "剩余 60 分"))
    assert page.inner_text("#report-clock .countdown") != first  # ticking
    assert "overdue" not in (page.get_attribute("#report-clock", "class") or "")


def test_the_affected_area_is_drawn_in_the_workspace_and_shown_on_the_command_map(browser, live_server, demo_data):
    village = demo_data.village
    incident = services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="山洪",
            kind=IncidentKind.objects.get(name="水旱灾害"),
            region=village,
            lon=village.center_lon,
            lat=village.center_lat,
            occurred_at=timezone.now(),
            description="d",
        ),
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    login(page, live_server.url, "county_operator", f"/incidents/{incident.pk}/")
    page.locator("#area-map").scroll_into_view_if_needed()
    box = page.locator("#area-map").bounding_box()
    page.click("#draw-start")
    for dx, dy in ((-40, -30), (40, -30), (0, 40)):
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
    page.click("#draw-finish")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    incident.refresh_from_db()
    ring = incident.affected_area["coordinates"][0]
    assert len(ring) == 4 and ring[0] == ring[-1]
    page.goto(f"{live_server.url}/incidents/{incident.pk}/map/")
    page.wait_for_function("() => document.querySelectorAll('#map path.leaflet-interactive').length > 0")
