"""One page or API through the whole Django stack, timed: what `bench situation`, `bench lists` and
`bench layers` report for each target.

The first `warm` requests fill per-process caches (imports, the URL resolver, the session, validated
FilterSet forms) and are not timed. One more request counts the queries and the size of the answer (both
must not grow with the rows). Then `n` timed requests: wall time (what a user waits) and this thread's CPU
time (what the request costs the server; other processes on the shared cores do not inflate it).
"""

import math
import statistics
import time

from django.db import connection
from django.test import Client


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    values = sorted(values)
    return values[max(0, math.ceil(len(values) * share) - 1)]


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return response


def time_get(client: Client, url: str, n: int, warm: int) -> dict:
    """p50/p95/max of the wall time and p50/p95 of the CPU time of `n` GETs of `url`, in milliseconds, with
    the queries and the bytes of one request."""
    for _ in range(warm):
        _get(client, url)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        size = len(_get(client, url).content)
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.thread_time()
        client.get(url)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(percentile(wall, 0.95), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
        "queries": len(queries),
        "bytes": size,
    }
