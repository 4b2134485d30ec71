"""The shipped nginx site (deploy/nginx/anlan.conf) in front of `anlan serve --workers 2`, with real nginx
(Debian's binary) on loopback ports and a self-signed certificate: plain HTTP is redirected, pages come over
TLS with the application's security headers, static files are nginx's, and an upload is sent by nginx only
after the application checked it (X-Accel-Redirect), with the upload's own security headers; the internal
location cannot be reached from outside.

Only the listen ports, the upstream port, the certificate and the two directories are rewritten for the test.
"""

import datetime
import getpass
import http.client
import re
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import require_binary
from tests.core.test_schedule_processes import Database, wait_until
from tests.servers import free_port

# sqlite_only: what this checks is the nginx site (TLS, redirects, static, X-Accel-Redirect and its headers);
# the database only holds the one material. tests/core/test_deployment.py runs the same site in front of the
# same server on PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def site_config(*, http_port, https_port, app_port, cert, key, uploads: Path) -> str:
    site = (ROOT / "deploy" / "nginx" / "anlan.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/ssl/anlan/fullchain.pem", str(cert)),
        ("/etc/ssl/anlan/privkey.pem", str(key)),
        ("/opt/anlan/staticfiles/", f"{ROOT / 'staticfiles'}/"),
        ("/var/lib/anlan/uploads/", f"{uploads}/"),
    ]
    for old, new in replacements:
        assert old in site, old  # the shipped file still has what the test rewrites
        site = site.replace(old, new)
    return re.sub(r"\n\s*listen \[::\]:\d+( ssl http2)?;", "", site)  # loopback only


def nginx_config(directory: Path, site: str) -> Path:
    for sub in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir()
    config = directory / "nginx.conf"
    config.write_text(
        f"user {getpass.getuser()};\nworker_processes 1;\npid {directory}/nginx.pid;\n"
        f"error_log {directory}/error.log;\nevents {{ worker_connections 64; }}\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {directory}/access.log;\n"
        f"  client_body_temp_path {directory}/client;\n  proxy_temp_path {directory}/proxy;\n"
        f"  fastcgi_temp_path {directory}/fastcgi;\n  uwsgi_temp_path {directory}/uwsgi;\n"
        f"  scgi_temp_path {directory}/scgi;\n{site}\n}}\n"
    )
    return config


def nginx_site(tmp_path: Path, *, app_port: int, uploads: Path) -> tuple[Path, int, int]:
    """The shipped site with a self-signed certificate on two free loopback ports, in front of `app_port`:
    (nginx.conf, http port, https port)."""
    http_port, https_port = free_port(), free_port()
    cert, key = self_signed(tmp_path)
    (tmp_path / "nginx").mkdir()
    site = site_config(
        http_port=http_port, https_port=https_port, app_port=app_port, cert=cert, key=key, uploads=uploads
    )
    return nginx_config(tmp_path / "nginx", site), http_port, https_port


def tls_connection(port: int, timeout: float = 20) -> http.client.HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate, on loopback
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)


def request(port: int, path: str, *, tls: bool = True) -> http.client.HTTPResponse:
    connection = tls_connection(port) if tls else http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def through_nginx(port: int) -> bool:
    """The application answers through nginx (directly it only redirects to https: ANLAN_HTTPS=1)."""
    try:
        return request(port, "/accounts/login/").status == 200
    except OSError:
        return False


MAKE_MATERIAL = """
from django.core.files.base import ContentFile
from anlan.geo.models import Region
from anlan.training.models import Material
county = Region.objects.create(code="500237000000", name="巫山县", level="county")
material = Material(title="防汛避险手册", kind="document", topic="flood", is_public=True, region=county,
                    file_name="防汛避险手册.pdf")
material.file.save("manual.pdf", ContentFile({pdf!r}), save=False)
material.save()
print(material.pk)
"""


def test_nginx_site_serves_tls_static_and_checked_uploads(tmp_path, migrated_database):
    nginx = require_binary(shutil.which("nginx") or "/usr/sbin/nginx", "nginx")
    database = Database(tmp_path, migrated_database)
    data_dir = Path(database.env(0)["ANLAN_DATA_DIR"])
    app_port = free_port()
    env = {
        **database.env(0),
        "ANLAN_HTTPS": "1",
        "ANLAN_TRUSTED_PROXIES": "127.0.0.1",
        "ANLAN_UPLOADS_ACCEL_PREFIX": "/_protected_uploads/",
        "ANLAN_EMBEDDED_WORKER": "false",
        "ANLAN_DB_CONN_MAX_AGE": "0",
    }
    config, http_port, https_port = nginx_site(tmp_path, app_port=app_port, uploads=data_dir / "uploads")
    processes: list[subprocess.Popen] = []
    try:
        anlan = [sys.executable, "-m", "anlan"]
        assert subprocess.run([*anlan, "migrate", "-v0"], env=env, timeout=300).returncode == 0
        made = subprocess.run(
            [*anlan, "shell", "-c", MAKE_MATERIAL.format(pdf=PDF)], env=env, capture_output=True, text=True, timeout=120
        )
        assert made.returncode == 0, made.stderr
        material = int(made.stdout.strip().splitlines()[-1])
        log = open(tmp_path / "serve.log", "w")  # noqa: SIM115  (closed below)
        processes.append(
            subprocess.Popen(
                [*anlan, "serve", "--workers", "2", "--port", str(app_port)], env=env, stdout=log, stderr=log
            )
        )
        checked = subprocess.run([nginx, "-t", "-c", str(config)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        processes.append(subprocess.Popen([nginx, "-c", str(config), "-g", "daemon off;"]))
        wait_until(lambda: through_nginx(https_port), 120, "anlan serve --workers 2 behind nginx")

        plain = request(http_port, "/accounts/login/", tls=False)
        assert plain.status == 301 and plain.getheader("Location").startswith("https://")

        login = request(https_port, "/accounts/login/")
        assert login.status == 200
        assert "max-age=" in login.getheader("Strict-Transport-Security")  # Django saw https via the proxy
        assert "Secure" in login.getheader("Set-Cookie")  # the CSRF cookie only travels over TLS
        assert login.getheader("Content-Security-Policy")

        static = request(https_port, "/static/anlan/app.css")
        assert static.status == 200 and static.getheader("Cache-Control") == "max-age=3600"  # nginx's own

        upload = request(https_port, f"/p/kepu/{material}/file/")
        assert upload.status == 200
        assert upload.body == PDF  # sent by nginx from the uploads directory
        assert upload.getheader("Content-Type") == "application/pdf"
        assert "inline" in upload.getheader("Content-Disposition")
        assert upload.getheader("X-Content-Type-Options") == "nosniff"
        assert upload.getheader("Content-Security-Policy") == (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"  # core.uploads: PDFs without sandbox
        )
        assert upload.getheader("Cache-Control") == "private, no-store"
        assert upload.getheader("X-Accel-Redirect") is None  # nginx consumed it

        stored = next((data_dir / "uploads").rglob("*.pdf")).relative_to(data_dir / "uploads")
        assert request(https_port, f"/_protected_uploads/{stored}").status == 404  # internal only
        assert request(https_port, f"/p/kepu/{material + 1}/file/").status == 404  # the application's check
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        database.drop()
