"""Every delivery channel against a real local counterpart: the broadcast platform over HTTP, loudspeakers
over a real mosquitto, 企业微信 and 钉钉 robots (signature checked as DingTalk checks it); per-person channel
order with fallback; per-channel rate limits shared by workers; measures per audience and township."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone

from anlan.alerts.models import BroadcastTerminal, Resident, WorkGroup
from anlan.alerts.services import deliveries
from anlan.flood.models import FloodResponsibility
from anlan.notify import outbox, ratelimit
from anlan.registry.models import Enterprise, Person
from anlan.resources.models import Shelter
from tests.alerts.helpers import issue_warning
from tests.servers import JsonServer


def drain(now=None):
    while outbox.process(limit=5000, now=now)["claimed"]:
        pass


@pytest.fixture
def http_server():
    servers = []

    def make(respond=None):
        servers.append(JsonServer(respond))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.mark.django_db
def test_http_loudspeakers_get_the_warning_with_repeats_by_level(tree, http_server, settings):
    platform = http_server()
    settings.ANLAN_BROADCAST_URL = platform.base + "/broadcast"
    BroadcastTerminal.objects.create(name="村委会大喇叭", code="GB-001", region=tree.village)
    BroadcastTerminal.objects.create(name="停用喇叭", code="GB-002", region=tree.village, active=False)
    warning = issue_warning(tree, regions=[tree.village], measures={"resident": "听到广播立即到安置点"})
    drain()
    (_path, body), *_ = [r for r in platform.requests if r[0] == "/broadcast"]
    (message,) = body["messages"]
    assert message["to"] == "GB-001" and message["repeat"] == 3  # red: read three times
    assert "听到广播立即到安置点" in message["text"]
    delivery = deliveries(warning).get(channel="broadcast")
    assert delivery.status == "sent" and delivery.tier == "terminal"


@pytest.mark.django_db(transaction=True)
def test_mqtt_loudspeakers_receive_on_their_topic_and_the_broker_acknowledges(demo_data, broker, settings):
    tree = demo_data
    settings.ANLAN_BROADCAST_MQTT_URL = broker.url
    BroadcastTerminal.objects.create(name="喇叭", code="GB-MQ-7", region=tree.village, protocol="mqtt")
    got, arrived = [], threading.Event()
    listener = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    listener.on_message = lambda c, u, m: (got.append((m.topic, json.loads(m.payload))), arrived.set())
    subscribed = threading.Event()
    listener.on_subscribe = lambda *a: subscribed.set()
    listener.connect("127.0.0.1", broker.port)
    listener.loop_start()
    listener.subscribe("anlan/broadcast/#", qos=1)
    assert subscribed.wait(5)
    try:
        warning = issue_warning(tree, regions=[tree.village], level="yellow", headline="暴雨黄色预警")
        drain()
        assert arrived.wait(5)
    finally:
        listener.loop_stop()
        listener.disconnect()
    topic, payload = got[0]
    assert topic == "anlan/broadcast/GB-MQ-7" and payload["repeat"] == 2 and "暴雨黄色预警" in payload["text"]
    assert deliveries(warning).get(channel="broadcast").status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_loudspeaker_whose_broker_is_down_is_retried_not_lost(demo_data, settings):
    tree = demo_data
    from tests.servers import free_port

    settings.ANLAN_BROADCAST_MQTT_URL = f"mqtt://127.0.0.1:{free_port()}"
    BroadcastTerminal.objects.create(name="喇叭", code="GB-MQ-8", region=tree.village, protocol="mqtt")
    warning = issue_warning(tree, regions=[tree.village])
    drain()
    delivery = deliveries(warning).get(channel="broadcast")
    assert delivery.status == "queued" and "广播 MQTT 服务不可用" in delivery.last_error


def _dingtalk_signature_ok(path: str, secret: str) -> bool:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(sign, expected)


@pytest.mark.django_db
def test_work_group_robots_of_wecom_and_dingtalk(tree, http_server):
    robots = http_server(
        lambda path, body: (
            (200, {"errcode": 0, "errmsg": "ok"})
            if "good" in path
            else (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        )
    )
    Person.objects.create(name="乡镇值班员", region=tree.township, phone="13800000001")
    WorkGroup.objects.create(
        name="乡镇应急群", region=tree.township, platform="wecom", webhook_url=robots.base + "/wecom/good?key=k1"
    )
    WorkGroup.objects.create(
        name="乡镇钉钉群",
        region=tree.township,
        platform="dingtalk",
        webhook_url=robots.base + "/dingtalk/good?access_token=t1",
        secret="SECabc",
    )
    WorkGroup.objects.create(
        name="失效群", region=tree.township, platform="wecom", webhook_url=robots.base + "/wecom/bad?key=x"
    )
    warning = issue_warning(tree, regions=[tree.village])
    drain()
    by_path = {path.split("?")[0]: (path, body) for path, body in robots.requests}
    wecom = by_path["/wecom/good"][1]
    assert wecom["msgtype"] == "text" and "13800000001" in wecom["text"]["mentioned_mobile_list"]
    assert "山洪红色预警" in wecom["text"]["content"]
    ding_path, ding = by_path["/dingtalk/good"]
    assert _dingtalk_signature_ok(ding_path, "SECabc")
    assert "13800000001" in ding["at"]["atMobiles"] and "@13800000001" in ding["text"]["content"]
    groups = {d.recipient_name: d for d in deliveries(warning).filter(tier="group")}
    assert groups["乡镇应急群"].status == "sent" and groups["乡镇钉钉群"].status == "sent"
    assert groups["失效群"].status == "queued" and "93000" in groups["失效群"].last_error


@pytest.mark.django_db
def test_each_person_is_tried_on_their_channels_in_order_and_falls_back(tree, http_server, settings):
    sms, voice = http_server(), http_server(lambda path, body: (503, {}))
    settings.ANLAN_SMS_URL, settings.ANLAN_VOICE_URL = sms.base + "/sms", voice.base + "/voice"
    settings.ANLAN_OUTBOX_MAX_ATTEMPTS = 2
    elder = Resident.objects.create(name="独居老人", region=tree.village, phone="13900000001", vulnerable=True)
    young = Resident.objects.create(name="年轻人", region=tree.village, phone="13900000002")
    chose = Resident.objects.create(name="选了外呼", region=tree.village, phone="13900000003", channel_order="voice")
    warning = issue_warning(tree, regions=[tree.village])
    first = {d.recipient_key: (d.channel, d.fallback) for d in deliveries(warning).filter(tier="resident")}
    assert first[f"resident:{elder.pk}"] == ("voice", "sms")  # vulnerable: a call first
    assert first[f"resident:{young.pk}"] == ("sms", "voice")
    assert first[f"resident:{chose.pk}"] == ("voice", "")
    now = timezone.now()
    drain(now)
    drain(now + dt.timedelta(seconds=40))  # the voice gateway fails twice: given up, SMS takes over
    drain(now + dt.timedelta(seconds=80))
    texts = {m["to"] for _, body in sms.requests for m in body["messages"]}
    assert "13900000001" in texts  # the elder's call failed, so the SMS went
    elder_rows = deliveries(warning).filter(recipient_key=f"resident:{elder.pk}")
    assert dict(elder_rows.values_list("channel", "status")) == {"voice": "failed", "sms": "sent"}
    chose_rows = deliveries(warning).filter(recipient_key=f"resident:{chose.pk}")
    assert dict(chose_rows.values_list("channel", "status")) == {"voice": "failed"}  # no fallback chosen


@pytest.mark.django_db
def test_channel_rates_are_a_budget_shared_by_every_worker(tree, http_server, settings):
    sms = http_server()
    settings.ANLAN_SMS_URL = sms.base + "/sms"
    settings.ANLAN_CHANNEL_RATES = "sms=10/s"
    Resident.objects.bulk_create(
        [Resident(name=f"居民{i}", region=tree.village, phone=f"139{i:08d}") for i in range(40)]
    )
    warning = issue_warning(tree, regions=[tree.village])
    now = timezone.now()
    first_worker = outbox.process(limit=5000, now=now)
    second_worker = outbox.process(limit=5000, now=now)  # same instant: the budget is spent
    sms_sent = deliveries(warning).filter(channel="sms", status="sent")
    assert sms_sent.count() == 10
    assert first_worker["claimed"] > 10 and second_worker["claimed"] == 0  # in-app is not limited
    outbox.process(limit=5000, now=now + dt.timedelta(milliseconds=500))
    assert sms_sent.count() == 15  # half a second refills five
    outbox.process(limit=5000, now=now + dt.timedelta(seconds=60))
    assert sms_sent.count() == 25  # never more than one period's burst at once


def test_rate_settings_are_checked_with_a_clear_message():
    assert ratelimit.parse_rates("sms=200/s, wecom=20/min") == {"sms": (200.0, 200.0), "wecom": (20 / 60, 20.0)}
    with pytest.raises(ratelimit.RateSyntaxError, match="sms=fast"):
        ratelimit.parse_rates("sms=fast")


@pytest.mark.django_db
def test_each_audience_reads_its_own_measures_and_its_townships_plan(tree, http_server, settings):
    sms = http_server()
    settings.ANLAN_SMS_URL = sms.base + "/sms"
    village_people = Person.objects.filter(region__code__startswith=tree.village.code[:9])
    FloodResponsibility.objects.filter(person__in=village_people).delete()  # their 防汛 posts protect them
    village_people.delete()
    Person.objects.create(name="村支书", region=tree.village, phone="13700000001")
    Resident.objects.create(name="居民甲", region=tree.village, phone="13700000002")
    Enterprise.objects.filter(region=tree.village).update(principal_phone="")
    chem = Enterprise.objects.create(
        name="某化工有限公司",
        credit_code="91500237MA5U7A1X4K",
        region=tree.village,
        is_hazchem=True,
        principal_phone="13700000003",
    )
    Shelter.objects.filter(region=tree.village).delete()
    Shelter.objects.create(
        name="村小学避难场所",
        region=tree.village,
        level="village",
        period="emergency",
        site_class="III",
        effective_area_m2=600,
        address="村小学",
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        manager="校长",
        manager_phone="13700000004",
    )
    assert chem.pk
    issue_warning(
        tree,
        regions=[tree.village],
        measures={
            "responsible": "立即组织转移，逐户敲门",
            "resident": "听从村干部安排转移",
            "enterprise": "停止户外作业",
            "enterprise:is_hazchem": "停止装卸危险化学品，检查储罐围堰",
            "shelter": "开放场所，准备接收转移群众",
            f"township:{tree.township.code}": "转移至镇中心小学安置点",
        },
    )
    drain()
    texts = {m["to"]: m["text"] for _, body in sms.requests for m in body["messages"]}
    assert "逐户敲门" in texts["13700000001"] and "转移至镇中心小学" in texts["13700000001"]
    assert "听从村干部安排" in texts["13700000002"]
    assert "检查储罐围堰" in texts["13700000003"] and "停止户外作业" not in texts["13700000003"]
    assert "准备接收转移群众" in texts["13700000004"]  # the shelter's manager (a public place in the area)


def test_only_http_addresses_are_posted_to():
    """A robot's webhook address is typed in by people: urllib would also open file:// or ftp:// addresses."""
    from anlan.notify.channels import GatewayDown, post_json

    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"):
        with pytest.raises(GatewayDown, match="http"):
            post_json(url, {"msgtype": "text"})
