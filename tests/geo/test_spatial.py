import numpy as np
import pytest
from shapely.geometry import shape

from anlan.geo import spatial
from anlan.geo.models import Region


@pytest.mark.django_db
def test_region_of_point_finds_village_township_and_county(tree):
    lon, lat = tree.village.center_lon, tree.village.center_lat
    assert spatial.region_of_point(lon, lat, "village") == tree.village.code
    assert spatial.region_of_point(lon, lat, "township") == tree.township.code
    assert spatial.region_of_point(lon, lat, "county") == tree.county.code
    assert spatial.region_of_point(116.4, 39.9, "village") is None  # Beijing


@pytest.mark.django_db
def test_every_village_centre_is_located_in_its_own_village(tree):
    rows = list(Region.objects.filter(level="village").values_list("code", "center_lon", "center_lat"))
    assert all(spatial.region_of_point(lon, lat) == code for code, lon, lat in rows)


def test_nearest_k_matches_brute_force():
    rng = np.random.default_rng(3)
    points = list(zip(rng.uniform(109.5, 110.2, 2000), rng.uniform(30.8, 31.4, 2000), strict=True))
    lon, lat = 109.88, 31.08
    got = spatial.nearest_k(lon, lat, points, k=7)
    dist = spatial.distances_m(lon, lat, [p[0] for p in points], [p[1] for p in points])
    assert [i for i, _ in got] == list(np.argsort(dist, kind="stable")[:7])
    assert got[0][1] <= got[-1][1]


def test_nearest_distance_is_geodesic():
    ((_, metres),) = spatial.nearest_k(110.0, 31.0, [(110.0, 31.01)], k=1)
    assert abs(metres - 1109.0) < 3  # 0.01° of latitude ≈ 1.109 km at 31° N


@pytest.mark.django_db
def test_points_in_area(tree):
    area = tree.township.boundary
    inside = (tree.village.center_lon, tree.village.center_lat)
    outside = (tree.other_village.center_lon, tree.other_village.center_lat)
    assert spatial.points_in_area([inside, outside], area) == [0]
    assert shape(area).is_valid
