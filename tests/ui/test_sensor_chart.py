"""A sensor's chart in Chromium: ECharts (served by Anlan) draws the readings and the threshold lines."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.monitoring import services
from anlan.monitoring.models import Rule, Sensor
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chart_draws_readings_and_thresholds(browser, live_server, demo_data):
    sensor = Sensor.objects.create(
        code="WL-UI-1",
        name="界面测试水位站",
        kind="water_level",
        region=demo_data.village,
        lon=demo_data.village.center_lon,
        lat=demo_data.village.center_lat,
    )
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=5.0, red=8.0)
    now = timezone.now()
    services.ingest(
        [
            {"sensor": "WL-UI-1", "ts": (now - dt.timedelta(minutes=10 * i)).isoformat(), "value": 4.0 + i / 5}
            for i in range(12)
        ]
    )
    page = browser.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    login(page, live_server.url, "township_officer", f"/monitoring/sensor/{sensor.pk}/chart/")
    page.wait_for_selector("#chart[data-ready='1']", state="attached", timeout=20_000)
    assert page.get_attribute("#chart", "data-points") == "12"
    assert page.get_attribute("#chart", "data-thresholds") == "2"
    assert page.locator("#chart canvas").count() >= 1
    assert all(url.startswith(live_server.url) for url in requested)


def test_chart_times_are_shanghai_times_in_a_browser_set_to_another_zone(browser, live_server, demo_data):
    """A browser set to New York still reads the bureau's clock: the span under the chart is Beijing time."""
    sensor = Sensor.objects.create(
        code="WL-UI-TZ",
        name="时区测试水位站",
        kind="water_level",
        region=demo_data.village,
        lon=demo_data.village.center_lon,
        lat=demo_data.village.center_lat,
    )
    first = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    last = first + dt.timedelta(minutes=90)
    services.ingest([{"sensor": "WL-UI-TZ", "ts": t.isoformat(), "value": 1.0} for t in (first, last)])
    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    login(page, live_server.url, "township_officer", f"/monitoring/sensor/{sensor.pk}/chart/")
    page.wait_for_selector("#chart[data-ready='1']", state="attached", timeout=20_000)
    shown = page.text_content("#chart-span")
    expected = [timezone.localtime(t).strftime("%Y-%m-%d %H:%M") for t in (first, last)]
    assert shown == f"曲线时段 {expected[0]} 至 {expected[1]}（北京时间）"
    context.close()
