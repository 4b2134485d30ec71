"""What a kept 一张图 sensors layer costs while readings arrive: the before/after tool of the kept sensors layer.

    PYTHONPATH=$PWD ANLAN_DATA_DIR=/tmp/large-data .venv/bin/python scripts/profile_layer_ingest.py
        [--rounds 10] [--sensors 100] [--role county_admin]

On a loaded county (`anlan load-demo [--profile large]`), inside one transaction rolled back at the end: a token
is made for a user of the role, then each round ingests one batch through the real service (one reading for each
of `--sensors` active sensors, as a gateway sends) and requests the sensors layer twice through Django's test
client: the first request after the batch builds the layer again (the live generation moved), the second is
served from what the process kept. Thread CPU per step (what this process spends, which other processes on a
busy machine do not inflate), wall time, queries and the layer's size are printed as medians over the rounds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")

PATH = "/api/v1/map/layers/sensors/"


class _Rollback(Exception):
    pass


def _timed(step):
    from django.db import connection

    statements = []
    start, start_cpu = time.perf_counter(), time.thread_time()
    with connection.execute_wrapper(lambda execute, sql, *a: statements.append(sql) or execute(sql, *a)):
        result = step()
    return result, (time.thread_time() - start_cpu) * 1000, (time.perf_counter() - start) * 1000, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--sensors", type=int, default=100)
    parser.add_argument("--role", default="county_admin")
    args = parser.parse_args()

    import datetime as dt

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from anlan.accounts.models import User
    from anlan.accounts.services import token_create
    from anlan.bench.layers import county_or_exit
    from anlan.monitoring import services
    from anlan.monitoring.models import Sensor

    county = county_or_exit()
    figures: dict[str, list] = {"ingest": [], "rebuilt": [], "kept": []}
    try:
        with transaction.atomic():
            user = User.objects.create(username=f"profile-layer-{args.role}", role=args.role, region=county)
            key = token_create(actor="性能剖析", user=user, name="profile", days=1)
            headers = {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_ACCEPT": "application/json"}
            codes = list(Sensor.objects.filter(active=True).order_by("pk").values_list("code", flat=True))
            codes = codes[: args.sensors]
            client = Client()
            for _ in range(2):
                assert client.get(PATH, **headers).status_code == 200
            base = timezone.now() - dt.timedelta(minutes=args.rounds + 1)
            size = 0
            for index in range(args.rounds):
                ts = (base + dt.timedelta(minutes=index)).isoformat()
                batch = [{"sensor": code, "ts": ts, "value": float(index % 7)} for code in codes]
                result, *ingest = _timed(lambda batch=batch: services.ingest(batch))
                assert result.accepted == len(codes), result.rejected[:3]
                response, *rebuilt = _timed(lambda: client.get(PATH, **headers))
                again, *kept = _timed(lambda: client.get(PATH, **headers))
                assert response.status_code == again.status_code == 200 and again.content == response.content
                size = len(response.content)
                figures["ingest"].append(ingest)
                figures["rebuilt"].append(rebuilt)
                figures["kept"].append(kept)
            raise _Rollback
    except _Rollback:
        pass
    print(f"{args.rounds} rounds, batches of {len(codes)} readings, layer {size:,} bytes, role {args.role}")
    print(f"{'step':40} {'cpu p50':>9} {'wall p50':>9} {'queries':>8}")
    labels = {
        "ingest": "ingest batch (services.ingest)",
        "rebuilt": "layer after the batch (built again)",
        "kept": "layer again (kept)",
    }
    for name, rows in figures.items():
        cpu = statistics.median(r[0] for r in rows)
        wall = statistics.median(r[1] for r in rows)
        queries = statistics.median(r[2] for r in rows)
        print(f"{labels[name]:40} {cpu:>6.1f} ms {wall:>6.1f} ms {queries:>8g}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
