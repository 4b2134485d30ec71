"""Coordinate conversion against published reference pairs.

Pairs: wandergis/coordtransform (the reference implementation most Chinese GIS code copies; its
README's 116.404, 39.915 examples), googollee/eviltransform's test table (Shanghai, Shenzhen, Beijing)
and hujiulong/gcoord's GCJ-02 → WGS84 test.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.geo.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometry_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)


def close(a, b, tol=1e-9):
    return abs(a[0] - b[0]) < tol and abs(a[1] - b[1]) < tol


def test_coordtransform_reference_pairs():
    assert close(wgs84_to_gcj02(116.404, 39.915), (116.41024449916938, 39.91640428150164))
    assert close(gcj02_to_bd09(116.404, 39.915), (116.41036949371029, 39.92133699351021))
    assert close(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631))


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
        ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
        ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
    ],
)
def test_eviltransform_reference_table(wgs, gcj):
    assert close(wgs84_to_gcj02(*wgs), gcj, 1e-9)
    assert close(gcj02_to_wgs84(*gcj), wgs, 1e-8)  # our inverse is exact, not the usual 1-step approximation


def test_gcoord_inverse_reference():
    assert close(gcj02_to_wgs84(123, 45), (122.99395597, 44.99804071), 1e-6)


def test_outside_china_is_unchanged():
    assert wgs84_to_gcj02(-0.1276, 51.5072) == (-0.1276, 51.5072)


@given(st.floats(73.7, 134.7), st.floats(18.2, 53.5))
def test_round_trips_inside_china(lon, lat):
    assert close(gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), (lon, lat), 1e-8)
    # BD-09 → GCJ-02 is Baidu's published closed form, itself approximate to about 1e-6° (≈10 cm).
    assert close(bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), (lon, lat), 2e-6)


def test_vectorised_and_geometry_conversion_match_scalar():
    lons, lats = np.array([109.87, 110.01]), np.array([31.07, 31.2])
    vlon, vlat = gcj02_to_wgs84(lons, lats)
    for i in range(2):
        assert close((vlon[i], vlat[i]), gcj02_to_wgs84(float(lons[i]), float(lats[i])))
    ring = [[109.87, 31.07], [110.01, 31.2], [109.9, 31.3], [109.87, 31.07]]
    converted = geometry_to_wgs84({"type": "Polygon", "coordinates": [ring]}, "gcj02")
    assert close(converted["coordinates"][0][1], gcj02_to_wgs84(110.01, 31.2), 1e-7)


def test_unknown_crs_message():
    with pytest.raises(ValueError, match="不支持的坐标系"):
        to_wgs84(1, 2, "epsg:3857")
