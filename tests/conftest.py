"""Test setup: the demo county is loaded once per test database, with one persona per role.

Tests that need a real service (PostgreSQL, Chromium …) skip with a message on a laptop that lacks
it, and fail under CI=true, where .ci/run installs it.
"""

import os
import shutil

import pytest

from anlan.core.testing.personas import create_personas, demo_tree

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from anlan.demo.loader import load_demo

    with django_db_blocker.unblock():
        load_demo(county6="500237", seed=42, with_users=False)
        create_personas(demo_tree())


@pytest.fixture
def tree(db):
    return demo_tree()
