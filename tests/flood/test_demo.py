"""The demo county's 防汛: 15 reservoirs of mixed SL 252 classes, dikes on the river stations, the 三个责任人
from the registry's duty-role persons (some incomplete), this year's 汛期; the full demo adds reservoir level
sensors (one over 汛限水位) and twelve 山洪 zones' thresholds as rules — not in the small test county."""

import pytest
from django.utils import timezone

from anlan.demo import flood as demo_flood
from anlan.flood import board
from anlan.flood.models import Dike, FlashFloodThreshold, FloodResponsibility, FloodSeason, Reservoir, RiverStation
from anlan.monitoring.models import Rule
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_the_test_county_has_works_and_persons_but_no_new_rules(tree):
    classes = set(Reservoir.objects.values_list("size_class", flat=True))
    assert Reservoir.objects.count() == 15 and {"medium", "small1", "small2"} <= classes
    assert Reservoir.objects.get(name="红星水库").size_class == "small1"  # 100 万m³: the lower bound
    assert Reservoir.objects.get(name="水井湾水库").size_class == "small2"
    assert Dike.objects.count() == 4 and RiverStation.objects.count() >= 4
    assert FloodSeason.objects.get(year=timezone.localdate().year).start.strftime("%m-%d") == "05-01"
    duty = board.duty_completeness(persona("county_operator"))
    assert (duty["complete"], duty["total"]) == (12, 15)
    assert FloodResponsibility.objects.filter(site__kind="flash_flood").exists()
    assert not FlashFloodThreshold.objects.exists() and not Rule.objects.filter(name__startswith="山洪预警").exists()


def test_the_full_demo_adds_sensors_and_zone_rules(tree):
    reservoirs = list(Reservoir.objects.order_by("code"))
    zones = list(HazardSite.objects.filter(kind__in=["flash_flood", "waterlogging"]).order_by("code"))
    import numpy as np

    loaded = demo_flood._sensors_and_thresholds(
        actor="演示数据", county=tree.county, reservoirs=reservoirs, zones=zones, rng=np.random.default_rng(1)
    )
    assert loaded["reservoir_sensors"] == 3 and loaded["flood_thresholds"] == 12 and loaded["flood_rules"] >= 12 * 3
    over = board.reservoirs_over_limit(persona("county_operator"))
    assert [r["reservoir"].name for r in over] == ["龙潭水库"]
    assert (
        Rule.objects.filter(name__startswith="山洪预警", orange__isnull=False, red__isnull=False).count()
        == loaded["flood_rules"]
    )
