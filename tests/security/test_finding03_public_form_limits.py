"""Finding 3 (issue 12): public form limits could be bypassed. X-Real-IP was believed from anyone (a new
"address" per request defeats the per-address limit), and one solved challenge was replayed 13 times.
Forwarded headers now count only from ANLAN_TRUSTED_PROXIES, and each challenge is single-use — on the
tip form and on the subscribe page's SMS-code requests."""

import time

import pytest
from django.test import RequestFactory

from anlan.alerts.models import Subscriber
from anlan.alerts.public import SALT as SUBSCRIBE_SALT
from anlan.core.public import client_ip, new_challenge
from anlan.hazards import public as tip_public
from anlan.hazards.models import HiddenHazard
from tests.alerts.test_public import sms, subscribe_form  # noqa: F401  (the local SMS gateway fixture)

pytestmark = pytest.mark.django_db


def _request(remote, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "remote", "headers", "expected"),
    [
        ([], "203.0.113.9", {"HTTP_X_REAL_IP": "1.2.3.4"}, "203.0.113.9"),  # anyone may send the header
        ([], "203.0.113.9", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),
        (["127.0.0.1"], "203.0.113.9", {"HTTP_X_REAL_IP": "1.2.3.4"}, "203.0.113.9"),  # not our proxy
        (["127.0.0.1"], "127.0.0.1", {"HTTP_X_REAL_IP": "198.51.100.7"}, "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7, 10.9.9.9"}, "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", {"HTTP_X_REAL_IP": "not-an-address"}, "10.1.2.3"),
    ],
)
def test_finding03_forwarded_headers_count_only_from_trusted_proxies(settings, proxies, remote, headers, expected):
    settings.ANLAN_TRUSTED_PROXIES = proxies
    assert client_ip(_request(remote, **headers)) == expected


def _tip(tree, token, answer, place="村小学后山"):
    return {
        "region": tree.village.code,
        "place": place,
        "description": "山体裂缝",
        "answer": answer,
        "challenge": token,
    }


def _solved(salt):
    question, token = new_challenge(salt, now=time.time() - 10)
    a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
    return token, a + b


def test_finding03_a_tip_challenge_is_single_use(client, tree):
    token, answer = _solved(tip_public.SALT)
    first = client.post("/p/tip/", _tip(tree, token, answer, "一号"))
    assert first.status_code == 200 and "受理编号" in first.content.decode()
    replay = client.post("/p/tip/", _tip(tree, token, answer, "二号"))
    assert replay.status_code == 400 and "已提交过" in replay.content.decode()
    assert HiddenHazard.objects.filter(source="public_tip", title__in=["群众举报：一号", "群众举报：二号"]).count() == 1


def test_finding03_a_wrong_sum_cannot_be_retried_on_the_same_challenge(client, tree):
    token, answer = _solved(tip_public.SALT)
    wrong = client.post("/p/tip/", _tip(tree, token, answer + 1))
    assert wrong.status_code == 400 and "计算结果不正确" in wrong.content.decode()
    again = client.post("/p/tip/", _tip(tree, token, answer))
    assert again.status_code == 400 and "已提交过" in again.content.decode()


def test_finding03_spoofed_addresses_do_not_reset_the_tip_limit(client, tree, settings):
    settings.ANLAN_TIP_RATE_PER_HOUR = 2
    statuses = []
    for i in range(3):
        token, answer = _solved(tip_public.SALT)
        response = client.post("/p/tip/", _tip(tree, token, answer, f"第{i}处"), HTTP_X_REAL_IP=f"192.0.2.{i + 1}")
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]


def test_finding03_an_sms_code_request_challenge_is_single_use(client, tree, sms):  # noqa: F811
    data = subscribe_form("13912345678", tree.village.code)
    first = client.post("/p/warnings/subscribe/", data)
    assert first.status_code == 200 and "验证码已发送" in first.content.decode()
    replay = client.post("/p/warnings/subscribe/", {**data, "phone": "13912345679"})
    assert replay.status_code == 400 and "已提交过" in replay.content.decode()
    assert len(sms.requests) == 1
    assert not Subscriber.objects.filter(phone_digest__isnull=False, phone="13912345679").exists()
    assert SUBSCRIBE_SALT  # the subscribe page signs with its own salt: a tip challenge is not accepted there
