"""The demo's 地质灾害防治 as a visitor of the full demo county finds it: this year's 汛前排查 running and mostly
done, one new site awaiting the county and one 险情 graded as an incident (the small test county has none)."""

import pytest

from anlan.geohazard import services
from anlan.geohazard.models import Campaign, Finding
from anlan.inbox.models import Notification
from anlan.incidents.models import Incident
from anlan.notify.models import Delivery
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_the_test_county_has_no_campaign_and_the_full_demo_loads_one_mostly_done(tree):
    assert not Campaign.objects.exists()  # the small test county is loaded without it: its counts stay
    from anlan.demo import geohazard as demo_geohazard

    loaded = demo_geohazard.load(actor="演示数据", county=tree.county, townships=[], departments=[])
    campaign = Campaign.objects.get()
    assert campaign.kind == "pre" and campaign.status == "running"
    totals = services.totals(services.progress(campaign, persona("county_operator")))
    assert totals["total"] == loaded["geo_checks"] and 0.7 < totals["checked"] / totals["total"] < 1
    proposal = Finding.objects.get(kind="new_site")
    assert proposal.status == "pending" and proposal.proposed_site.status == HazardSite.Status.PROPOSED
    danger = Finding.objects.get(kind="danger")
    incident = Incident.objects.get(pk=danger.event.incident_id)
    assert incident.kind.name == "地质灾害" and incident.level in ("III", "IV") and incident.geo_stage == "danger"
    assert services.report_deadlines(danger.event)
    # History: nothing left for the worker to send and no unread notice about it.
    assert not Delivery.objects.filter(status=Delivery.Status.QUEUED).exists()
    assert not Notification.objects.filter(read_at__isnull=True, title__contains=incident.title).exists()
