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


def clear_cache() -> None:
    """Forget the indexes (tests restore the database to a snapshot whose rows may match the key)."""
    with _lock:
        _cache.clear()


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


class PointIndex:
    """An STRtree over (lon, lat) points for repeated nearest queries (build once, query many times)."""

    def __init__(self, points):
        self.xy = np.asarray(points, dtype=float).reshape(-1, 2)
        self.tree = shapely.STRtree(shapely.points(self.xy)) if len(self.xy) > 256 else None

    def nearest(self, lon: float, lat: float, k: int = 5) -> list[tuple[int, float]]:
        """The k points nearest (lon, lat) as (index, metres), nearest first.

        The tree gives the k nearest in degrees; a second query with a radius widened for the
        longitude scale at this latitude makes sure no point nearer in metres is missed; exact
        geodesic distances then order the candidates.
        """
        xy = self.xy
        if not len(xy) or k <= 0:
            return []
        k = min(k, len(xy))
        if self.tree is None:
            candidates = np.arange(len(xy))
        else:
            origin = shapely.Point(lon, lat)
            first = self.tree.query_nearest(origin, all_matches=False)
            radius = 0.01
            while True:
                candidates = self.tree.query(origin.buffer(radius, quad_segs=4))
                if len(candidates) >= k or radius > 360:
                    break
                radius *= 2
            far = float(np.max(np.hypot(xy[candidates, 0] - lon, xy[candidates, 1] - lat)))
            widen = far / max(np.cos(np.radians(abs(lat) + far)), 0.05)
            candidates = np.union1d(self.tree.query(origin.buffer(widen, quad_segs=4)), first)
        dist = distances_m(lon, lat, xy[candidates, 0], xy[candidates, 1])
        order = np.argsort(dist, kind="stable")[:k]
        return [(int(candidates[i]), float(dist[i])) for i in order]


def nearest_k(lon: float, lat: float, points: list[tuple[float, float]], k: int = 5) -> list[tuple[int, float]]:
    """The k points nearest (lon, lat) as (index, metres), nearest first (one-off; see PointIndex)."""
    return PointIndex(points).nearest(lon, lat, k)
