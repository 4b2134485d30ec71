"""The demo county's 森林防火 as a visitor finds it: a period running today, a week of levels per township,
30 rangers with patrols (some missed), permits in every state (some burning now), one ranger's fire report."""

import pytest
from django.utils import timezone

from anlan.forestfire import services
from anlan.forestfire.models import BurnPermit, DangerLevel, Ranger
from anlan.geo.models import Region, RegionLevel
from anlan.incidents.models import Incident
from anlan.sites.models import PatrolTask

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_a_fire_season_to_work_in(tree):
    today = timezone.localdate()
    assert services.season_day(tree.county.code, today) is not None or today.month in range(5, 11)
    townships = Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).count()
    assert DangerLevel.objects.filter(day=today).count() == townships
    assert DangerLevel.objects.filter(region__parent=tree.county).values("day").distinct().count() == 8
    assert Ranger.objects.count() == 30
    missed = PatrolTask.objects.filter(site__kind="forest_fire", status="missed", rule__name="森林防火期护林员日巡")
    assert missed.exists()
    states = set(BurnPermit.objects.values_list("status", flat=True))
    assert {"approved", "refused", "pending", "escalated"} <= states
    assert services.active_permits().count() >= 2
    # The ranger's fire report is loaded only with the full demo county (fire_report=with_enforcement); the test
    # county is loaded without enforcement and so without incidents.
    assert Incident.objects.filter(kind__name="森林草原火灾", caller_unit="护林员").count() == 0


def test_the_full_demo_adds_the_rangers_fire_report_as_history(tree):
    from anlan.demo import forestfire as demo_forestfire
    from anlan.forestfire.models import Ranger
    from anlan.inbox.models import Notification
    from anlan.notify.models import Delivery

    ranger = Ranger.objects.filter(sites__isnull=False).first()
    demo_forestfire.fire_report_as_history(actor="演示数据", ranger=ranger, site=ranger.sites.first())
    assert Incident.objects.filter(kind__name="森林草原火灾", caller_unit="护林员").exists()
    # History: nothing left for the worker to send and no unread notice to call about.
    assert not Delivery.objects.filter(status=Delivery.Status.QUEUED).exists()
    assert not Notification.objects.filter(read_at__isnull=True, title__contains="林区火情").exists()
