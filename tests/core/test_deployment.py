"""The deployment of deploy/, running: nginx (the shipped site) in front of `anlan serve --workers 2`, the
worker and scheduler units (`anlan worker --only …`) and the MQTT subscriber, on PostgreSQL + Redis +
mosquitto — Debian's binaries on loopback ports. The main flow goes through it:

    a river gauge's reading over MQTT → an alarm → a red warning drafted and issued over the API (through
    nginx, with a token) → SMS to every resident and responsible person through the test gateway → the
    village head acknowledges (叫应) from the link in the SMS, through nginx.

Mid-flow the gateway SIGKILLs the worker while a batch is in flight (accepted, not yet answered) and the test
SIGKILLs one web process; the worker is started again (systemd's Restart=always), gunicorn replaces its
process. At the end: every recipient has exactly one message at the gateway (the killed batch is sent again
after its lease and the gateway drops the repeats by message id, as real gateways do — counted, and never more
than that batch), nothing is left queued, and the acknowledgement is recorded.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
import pytest

from tests.conftest import require_binary
from tests.core.test_nginx_site import nginx_site, request, tls_connection
from tests.core.test_schedule_processes import Database, wait_until
from tests.servers import Broker, JsonServer, free_port

pytestmark = pytest.mark.postgres_only

RESIDENTS = 300

SETUP = """
from anlan.accounts.models import User
from anlan.accounts.services import token_create
from anlan.alerts.models import Resident
from anlan.geo.models import Region
from anlan.monitoring.models import Rule, Sensor
from anlan.registry.models import Person

county = Region.objects.create(code="500237000000", name="巫山县", level="county")
town = Region.objects.create(code="500237100000", name="巫峡镇", level="township", parent=county)
village = Region.objects.create(code="500237100001", name="早阳村", level="village", parent=town)
Resident.objects.bulk_create(
    [Resident(name=f"居民{{i}}", region=village, phone=f"139{{i:08d}}") for i in range({n})]
)
head = Person.objects.create(name="王村长", region=village, phone="13800000001", position="村主任")
sensor = Sensor.objects.create(code="WL-DEPLOY-1", name="早阳村河道水位站", kind="water_level", region=village,
                               lon=109.88, lat=31.07)
Rule.objects.create(sensor=sensor, kind="threshold", yellow=5.0, red=8.0)
officer = User.objects.create(username="officer", role="county_operator", region=county)
print("TOKEN", token_create(actor="部署测试", user=officer, name="部署测试", days=1))
print("HEAD", head.phone)
"""


class KillingGateway(JsonServer):
    """An SMS gateway that drops repeats by message id (counting them) and, on its second batch, records the
    messages and then SIGKILLs the worker that sent them before answering."""

    def __init__(self):
        self.accepted: dict[str, dict] = {}
        self.repeats = 0
        self.batches = 0
        self.victim: subprocess.Popen | None = None
        self.killed_batch = 0
        self.lock = threading.Lock()
        super().__init__(self.answer)

    def answer(self, path, body):
        with self.lock:
            self.batches += 1
            for message in body["messages"]:
                if message["id"] in self.accepted:
                    self.repeats += 1
                self.accepted[message["id"]] = message
            if self.batches == 2 and self.victim is not None:
                self.killed_batch = len(body["messages"])
                self.victim.send_signal(signal.SIGKILL)
                self.victim.wait(10)
        return 200, {"results": [{"id": m["id"], "ok": True} for m in body["messages"]]}


def api(port: int, token: str, method: str, path: str, body: dict | None = None):
    import json

    connection = tls_connection(port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def form_post(port: int, path: str) -> tuple[int, str]:
    """POST the 叫应 page's form as a phone would: GET for the CSRF cookie and token, then POST."""
    import re

    connection = tls_connection(port, timeout=60)
    connection.request("GET", path)
    page = connection.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    connection.request(
        "POST",
        path,
        body=f"csrfmiddlewaretoken={token}",
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{port}{path}",
            "Origin": f"https://127.0.0.1:{port}",
        },
    )
    done = connection.getresponse()
    text = done.read().decode()
    connection.close()
    return done.status, text


def test_main_flow_through_the_deployment_survives_a_killed_worker_and_web_process(tmp_path, migrated_database):
    nginx = require_binary("/usr/sbin/nginx", "nginx (Debian package nginx)")
    redis = require_binary("/usr/bin/redis-server", "redis (Debian package redis-server)")
    mosquitto = require_binary("/usr/sbin/mosquitto", "mosquitto (Debian package mosquitto)")
    database = Database(tmp_path, migrated_database)
    broker = Broker(mosquitto, tmp_path)
    gateway = KillingGateway()
    app_port, redis_port = free_port(), free_port()
    data_dir = Path(database.env(0)["ANLAN_DATA_DIR"])
    config, _, https_port = nginx_site(tmp_path, app_port=app_port, uploads=data_dir / "uploads")
    env = {
        **database.env(0),
        "ANLAN_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "ANLAN_MQTT_URL": broker.url,
        "ANLAN_SMS_URL": gateway.base + "/sms",
        "ANLAN_HTTPS": "1",
        "ANLAN_TRUSTED_PROXIES": "127.0.0.1",
        "ANLAN_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
        "ANLAN_PUBLIC_URL": f"https://127.0.0.1:{https_port}",
        "ANLAN_UPLOADS_ACCEL_PREFIX": "/_protected_uploads/",
        "ANLAN_EMBEDDED_WORKER": "false",
        "ANLAN_DB_CONN_MAX_AGE": "0",
        "ANLAN_OUTBOX_LEASE_SECONDS": "5",
        "PYTHONUNBUFFERED": "1",
    }
    processes: dict[str, subprocess.Popen] = {}
    logs = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "a")  # noqa: SIM115  (closed below)
        logs.append(log)
        process = subprocess.Popen([sys.executable, "-m", "anlan", *args], env=env, stdout=log, stderr=log)
        processes[name] = process
        return process

    try:
        processes["redis"] = subprocess.Popen(
            [redis, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        broker.start()
        assert subprocess.run([sys.executable, "-m", "anlan", "migrate", "-v0"], env=env, timeout=300).returncode == 0
        made = subprocess.run(
            [sys.executable, "-m", "anlan", "shell", "-c", SETUP.format(n=RESIDENTS)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        lines = dict(line.split(" ", 1) for line in made.stdout.splitlines() if " " in line)
        token, head_phone = lines["TOKEN"], lines["HEAD"]

        start("web", "serve", "--workers", "2", "--port", str(app_port))
        gateway.victim = start("worker", "worker", "--only", "outbox,imports")
        start("scheduler", "worker", "--only", "scheduler")
        start("mqtt", "mqtt-subscribe")
        processes["nginx"] = subprocess.Popen([nginx, "-c", str(config), "-g", "daemon off;"])
        wait_until(lambda: _answers(https_port), 120, "the site through nginx")

        # A river gauge crosses its red threshold: the reading arrives over MQTT, the alarm opens.
        publisher = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="gauge-1")
        publisher.connect("127.0.0.1", broker.port)
        publisher.loop_start()

        # The subscriber may not have subscribed yet (its first session: the broker keeps nothing for it before
        # that), so the gauge reports every 2 s, as a gauge does, until the alarm is open.
        def reported_and_alarmed() -> bool:
            publisher.publish(
                "anlan/readings/WL-DEPLOY-1", f'{{"ts": "{_now_iso()}", "value": 9.2}}', qos=1
            ).wait_for_publish(10)
            time.sleep(2)
            return _alarms_open(https_port, token) > 0

        wait_until(reported_and_alarmed, 120, "the alarm from the MQTT reading")

        # The county issues a red warning for the village over the API, through nginx.
        status, draft = api(
            https_port,
            token,
            "POST",
            "/api/v1/warnings/",
            {
                "event": "山洪",
                "category": "Met",
                "level": "red",
                "urgency": "Immediate",
                "severity": "Extreme",
                "certainty": "Likely",
                "headline": "早阳村山洪红色预警",
                "description": "河道水位9.2米，超过红色阈值",
                "instruction": "立即转移",
                "regions": ["500237100001"],
                "expires": _in_hours_iso(6),
            },
        )
        assert status == 201, draft
        status, issued = api(https_port, token, "POST", f"/api/v1/warnings/{draft['id']}/issue")
        assert status == 200 and issued == {"status": "issued"}

        # Mid-flow: the gateway kills the worker on its second batch; one web process is killed too.
        wait_until(lambda: processes["worker"].poll() is not None, 120, "the worker to be killed mid-batch")
        web_children = _children(processes["web"].pid)
        os.kill(web_children[0], signal.SIGKILL)
        start("worker", "worker", "--only", "outbox,imports")  # systemd's Restart=always

        expected = RESIDENTS + 1  # every resident and the village head
        wait_until(lambda: _phones(gateway) >= expected, 180, "every SMS at the gateway")
        wait_until(lambda: _queued(database) == 0, 120, "the outbox to empty")
        # The killed batch came again after its lease (the worker died before recording it): the gateway
        # dropped those repeats by message id, so each person got one SMS — none lost, none twice.
        assert 0 < gateway.repeats <= gateway.killed_batch
        assert _phones(gateway) == expected
        assert len(gateway.accepted) == expected

        # 叫应: the village head opens the link in the SMS on the phone and confirms, through nginx.
        text = next(m["text"] for m in gateway.accepted.values() if m["to"] == head_phone)
        link = text[text.index(f"https://127.0.0.1:{https_port}/") :].split()[0]
        status, page = form_post(https_port, link.removeprefix(f"https://127.0.0.1:{https_port}"))
        assert status == 200 and "已确认收到" in page
        status, summary = api(https_port, token, "GET", f"/api/v1/warnings/{draft['id']}/delivery-summary")
        assert status == 200 and summary["acknowledged"] == 1 and summary["failed"] == 0
        assert len(_children(processes["web"].pid)) == 2  # gunicorn replaced the killed web process
    finally:
        publisher_ = locals().get("publisher")
        if publisher_ is not None:
            publisher_.loop_stop()
            publisher_.disconnect()
        for process in reversed(list(processes.values())):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        broker.stop()
        gateway.server.shutdown()
        for log in logs:
            log.close()
        database.drop()


def _now_iso() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat()


def _in_hours_iso(hours: int) -> str:
    import datetime as dt

    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def _answers(port: int) -> bool:
    try:
        return request(port, "/accounts/login/").status == 200
    except OSError:
        return False


def _alarms_open(port: int, token: str) -> int:
    status, page = api(port, token, "GET", "/api/v1/monitoring/alarms/?sensor=WL-DEPLOY-1&status=open")
    return page["count"] if status == 200 else 0


def _phones(gateway: KillingGateway) -> int:
    with gateway.lock:
        return len({m["to"] for m in gateway.accepted.values()})


def _queued(database: Database) -> int:
    with psycopg.connect(database.process_url) as connection:
        row = connection.execute("SELECT count(*) FROM notify_delivery WHERE status IN ('queued', 'sending')")
        return row.fetchone()[0]


def _children(pid: int) -> list[int]:
    from tests.core.test_server_workers import children

    return [child for child, cmd in children(pid).items() if "worker --all" not in cmd]
