"""Drill mode (模拟推演): the sandbox reaches the drill's participants only, in-app, never a real gateway;
its records are labelled and left out of feeds, counts and statistics; real work goes on beside it; the
facilitator's clock fires the script in order; ending the drill closes what it created."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.alerts import filters as warning_filters
from anlan.alerts import public
from anlan.alerts.models import Resident, Warning
from anlan.alerts.services import deliveries
from anlan.core.models import AuditEntry
from anlan.drills import services_mode as mode
from anlan.drills.models import Drill, DrillInject
from anlan.inbox.models import Notification
from anlan.incidents.models import Incident
from anlan.monitoring import services as monitoring_services
from anlan.monitoring.models import Alarm, Sensor
from anlan.notify import outbox
from anlan.notify.models import Delivery
from anlan.overview.items import list_queryset
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.notify.test_outbox import Gateway

RAIN = "RG-500237001-1"  # a demo rain gauge (accumulation rules: 1 h red at 50 mm)


@pytest.fixture
def gateway(settings):
    g = Gateway()
    settings.ANLAN_SMS_URL = g.url
    yield g
    g.server.shutdown()


@pytest.fixture
def drill(tree):
    return Drill.objects.create(
        title="县防汛桌面推演",
        form=Drill.Form.TABLETOP,
        scope=Drill.Scope.COMPREHENSIVE,
        scenario="暴雨引发山洪、滑坡",
        region=tree.county,
        planned_on=timezone.localdate(),
    )


def start(drill, *, now=None):
    """The county operator runs the drill; the township officer takes part."""
    exercise = mode.mode_start(
        actor=persona("county_operator"), drill=drill, participants=[persona("township_officer")], now=now
    )
    drill.refresh_from_db()
    return exercise


def add(drill, minute, kind, label, /, **payload):
    return mode.inject_add(
        actor=persona("county_operator"), drill=drill, offset_minutes=minute, kind=kind, title=label, payload=payload
    )


def drain():
    while outbox.process(limit=500)["claimed"]:
        pass


@pytest.mark.django_db
def test_a_drill_warning_reaches_the_participants_in_app_and_nothing_reaches_the_gateway(gateway, tree, drill):
    Resident.objects.bulk_create(
        [Resident(name=f"居民{i}", region=tree.village, phone=f"139{i:08d}") for i in range(20)]
    )
    start(drill)
    inject = add(
        drill, 0, DrillInject.Kind.WARNING, "暴雨红色预警", event="暴雨", level="red", region=tree.township.code
    )
    mode.inject_fire(actor=persona("county_operator"), inject=inject)
    warning = Warning.objects.get(exercise=drill.exercise)
    assert warning.status == Warning.Status.ISSUED and warning.headline.startswith("【演练】")
    rows = deliveries(warning)
    assert set(rows.values_list("channel", flat=True)) == {"inapp"}
    expected = {f"user:{persona('county_operator').pk}", f"user:{persona('township_officer').pk}"}
    assert set(rows.values_list("recipient_key", flat=True)) == expected
    # A sandbox row on a real channel, however it got there, is never sent and never falls back.
    stray = Delivery.objects.create(
        notice=rows.first().notice,
        recipient_key="resident:1",
        recipient_name="居民",
        region_code=tree.village.code,
        tier="resident",
        channel="sms",
        fallback="voice",
    )
    drain()
    assert gateway.received == {}
    stray.refresh_from_db()
    assert stray.status == "failed" and stray.last_error == outbox.SANDBOXED
    assert not Delivery.objects.filter(notice=stray.notice, channel="voice").exists()
    assert Notification.objects.filter(recipient=persona("township_officer"), title__contains="【演练】").exists()
    assert not Notification.objects.filter(
        recipient=persona("village_grid_worker"), title__contains="【演练】"
    ).exists()

    # A real warning issued meanwhile for the same village reaches its residents through the gateway as always.
    real = issue_warning(tree, regions=[tree.village])
    drain()
    assert real.exercise_id is None and deliveries(real).filter(tier="resident").count() == 20
    assert len(gateway.received) >= 20


@pytest.mark.django_db
def test_sandbox_records_are_left_out_of_feeds_counts_and_statistics(client, tree, drill):
    start(drill)
    officer = persona("county_operator")
    for inject in [
        add(drill, 0, DrillInject.Kind.WARNING, "预警", event="暴雨", level="red", region=tree.township.code),
        add(drill, 0, DrillInject.Kind.ALARM, "报警", sensor=RAIN, level="red", value=66),
        add(drill, 0, DrillInject.Kind.INCIDENT, "险情", title="滑坡险情", kind="地质灾害", region=tree.village.code),
    ]:
        mode.inject_fire(actor=officer, inject=inject)
    warning = Warning.objects.get(exercise=drill.exercise)
    alarm = Alarm.objects.get(exercise=drill.exercise)
    incident = Incident.objects.get(exercise=drill.exercise)
    assert incident.number.startswith("YL")

    feed = client.get(reverse("cap_feed")).content.decode()
    assert warning.identifier not in feed
    assert client.get(reverse("cap_document", kwargs={"identifier": warning.identifier})).status_code == 404
    assert warning.pk not in {w.pk for w, _ in public.current_warnings(None)}

    # The 工作台 counts with the lists' own FilterSets: the drill's rows are not in them, unless asked for.
    assert not list_queryset(officer, Warning, {"in_force": "true"}).filter(pk=warning.pk).exists()
    assert list_queryset(officer, Warning, {"in_force": "true", "drills": "include"}).filter(pk=warning.pk).exists()
    assert not list_queryset(officer, Alarm, {"open": "true"}).filter(pk=alarm.pk).exists()
    assert not list_queryset(officer, Incident, {"active": "true"}).filter(pk=incident.pk).exists()
    assert list(list_queryset(officer, Incident, {"drills": "only"})) == [incident]

    client.force_login(officer)
    page = client.get(reverse("incidents:incident_list")).content.decode()
    assert "滑坡险情" not in page
    page = client.get(reverse("incidents:incident_list") + "?drills=include").content.decode()
    assert "滑坡险情" in page and "badge drill" in page
    situation = client.get("/api/v1/situation/").json()
    in_force = Warning.objects.real().filter(warning_filters.in_force())
    assert situation["warnings_in_force"] == in_force.count()
    assert client.get(f"/api/v1/warnings/{warning.pk}/").status_code == 200  # its own page still finds it
    assert warning.pk not in [w["id"] for w in client.get("/api/v1/warnings/").json()["results"]]
    # The map's layers are real records only.
    layer = client.get("/api/v1/map/layers/alarms_open/").json()
    assert alarm.pk not in [f["properties"].get("id") for f in layer["features"]]


@pytest.mark.django_db
def test_a_drill_alarm_and_a_real_alarm_of_the_same_sensor_do_not_collide(tree, drill):
    start(drill)
    inject = add(drill, 0, DrillInject.Kind.ALARM, "雨量红色报警", sensor=RAIN, level="red", value=60)
    mode.inject_fire(actor=persona("county_operator"), inject=inject)
    drill_alarm = Alarm.objects.get(exercise=drill.exercise)
    sensor = Sensor.objects.get(code=RAIN)
    assert not sensor.readings.filter(ts__gte=timezone.now() - dt.timedelta(hours=1)).exists()  # nothing written
    now = timezone.now()
    items = [{"sensor": RAIN, "ts": (now - dt.timedelta(minutes=m)).isoformat(), "value": 12.0} for m in (20, 10, 1)]
    monitoring_services.ingest(items, now=now)
    real = Alarm.objects.real().get(sensor=sensor, status="open")
    assert real.pk != drill_alarm.pk and real.exercise_id is None
    drill_alarm.refresh_from_db()
    assert drill_alarm.status == "open" and drill_alarm.level == "red"


@pytest.mark.django_db
def test_injects_fire_in_order_by_the_facilitators_clock(tree, drill):
    t0 = timezone.now()
    start(drill, now=t0)
    add(drill, 10, DrillInject.Kind.MESSAGE, "第三条", text="c")
    add(drill, 0, DrillInject.Kind.MESSAGE, "第一条", text="a")
    add(drill, 5, DrillInject.Kind.MESSAGE, "第二条", text="b")
    assert mode.fire_due(actor=persona("county_operator"), drill=drill, now=t0 + dt.timedelta(minutes=4, seconds=59))
    assert list(drill.injects.filter(fired_at__isnull=False).values_list("title", flat=True)) == ["第一条"]
    fired = mode.fire_due(actor=persona("county_operator"), drill=drill, now=t0 + dt.timedelta(minutes=6))
    assert [i.title for i in fired] == ["第二条"]
    assert mode.fire_due_job(now=t0 + dt.timedelta(minutes=11)) == "注入 1 条"
    assert not drill.injects.filter(fired_at__isnull=True).exists()
    texts = list(drill.log.order_by("at", "id").values_list("text", flat=True))
    order = [next(i for i, t in enumerate(texts) if name in t) for name in ("第一条", "第二条", "第三条")]
    assert order == sorted(order)
    assert mode.fire_due_job(now=t0 + dt.timedelta(minutes=30)) == "注入 0 条"  # each fires once


@pytest.mark.django_db
def test_ending_the_drill_closes_its_records_audited_and_leaves_real_ones(tree, drill):
    start(drill)
    officer = persona("county_operator")
    real = issue_warning(tree, regions=[tree.village])
    for inject in [
        add(drill, 0, DrillInject.Kind.WARNING, "预警", event="暴雨", level="red", region=tree.township.code),
        add(drill, 0, DrillInject.Kind.ALARM, "报警", sensor=RAIN, level="orange"),
        add(drill, 0, DrillInject.Kind.INCIDENT, "险情", title="山洪险情", kind="地质灾害", region=tree.village.code),
    ]:
        mode.inject_fire(actor=officer, inject=inject)
    closed = mode.mode_end(actor=officer, drill=drill)
    assert closed == {"alarms": 1, "warnings": 1, "incidents": 1}
    drill.refresh_from_db()
    assert drill.status == Drill.Status.HELD and drill.exercise.ended_at is not None
    assert Warning.objects.get(exercise=drill.exercise).status == Warning.Status.CANCELLED
    assert Alarm.objects.get(exercise=drill.exercise).status == Alarm.Status.CLOSED
    assert Incident.objects.get(exercise=drill.exercise).status == Incident.Status.ENDED
    real.refresh_from_db()
    assert real.status == Warning.Status.ISSUED
    actions = set(
        AuditEntry.objects.filter(
            action__in=["warning_cancel", "alarm_close", "incident_end", "drill_mode_end"]
        ).values_list("action", flat=True)
    )
    assert actions == {"warning_cancel", "alarm_close", "incident_end", "drill_mode_end"}
    with pytest.raises(mode.DomainError):
        mode.fire_due(actor=officer, drill=drill) or mode.inject_fire(actor=officer, inject=drill.injects.first())
    with pytest.raises(mode.DomainError):
        start(drill)


@pytest.mark.django_db
def test_only_tabletop_drills_run_and_bad_injects_are_refused(tree, drill):
    live = Drill.objects.create(
        title="实战",
        form=Drill.Form.LIVE,
        scope=Drill.Scope.SINGLE,
        scenario="s",
        region=tree.county,
        planned_on=timezone.localdate(),
    )
    with pytest.raises(mode.DomainError, match="只有桌面演练"):
        start(live)
    with pytest.raises(mode.DomainError) as refused:
        add(drill, 0, DrillInject.Kind.ALARM, "报警", sensor="NOPE", level="red")
    assert refused.value.field == "sensor"
    with pytest.raises(mode.DomainError) as refused:
        add(drill, 0, DrillInject.Kind.WARNING, "预警", event="暴雨", level="purple", region=tree.township.code)
    assert refused.value.field == "level"
    with pytest.raises(mode.DomainError):  # another township's officer does not organise the county's drill
        mode.inject_add(
            actor=persona("township_officer"),
            drill=drill,
            offset_minutes=0,
            kind="message",
            title="x",
            payload={"text": "y"},
        )
    assert not drill.injects.exists()


@pytest.mark.django_db
def test_the_storm_loads_as_a_script_from_the_engine(tree, drill):
    added = mode.load_storm(actor=persona("county_operator"), drill=drill)
    kinds = list(drill.injects.values_list("kind", flat=True))
    assert added == len(kinds) and {"alarm", "incident", "warning", "message"} <= set(kinds)
    offsets = list(drill.injects.order_by("offset_minutes", "pk").values_list("offset_minutes", flat=True))
    assert offsets[-1] <= 480 // mode.STORM_SPEED + 10
    warning = drill.injects.get(kind="warning")
    assert warning.payload["event"] == "地质灾害" and warning.payload["level"] == "red"


@pytest.mark.django_db
def test_the_console_for_the_facilitator_a_participant_and_an_outsider(client, tree, drill):
    client.force_login(persona("county_operator"))
    page = client.get(reverse("drills:mode_console", kwargs={"pk": drill.pk})).content.decode()
    assert "进入演练模式" in page
    response = client.post(
        reverse("drills:mode_start", kwargs={"pk": drill.pk}), {"participants": [persona("township_officer").pk]}
    )
    assert response.status_code == 302
    client.post(
        reverse("drills:mode_inject_add", kwargs={"pk": drill.pk}),
        {"offset_minutes": 0, "kind": "message", "title": "开场通报", "text": "暴雨红色预警信号已发布"},
    )
    client.post(reverse("drills:mode_fire", kwargs={"pk": drill.pk}))
    page = client.get(reverse("drills:mode_console", kwargs={"pk": drill.pk})).content.decode()
    assert "开场通报" in page and "已执行" in page and "结束推演" in page
    assert client.get(reverse("drills:mode_index")).status_code == 200

    client.force_login(persona("township_officer"))  # a participant: sees the console and sends a 回执
    page = client.get(reverse("drills:mode_console", kwargs={"pk": drill.pk})).content.decode()
    assert "回执" in page and "结束推演" not in page
    client.post(reverse("drills:mode_ack", kwargs={"pk": drill.pk}))
    assert drill.log.filter(text__startswith=mode.ACK_PREFIX).count() == 1
    assert client.post(reverse("drills:mode_end", kwargs={"pk": drill.pk})).status_code == 403

    client.force_login(persona("other_township_officer"))
    assert client.get(reverse("drills:mode_console", kwargs={"pk": drill.pk})).status_code == 404
