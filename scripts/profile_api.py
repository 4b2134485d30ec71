"""In-process CPU of one API request, and where it goes: the before/after tool of issue 21 item 3.

    PYTHONPATH=$PWD ANLAN_DATA_DIR=/tmp/thru-data .venv/bin/python scripts/profile_api.py
        [--requests 30] [--points 20000] [--profile hazards|sensors|regions|layer|healthz|sensors-layer]
        [--top 35] [--role county_admin]

On the loaded demo county (`anlan load-demo`), inside one transaction that is rolled back at the end: a token
is made for a user of the role (a county administrator by default), the 一张图 layer of geological hazard sites
is filled to `--points` synthetic sites (as `bench api` does), and each endpoint is requested through Django's
test client with `Authorization: Token …` — the whole stack: middleware, DRF authentication, scoping,
filters, pagination, serialisation, rendering. After two warm-up requests, `--requests` requests are timed in
thread CPU time (what the request itself costs, which other processes on a busy machine do not inflate) and
wall time; the query count and response size are printed too. `--profile NAME` adds a cProfile of that
endpoint's requests, the `--top` functions by cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")

ENDPOINTS = {
    "healthz": "/healthz",
    "hazards": "/api/v1/hazards/",
    "sensors": "/api/v1/monitoring/sensors/",
    "regions": "/api/v1/regions/?level=township",
    "sensors-layer": "/api/v1/map/layers/sensors/",
    "layer": "/api/v1/map/layers/geohazard_sites/",
}


class _Rollback(Exception):
    pass


def _measure(client, path, headers, requests, profile_top):
    from django.db import connection

    for _ in range(2):
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *a: statements.append(sql) or execute(sql, *a)):
        client.get(path, **headers)
    profiler = cProfile.Profile() if profile_top else None
    cpu, wall = [], []
    for _ in range(requests):
        if profiler:
            profiler.enable()
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path, **headers)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        if profiler:
            profiler.disable()
    cpu.sort()
    wall.sort()
    figures = {
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_min_ms": round(cpu[0], 2),
        "wall_p50_ms": round(statistics.median(wall), 2),
        "queries": len(statements),
        "bytes": len(response.content),
    }
    if profiler:
        print(f"\n==== {path}: cProfile of {requests} requests (cumulative) ====")
        pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(profile_top)
        pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(profile_top)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--points", type=int, default=20000)
    parser.add_argument("--profile", choices=list(ENDPOINTS), action="append", default=[])
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--role", default="county_admin")
    parser.add_argument("--only", choices=list(ENDPOINTS), action="append", default=[])
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from anlan.accounts.models import User
    from anlan.accounts.services import token_create
    from anlan.bench.layers import county_or_exit, fill_layer

    try:  # as the server does before it serves (core.server.settle: imports done, long-lived objects frozen)
        from anlan.core.server import settle
    except ImportError:  # a tree from before it
        settle = None
    if settle is not None:
        settle()
    print(f"settled like the server: {settle is not None}")
    county = county_or_exit()
    try:
        with transaction.atomic():
            user = User.objects.create(username=f"profile-{args.role}", role=args.role, region=county)
            key = token_create(actor="性能剖析", user=user, name="profile", days=1)
            headers = {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_ACCEPT": "application/json"}
            names = args.only or list(ENDPOINTS)
            if "layer" in names:
                fill_layer(county, args.points, seed=1, prefix="PROFILE")
            client = Client()
            print(f"{'endpoint':44} {'cpu p50':>9} {'cpu min':>9} {'wall p50':>9} {'queries':>8} {'bytes':>10}")
            for name in names:
                path = ENDPOINTS[name]
                f = _measure(client, path, headers, args.requests, args.top if name in args.profile else 0)
                print(
                    f"{path:44} {f['cpu_p50_ms']:>7} ms {f['cpu_min_ms']:>6} ms {f['wall_p50_ms']:>6} ms"
                    f" {f['queries']:>8} {f['bytes']:>10}"
                )
            raise _Rollback
    except _Rollback:
        pass
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
