"""`anlan bench api`: API throughput with the production server setup, on the loaded data (CONTRACT.md).

The command starts `anlan serve --workers W` (gunicorn, background work off: ANLAN_EMBEDDED_WORKER=false, as
in deploy/) on a free loopback port over the configured database, then for each endpoint runs `clients`
concurrent clients for `seconds`, each on its own keep-alive connection, sending the next request as soon as
the last is answered (a closed loop: the figures are what `clients` busy users would see). A county
administrator's API token is used (the widest scope: the heaviest lists). `/healthz` — no database, no session —
is measured the same way: its requests/s is the ceiling of this server on this machine, and each endpoint's
ratio to it says how much of the ceiling its own work leaves.

A 一张图 layer of `points` points is measured too: synthetic geological hazard sites are added to the county's
`geohazard_sites` layer up to that number (committed, since the server is another process) and deleted at the
end, with the bench user's token revoked. The load generator runs in this process, in threads; on a 2-core
machine it shares the cores with the server, as a real client on the same machine would.
"""

import http.client
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid

import orjson
from django.conf import settings
from django.db import connection

from anlan.accounts.models import ApiToken, User
from anlan.accounts.services import token_create, token_revoke, user_create
from anlan.geo.models import Region
from anlan.sites.models import HazardSite

from .layers import county_or_exit, fill_layer

CEILING = "/healthz"
LAYER = "/api/v1/map/layers/geohazard_sites/"
ENDPOINTS = [
    "/api/v1/hazards/",
    "/api/v1/monitoring/sensors/",
    "/api/v1/regions/?level=township",
    "/api/v1/map/layers/sensors/",
    LAYER,
]
BENCH_USER = "bench-api"
PRODUCTION_CONN_MAX_AGE = "60"  # seconds, deploy/env.example
SITE_PREFIX = "BENCHAPI"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bench_user(county: Region) -> User:
    """The bench's own county administrator, created once through the audited service and kept between runs
    (its password is random and never shown: it signs in by the token each run creates and revokes)."""
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = user_create(
            actor="基准测试",
            username=BENCH_USER,
            password=secrets.token_urlsafe(24),
            role="county_admin",
            region_code=county.code,
            display_name="基准测试",
            keep_password=True,
        )
    return user


def _remove_layer_points() -> None:
    HazardSite.objects.filter(code__startswith=SITE_PREFIX, synthetic=True).delete()


class Server:
    """`anlan serve --workers W` on a free loopback port, as deploy/ runs it."""

    def __init__(self, workers: int, threads: int):
        self.port = _free_port()
        # Database connections kept between requests, as deploy/env.example sets: scripts/with_postgres.py turns
        # them off for the tests (so test databases can be dropped), which made every request open a PostgreSQL
        # connection — a server process forked per request, ~half the machine's CPU at 8 clients.
        env = {
            **os.environ,
            "ANLAN_EMBEDDED_WORKER": "false",
            "ANLAN_DEBUG": "false",
            "ANLAN_DB_CONN_MAX_AGE": PRODUCTION_CONN_MAX_AGE,
        }
        command = ["serve", "--workers", str(workers), "--threads", str(threads), "--port", str(self.port)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "anlan", *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("anlan serve 未能启动")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection_.request("GET", CEILING)
            ok = connection_.getresponse().status == 200
            connection_.close()
            return ok
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(45)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _client(port, path, headers, until, latencies, errors, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine, failed = [], 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        mine.append((time.perf_counter() - start) * 1000)
    conn.close()
    with lock:
        latencies.extend(mine)
        errors[0] += failed


def _run_clients(port, path, headers, clients, seconds, latencies, errors, lock) -> float:
    started = time.perf_counter()
    until = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, path, headers, until, latencies, errors, lock))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def measure(port: int, path: str, headers: dict, clients: int, seconds: float) -> dict:
    """`clients` closed-loop clients on `path` for `seconds` (after one warm-up request each)."""
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(2):  # every process has imported, resolved and connected before the clock starts
        warm.request("GET", path, headers=headers)
        body = warm.getresponse().read()
    warm.close()
    # Then a second of the same load, not counted: each client's connection lands on some process, and every
    # process has built what it keeps (a map layer) before the clock starts — the steady state is measured.
    _run_clients(port, path, headers, clients, min(1.0, seconds), [], [0], threading.Lock())
    latencies, errors, lock = [], [0], threading.Lock()
    elapsed = _run_clients(port, path, headers, clients, seconds, latencies, errors, lock)
    latencies.sort()
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "rps": 0.0, "errors": errors[0], "requests": 0, "items": None}
    return {
        "items": _items(body),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "rps": round(len(latencies) / elapsed, 1),
        "errors": errors[0],
        "requests": len(latencies),
    }


def _items(body: bytes) -> int | None:
    """How many features or rows the answer holds (read from the warm-up's body: no extra request)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, dict) and "features" in data:
        return len(data["features"])
    if isinstance(data, dict) and "count" in data:
        return data["count"]
    return None


def run(*, clients: int, seconds: float, workers: int, threads: int, points: int, seed: int = 1) -> dict:
    county = county_or_exit()
    user = _bench_user(county)
    label = f"bench-{uuid.uuid4().hex[:8]}"
    key = token_create(actor="基准测试", user=user, name=label, days=1)
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    added = fill_layer(county, points, seed=seed, prefix=SITE_PREFIX)
    server = None
    try:
        print(f"{added} synthetic sites added; starting anlan serve --workers {workers} …", file=sys.stderr)
        server = Server(workers, threads)
        ceiling = measure(server.port, CEILING, {}, clients, seconds)
        print(f"{CEILING}: {ceiling}", file=sys.stderr)
        endpoints = {}
        for path in ENDPOINTS:
            figures = measure(server.port, path, headers, clients, seconds)
            figures["ratio_to_ceiling"] = round(figures["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
            endpoints[path] = figures
            print(f"{path}: {figures}", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
        _remove_layer_points()
        for token in ApiToken.objects.filter(user=user, name=label, revoked=False):
            token_revoke(actor="基准测试", token=token)
    return {
        "endpoints": endpoints,
        "ceiling_rps": ceiling["rps"],
        "ceiling": ceiling,
        "clients": clients,
        "seconds": seconds,
        "server": f"gunicorn gthread, {workers} workers × {threads} threads",
        "db_conn_max_age": int(PRODUCTION_CONN_MAX_AGE),
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),
        "debug": settings.DEBUG,
    }
