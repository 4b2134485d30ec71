"""A monitoring alarm reaches the hazard site's 群测群防员 by SMS through the outbox: once per level, again
when it rises, nothing when it merely continues."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.monitoring import services
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.notify import outbox
from anlan.notify.models import Delivery
from anlan.sites.models import HazardSite
from tests.servers import JsonServer

pytestmark = pytest.mark.django_db


def test_site_watchers_get_each_new_alarm_level_by_sms(settings):
    gateway = JsonServer()
    settings.ANLAN_SMS_URL = gateway.base + "/sms"
    site = HazardSite.objects.filter(monitors__isnull=False).distinct().first()
    watchers = {p.phone for p in site.monitors.all()}
    sensor = Sensor.objects.create(
        code="GNSS-SMS-1",
        name="坡体位移",
        kind="gnss",
        unit="mm",
        region=site.region,
        lon=site.lon,
        lat=site.lat,
        hazard_site=site,
    )
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=10, red=30)
    start = timezone.now() - dt.timedelta(minutes=30)

    def reading(minutes, value):
        return [{"sensor": sensor.code, "ts": (start + dt.timedelta(minutes=minutes)).isoformat(), "value": value}]

    try:
        services.ingest(reading(0, 12))  # yellow opens
        services.ingest(reading(5, 14))  # still yellow: nothing new
        alarm_rows = Delivery.objects.filter(notice__topic__startswith=f"alarm:{Alarm.objects.get(sensor=sensor).pk}:")
        assert alarm_rows.count() == len(watchers) and not alarm_rows.exclude(fallback="").exists()
        services.ingest(reading(10, 35))  # raised to red: told again, with a voice call if SMS fails
        assert alarm_rows.count() == 2 * len(watchers)
        assert set(alarm_rows.filter(recipient_key__endswith="#alarm:red").values_list("fallback", flat=True)) == {
            "voice"
        }
        while outbox.process(limit=5000)["claimed"]:
            pass
    finally:
        gateway.close()
    # The same red alarm also reaches those on duty (值班值守, tests/duty): here only the site's watchers count.
    ids = {str(pk) for pk in alarm_rows.values_list("pk", flat=True)}
    sent = [m for _, body in gateway.requests for m in body["messages"] if m["id"] in ids]
    assert {m["to"] for m in sent} == watchers
    red = next(m["text"] for m in sent if "红色报警" in m["text"])
    assert site.name in red and "35 mm" in red and "撤离" in red
    assert not alarm_rows.exclude(status="sent").exists()
