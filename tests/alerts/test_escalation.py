"""叫应 with a controllable clock: no acknowledgement → voice call → the superior is called up; an
acknowledgement through the SMS link stops it."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts import acks, services
from anlan.alerts.services import deliveries
from anlan.core.models import AuditEntry
from anlan.notify import outbox
from anlan.registry.models import Person
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.notify.test_outbox import Gateway


@pytest.fixture
def gateways(settings):
    sms, voice = Gateway(), Gateway()
    settings.ANLAN_SMS_URL, settings.ANLAN_VOICE_URL = sms.url, voice.url
    settings.ANLAN_PUBLIC_URL = "https://yjj.example.gov.cn"
    settings.ANLAN_ACK_MINUTES = {"red": 10, "orange": 20, "yellow": 30, "blue": 60}
    yield sms, voice
    sms.server.shutdown()
    voice.server.shutdown()


def issue_red(tree):
    return issue_warning(tree, regions=[tree.village], instruction="立即转移")


def drain(now):
    while outbox.process(limit=5000, now=now)["claimed"]:
        pass


@pytest.mark.django_db
def test_silence_brings_a_voice_call_then_the_superior(gateways, tree):
    sms, voice = gateways
    head = Person.objects.filter(region=tree.village).order_by("pk").first()
    township_people = set(Person.objects.filter(region=tree.township).values_list("pk", flat=True))
    warning = issue_red(tree)
    t0 = timezone.now()
    drain(t0)
    message = next(m for m in sms.received.values() if m["to"] == head.phone)
    assert "https://yjj.example.gov.cn/p/ack/" in message["text"]

    assert acks.escalate(now=t0 + dt.timedelta(minutes=9)) == {"voice": 0, "superior": 0}  # not yet
    t1 = t0 + dt.timedelta(minutes=11)
    added = acks.escalate(now=t1)
    assert added["voice"] > 0 and added["superior"] == 0
    assert deliveries(warning).filter(channel="voice", recipient_key=f"person:{head.pk}").exists()
    drain(t1)
    assert any(m["to"] == head.phone for m in voice.received.values())
    assert acks.escalate(now=t1)["voice"] == 0  # called once, not again

    t2 = t1 + dt.timedelta(minutes=11)
    added = acks.escalate(now=t2)
    ups = deliveries(warning).filter(recipient_key__endswith=f"#up:{head.pk}")
    assert added["superior"] > 0 and ups.exists()
    assert {int(d.recipient_key.split(":")[1].split("#")[0]) for d in ups} <= township_people
    assert acks.escalate(now=t2)["superior"] == 0  # called up once
    drain(t2)
    call_up = next(m for m in voice.received.values() if head.name in m["text"])
    # Spoken to the superior by place and name, "新华村张三", never a 12-digit code.
    assert f"{tree.village.name}{head.name}未确认收到" in call_up["text"]
    assert tree.village.code not in call_up["text"]


@pytest.mark.django_db
def test_the_link_acknowledges_and_stops_escalation(client, gateways, tree):
    sms, _ = gateways
    head = Person.objects.filter(region=tree.village).order_by("pk").first()
    warning = issue_red(tree)
    t0 = timezone.now()
    drain(t0)
    link = next(m for m in sms.received.values() if m["to"] == head.phone)["text"].split("：")[-1]
    path = link.removeprefix("https://yjj.example.gov.cn")
    page = client.get(path)
    assert page.status_code == 200 and "确认收到" in page.content.decode()
    assert not deliveries(warning).filter(acknowledged_at__isnull=False).exists()  # GET alone: no
    done = client.post(path)
    assert "已确认收到" in done.content.decode()
    assert deliveries(warning).get(recipient_key=f"person:{head.pk}").status == "acknowledged"
    assert AuditEntry.objects.filter(action="warning_ack", object_id=str(warning.pk)).exists()
    acks.escalate(now=t0 + dt.timedelta(minutes=30))
    assert not deliveries(warning).filter(channel="voice", recipient_key=f"person:{head.pk}").exists()
    assert services.summary(warning)["acknowledged"] == 1
    assert client.get("/p/ack/forged-token/").status_code == 404
    board = {code: (n, ok) for code, n, ok, _ in acks.board(warning)}
    assert board[tree.village.code][1] == 1
    client.force_login(persona("county_operator"))
    detail = client.get(f"/alerts/warning/{warning.pk}/").content.decode()
    assert "叫应情况" in detail and "未确认人员" in detail


@pytest.mark.django_db
def test_replying_1_by_sms_acknowledges_and_the_board_shows_it(gateways, tree, client, settings):
    sms, _voice = gateways
    settings.ANLAN_SMS_REPLY_TOKEN = "gw-secret"
    head = Person.objects.filter(region=tree.village).order_by("pk").first()
    warning = issue_red(tree)
    drain(timezone.now())
    message = next(m for m in sms.received.values() if m["to"] == head.phone)
    assert "回复1确认收到" in message["text"]

    body = {"replies": [{"from": head.phone, "text": " 1 "}, {"from": "13000000000", "text": "1"}]}
    refused = client.post("/gateway/sms-replies/", body, content_type="application/json")
    assert refused.status_code == 403  # no gateway token
    answer = client.post(
        "/gateway/sms-replies/", body, content_type="application/json", headers={"X-Anlan-Gateway-Token": "gw-secret"}
    )
    assert answer.json() == {"received": 2, "acknowledged": 1}
    delivery = deliveries(warning).get(channel="sms", recipient_key=f"person:{head.pk}")
    assert delivery.status == "acknowledged"
    entry = AuditEntry.objects.filter(action="warning_ack").latest("pk")
    assert entry.after == {"recipient": f"person:{head.pk}", "via": "sms"}
    bad = client.post(
        "/gateway/sms-replies/",
        "not json",
        content_type="application/json",
        headers={"X-Anlan-Gateway-Token": "gw-secret"},
    )
    assert bad.status_code == 400

    client.force_login(persona("county_operator"))
    board = client.get(f"/alerts/warnings/{warning.pk}/board/", headers={"HX-Request": "true"}).content.decode()
    (village_row,) = [row for row in board.split("<tr>") if f"<td>{tree.village.name}</td>" in row]
    cells = [c.split("</td>")[0] for c in village_row.split("<td>")[1:]]
    people = Person.objects.filter(region=tree.village).count()
    assert cells[1:4] == [str(people), "1", str(people - 1)]  # targeted, acknowledged, silent
    assert head.name not in cells[4]
    steps = client.get(f"/alerts/warnings/{warning.pk}/steps/").content.decode()
    assert f'hx-get="/alerts/warnings/{warning.pk}/board/"' in steps
