"""Finding 13 (issue 12), the one-line items: ANLAN_MAX_UPLOAD_BYTES was defined twice; every 403
wrote a traceback to the log; the data dir and the SQLite database were created world-readable."""

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import anlan
from anlan.core.testing.personas import persona

SETTINGS = Path(anlan.__file__).parent / "settings.py"


def test_finding13_upload_limit_is_defined_once():
    assert SETTINGS.read_text().count("ANLAN_MAX_UPLOAD_BYTES = ") == 1


@pytest.mark.django_db
def test_finding13_a_403_is_logged_as_one_line_without_traceback(client, caplog):
    client.force_login(persona("viewer"))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/registry/person/add/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert "Forbidden" in record.getMessage() and "/registry/person/add/" in record.getMessage()
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_finding13_data_dir_and_database_are_private(tmp_path):
    data = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ANLAN_SECRET_KEY", "ANLAN_FIELD_KEYS")}
    env.update(ANLAN_DATA_DIR=str(data), PYTHONPATH=str(Path(anlan.__file__).parents[1]))
    subprocess.run([sys.executable, "-m", "anlan", "check"], env=env, check=True, capture_output=True, cwd=tmp_path)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700
    assert mode(data / "anlan.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
