"""Travel estimates for dispatch: straight-line distance with a road factor and speed, or OSRM.

The straight-line router needs nothing: distance = geodesic metres × road factor (mountain roads
wind: 巫山's default 1.6), time = distance ÷ speed. Factors and speeds can be set per region
(TravelProfile, nearest ancestor wins). When ANLAN_OSRM_URL names an OSRM server (intranet), its
table service gives road distances and times; on any error the straight-line estimate is used and
the result says so.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from anlan.core.regioncodes import ancestor_codes

from .spatial import distances_m


@dataclass
class Estimate:
    distance_m: float  # along roads (estimated or routed)
    straight_m: float
    minutes: float
    method: str  # "straight_line" | "osrm"


@dataclass
class TravelParams:
    road_factor: float
    speed_kmh: float


def travel_params(region_code: str | None) -> TravelParams:
    """The profile of the region or its nearest ancestor, else the configured defaults."""
    from .models import TravelProfile

    default = TravelParams(settings.ANLAN_ROAD_FACTOR, settings.ANLAN_ROAD_SPEED_KMH)
    if not region_code:
        return default
    candidates = [region_code, *reversed(ancestor_codes(region_code))]
    profiles = {p.region_id: p for p in TravelProfile.objects.filter(region_id__in=candidates)}
    for code in candidates:
        if code in profiles:
            return TravelParams(profiles[code].road_factor, profiles[code].speed_kmh)
    return default


class StraightLineRouter:
    method = "straight_line"

    def estimate(self, origin: tuple[float, float], targets: list[tuple[float, float]], params: TravelParams):
        if not targets:
            return []
        straight = distances_m(origin[0], origin[1], [t[0] for t in targets], [t[1] for t in targets])
        out = []
        for metres in straight:
            road = float(metres) * params.road_factor
            out.append(Estimate(road, float(metres), road / 1000 / params.speed_kmh * 60, self.method))
        return out


class OsrmRouter:
    """OSRM table service: one request for all targets (`/table/v1/driving/...?sources=0`)."""

    method = "osrm"

    def __init__(self, base_url: str, timeout: float = 2.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.fallback = StraightLineRouter()

    def estimate(self, origin, targets, params: TravelParams):
        if not targets:
            return []
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in [origin, *targets])
        url = f"{self.base_url}/table/v1/driving/{coords}?sources=0&annotations=duration,distance"
        straight = self.fallback.estimate(origin, targets, params)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                data = json.load(response)
            durations, distances = data["durations"][0][1:], data["distances"][0][1:]
        except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError):
            return straight
        out = []
        for est, seconds, metres in zip(straight, durations, distances, strict=True):
            if seconds is None or metres is None:  # OSRM found no route: keep the estimate
                out.append(est)
            else:
                out.append(Estimate(float(metres), est.straight_m, float(seconds) / 60, self.method))
        return out


def router():
    url = getattr(settings, "ANLAN_OSRM_URL", "")
    return OsrmRouter(url) if url else StraightLineRouter()
