"""Test setup: the demo county is loaded once per test database, with one persona per role.

Tests that need a real service (PostgreSQL, Chromium …) skip with a message on a laptop that lacks
it, and fail under CI=true, where .ci/run installs it.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from anlan.core.testing.personas import create_personas, demo_tree
from tests.servers import Broker

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from anlan.demo.loader import load_demo

    with django_db_blocker.unblock():
        load_demo(county6="500237", seed=42, with_users=False)
        create_personas(demo_tree())


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
    """Transactional tests start from the session data but flush it afterwards; reload when missing."""
    from anlan.accounts.models import User
    from anlan.core.testing.personas import create_personas, demo_tree
    from anlan.demo.loader import load_demo
    from anlan.geo.models import Region

    if not Region.objects.exists():
        load_demo(county6="500237", seed=42, with_users=False)
    if not User.objects.filter(username="township_officer").exists():
        create_personas(demo_tree())
    return demo_tree()
