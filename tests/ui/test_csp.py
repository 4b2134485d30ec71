"""Finding 10 in a real browser: the main pages run under the strict Content-Security-Policy without a
single violation (Chromium reports each one on the console), and their scripts still work."""

import pytest
from django.utils import timezone

from anlan.core.testing.personas import persona
from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.monitoring.models import Sensor
from anlan.plans.models import IncidentKind
from anlan.risk.models import RiskPoint
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text) if "Content Security Policy" in msg.text or "Refused to" in msg.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def _visit(page, base: str, paths: list[str]) -> None:
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")


def test_main_pages_of_the_county_run_without_a_policy_violation(browser, live_server, demo_data):
    village = demo_data.village
    incident = services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="CSP 检查事件",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=village,
            lon=village.center_lon,
            lat=village.center_lat,
            occurred_at=timezone.now(),
            description="检查页面脚本",
        ),
    )
    point = RiskPoint.objects.order_by("pk").first()
    sensor = Sensor.objects.order_by("pk").first()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    problems = _watch(page)
    login(page, live_server.url, "county_admin")
    _visit(
        page,
        live_server.url,
        [
            "/",
            "/geo/map/",
            "/alerts/warnings/compose/",
            f"/risk/riskpoint/{point.pk}/assess/",
            f"/risk/riskpoint/{point.pk}/card/",
            f"/monitoring/sensor/{sensor.pk}/chart/",
            f"/incidents/{incident.pk}/",
            f"/incidents/{incident.pk}/map/",
            "/hazards/hiddenhazard/",
            "/p/warnings/",
        ],
    )
    # The scripts that replaced inline code still do their work: the assess form shows one method's factors.
    page.goto(f"{live_server.url}/risk/riskpoint/{point.pk}/assess/")
    page.select_option("#id_method", "matrix")
    assert page.is_hidden("#id_lec_L") and page.is_visible("#id_matrix_L")
    assert problems == []


def test_phone_pages_run_without_a_policy_violation(browser, live_server, demo_data):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        permissions=["geolocation"],
        geolocation={"longitude": demo_data.village.center_lon, "latitude": demo_data.village.center_lat},
    )
    page = context.new_page()
    problems = _watch(page)
    login(page, live_server.url, "village_grid_worker", "/hazards/report/")
    _visit(page, live_server.url, ["/sites/patrols/", "/hazards/report/"])
    page.click("#locate")
    page.wait_for_selector("#locate-status[data-ready='1']", state="attached")
    assert problems == []
