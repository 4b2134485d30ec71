"""Routing to the desk (CONTRACT.md "Duty"): what happens in a township reaches those on duty at its
township desk and at the county desk — in-app at once, SMS through the outbox for incidents and
orange/red, a voice call when left unread; nobody on duty → the desk's fallback list."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts import services as alert_services
from anlan.alerts.models import Warning
from anlan.duty import routing
from anlan.duty.models import DeskSetting, Post
from anlan.duty.selectors import on_duty
from anlan.inbox.models import Notification
from anlan.monitoring import services as monitoring_services
from anlan.monitoring.models import Rule, Sensor
from anlan.notify import outbox
from anlan.notify.models import Delivery
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona
from tests.duty.helpers import clear_desk, on_duty_now
from tests.servers import JsonServer

pytestmark = pytest.mark.django_db


def _inbox_titles(client, user) -> str:
    client.force_login(user)
    response = client.get("/api/v1/inbox/", {"page_size": 1000})
    assert response.status_code == 200
    return " ".join(f"{m['title']} {m['body']}" for m in response.json()["results"])


def test_an_incident_in_a_township_reaches_the_township_and_county_desks_in_app_and_by_sms(client, tree, settings):
    officer = persona("township_officer")
    officer.phone = "19900009901"
    officer.save()
    on_duty_now(tree.township, officer)
    on_duty_now(tree.county, persona("county_operator"), Post.LEADER)
    township_people = on_duty(tree.township.code).users
    county_people = on_duty(tree.county.code).users
    neighbours = on_duty(tree.other_township.code).users
    assert len(township_people) >= 3 and len(county_people) >= 4  # the personas and the demo roster

    client.force_login(persona("county_operator"))
    body = {
        "title": "村道旁民房垮塌",
        "kind": IncidentKind.objects.get(name="地质灾害").pk,
        "region": tree.village.code,
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
        "occurred_at": timezone.now().isoformat(),
        "description": "一户民房后墙垮塌",
    }
    created = client.post("/api/v1/incidents/", body, content_type="application/json")
    assert created.status_code == 201, created.content

    for user in [*township_people, *county_people]:
        assert "村道旁民房垮塌" in _inbox_titles(client, user), user.username
    for user in neighbours:
        assert "村道旁民房垮塌" not in _inbox_titles(client, user)

    sms = Delivery.objects.filter(notice__topic=f"duty:incident:{created.json()['id']}", channel="sms")
    assert {d.recipient_key for d in sms} == {f"user:{u.pk}" for u in [*township_people, *county_people]}
    assert set(sms.values_list("fallback", flat=True)) == {"voice"}

    # The outbox sends them to the people's own phones (decrypted only when sending).
    gateway = JsonServer()
    settings.ANLAN_SMS_URL = gateway.base + "/sms"
    try:
        while outbox.process(limit=5000)["claimed"]:
            pass
    finally:
        gateway.close()
    texts = {m["to"]: m["text"] for _, b in gateway.requests for m in b["messages"]}
    assert "村道旁民房垮塌" in texts["19900009901"] and "值班提醒" in texts["19900009901"]
    assert {u.phone for u in [*township_people, *county_people] if u.phone} <= set(texts)


def test_routing_twice_for_the_same_event_tells_nobody_twice(tree):
    on_duty_now(tree.township, persona("township_officer"))
    for _ in range(2):
        routing.route_to_desks(tree.village.code, title="测试事件", sms=True, dedupe_key="test:1")
    officer = persona("township_officer")
    assert Notification.objects.filter(recipient=officer, title="测试事件").count() == 1
    assert Delivery.objects.filter(notice__topic="duty:test:1", recipient_key=f"user:{officer.pk}").count() == 1


def test_nobody_on_duty_reaches_the_fallback_list(tree):
    clear_desk(tree.township)
    fallback = persona("township_officer")
    setting, _ = DeskSetting.objects.get_or_create(desk=tree.township)
    setting.fallback.set([fallback])
    routed = routing.route_to_desks(tree.village.code, title="无人值班测试", dedupe_key="test:fallback")
    assert routed.unstaffed == [tree.township.code]
    assert routed.users[tree.township.code] == [fallback.pk]
    assert Notification.objects.filter(recipient=fallback, title="无人值班测试").exists()
    # In-app only: not an incident and not orange/red.
    assert not Delivery.objects.filter(notice__topic="duty:test:fallback").exists()


def test_an_unread_urgent_message_becomes_a_voice_call_after_the_desks_time(tree):
    officer = persona("township_officer")
    on_duty_now(tree.township, officer)
    setting, _ = DeskSetting.objects.get_or_create(desk=tree.township)
    setting.voice_after_minutes = 5
    setting.save()
    routing.route_to_desks(tree.village.code, title="红色报警测试", level="red", dedupe_key="test:voice")
    key = f"user:{officer.pk}"
    voice = Delivery.objects.filter(notice__topic="duty:test:voice", channel="voice")
    now = timezone.now()
    routing.call_unread(now=now + dt.timedelta(minutes=4))
    assert not voice.filter(recipient_key=key).exists()
    # Someone who read it is not called.
    reader = next(u for u in on_duty(tree.township.code).users if u.pk != officer.pk)
    Notification.objects.filter(recipient=reader, dedupe_key="duty:test:voice").update(read_at=now)
    routing.call_unread(now=now + dt.timedelta(minutes=6))
    assert voice.filter(recipient_key=key).count() == 1
    assert not voice.filter(recipient_key=f"user:{reader.pk}").exists()
    routing.call_unread(now=now + dt.timedelta(minutes=8))  # once only
    assert voice.filter(recipient_key=key).count() == 1


def test_a_red_alarm_reaches_the_desks_and_a_yellow_one_does_not(tree):
    officer = persona("township_officer")
    on_duty_now(tree.township, officer)
    sensor = Sensor.objects.create(
        code="DUTY-RAIN-1",
        name="值班测试雨量计",
        kind="rain",
        unit="mm",
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
    )
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=10, red=30)
    start = timezone.now() - dt.timedelta(minutes=30)

    def reading(minutes, value):
        return [{"sensor": sensor.code, "ts": (start + dt.timedelta(minutes=minutes)).isoformat(), "value": value}]

    monitoring_services.ingest(reading(0, 12))
    duty_messages = Notification.objects.filter(recipient=officer, dedupe_key__startswith="duty:alarm:")
    assert not duty_messages.exists()
    monitoring_services.ingest(reading(5, 35))
    message = duty_messages.get()
    assert "值班测试雨量计" in message.title and "红色" in message.title
    assert Delivery.objects.filter(notice__topic=message.dedupe_key, channel="sms").exists()


def test_a_warning_submitted_for_signing_reaches_the_county_desk(tree):
    leader = persona("county_admin")
    on_duty_now(tree.county, leader, Post.LEADER)
    officer = persona("county_operator")
    warning = alert_services.warning_create(
        actor=officer,
        warning=Warning(
            region_id=tree.county.code,
            event="山洪",
            category="Met",
            level="orange",
            urgency="Expected",
            severity="Severe",
            certainty="Likely",
            headline="值班测试山洪橙色预警",
            description="d",
            instruction="注意防范",
            expires=timezone.now() + dt.timedelta(hours=6),
        ),
        regions=[tree.township],
    )
    alert_services.warning_submit(actor=officer, warning=warning)
    message = Notification.objects.get(recipient=leader, title__contains="值班测试山洪橙色预警")
    assert message.title.startswith("预警待签发")
    assert f"/alerts/warnings/{warning.pk}/steps/" in message.link


def _incident_received(tree, minutes_ago: int):
    from anlan.incidents import services as incident_services
    from anlan.incidents.models import Incident

    received = timezone.now() - dt.timedelta(minutes=minutes_ago)
    incident = Incident(
        title=f"{minutes_ago}分钟前接报的滑坡",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=tree.village,
        occurred_at=received - dt.timedelta(minutes=5),
        description="滑坡",
    )
    incident = incident_services.incident_create(actor=persona("county_operator"), incident=incident)
    Incident.objects.filter(pk=incident.pk).update(received_at=received)
    return incident


def test_an_overdue_report_reaches_the_desks_once_and_old_deadlines_stay_quiet(tree):
    from anlan.incidents.services import overdue_reports_job

    on_duty_now(tree.county, persona("county_operator"), Post.LEADER)
    late = _incident_received(tree, minutes_ago=130)  # 首报 due 60 or 120 minutes after receipt: just missed
    long_ago = _incident_received(tree, minutes_ago=3 * 24 * 60)  # missed days ago (before an upgrade, say)

    assert overdue_reports_job() >= 1
    titles = set(Notification.objects.filter(recipient=persona("county_operator")).values_list("title", flat=True))
    assert any(late.title in t and "超时" in t for t in titles)
    assert not any(long_ago.title in t and "超时" in t for t in titles)  # (its recording was announced)
    before = Notification.objects.count()
    overdue_reports_job()  # a minute later: nobody is told twice
    assert Notification.objects.count() == before


def test_a_failure_while_telling_the_desks_keeps_the_incident(tree, monkeypatch, caplog):
    from anlan.incidents.models import Incident

    def broken(*args, **kwargs):
        raise RuntimeError("roster unreadable")

    monkeypatch.setattr(routing, "_people", broken)  # the one failure we cannot make happen for real
    incident = _incident_received(tree, minutes_ago=1)
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert "duty routing failed" in caplog.text


def _red_batch(tree, n: int, start: dt.datetime) -> list[dict]:
    sensors = Sensor.objects.bulk_create(
        Sensor(
            code=f"DUTY-BATCH-{start:%H%M%S}-{i}",
            name=f"批量测试水位计{i}",
            kind="water_level",
            unit="m",
            region=tree.village,
            lon=tree.village.center_lon,
            lat=tree.village.center_lat,
        )
        for i in range(n)
    )
    Rule.objects.bulk_create(Rule(sensor=s, kind="threshold", yellow=5, red=9) for s in sensors)
    return [{"sensor": s.code, "ts": start.isoformat(), "value": 10.0} for s in sensors]


def test_a_batch_of_red_alarms_reaches_the_desks_in_queries_that_do_not_grow_with_it(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = persona("township_officer")
    on_duty_now(tree.township, officer)
    counts = {}
    for n, minutes in ((2, 20), (8, 10)):
        items = _red_batch(tree, n, timezone.now() - dt.timedelta(minutes=minutes))
        with CaptureQueriesContext(connection) as queries:
            assert monitoring_services.ingest(items).accepted == n
        counts[n] = len(queries)
        codes = {item["sensor"] for item in items}
        messages = Notification.objects.filter(recipient=officer, dedupe_key__startswith="duty:alarm:")
        told = {s.code for s in Sensor.objects.filter(code__in=codes) if messages.filter(title__contains=s.name)}
        assert told == codes  # every alarm of the batch reached the officer on duty, in-app …
        texted = Delivery.objects.filter(notice__topic__in=messages.values("dedupe_key"), channel="sms")
        assert texted.filter(recipient_key=f"user:{officer.pk}").count() >= n  # … and by SMS
    # Routed one by one, each more alarm cost ~10 queries; at once, only a bulk insert may split (SQLite's
    # limit on parameters): fewer extra queries than extra alarms.
    assert counts[8] - counts[2] < 8 - 2, counts
