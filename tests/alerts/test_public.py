"""The public side: current warnings by area without an account, and 公众订阅 confirmed by an SMS code
that a real local gateway receives."""

import re
import time

import pytest

from anlan.alerts.models import Subscriber
from anlan.alerts.public import SALT
from anlan.alerts.services import deliveries
from anlan.core.audit import AuditEntry
from anlan.core.public import new_challenge
from anlan.notify import outbox
from tests.alerts.helpers import issue_warning
from tests.servers import JsonServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(settings):
    server = JsonServer()
    settings.ANLAN_SMS_URL = server.base + "/sms"
    yield server
    server.close()


def subscribe_form(phone, region_code, action="subscribe"):
    question, token = new_challenge(SALT, now=time.time() - 10)
    a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
    return {
        "phone": phone,
        "region": region_code,
        "action": action,
        "name": "",
        "answer": a + b,
        "challenge": token,
        "website": "",
    }


def last_code(sms) -> str:
    _, body = sms.requests[-1]
    return re.search(r"验证码 (\d{6})", body["messages"][0]["text"]).group(1)


def test_current_warnings_are_public_and_filtered_by_area(client, tree):
    warning = issue_warning(tree, regions=[tree.village], measures={"resident": "听从村干部安排转移"})
    page = client.get("/p/warnings/").content.decode()
    assert warning.headline in page and "听从村干部安排转移" in page and warning.identifier in page
    assert warning.identifier in client.get(f"/p/warnings/?area={tree.village.code}").content.decode()
    assert warning.identifier in client.get(f"/p/warnings/?area={tree.township.code}").content.decode()
    elsewhere = client.get(f"/p/warnings/?area={tree.other_village.code}").content.decode()
    assert warning.identifier not in elsewhere and "当前没有生效的预警" in elsewhere


def test_a_resident_subscribes_with_the_code_and_then_receives_warnings(client, tree, sms):
    response = client.post("/p/warnings/subscribe/", subscribe_form("13912345678", tree.village.code))
    assert response.status_code == 200 and "验证码已发送" in response.content.decode()
    assert sms.requests[-1][1]["messages"][0]["to"] == "13912345678"
    code = last_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post("/p/warnings/confirm/", {"phone": "13912345678", "code": wrong})
    assert bad.status_code == 400 and "验证码不正确" in bad.content.decode()
    assert not Subscriber.objects.filter(confirmed=True).exists()
    done = client.post("/p/warnings/confirm/", {"phone": "13912345678", "code": code})
    assert done.status_code == 200 and tree.village.name in done.content.decode()
    subscriber = Subscriber.objects.get(confirmed=True)
    assert subscriber.phone == "13912345678" and subscriber.region_id == tree.village.code
    assert AuditEntry.objects.filter(action="subscriber_confirm", object_id=str(subscriber.pk)).exists()
    warning = issue_warning(tree, regions=[tree.township])
    delivery = deliveries(warning).get(tier="subscriber")
    while outbox.process(limit=5000)["claimed"]:
        pass
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert any(m["to"] == "13912345678" and m["id"] == str(delivery.pk) for _, b in sms.requests for m in b["messages"])


def test_unsubscribing_takes_a_code_too(client, tree, sms, settings):
    client.post("/p/warnings/subscribe/", subscribe_form("13912345679", tree.village.code))
    client.post("/p/warnings/confirm/", {"phone": "13912345679", "code": last_code(sms)})
    Subscriber.objects.update(code_sent_at=None)  # a minute later
    response = client.post("/p/warnings/subscribe/", subscribe_form("13912345679", "", action="unsubscribe"))
    assert response.status_code == 200
    assert "退订" in sms.requests[-1][1]["messages"][0]["text"]
    client.post("/p/warnings/confirm/", {"phone": "13912345679", "code": last_code(sms)})
    assert not Subscriber.objects.exists()


def test_codes_are_not_sent_again_within_a_minute_nor_kept_when_the_gateway_fails(client, tree, sms, settings):
    client.post("/p/warnings/subscribe/", subscribe_form("13912345670", tree.village.code))
    again = client.post("/p/warnings/subscribe/", subscribe_form("13912345670", tree.village.code))
    assert again.status_code == 400 and "1 分钟后再试" in again.content.decode()
    settings.ANLAN_SMS_URL = sms.base.replace("127.0.0.1:", "127.0.0.1:1") + "0/none"  # nothing listens there
    down = client.post("/p/warnings/subscribe/", subscribe_form("13912345671", tree.village.code))
    assert down.status_code == 400 and "验证码短信发送失败" in down.content.decode()
    assert (
        not Subscriber.objects.filter(region=tree.village, code_sent_at__isnull=False)
        .exclude(pk=Subscriber.objects.get(code_sent_at__isnull=False).pk)
        .exists()
    )
    robot = subscribe_form("13912345672", tree.village.code)
    robot["website"] = "http://spam"
    assert client.post("/p/warnings/subscribe/", robot).status_code == 400
