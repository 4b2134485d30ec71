"""The kill test with real processes: `anlan worker` is SIGKILLed by the gateway while its batch is in
flight (accepted, not yet answered, nothing recorded); a second `anlan worker` takes the deliveries over
after the lease. Every delivery reaches the gateway, none is accepted twice, none is left behind.

The workers use their own SQLite file in a temporary data directory (not the test database, which a
separate process cannot see inside the test's transaction), a copy of the run's migrated empty database."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.servers import JsonServer

SETUP = """
import datetime as dt
from django.utils import timezone
from anlan.accounts.models import User
from anlan.alerts import services
from anlan.alerts.models import Resident, Warning
from anlan.geo.models import Region

county = Region.objects.create(code="500237000000", name="巫山县", level="county")
town = Region.objects.create(code="500237100000", name="巫峡镇", level="township", parent=county)
village = Region.objects.create(code="500237100001", name="早阳村", level="village", parent=town)
Resident.objects.bulk_create(
    [Resident(name=f"居民{i}", region=village, phone=f"139{i:08d}") for i in range({n})]
)
officer = User.objects.create(username="officer", role="county_operator", region=county)
warning = services.warning_create(
    actor=officer,
    warning=Warning(
        region=county, event="山洪", category="Met", level="red", urgency="Immediate", severity="Extreme",
        certainty="Likely", headline="山洪红色预警", description="d", instruction="立即转移",
        expires=timezone.now() + dt.timedelta(hours=6),
    ),
    regions=[village],
)
services.warning_issue(actor=officer, warning=warning)
"""

RESIDENTS = 1200


class KillingGateway(JsonServer):
    """Accepts messages by id (dropping repeats, as gateways do); on the second batch it records the
    messages and then kills the worker that sent them before answering."""

    def __init__(self):
        self.accepted: dict[str, dict] = {}
        self.repeats = 0
        self.batches = 0
        self.victim: subprocess.Popen | None = None
        super().__init__(self.answer)

    def answer(self, path, body):
        self.batches += 1
        for m in body["messages"]:
            if m["id"] in self.accepted:
                self.repeats += 1
            self.accepted.setdefault(m["id"], m)
        if self.batches == 2 and self.victim is not None:
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait(10)
        return 200, {"results": [{"id": m["id"], "ok": True} for m in body["messages"]]}


def anlan(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "anlan", *args], env=env, **kwargs)


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT status, count(*) FROM notify_delivery WHERE channel = 'sms' GROUP BY status"
        ).fetchall()
    return dict(rows)


def test_a_killed_worker_process_loses_and_duplicates_nothing(tmp_path, migrated_database):
    gateway = KillingGateway()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "ANLAN_DATA_DIR": str(tmp_path),
        "ANLAN_SMS_URL": gateway.base + "/sms",
        "ANLAN_OUTBOX_LEASE_SECONDS": "2",
        "ANLAN_CHANNEL_RATES": "",
        "ANLAN_DAILY_JOBS_EMBEDDED": "false",
    }
    db = tmp_path / "anlan.sqlite3"
    try:
        # The database as `anlan migrate` leaves it, copied from the run's migrated one (tests/dbsnapshot.py).
        migrated_database.migrated_copy_to_file(db)
        assert anlan(env, "shell", "-c", SETUP.replace("{n}", str(RESIDENTS))).wait(120) == 0
        assert counts(db) == {"queued": RESIDENTS}

        first = anlan(env, "worker", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gateway.victim = first
        assert first.wait(60) == -signal.SIGKILL  # killed by the gateway mid-fan-out
        stranded = counts(db)
        assert stranded.get("sending", 0) > 0 and stranded.get("sent", 0) < RESIDENTS

        gateway.victim = None
        second = anlan(env, "worker", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while counts(db).get("sent", 0) < RESIDENTS and time.monotonic() < deadline:
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        assert second.wait(20) == 0
    finally:
        gateway.close()
    assert counts(db) == {"sent": RESIDENTS}
    with sqlite3.connect(db) as connection:
        sent_ids = {str(r[0]) for r in connection.execute("SELECT id FROM notify_delivery WHERE channel = 'sms'")}
    assert set(gateway.accepted) == sent_ids  # nothing lost
    assert gateway.repeats > 0  # the killed batch came again, and the gateway dropped the repeats
    assert len({m["to"] for m in gateway.accepted.values()}) == RESIDENTS  # each phone once
