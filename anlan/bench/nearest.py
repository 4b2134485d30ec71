"""`anlan bench nearest`: p50/p95 of nearest-k queries over N rescue teams.

Adds N synthetic teams inside the loaded county (random points within its boundary), runs Q queries
from random points as a county administrator through the real path (scoped queryset, cached STRtree,
geodesic ordering, travel estimate), and rolls everything back at the end.
"""

import statistics
import sys
import time

import numpy as np
import shapely
from django.db import transaction

from anlan.accounts.models import User
from anlan.geo.models import Region, RegionLevel
from anlan.geo.synth import sample_inside
from anlan.resources.models import RescueTeam
from anlan.resources.nearest import nearest_teams


class _Rollback(Exception):
    pass


def run(resources: int, queries: int, k: int = 5, seed: int = 1) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise SystemExit("没有已加载的县：请先运行 anlan load-demo")
    rng = np.random.default_rng(seed)
    geom = shapely.geometry.shape(county.boundary)
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code[:6]))
    result = {}
    try:
        with transaction.atomic():
            user = User.objects.create(username=f"bench-{seed}", role="county_admin", region=county)
            existing = RescueTeam.objects.filter(region__code__startswith=county.code[:6]).count()
            points = sample_inside(geom, resources, rng)
            teams = [
                RescueTeam(
                    name=f"基准测试队{i}",
                    kind="village",
                    region=villages[i % len(villages)],
                    headcount=10,
                    lon=float(x),
                    lat=float(y),
                    leader="测试",
                    leader_phone="13800000000",
                    synthetic=True,
                )
                for i, (x, y) in enumerate(points)
            ]
            RescueTeam.objects.bulk_create(teams, batch_size=2000)
            print(f"{resources} teams added ({existing} already there); warming up …", file=sys.stderr)
            origins = sample_inside(geom, queries + 1, rng)
            nearest_teams(user, float(origins[0][0]), float(origins[0][1]), k=k)  # builds the cached index
            timings = []
            for x, y in origins[1:]:
                start = time.perf_counter()
                found = nearest_teams(user, float(x), float(y), k=k)
                timings.append((time.perf_counter() - start) * 1000)
                assert len(found) == k
            timings.sort()
            result = {
                "resources": resources + existing,
                "queries": queries,
                "k": k,
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                "max_ms": round(timings[-1], 2),
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
