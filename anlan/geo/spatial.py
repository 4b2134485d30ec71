"""Spatial queries on the jurisdiction tree, backed by shapely 2 STRtrees held in memory.

An index per level is built once per process and rebuilt when the tree changes (checked with one
cheap aggregate query per call). Distances are great-circle metres on the WGS84 ellipsoid.
"""

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max
from pyproj import Geod

from .models import Region

_GEOD = Geod(ellps="WGS84")
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, "RegionIndex"]] = {}


@dataclass
class RegionIndex:
    codes: list[str]
    geoms: np.ndarray
    tree: shapely.STRtree

    def region_at(self, lon: float, lat: float) -> str | None:
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.codes[int(min(hits))]


def _version(level: str) -> tuple:
    agg = Region.objects.filter(level=level).aggregate(n=Count("code"), last=Max("updated_at"))
    return agg["n"], agg["last"]


def region_index(level: str) -> RegionIndex:
    version = _version(level)
    cached = _cache.get(level)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        rows = list(
            Region.objects.filter(level=level, boundary__isnull=False).order_by("code").values_list("code", "boundary")
        )
        geoms = np.asarray([shapely.geometry.shape(b) for _, b in rows], dtype=object)
        index = RegionIndex([c for c, _ in rows], geoms, shapely.STRtree(geoms))
        _cache[level] = (version, index)
        return index


def region_of_point(lon: float, lat: float, level: str = "village") -> str | None:
    """The code of the region of `level` containing the point, or None outside the tree."""
    return region_index(level).region_at(lon, lat)


def points_in_area(points: list[tuple[float, float]], area: dict) -> list[int]:
    """Indexes of the (lon, lat) points inside a GeoJSON geometry."""
    if not points:
        return []
    geom = shapely.geometry.shape(area)
    shapely.prepare(geom)
    xy = np.asarray(points, dtype=float)
    return np.flatnonzero(shapely.contains_xy(geom, xy[:, 0], xy[:, 1])).tolist()


def distances_m(lon: float, lat: float, lons, lats) -> np.ndarray:
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    _, _, dist = _GEOD.inv(np.full_like(lons, lon), np.full_like(lats, lat), lons, lats)
    return np.asarray(dist)


def nearest_k(lon: float, lat: float, points: list[tuple[float, float]], k: int = 5) -> list[tuple[int, float]]:
    """The k points nearest (lon, lat) as (index, metres), nearest first.

    An STRtree narrows the candidates (nearest in degrees, grown until k are found), then exact
    geodesic distances order them.
    """
    if not points or k <= 0:
        return []
    xy = np.asarray(points, dtype=float)
    k = min(k, len(xy))
    if len(xy) <= 256:
        candidates = np.arange(len(xy))
    else:
        tree = shapely.STRtree(shapely.points(xy))
        origin = shapely.Point(lon, lat)
        radius = 0.01
        while True:
            candidates = tree.query(origin.buffer(radius))
            if len(candidates) >= k or radius > 180:
                break
            radius *= 2
        # Degrees are not isotropic: widen by √2·(1/cos φ) to be sure no nearer point is missed.
        far = float(np.max(np.hypot(xy[candidates, 0] - lon, xy[candidates, 1] - lat)))
        candidates = tree.query(origin.buffer(far * 1.5 / max(np.cos(np.radians(lat)), 0.1)))
    dist = distances_m(lon, lat, xy[candidates, 0], xy[candidates, 1])
    order = np.argsort(dist, kind="stable")[:k]
    return [(int(candidates[i]), float(dist[i])) for i in order]
