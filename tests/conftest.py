"""Test setup: the demo county, with one persona per role, is loaded once per test run and copied into
every process's test database (tests/dbsnapshot.py); transactional tests get it back from that copy.

Tests that need a real service (PostgreSQL, Chromium …) skip with a message on a laptop that lacks
it, and fail under CI=true, where .ci/run installs it.

Which tests run twice (tests/README.md has the long form). `make test` runs the suite on SQLite, then on
PostgreSQL with `-m "not sqlite_only"`: every test runs on SQLite; on PostgreSQL every test that can
behave differently there (it reaches the database through the ORM, raw SQL, locks, COPY, migrations …).
A test is `sqlite_only` when PostgreSQL would run exactly the same thing again:

- it marks itself `@pytest.mark.sqlite_only` (say why in a comment), or its file is listed in
  SQLITE_ONLY below with the reason;
- every `browser` test (Chromium through Playwright): what it adds over the server-side tests of the same
  pages and services is the browser side (scripts, layout, CSP), the same on both databases. A browser
  test that does need PostgreSQL marks itself `@pytest.mark.postgres` as well and runs on both;
- every test that never reaches the database: no `django_db` mark and no database fixture (DB_FIXTURES).
  pytest-django refuses such a test any query, so it runs the same code on both (pure functions, source
  and template checks). One that starts a process inheriting DATABASE_URL, or otherwise depends on which
  database is configured without querying it, marks itself `@pytest.mark.postgres` and runs on both.

Order (for the two xdist workers): tests marked `slow`, or listed in SLOW, start first, then browser tests,
then the rest; with `--maxschedchunk` (Makefile) the workers then take the remaining tests a few at a
time and finish together, instead of one waiting for a long test that started last. The longest slow
test that needs no database goes first of all: its process runs it while the other builds the snapshot.
Mark a new test `@pytest.mark.slow` when it takes more than about 10 s on its own.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from anlan.testing.personas import create_personas, demo_tree
from tests.dbsnapshot import Snapshot, drop_template
from tests.servers import Broker

# Property tests check behaviour, not speed: on a shared 2-core CI machine one example can take 300 ms for
# reasons outside the code (a neighbour's load), which hypothesis's default 200 ms deadline calls a failure.
hypothesis_settings.register_profile("anlan", deadline=None)
hypothesis_settings.load_profile("anlan")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_binary(path_or_name: str, what: str) -> str:
    found = shutil.which(path_or_name) or (path_or_name if os.path.exists(path_or_name) else None)
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{what} is required in CI but {path_or_name} is missing")
    pytest.skip(f"{what} not installed ({path_or_name}); install it to run this test")
    return ""


# Files whose tests PostgreSQL would only repeat (see the module docstring), and why.
SQLITE_ONLY = {
    # Real `anlan worker` processes on their own SQLite file: the test removes DATABASE_URL.
    "tests/notify/test_worker_process.py": "its processes use their own SQLite file whatever the run",
    # `anlan migrate` of an old schema in a separate process, on its own SQLite file (DATABASE_URL removed).
    "tests/notify/test_migration.py": "migrates its own SQLite file whatever the run",
}
SQLITE_ONLY_TESTS = {
    # Every page's links and static files: the addresses in the rendered HTML, the same on both databases
    # (the crawler, on both, opens every page).
    "tests/ui/test_pages.py::test_pages_and_their_static_files_reference_only_this_server",
    # The words on every rendered page and filter form (labels, not codes): templates. The same file's
    # time-zone and JSON (map, command map) checks run on both databases.
    "tests/ui/test_labels.py::test_pages_show_labels_not_codes",
    "tests/ui/test_labels.py::test_list_filters_speak_chinese_whatever_the_browser_language",
    # `anlan check` in a fresh data directory without DATABASE_URL: file modes of the SQLite file it creates.
    "tests/security/test_finding13_small_items.py::test_finding13_data_dir_and_database_are_private",
}

# Tests that take 10 s or more alone, with about how long on the busy 2-core machine (SQLite, 2026-12-03):
# started first, the longest first. A test marked `slow` counts as 10 s.
SLOW = {
    "tests/notify/test_worker_process.py::": 100,
    "tests/notify/test_migration.py::": 90,
    "tests/core/test_schedule_processes.py::": 85,
    "tests/core/test_deployment.py::": 90,
    "tests/core/test_nginx_site.py::": 50,
    "tests/core/test_server_workers.py::test_serve_with_two_workers": 40,
    "tests/core/test_crawler.py::test_no_url_of_the_site_answers_500_for_any_id[county_admin]": 70,
    "tests/demo/test_load_demo.py::test_large_profile_multiplies_village_staff": 65,
    "tests/security/test_finding04_import_locking.py::test_finding04_big_import_runs_in_background": 62,
    "tests/api/test_schema_fuzz.py::test_finding14_published_schema_holds_for_every_get_and_post[negative]": 60,
    "tests/core/test_crawler.py::test_no_url_of_the_site_answers_500_for_any_id": 45,
    "tests/ui/test_pages.py::test_pages_and_their_static_files_reference_only_this_server": 44,
    "tests/api/test_schema_fuzz.py::": 30,
    "tests/ui/test_labels.py::test_pages_show_labels_not_codes": 25,
    "tests/demo/test_load_demo.py::test_any_cnmaps_county_loads_with_generated_tree": 22,
    "tests/ui/test_csp.py::test_main_pages_of_the_county_run_without_a_policy_violation": 17,
    "tests/security/test_finding06_excel_formula_injection.py::test_finding06_registry_export": 14,
    "tests/ui/test_hazard_flow.py::": 13,
    "tests/security/test_finding11_audit.py::test_an_excel_export_is_audited": 11,
    "tests/core/test_navigation.py::test_every_menu_link_opens_for_the_role_that_sees_it": 10,
    "tests/core/test_authorization_matrix.py::test_no_endpoint_leaks_another_townships_objects": 10,
    "tests/core/test_authorization_matrix.py::test_every_api_write_is_refused": 10,
    "tests/bench/test_bench_commands.py::test_bench_ingest_runs_through_the_real_path": 10,
    "tests/core/test_audit.py::test_chain_of_the_loaded_demo_verifies": 10,
}


# The fixtures through which a test reaches the test database (or a database of its own on the same server).
DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "django_db_setup",
    "demo_snapshot",
    "migrated_database",
}


def _reaches_the_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    )


def _is_sqlite_only(item) -> bool:
    path = item.nodeid.split("::", 1)[0]
    if item.get_closest_marker("postgres") is not None:
        return False
    return (
        item.get_closest_marker("sqlite_only") is not None
        or item.get_closest_marker("browser") is not None
        or path in SQLITE_ONLY
        or item.nodeid.split("[", 1)[0] in SQLITE_ONLY_TESTS
        or not _reaches_the_database(item)
    )


def _rank(item) -> tuple[int, int]:
    """Sort key: the slow tests, longest first; then browser tests; then the rest."""
    seconds = next((s for prefix, s in SLOW.items() if item.nodeid.startswith(prefix)), 0)
    if seconds or item.get_closest_marker("slow") is not None:
        return (0, -max(seconds, 10))
    if item.get_closest_marker("browser") is not None:
        return (1, 0)
    return (2, 0)


def pytest_itemcollected(item):
    # Here, before `-m` selects by marker.
    if _is_sqlite_only(item):
        item.add_marker(pytest.mark.sqlite_only)


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering (database tests, then transactional, then the rest)
def pytest_collection_modifyitems(config, items):
    # That ordering is not needed here: every test starts from the demo snapshot, whatever ran before.
    # A stable sort: within a rank, tests keep their order (and their module fixtures stay together).
    items.sort(key=_rank)
    # While one process builds the demo snapshot (~30 s), the other would wait for it: the longest slow
    # test that needs no database goes first, so that the process given it (xdist hands each its first two
    # tests in this order) works meanwhile. On SQLite that is notify/test_migration.py, about as long as
    # the build.
    free = next((i for i, item in enumerate(items) if _rank(item)[0] == 0 and not _reaches_the_database(item)), None)
    if free is not None:
        items.insert(0, items.pop(free))
    # What only PostgreSQL can run is deselected on SQLite (not skipped: under CI=true a skip means "not run").
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
        if len(kept) != len(items):
            config.hook.pytest_deselected(items=[item for item in items if item not in kept])
            items[:] = kept


def pytest_configure(config):
    from django.conf import settings

    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Audit checkpoints describe one database: the test database's must not land in the data dir.
    global SESSION_CHECKPOINTS
    SESSION_CHECKPOINTS = Path(tempfile.mkdtemp(prefix="anlan-test-")) / "audit-checkpoints.log"
    settings.ANLAN_AUDIT_CHECKPOINTS = SESSION_CHECKPOINTS


SESSION_CHECKPOINTS: Path | None = None


@pytest.fixture(autouse=True)
def audit_checkpoints_file(tmp_path, settings):
    """Each test rolls its database back, so each gets its own checkpoint file (core/audit.py), starting
    with what the session's database setup wrote (the chain's switch-over checkpoint)."""
    path = tmp_path / "audit-checkpoints.log"
    if SESSION_CHECKPOINTS is not None and SESSION_CHECKPOINTS.exists():
        shutil.copy(SESSION_CHECKPOINTS, path)
    settings.ANLAN_AUDIT_CHECKPOINTS = path
    return path


@pytest.fixture(autouse=True)
def county_extent_read_afresh():
    """Locations are checked against the loaded counties' extent, cached per process (core.validators).
    Each test starts from the snapshot's regions: a county another test loaded, then rolled back, must not
    linger in the cache."""
    from anlan.core.validators import forget_county_extent

    forget_county_extent()


@pytest.fixture(autouse=True)
def built_layers_forgotten():
    """Each process keeps the 一张图 layers it built, keyed by a version that only moves forward
    (geo.layers.built_collection), and derived values (core.kept) likewise; a test's rollback moves the version
    back, so each test starts with none kept."""
    from anlan.core.kept import forget_kept
    from anlan.geo.layers import forget_built_layers

    forget_built_layers()
    forget_kept()


@pytest.fixture(autouse=True)
def language_not_inherited():
    """LocaleMiddleware activates a request's language in the worker's thread and nothing deactivates it: a test
    after one that sent Accept-Language: en would otherwise read lazy messages in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def load_demo_county():
    from anlan.demo.loader import load_demo

    # The test county leaves out the enforcement demo (issue 17) until the other directories' tests that assume
    # a county without officers, draws or inspections are made independent of it: tests/enforcement passes with
    # with_enforcement=True (each test builds what it asserts on, or compares with counts taken before it acts).
    load_demo(county6="500237", seed=42, with_users=False, with_enforcement=False)
    create_personas(demo_tree())


def run_dir(config) -> Path:
    """The temporary directory of this run: shared by its xdist workers (each has a subdirectory)."""
    basetemp = config._tmp_path_factory.getbasetemp()
    return basetemp.parent if hasattr(config, "workerinput") else basetemp


@pytest.fixture(scope="session")
def demo_snapshot(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """This process's test database, a copy of the run's demo county (built by the first process).

    Where Django would flush every table after a transactional test, the snapshot is restored instead
    (faster than the flush on both backends), so every test starts from the demo county."""
    from django.test import TransactionTestCase

    shared_checkpoints = run_dir(request.config) / "audit-checkpoints.log"

    def build():
        load_demo_county()
        # The builder's checkpoints describe the snapshot: every process starts from them (below).
        if SESSION_CHECKPOINTS is not None and SESSION_CHECKPOINTS.exists():
            shutil.copy(SESSION_CHECKPOINTS, shared_checkpoints)

    with django_db_blocker.unblock():
        snapshot = Snapshot.for_connection(run_dir(request.config), verbosity=request.config.option.verbose)
        snapshot.setup(build)
    if shared_checkpoints.exists() and SESSION_CHECKPOINTS is not None:
        shutil.copy(shared_checkpoints, SESSION_CHECKPOINTS)
    patch = pytest.MonkeyPatch()
    patch.setattr(TransactionTestCase, "_fixture_teardown", lambda test_case: snapshot.restore())
    yield snapshot
    patch.undo()
    with django_db_blocker.unblock():
        snapshot.teardown()


@pytest.fixture
def migrated_database(demo_snapshot, django_db_blocker):
    """For tests that start real `anlan` processes on a database of their own: the snapshot, whose
    `migrated_copy_to_file(path)` (SQLite) or `migrated_copy_to_database(name)` (PostgreSQL) gives a
    database as `anlan migrate` leaves a new one, without migrating again (tests/dbsnapshot.py).
    Database access is allowed for the test (the PostgreSQL copy is made through Django's connection);
    the test database itself is not the test's to use."""
    with django_db_blocker.unblock():
        yield demo_snapshot


@pytest.fixture(scope="session")
def django_db_setup(demo_snapshot):
    """Replaces pytest-django's: the test database is the demo snapshot's copy, migrated and loaded."""
    return demo_snapshot


def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput"):
        return  # the process that started the run drops the template, once every worker is done
    from pytest_django.plugin import blocking_manager_key

    with session.config.stash[blocking_manager_key].unblock():
        drop_template(run_dir(session.config))


@pytest.fixture
def tree(db):
    return demo_tree()


@pytest.fixture
def broker(tmp_path):
    """A real mosquitto broker per test: Debian's binary, a temporary directory, a free loopback port."""
    binary = require_binary("/usr/sbin/mosquitto", "mosquitto (Debian package mosquitto)")
    b = Broker(binary, tmp_path)
    b.start()
    yield b
    b.stop()


@pytest.fixture
def demo_data(transactional_db):
    """A transactional test on the demo county with its personas (every test starts from it: see
    demo_snapshot); returns the tree the personas sit in."""
    return demo_tree()
