"""Once per period with real processes: two `anlan serve` and two `anlan worker` on one database, each
running the scheduler, with a probe job every 2 s that appends "period pid" to a file. Every period the
processes were up for is run, by exactly one of them.

On PostgreSQL (under scripts/with_postgres.py) the four processes get a fresh database on that server and a
data directory each, so each has its own huey queue (SQLite storage, as on four machines without Redis):
nothing but the claim in the database keeps them from running a period twice. Without DATABASE_URL they
share one data directory, hence one SQLite database and one huey queue (the embedded default, one machine).
The processes cannot use the test database: they would not see inside the test's transaction.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import psycopg

from tests.servers import free_port

PERIOD = 2
RUN_SECONDS = 10


def anlan(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "anlan", *args], env=env, **kwargs)


class Database:
    """Where the processes meet: a fresh PostgreSQL database, or a SQLite file in a shared data directory."""

    def __init__(self, tmp_path: Path, migrated):
        """A new database as `anlan migrate` leaves it: a copy of the run's migrated one (tests/dbsnapshot.py),
        rather than migrating again here."""
        self.url = os.environ.get("DATABASE_URL", "")
        self.tmp_path = tmp_path
        if self.url:
            self.name = f"anlan_sched_{uuid.uuid4().hex[:8]}"
            migrated.migrated_copy_to_database(self.name)
            self.process_url = self.url.rsplit("/", 1)[0] + "/" + self.name
        else:
            migrated.migrated_copy_to_file(tmp_path / "shared" / "anlan.sqlite3")

    def env(self, index: int) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if self.url:
            data_dir = self.tmp_path / f"machine{index}"
            return {**base, "ANLAN_DATA_DIR": str(data_dir), "DATABASE_URL": self.process_url}
        return {**base, "ANLAN_DATA_DIR": str(self.tmp_path / "shared")}

    def query(self, sql: str) -> list[tuple]:
        if self.url:
            with psycopg.connect(self.process_url) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.tmp_path / "shared" / "anlan.sqlite3") as connection:
            return connection.execute(sql).fetchall()

    def drop(self):
        if self.url:
            with psycopg.connect(self.url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def test_two_serve_and_two_worker_processes_run_each_period_once(tmp_path, migrated_database):
    probe = tmp_path / "probe.log"
    database = Database(tmp_path, migrated_database)
    settings = {
        "ANLAN_SCHEDULE_PROBE": str(probe),
        "ANLAN_SCHEDULE_PROBE_SECONDS": str(PERIOD),
        "ANLAN_DAILY_JOBS_EMBEDDED": "true",
        "ANLAN_DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen] = []
    try:
        # Nothing left to apply on the copy; run as on a deployment, before the services start (it also
        # creates the data directory's keys, which four processes starting together would race for).
        assert anlan({**database.env(0), **settings}, "migrate", "-v0").wait(300) == 0
        ports = [free_port(), free_port()]
        logs = []
        for index, args in enumerate(
            [("serve", "--port", str(ports[0])), ("serve", "--port", str(ports[1])), ("worker",), ("worker",)]
        ):
            log = open(tmp_path / f"process{index}.log", "w")  # noqa: SIM115  (closed below)
            logs.append(log)
            processes.append(anlan({**database.env(index), **settings}, *args, stdout=log, stderr=log))
        for port in ports:
            wait_until(lambda port=port: answers(port), 120, f"anlan serve on port {port}")
        for index in (2, 3):
            started = tmp_path / f"process{index}.log"
            wait_until(lambda started=started: "后台进程已启动" in started.read_text(), 120, "anlan worker")
        first = int(time.time() // PERIOD) + 1  # the first period every process was up for
        time.sleep(RUN_SECONDS)
        last = int(time.time() // PERIOD) - 1  # the last period that surely ended before the stop
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            assert process.wait(60) == 0
        for log in logs:
            log.close()

        runs = [tuple(map(int, line.split())) for line in probe.read_text().splitlines()]
        periods = Counter(period for period, _ in runs)
        assert [p for p, n in periods.items() if n > 1] == []  # no period ran twice
        # Every period the four were up for ran; a loaded CI machine may starve all four schedulers through
        # one whole period, never two.
        missing = [p for p in range(first, last + 1) if p not in periods]
        assert len(missing) <= 1, missing
        assert last - first + 1 >= RUN_SECONDS // PERIOD - 2
        assert len(processes) == 4 and {pid for _, pid in runs} <= {p.pid for p in processes}

        claims = database.query(
            "SELECT job, count(*), sum(CASE WHEN ok THEN 1 ELSE 0 END) FROM core_jobrun GROUP BY job"
        )
        by_job = {job: (count, ok) for job, count, ok in claims}
        assert by_job["调度探针"] == (len(runs), len(runs))  # one claim per run, each finished
        for daily_job in ("隐患逾期", "巡查任务", "监测数据保留", "公众订阅清理"):
            assert by_job[daily_job] == (1, 1), daily_job  # the day's run happened once, at start
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        database.drop()
