"""Finding 10 — no Content-Security-Policy, and HTTPS could not be configured.

Every response carries a strict CSP (scripts from this site's files only: no inline script, no eval),
frames are refused, and the production settings (ANLAN_HTTPS behind a TLS proxy) pass `check --deploy`.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_forbids_inline_script_and_framing():
    response = Client().get("/accounts/login/")
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_public_pages_carry_the_policy_too():
    response = Client().get("/p/warnings/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_no_template_carries_inline_script_or_event_handlers():
    """The policy would block them in the browser; this finds them before a user does."""
    offenders = []
    for path in (ROOT / "anlan").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


@pytest.mark.django_db
def test_behind_a_tls_proxy_plain_http_is_redirected_and_https_gets_hsts():
    with override_settings(
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31536000,
    ):
        plain = Client().get("/accounts/login/")
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        secure = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert secure.status_code == 200
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# No database fixture, but its `anlan check` process inherits DATABASE_URL: the PostgreSQL settings are
# checked too.
@pytest.mark.postgres
def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "ANLAN_DATA_DIR": str(tmp_path),
        "ANLAN_HTTPS": "1",
        "ANLAN_ALLOWED_HOSTS": "yjj.example.gov.cn",
        "DJANGO_SETTINGS_MODULE": "anlan.settings",
    }
    env.pop("ANLAN_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixture; not a production setting
    result = subprocess.run(
        [sys.executable, "-m", "anlan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_violation_reports_are_accepted_and_bad_ones_refused():
    client = Client()
    report = '{"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}'
    assert client.post("/csp-report/", report, content_type="application/csp-report").status_code == 204
    assert client.post("/csp-report/", "not json", content_type="application/csp-report").status_code == 400
    assert client.get("/csp-report/").status_code == 405
