"""The outbox: real HTTP delivery to a local SMS gateway, retries with backoff, in-app messages, and a
worker that dies mid-fan-out without losing or duplicating a delivery."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from anlan.alerts import services
from anlan.alerts.models import Resident
from anlan.alerts.services import deliveries
from anlan.inbox.models import Notification
from anlan.notify import outbox
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning


class Gateway:
    """A local SMS gateway on a free loopback port: records messages by id (dropping repeats, as real
    gateways do with a client message id) and can be told to fail."""

    def __init__(self):
        self.received: dict[str, dict] = {}
        self.repeats = 0
        self.fail = False
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                results = []
                for m in data["messages"]:
                    if m["id"] in gateway.received:
                        gateway.repeats += 1
                    gateway.received.setdefault(m["id"], m)
                    results.append({"id": m["id"], "ok": True})
                body = json.dumps({"results": results}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway(settings):
    g = Gateway()
    settings.ANLAN_SMS_URL = g.url
    yield g
    g.server.shutdown()


@pytest.fixture
def issued(tree):
    Resident.objects.bulk_create(
        [Resident(name=f"居民{i}", region=tree.village, phone=f"139{i:08d}") for i in range(40)]
    )
    return issue_warning(tree, regions=[tree.village])


@pytest.mark.django_db
def test_sms_reaches_the_gateway_once_each_and_in_app_lands_in_the_inbox(gateway, issued):
    sms = deliveries(issued).filter(channel="sms")
    while outbox.process(limit=25)["claimed"]:
        pass
    assert len(gateway.received) == sms.count() and gateway.repeats == 0
    assert set(sms.values_list("status", flat=True)) <= {"sent", "failed"}
    assert not sms.filter(status="failed").exclude(last_error="无联系方式").exists()
    assert "立即向高处转移" in next(iter(gateway.received.values()))["text"]
    summary = services.summary(issued)
    assert summary["sent"] == deliveries(issued).filter(status="sent").count() > 40
    user_deliveries = deliveries(issued).filter(channel="inapp")
    assert user_deliveries.exists() and not user_deliveries.exclude(status="sent").exists()
    assert Notification.objects.filter(recipient=persona("village_grid_worker"), category="warning").count() == 1


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_backoff_then_given_up(gateway, issued, settings):
    settings.ANLAN_OUTBOX_MAX_ATTEMPTS = 3
    gateway.fail = True
    now = timezone.now()
    outbox.process(limit=5000, now=now)
    waiting = deliveries(issued).filter(channel="sms", status="queued")
    assert waiting.exists() and "短信网关不可用" in waiting.first().last_error
    assert outbox.process(limit=5000, now=now)["claimed"] == 0  # not due before the backoff
    outbox.process(limit=5000, now=now + dt.timedelta(seconds=31))
    outbox.process(limit=5000, now=now + dt.timedelta(seconds=200))
    assert not deliveries(issued).filter(channel="sms", status="queued").exists()
    assert deliveries(issued).filter(channel="sms", status="failed", attempts=3).exists()


@pytest.mark.django_db
def test_a_worker_that_dies_mid_fan_out_loses_and_duplicates_nothing(gateway, issued, settings, monkeypatch):
    settings.ANLAN_OUTBOX_LEASE_SECONDS = 60
    sms = deliveries(issued).filter(channel="sms")

    def die(*args, **kwargs):  # the worker is killed after the gateway accepted, before it recorded anything
        raise SystemExit("killed")

    monkeypatch.setattr(outbox, "_record", die)
    now = timezone.now()
    with pytest.raises(SystemExit):
        outbox.process(limit=30, now=now)
    monkeypatch.undo()
    assert sms.filter(status="sending").count() == 30  # up to the limit on each channel
    leased = set(deliveries(issued).filter(status="sending").values_list("pk", flat=True))
    outbox.process(limit=5000, now=now + dt.timedelta(seconds=10))  # still leased: others go, those wait
    assert set(deliveries(issued).filter(status="sending").values_list("pk", flat=True)) == leased
    later = now + dt.timedelta(seconds=61)
    while outbox.process(limit=5000, now=later)["claimed"]:
        pass
    assert not deliveries(issued).filter(status__in=["sending", "queued"]).exists()
    sent_ids = {str(pk) for pk in deliveries(issued).filter(channel="sms", status="sent").values_list("pk", flat=True)}
    assert sent_ids == set(gateway.received)
    unreachable = sms.filter(status="failed")
    assert len(sent_ids) + unreachable.count() == sms.count()
    assert set(unreachable.values_list("last_error", flat=True)) <= {"无联系方式"}
    assert gateway.repeats > 0  # the dead worker's messages came again and the gateway dropped them


@pytest.mark.django_db
def test_a_confirmation_during_the_round_is_kept_and_a_taken_over_row_is_not_overwritten(gateway, issued, monkeypatch):
    """The round records outcomes only on rows still its own: one recipient confirms (叫应) while the SMS
    batch is at the gateway, and another worker takes a second row over; neither is rewritten."""
    from anlan.notify.channels import CHANNELS
    from anlan.notify.models import Delivery

    sms_channel = CHANNELS["sms"]
    original = type(sms_channel).send
    touched: dict[str, int] = {}

    def send_while_others_act(self, messages):
        if not touched:
            confirmed, taken = messages[0].delivery_id, messages[1].delivery_id
            Delivery.objects.filter(pk=confirmed).update(status="acknowledged", acknowledged_at=timezone.now())
            Delivery.objects.filter(pk=taken).update(claimed_at=timezone.now() + dt.timedelta(hours=1))
            touched.update(confirmed=confirmed, taken=taken)
        return original(self, messages)

    monkeypatch.setattr(type(sms_channel), "send", send_while_others_act)
    outbox.process(limit=5000)
    assert Delivery.objects.get(pk=touched["confirmed"]).status == "acknowledged"
    taken = Delivery.objects.get(pk=touched["taken"])
    assert taken.status == "sending" and taken.attempts == 0  # left to the worker that holds it
    assert deliveries(issued).filter(channel="sms", status="sent").exists()
