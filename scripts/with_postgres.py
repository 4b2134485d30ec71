"""Run a command against a throw-away PostgreSQL server: `python scripts/with_postgres.py pytest -q`.

Starts Debian's PostgreSQL binaries (initdb, pg_ctl) in a temporary directory on a free loopback
port, sets DATABASE_URL for the command, and removes everything afterwards. When run as root (CI
containers) the server runs as the `postgres` system user, because PostgreSQL refuses root.
With CI=true a missing PostgreSQL is an error; elsewhere the command is skipped with a message.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bindir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for bindir in candidates:
        if os.path.exists(os.path.join(bindir, "initdb")):
            return bindir
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: with_postgres.py COMMAND [ARGS…]", file=sys.stderr)
        return 2
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            print(f"error: {message}", file=sys.stderr)
            return 1
        print(f"skipping the PostgreSQL run: {message}", file=sys.stderr)
        return 0

    workdir = tempfile.mkdtemp(prefix="anlan-pg-")
    datadir = os.path.join(workdir, "data")
    port = free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]

    def pg(*args, **kwargs):
        # cwd: the postgres user may not enter the caller's (private) working directory.
        return subprocess.run([*run_as, *args], check=True, cwd=workdir, **kwargs)

    try:
        pg(
            f"{bindir}/initdb",
            "-D",
            datadir,
            "-U",
            "anlan",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            stdout=subprocess.DEVNULL,
        )
        # Durability is irrelevant for a throw-away test server; speed is not.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        pg(
            f"{bindir}/pg_ctl",
            "-D",
            datadir,
            "-o",
            options,
            "-l",
            os.path.join(workdir, "log"),
            "-w",
            "start",
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Connections are not kept between requests, so test databases can be dropped at the end.
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://anlan@127.0.0.1:{port}/postgres",
            "ANLAN_DB_CONN_MAX_AGE": "0",
        }
        print(f"PostgreSQL ({os.path.basename(os.path.dirname(bindir))}) on 127.0.0.1:{port}", file=sys.stderr)
        return subprocess.run(argv, env=env).returncode
    finally:
        subprocess.run(
            [*run_as, f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
