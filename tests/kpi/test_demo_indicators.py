"""The demo's 核心指标: the seed table and the computed rates with targets, five yearly bases, values for a trend."""

import pytest
from django.utils import timezone

from anlan.demo import kpi_indicators
from anlan.geo.models import Region
from anlan.kpi import services_indicators
from anlan.kpi.models import Indicator, IndicatorValue, YearBase
from anlan.registry.models import Department
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_demo_part_loads_the_table_with_bases_and_trend(tree):
    departments = list(Department.objects.filter(region=tree.county))
    townships = list(Region.objects.filter(parent=tree.county))
    loaded = kpi_indicators.load(
        actor=persona("county_admin"), county=tree.county, townships=townships, departments=departments
    )
    assert loaded["核心指标"] == len(kpi_indicators.INDICATORS) == Indicator.objects.filter(region=tree.county).count()
    names = set(Indicator.objects.values_list("name", flat=True))
    assert {"重特大生产安全事故起数", "森林火灾受害率", "亿元地区生产总值生产安全事故死亡率"} <= names
    year = timezone.localdate().year
    assert sorted(YearBase.objects.filter(synthetic=True).values_list("year", flat=True)) == list(
        range(year - 4, year + 1)
    )
    computed = Indicator.objects.exclude(source="").count()
    assert IndicatorValue.objects.filter(computed=True).count() == computed * 5
    rows = services_indicators.board(persona("county_operator"))
    assert len(rows) == len(kpi_indicators.INDICATORS)
    assert all(r.latest is not None for r in rows if r.indicator.source)
    assert IndicatorValue.objects.filter(indicator__code="forest_fire_rate").count() == 4
