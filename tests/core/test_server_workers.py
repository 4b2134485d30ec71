"""`anlan serve --workers 2` with real processes: two gunicorn web processes answer, the background work runs
once in one companion process (not in the web processes), a killed web process is replaced while the site
keeps answering, and SIGTERM stops everything with exit 0 (core/server.py).

The probe job of core.schedule (every 2 s, "period pid" per run) shows where the scheduler runs.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_schedule_processes import Database, answers, wait_until
from tests.servers import free_port

PERIOD = 2


def children(pid: int) -> dict[int, str]:
    """The direct children of a process, with their command lines, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found[int(entry.name)] = cmdline
    return found


def get(port: int, path: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status


# sqlite_only: the process supervision (gunicorn's arbiter, the companion) is the same on both databases; the
# once-per-period claim on PostgreSQL is tests/core/test_schedule_processes.py, and tests/core/test_deployment.py
# runs `serve --workers 2` on PostgreSQL with a web process killed.
@pytest.mark.sqlite_only
def test_serve_with_two_workers_runs_background_work_once_and_replaces_a_dead_worker(tmp_path, migrated_database):
    database = Database(tmp_path, migrated_database)
    probe = tmp_path / "probe.log"
    env = {
        **database.env(0),
        "ANLAN_SCHEDULE_PROBE": str(probe),
        "ANLAN_SCHEDULE_PROBE_SECONDS": str(PERIOD),
        "ANLAN_DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115  (closed below)
    serve = None
    try:
        assert subprocess.run([sys.executable, "-m", "anlan", "migrate", "-v0"], env=env, timeout=300).returncode == 0
        serve = subprocess.Popen(
            [sys.executable, "-m", "anlan", "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: answers(port), 120, "anlan serve --workers 2")

        def kinds():
            procs = children(serve.pid)
            companions = [pid for pid, cmd in procs.items() if " worker --all" in cmd]
            return companions, [pid for pid in procs if pid not in companions]

        wait_until(lambda: len(kinds()[0]) == 1 and len(kinds()[1]) == 2, 60, "two web processes and one companion")
        (companion,), web = kinds()
        wait_until(lambda: probe.exists() and probe.read_text().strip(), 60, "the scheduler's first run")

        # Every request is answered while one web process is killed; the arbiter starts another.
        os.kill(web[0], signal.SIGKILL)
        statuses = [get(port, "/accounts/login/") for _ in range(20)]
        assert statuses == [200] * 20
        wait_until(lambda: len(kinds()[1]) == 2 and web[0] not in kinds()[1], 60, "a new web process")
        assert kinds()[0] == [companion]  # the background work was not restarted with the web process

        time.sleep(2 * PERIOD)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
        wait_until(lambda: not Path(f"/proc/{companion}").exists(), 30, "the companion to stop")

        runs = [tuple(map(int, line.split())) for line in probe.read_text().splitlines()]
        assert runs, "the scheduler never ran"
        assert {pid for _, pid in runs} == {companion}  # only the companion runs jobs, never a web process
        periods = [period for period, _ in runs]
        assert len(periods) == len(set(periods))  # each period once
    finally:
        log.close()
        if serve is not None and serve.poll() is None:
            serve.kill()
            serve.wait(10)
        database.drop()


def test_worker_refuses_an_unknown_service_name(tmp_path):
    """A unit file with a typo fails at start, naming the known services, rather than running nothing."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "anlan", "worker", "--only", "outbox,sendmail"],
        env={**env, "ANLAN_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "未知的后台服务：sendmail" in result.stderr
    assert "outbox" in result.stderr and "scheduler" in result.stderr
