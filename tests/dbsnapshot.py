"""The demo county, loaded once per test session and restored without reloading.

One process of the run builds the snapshot (migrations, demo county, personas) while holding a file
lock in the run's temporary directory, which every xdist worker of the run shares; the others wait for
it and copy it. `restore()` copies it back (tests/conftest.py calls it after every transactional test,
where Django would flush the tables):

- PostgreSQL: the snapshot is a database used as a TEMPLATE (`test_demo_snapshot_<random>`). A
  process's test database (`test_<name>`, `test_<name>_gw0` …) is `CREATE DATABASE … TEMPLATE` of it;
  restoring drops and creates it again. Nobody connects to the template after it is built (PostgreSQL refuses to copy a
  database in use). `drop_template()` removes it when the run ends.
- SQLite: tests run in an in-memory database (Django's default for a test database). The snapshot is a
  file written with SQLite's backup API; installing and restoring back it up into the in-memory database.

The builder also keeps the database as it stood migrated and empty, before the demo county (SQLite: a file;
PostgreSQL: a second template, `test_migrated_<random>`): the tests that start real `anlan` processes on a
database of their own copy it (`migrated_copy_to_file`, `migrated_copy_to_database`) rather than running
`anlan migrate` each (about 25 s of CPU on the 2-core machine; the migrations themselves are run by every
build, and tests/notify/test_migration.py migrates an old schema).

Restoring also clears the per-process caches built from database rows: after a restore, ids and
revisions are handed out again from the snapshot's values, so a cache keyed on them could otherwise
serve rows a previous test created.
"""

import fcntl
import json
import os
import sqlite3
import time
import uuid
import weakref
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created

MARKER = "demo-snapshot.json"
LOCK = "demo-snapshot.lock"

# Every connection object opened in this process. Django keeps one per thread *and context*: Playwright's
# sync API runs browser tests in a context of their own, so the test thread may hold two open connections
# to the test database, and closing `connections[alias]` closes only the current context's.
_opened: "weakref.WeakSet" = weakref.WeakSet()


def _remember(sender, connection, **kwargs):
    _opened.add(connection)


connection_created.connect(_remember, dispatch_uid="tests.dbsnapshot")


def _close_connections(alias: str) -> None:
    """Close this thread's connections to the database (other threads' are refused by Django; PostgreSQL
    ends them on DROP … FORCE, and the live server closes its own after each request anyway)."""
    for wrapper in list(_opened):
        if wrapper.alias == alias:
            with suppress(DatabaseError):  # another thread's
                wrapper.close()


@contextmanager
def _exclusive(path: Path):
    """A lock held across processes (xdist workers) for the duration of the block."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clear_process_caches() -> None:
    """Forget what this process (test thread and live server threads alike) derived from rows."""
    from anlan.geo import spatial
    from anlan.monitoring import services as monitoring_services
    from anlan.monitoring import window_cache
    from anlan.resources import nearest

    window_cache.clear()
    monitoring_services.clear_rule_cache()
    spatial.clear_cache()
    nearest.clear_cache()


class Snapshot:
    """This process's test database, installed from (and restorable to) the run's demo snapshot."""

    def __init__(self, shared_dir: Path, alias: str = DEFAULT_DB_ALIAS, verbosity: int = 0):
        self.shared_dir = shared_dir
        self.alias = alias
        self.verbosity = verbosity
        self.original_name = self.connection.settings_dict["NAME"]

    @property
    def connection(self):
        # Looked up each time: which object `connections[alias]` is depends on the context (see _opened).
        return connections[self.alias]

    @staticmethod
    def for_connection(shared_dir: Path, alias: str = DEFAULT_DB_ALIAS, verbosity: int = 0) -> "Snapshot":
        vendor = connections[alias].vendor
        kinds = {"postgresql": PostgresSnapshot, "sqlite": SqliteSnapshot}
        if vendor not in kinds:
            raise RuntimeError(f"no demo snapshot for the {vendor} backend")
        return kinds[vendor](shared_dir, alias, verbosity)

    def setup(self, load: Callable[[], None]) -> None:
        """Build the snapshot if no process of this run has yet (running `load` on a migrated, empty
        test database), then make this process's test database a copy of it."""
        marker = self.shared_dir / MARKER
        with _exclusive(self.shared_dir / LOCK):
            if marker.exists():
                self.describe(json.loads(marker.read_text()))
                built_here = False
            else:
                self.build(load)
                marker.write_text(json.dumps(self.description()))
                built_here = True
        if not built_here:
            self.install()
        clear_process_caches()

    def restore(self) -> None:
        """Bring the test database back to the snapshot, whatever tests did to it."""
        self.install()
        clear_process_caches()

    def _use(self, name: str) -> None:
        # Django keeps settings.DATABASES[alias] and the connection's settings_dict as the same dict,
        # but the test runner sets both; do likewise.
        settings.DATABASES[self.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name

    # Per backend:
    def description(self) -> dict: ...
    def describe(self, description: dict) -> None: ...
    def build(self, load: Callable[[], None]) -> None: ...
    def install(self) -> None: ...
    def teardown(self) -> None: ...


class SqliteSnapshot(Snapshot):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = self.shared_dir / "demo-snapshot.sqlite3"
        self.migrated_path = self.shared_dir / "migrated.sqlite3"

    def description(self) -> dict:
        return {"vendor": "sqlite", "path": str(self.path), "migrated": str(self.migrated_path)}

    def describe(self, description: dict) -> None:
        self.path = Path(description["path"])
        self.migrated_path = Path(description["migrated"])

    def build(self, load: Callable[[], None]) -> None:
        self.connection.creation.create_test_db(verbosity=self.verbosity, autoclobber=True, serialize=False)
        self._backup_to(self.migrated_path)
        load()
        self._backup_to(self.path)

    def _backup_to(self, path: Path) -> None:
        target = sqlite3.connect(path)
        try:
            self.connection.ensure_connection()
            self.connection.connection.backup(target)
        finally:
            target.close()

    def migrated_copy_to_file(self, path: Path) -> None:
        """A SQLite file at `path` as `anlan migrate` leaves a new one: every migration applied, no rows but
        the migrations' own, private (0600, as settings.py creates it) and in WAL mode (settings.py's
        init_command: the backup of the in-memory database carries the rollback-journal mode)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        source = sqlite3.connect(f"file:{self.migrated_path}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
            source.close()

    def install(self) -> None:
        test_name = self.connection.creation._get_test_db_name()
        if self.connection.settings_dict["NAME"] != test_name:
            self.connection.close()
            self._use(test_name)
        self.connection.ensure_connection()
        if self.connection.in_atomic_block:
            raise RuntimeError("cannot restore the demo snapshot inside a transaction")
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            self._backup_when_free(source)
        finally:
            source.close()

    def _backup_when_free(self, source) -> None:
        """Copy the snapshot over the test database, waiting out a live-server request still reading it.

        A browser test's page may have asked for something (the command map polls its situation) just
        before the test ended; closing the page does not stop the server thread answering it, and while
        that thread reads the shared in-memory database the copy fails with "database table is locked".
        Such a request takes milliseconds, so retry for a while rather than fail the next test."""
        deadline = time.monotonic() + 30
        while True:
            try:
                source.backup(self.connection.connection)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def teardown(self) -> None:
        # The in-memory database goes with the process; the file with the run's temporary directory.
        self.connection.close()
        self._use(self.original_name)


class PostgresSnapshot(Snapshot):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.test_name = self.connection.creation._get_test_db_name()
        self.template = ""
        self.migrated = ""

    def description(self) -> dict:
        return {"vendor": "postgresql", "template": self.template, "migrated": self.migrated}

    def describe(self, description: dict) -> None:
        self.template = description["template"]
        self.migrated = description["migrated"]

    def build(self, load: Callable[[], None]) -> None:
        # Unique per run, so that two runs against one server never share or drop each other's template.
        run = uuid.uuid4().hex[:8]
        self.template = f"test_demo_snapshot_{run}"
        self.migrated = f"test_migrated_{run}"
        test_settings = self.connection.settings_dict.setdefault("TEST", {})
        test_name = test_settings.get("NAME")
        test_settings["NAME"] = self.template
        try:
            self.connection.creation.create_test_db(verbosity=self.verbosity, autoclobber=True, serialize=False)
        finally:
            test_settings["NAME"] = test_name
        self._copy_database(self.template, self.migrated)  # (closes this process's connections to it first)
        load()
        self.install()

    def _quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def _copy_database(self, template: str, name: str) -> None:
        _close_connections(self.alias)
        with self.connection._nodb_cursor() as cursor:
            # FORCE: a thread of a finished test (a live server request, a subscriber) may still hold a
            # connection to the old copy.
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)")
            # FILE_COPY (the only way before PostgreSQL 15) copies the files: about twice as fast here as
            # 15's default of writing every page to the WAL.
            strategy = " STRATEGY FILE_COPY" if cursor.db.pg_version >= 150000 else ""
            cursor.execute(f"CREATE DATABASE {self._quote(name)} TEMPLATE {self._quote(template)}{strategy}")

    def install(self) -> None:
        _close_connections(self.alias)
        self._use(self.test_name)
        self._copy_database(self.template, self.test_name)

    def migrated_copy_to_database(self, name: str) -> None:
        """A new database `name` on this server as `anlan migrate` leaves a new one (every migration
        applied, no rows but the migrations' own); the caller drops it."""
        with self.connection._nodb_cursor() as cursor:
            strategy = " STRATEGY FILE_COPY" if cursor.db.pg_version >= 150000 else ""
            cursor.execute(f"CREATE DATABASE {self._quote(name)} TEMPLATE {self._quote(self.migrated)}{strategy}")

    def teardown(self) -> None:
        _close_connections(self.alias)
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote(self.test_name)} WITH (FORCE)")
        self._use(self.original_name)


def drop_template(shared_dir: Path) -> None:
    """Drop the run's PostgreSQL template, if one was built (by the process that started the run, once
    every worker has finished)."""
    marker = shared_dir / MARKER
    if not marker.exists():
        return
    description = json.loads(marker.read_text())
    marker.unlink()
    if description.get("vendor") != "postgresql":
        return
    connection = connections[DEFAULT_DB_ALIAS]
    with connection._nodb_cursor() as cursor:
        for key in ("template", "migrated"):
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(description[key])} WITH (FORCE)")
