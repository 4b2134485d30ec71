"""Test setup: the demo county, with one persona per role, is loaded once per test run and copied into
every process's test database (tests/dbsnapshot.py); transactional tests get it back from that copy.

Tests that need a real service (PostgreSQL, Chromium …) skip with a message on a laptop that lacks
it, and fail under CI=true, where .ci/run installs it.
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


def load_demo_county():
    from anlan.demo.loader import load_demo

    load_demo(county6="500237", seed=42, with_users=False)
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
