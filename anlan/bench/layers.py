"""`anlan bench layers`: p50/p95 of a 一张图 point layer of N points, as a county user sees it.

Adds synthetic geological hazard sites inside the loaded county until the `geohazard_sites` layer holds
`points` features (random points within the county boundary, spread over its villages), then requests
the layer through the real HTTP path — the API's session authentication, the scoped queryset, the one
query with region names joined, the detail links and the orjson response — `queries` times as a county
operator, and rolls everything back at the end. The query count of one request is reported too: it must
not grow with the number of points.
"""

import os
import sys

import numpy as np
import orjson
import shapely
from django.db import connection, transaction
from django.test import Client

from anlan.accounts.models import User
from anlan.bench.timing import time_get
from anlan.geo.models import Region, RegionLevel
from anlan.geo.synth import sample_inside
from anlan.sites.models import GEOLOGICAL, HazardSite

LAYER = "geohazard_sites"
URL = f"/api/v1/map/layers/{LAYER}/"


class _Rollback(Exception):
    pass


def county_or_exit() -> Region:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise SystemExit("没有已加载的县：请先运行 anlan load-demo")
    return county


def fill_layer(county: Region, points: int, *, seed: int, prefix: str) -> int:
    """Synthetic geological hazard sites (codes starting with `prefix`) inside the county, spread over its
    villages, until its `geohazard_sites` layer holds `points`; returns how many were added."""
    existing = HazardSite.objects.filter(
        region__code__startswith=county.code[:6], status=HazardSite.Status.ACTIVE, kind__in=GEOLOGICAL
    ).count()
    added = max(points - existing, 0)
    if not added:
        return 0
    rng = np.random.default_rng(seed)
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code[:6]))
    kinds = ["landslide", "rockfall", "debris_flow", "unstable_slope"]
    coords = sample_inside(shapely.geometry.shape(county.boundary), added, rng)
    sites = [
        HazardSite(
            code=f"{prefix}{i:08d}",
            name=f"基准测试隐患点{i}",
            kind=kinds[i % len(kinds)],
            scale="small",
            region=villages[i % len(villages)],
            lon=float(x),
            lat=float(y),
            threatened_households=i % 40,
            threatened_people=i % 120,
            synthetic=True,
        )
        for i, (x, y) in enumerate(coords)
    ]
    HazardSite.objects.bulk_create(sites, batch_size=2000)
    return added


def run(points: int, queries: int, seed: int = 1) -> dict:
    county = county_or_exit()
    result = {}
    try:
        with transaction.atomic():
            user = User.objects.create(username=f"bench-layers-{seed}", role="county_operator", region=county)
            added = fill_layer(county, points, seed=seed, prefix=f"BENCH{seed:02d}")
            client = Client()
            client.force_login(user)
            response = client.get(URL)  # warms up imports, the URL resolver and the session
            features = len(orjson.loads(response.content)["features"])
            print(f"{added} sites added; the layer holds {features} points; measuring …", file=sys.stderr)
            # Wall time is what a user waits; CPU time is this process's own work, which the shared
            # machines' load (other processes on the same cores) does not inflate. Both are reported.
            figures = time_get(client, URL, queries, warm=0)
            result = {
                "layer": LAYER,
                "points": features,
                "requests": queries,
                "bytes": figures.pop("bytes"),
                "queries_per_request": figures.pop("queries"),
                **figures,
                "load_average": round(os.getloadavg()[0], 1),
                "database": connection.vendor,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
