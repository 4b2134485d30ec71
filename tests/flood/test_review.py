"""Review of the merged flood app: bad input on the threshold page gives the page, not a server error."""

import pytest

from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("site", ["abc", "1.5", "99999999"])
def test_the_threshold_page_ignores_a_bad_site_parameter(client, tree, site):
    client.force_login(persona("county_operator"))
    response = client.get("/flood/thresholds/add/", {"site": site})
    assert response.status_code == 200
    assert "预警阈值" in response.content.decode()


def test_changing_a_zones_thresholds_keeps_its_alarms_and_their_transfer_link(tree):
    """Saving new levels used to delete the zone's rules, and with them (cascade) every alarm of the zone, its
    history and the transfer list's link to the alarm — during a flood, by a change of a few millimetres."""
    from django.utils import timezone

    from anlan.disasters.models import TransferActivation
    from anlan.flood import services
    from anlan.flood.models import FlashFloodThreshold
    from anlan.monitoring import services as monitoring
    from anlan.monitoring.models import Alarm, AlarmEvent, Rule, Sensor
    from anlan.sites.models import HazardSite, Household

    zone = HazardSite.objects.filter(kind="flash_flood", status="active").order_by("code").first()
    TransferActivation.objects.filter(site=zone).delete()
    if not Household.objects.filter(site=zone, active=True).exists():
        Household.objects.create(site=zone, region_id=zone.region_id, head_name="周大河", people=4)
    gauge = Sensor.objects.create(
        code="RG-REVIEW-1",
        name="复核雨量站",
        kind="rain_gauge",
        unit="mm",
        region_id=zone.region_id,
        lon=zone.lon,
        lat=zone.lat,
    )
    county = persona("county_operator")
    threshold = FlashFloodThreshold.objects.create(
        site=zone, prepare_1h=30, immediate_1h=45, prepare_3h=50, immediate_3h=70
    )
    threshold.gauges.set([gauge])
    services.thresholds_apply(actor=county, threshold=threshold)
    monitoring.ingest([{"sensor": gauge.code, "ts": timezone.now().isoformat(), "value": 60}])
    alarm = Alarm.objects.get(rule__in=threshold.rules.all(), rule__window_minutes=60)
    activation = TransferActivation.objects.get(site=zone, status="open")
    assert activation.alarm_id == alarm.pk

    threshold.prepare_1h, threshold.immediate_1h = 25, 40
    threshold.prepare_3h = threshold.immediate_3h = None  # the 3-hour pair dropped
    services.thresholds_save(actor=county, threshold=threshold, gauges=[gauge])

    assert Alarm.objects.filter(pk=alarm.pk).exists()
    assert AlarmEvent.objects.filter(alarm_id=alarm.pk).exists()
    activation.refresh_from_db()
    assert activation.alarm_id == alarm.pk
    rule = Rule.objects.get(pk=alarm.rule_id)
    assert (rule.orange, rule.red, rule.active) == (25, 40, True)  # the same rule, with the new levels
    live = Rule.objects.filter(sensor=gauge, active=True, name__startswith=services.RULE_PREFIX)
    assert list(live.values_list("window_minutes", flat=True)) == [60]


def test_the_season_list_reads_the_county_name_without_a_query_per_row(client, tree):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anlan.core.kit import config_for
    from anlan.flood.models import FloodSeason

    county = persona("county_admin")
    client.force_login(county)
    url = config_for(FloodSeason).reverse("list")
    FloodSeason.objects.all().delete()

    def add(n):
        for _ in range(n):
            year = 2030 + FloodSeason.objects.count()
            FloodSeason.objects.create(
                region=tree.county, year=year, start=dt.date(year, 4, 1), end=dt.date(year, 9, 30)
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200 and tree.county.name in response.content.decode()
        return len(ctx.captured_queries)

    add(1)
    client.get(url)
    one = count()
    add(4)
    assert count() == one
