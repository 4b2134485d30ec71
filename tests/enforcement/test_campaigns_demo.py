"""The demo's campaigns, with their prerequisites (matching inspections of last quarter) built here."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.demo import enforcement_campaigns as demo
from anlan.enforcement import services_campaigns as services
from anlan.enforcement.models import Campaign, CampaignAssignment, Inspection
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .campaign_world import inspect

pytestmark = pytest.mark.django_db


def test_last_quarter():
    assert demo.last_quarter(dt.date(2026, 12, 4)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert demo.last_quarter(dt.date(2026, 2, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_demo_campaigns(tree):
    # The snapshot may already hold the demo's campaigns (load-demo runs this module): start afresh.
    Inspection.objects.filter(campaign__isnull=False).update(campaign=None)
    Campaign.objects.all().delete()
    today = timezone.localdate()
    starts, ends = demo.last_quarter(today)
    county_prefix = tree.county.code[:6]
    dusty = list(
        Enterprise.objects.filter(region__pk__startswith=county_prefix, is_dust_explosive=True).order_by("pk")[:5]
    )
    assert len(dusty) >= 3, "the demo county has dust-explosive enterprises"
    for i, enterprise in enumerate(dusty):
        inspect(enterprise, starts + dt.timedelta(days=10 + i), findings=(("general", "closed"),))
    candidates = sorted(
        Inspection.objects.filter(
            enterprise__region__pk__startswith=county_prefix,
            enterprise__is_dust_explosive=True,
            inspected_on__range=(starts, ends),
            draw_object__isnull=True,
        ).values_list("pk", flat=True)
    )
    counts = demo.load(actor=persona("county_admin"), county=tree.county, townships=[], departments=[], today=today)

    dust = Campaign.objects.get(name="粉尘涉爆专项整治")
    assert dust.status == "closed" and (dust.starts_on, dust.ends_on) == (starts, ends)
    linked = sorted(dust.inspections.values_list("pk", flat=True))
    assert linked == candidates[::2]
    assert set(dust.inspections.values_list("kind", flat=True)) == {"campaign"}
    _, total = services.coverage(persona("county_admin"), dust)
    assert total.inspections == len(linked)
    assert (
        total.target == Enterprise.objects.filter(region__pk__startswith=county_prefix, is_dust_explosive=True).count()
    )
    assert f"共{total.target}家" in dust.summary and f"共开展检查{total.inspections}次" in dust.summary

    confined = Campaign.objects.get(name="有限空间作业专项整治")
    assert confined.status == "active" and confined.starts_on <= today <= confined.ends_on
    assignments = CampaignAssignment.objects.filter(campaign=confined)
    assert not assignments.filter(department__isnull=False).exists()
    confined_total = Enterprise.objects.filter(region__pk__startswith=county_prefix, has_confined_space=True).count()
    assert sum(a.target for a in assignments) == confined_total > 0
    assert counts["campaigns"] == 2
    assert counts["campaign_targets"] == total.target + confined_total
