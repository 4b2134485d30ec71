"""An alarm's detail page leads to its sensor's chart, over a span that reaches back to the alarm."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.monitoring.models import Alarm, Rule
from anlan.monitoring.views import chart_hours
from anlan.testing.personas import persona
from tests.monitoring.test_ingest import gauge, iso, post  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_alarm_detail_links_to_the_sensor_chart(client, gauge):  # noqa: F811
    Rule.objects.create(sensor=gauge, kind="threshold", yellow=10)
    post(client, [{"sensor": "RG-T-001", "ts": iso(3), "value": 12.0}])
    alarm = Alarm.objects.get(sensor=gauge)
    page = client.get(f"/monitoring/alarm/{alarm.pk}/").content.decode()
    assert f'<a class="button" href="/monitoring/alarm/{alarm.pk}/chart/">监测曲线</a>' in page
    response = client.get(f"/monitoring/alarm/{alarm.pk}/chart/")
    assert response.status_code == 302 and response["Location"] == f"/monitoring/sensor/{gauge.pk}/chart/?hours=24"
    chart = client.get(response["Location"]).content.decode()
    assert "测试雨量站（RG-T-001）" in chart and "?hours=24" in chart
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/monitoring/alarm/{alarm.pk}/chart/").status_code == 404


def test_the_chart_span_reaches_back_to_the_alarm():
    now = timezone.now()
    assert chart_hours(now - dt.timedelta(hours=2), now) == 24
    assert chart_hours(now - dt.timedelta(hours=23, minutes=30), now) == 72  # an hour before it too
    assert chart_hours(now - dt.timedelta(days=5), now) == 168
    assert chart_hours(now - dt.timedelta(days=60), now) == 60 * 24 + 1
