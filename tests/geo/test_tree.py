import pytest
import shapely
from shapely.geometry import shape

from anlan.geo.boundaries import BoundaryNotFound, load_county_boundary
from anlan.geo.models import Region
from anlan.geo.synth import CountyPlan, generate_tree, plan_for_area


def test_wushan_boundary_comes_from_cnmaps_and_is_converted_to_wgs84():
    boundary = load_county_boundary("500237")
    assert boundary.name == "巫山县" and boundary.province == "重庆市"
    geom = shape(boundary.geometry)
    assert geom.is_valid
    # 巫山县城 (county seat, WGS84 ≈ 109.878 E, 31.075 N) lies inside the converted boundary.
    assert geom.contains(shapely.Point(109.878, 31.075))
    minx, miny, maxx, maxy = geom.bounds
    assert 109.4 < minx < 109.7 and 110.1 < maxx < 110.3 and 30.6 < miny < 30.9 and 31.3 < maxy < 31.6


def test_unknown_county_is_a_chinese_error():
    with pytest.raises(BoundaryNotFound, match="没有区划代码为 999999"):
        load_county_boundary("999999")
    with pytest.raises(BoundaryNotFound, match="6位数字"):
        load_county_boundary("5002")


def test_generation_is_deterministic_for_a_seed_and_tiles_the_county():
    geom = shape(load_county_boundary("500237").geometry)
    plan = CountyPlan(streets=2, towns=11, townships=13, villages=340)
    first, again, other = (generate_tree("500237000000", geom, plan, seed) for seed in (7, 7, 8))
    assert [t.name for t in first] == [t.name for t in again]
    assert all(a.geometry.equals(b.geometry) for a, b in zip(first, again, strict=True))
    assert [t.name for t in first] != [t.name for t in other]
    assert len(first) == 26 and sum(len(t.children) for t in first) == 340
    union = shapely.union_all([t.geometry for t in first])
    assert abs(union.area - geom.area) / geom.area < 1e-6
    overlap = sum(t.geometry.area for t in first) - union.area
    assert overlap / geom.area < 1e-6
    codes = [t.code for t in first]
    assert codes[:2] == ["500237001000", "500237002000"] and codes[2] == "500237100000" and codes[13] == "500237200000"


def test_plan_for_area_is_calibrated_on_wushan():
    plan = plan_for_area(2958)
    assert plan.streets + plan.towns + plan.townships == 26


@pytest.mark.django_db
def test_loaded_tree_shape(tree):
    assert Region.objects.filter(level="township").count() == 26
    assert Region.objects.filter(level="village").count() == 340
    assert not tree.county.synthetic and tree.township.synthetic
    assert 2800 < tree.county.area_km2 < 3100  # 巫山县 is 2,958 km²
