"""The incident workflow: intake with automatic grading, regrading as facts change, response levels that
create the plan's tasks once, report clocks, dispatch orders tracked to done and returned, supplies out
of stock, evacuation into shelters — all on the timeline."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.incidents import services
from anlan.incidents.models import Incident, InfoReport, ResponseTask
from anlan.plans.defaults import install_county_plans
from anlan.plans.models import IncidentKind
from anlan.resources.models import RescueTeam, Shelter
from anlan.resources.services import shelter_occupancy
from anlan.supplies.models import Movement, Stock
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(tree):
    install_county_plans(tree.county)


def intake(tree, kind="工矿商贸等企业安全事故", at=None, **facts):
    at = at or timezone.now()
    incident = Incident(
        title="某厂反应釜爆炸" if kind != "地质灾害" else "早阳村山体滑坡",
        kind=IncidentKind.objects.get(name=kind),
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        occurred_at=at - dt.timedelta(minutes=10),
        received_at=at,
        caller_name="张三",
        caller_phone="13900001111",
        description="现场有人员被困",
        **facts,
    )
    return services.incident_create(actor=persona("county_operator"), incident=incident)


def test_intake_numbers_grades_and_puts_it_on_the_timeline(tree):
    incident = intake(tree, deaths=1, injured=2, serious_injuries=2)
    assert incident.number.startswith(f"SJ500237{timezone.localtime(incident.received_at):%Y%m%d}")
    assert incident.level == "IV" and "493" in incident.level_basis
    assert [e.kind for e in incident.timeline.all()] == ["intake", "grade"]
    assert AuditEntry.objects.filter(action="incident_create", object_id=str(incident.pk)).exists()


def test_new_casualties_regrade_the_accident_on_the_boundary(tree):
    incident = intake(tree, deaths=2)
    services.facts_update(actor=persona("county_operator"), incident=incident, deaths=3, note="搜救中发现遇难者")
    incident.refresh_from_db()
    assert incident.level == "III"
    grade = incident.timeline.filter(kind="grade").last()
    assert grade.data == {"before": "IV", "after": "III"} and "死亡 3 人" in grade.detail
    services.facts_update(actor=persona("county_operator"), incident=incident, direct_loss_10k_yuan=Decimal(5000))
    incident.refresh_from_db()
    assert incident.level == "II"


def test_manual_grading_is_a_county_decision_with_a_basis(tree):
    landslide = intake(tree, kind="水旱灾害")  # a kind graded by people (地质灾害 has its calculator)
    assert landslide.level == ""
    with pytest.raises(DomainError) as refused:
        services.grade_set(actor=persona("township_officer"), incident=landslide, level="III", basis="x")
    assert refused.value.status == 403 and refused.value.code == "incident.grade_county_only"
    with pytest.raises(DomainError, match="定级依据"):
        services.grade_set(actor=persona("county_operator"), incident=landslide, level="III", basis=" ")
    services.grade_set(actor=persona("county_operator"), incident=landslide, level="III", basis="县指挥部研判")
    landslide.refresh_from_db()
    assert landslide.level == "III"
    accident = intake(tree)
    with pytest.raises(DomainError, match="自动定级"):
        services.grade_set(actor=persona("county_operator"), incident=accident, level="I", basis="x")


def test_response_creates_the_plan_tasks_once_and_raising_adds_the_new_ones(tree, plans):
    incident = intake(tree, kind="地质灾害")
    officer = persona("county_operator")
    first = services.response_set(actor=officer, incident=incident, level="IV", reason="滑坡威胁 12 户")
    assert {t.title for t in first} == {
        "派工作组赶赴现场，核实灾情并报告",
        "派专业技术人员调查险情，划定危险区",
        "加密天气会商，滚动发布降雨预报",
    }
    assert all(t.department and t.due_at for t in first)
    raised = services.response_set(actor=officer, incident=incident, level="III", reason="发现被困人员")
    assert len(raised) == 4 and ResponseTask.objects.filter(incident=incident).count() == 7
    lowered = services.response_set(actor=officer, incident=incident, level="IV", reason="险情趋缓")
    assert lowered == [] and ResponseTask.objects.filter(incident=incident).count() == 7
    responses = list(incident.timeline.filter(kind="response").values_list("title", "actor_name"))
    assert [t for t, _ in responses] == ["启动Ⅳ级响应", "提升Ⅲ级响应", "降低Ⅳ级响应"]
    assert all(name for _, name in responses)  # who decided
    with pytest.raises(DomainError) as refused:
        services.response_set(actor=persona("township_officer"), incident=incident, level="II", reason="x")
    assert refused.value.status == 403 and refused.value.code == "incident.response_county_only"


def test_report_clock_first_within_an_hour_then_follow_ups(tree):
    t0 = timezone.now()
    incident = intake(tree, at=t0)
    clock = services.report_clock(incident, t0 + dt.timedelta(minutes=50))
    assert clock.label == "首报" and not clock.overdue and clock.minutes_left == 10
    assert services.report_clock(incident, t0 + dt.timedelta(minutes=61)).overdue
    officer = persona("county_operator")
    report = services.report_create(
        actor=officer, incident=incident, kind="first", fields=services.report_draft(incident), at=t0
    )
    assert "张三" not in report.situation and "某厂反应釜爆炸" in report.situation
    services.report_send(
        actor=officer,
        report=report,
        recipients=[("市应急管理局", "system", "李四"), ("县人民政府", "phone", "")],
        at=t0 + dt.timedelta(minutes=70),
    )
    entry = incident.timeline.filter(kind="report").last()
    assert "超时" in entry.title and entry.data["late"] is True
    clock = services.report_clock(incident, t0 + dt.timedelta(hours=2))
    assert clock.label == "续报" and clock.due_at == t0 + dt.timedelta(minutes=70) + dt.timedelta(hours=24)
    with pytest.raises(DomainError, match="已有首报"):
        services.report_create(actor=officer, incident=incident, kind="first", fields={"situation": "x"})
    with pytest.raises(DomainError, match="响应结束后"):
        services.report_create(actor=officer, incident=incident, kind="final", fields={"situation": "x"})
    follow = services.report_create(actor=officer, incident=incident, kind="follow_up", fields={"situation": "续"})
    assert follow.sequence == 1 and str(follow) == "续报（第1次）"
    assert InfoReport.objects.filter(incident=incident).count() == 2


def test_dispatch_orders_go_from_sent_to_done_and_can_be_returned(tree):
    incident = intake(tree)
    officer = persona("county_operator")
    team = RescueTeam.objects.filter(region__code__startswith="500237").first()
    order = services.order_create(
        actor=officer, incident=incident, kind="team", target=team, instruction="携带破拆设备赶赴现场"
    )
    assert order.status == "sent" and order.last_lon == team.lon
    services.order_read(actor="队长", order=order)
    order.refresh_from_db()
    assert order.status == "read" and order.read_at
    with pytest.raises(DomainError, match="不能改为"):
        services.order_progress(actor="队长", order=order, status="on_scene")
    for status in ("accepted", "en_route"):
        services.order_progress(actor="队长", order=order, status=status, lon=109.9, lat=31.1)
    services.order_progress(actor="队长", order=order, status="on_scene", note="已到达", lon=109.91, lat=31.11)
    services.order_progress(actor="队长", order=order, status="done", note="被困人员已救出")
    services.order_return(actor=officer, order=order, reason="请继续排查二次坍塌风险")
    order.refresh_from_db()
    assert order.status == "returned" and (order.last_lon, order.last_lat) == (109.91, 31.11)
    feedback = list(incident.timeline.filter(kind="feedback").values_list("data__status", flat=True))
    assert feedback == ["read", "accepted", "en_route", "on_scene", "done"]


def test_supplies_leave_the_ledger_and_evacuees_fill_the_shelter(tree):
    incident = intake(tree, kind="地质灾害")
    officer = persona("county_operator")
    stock = Stock.objects.filter(quantity__gte=10).select_related("warehouse", "item").first()
    before = stock.quantity
    services.order_create(
        actor=officer,
        incident=incident,
        kind="supplies",
        target=stock.warehouse,
        item=stock.item,
        quantity=Decimal(5),
        instruction="送至早阳村安置点",
    )
    stock.refresh_from_db()
    assert stock.quantity == before - 5
    assert Movement.objects.filter(kind="allocate", reference=incident.number).exists()
    with pytest.raises(DomainError):
        services.order_create(
            actor=officer,
            incident=incident,
            kind="supplies",
            target=stock.warehouse,
            item=stock.item,
            quantity=before * 100,
            instruction="too much",
        )
    shelter = Shelter.objects.filter(status="ready").first()
    occupied = shelter_occupancy(shelter)
    services.evacuate(actor=officer, incident=incident, shelter=shelter, people=12, from_region=tree.village)
    incident.refresh_from_db()
    assert shelter_occupancy(shelter) == occupied + 12 and incident.evacuated == 12
    assert incident.timeline.filter(kind="evacuation").exists()


def test_review_after_the_response_closes_the_incident_with_follow_up_tasks(tree, plans):
    from anlan.registry.models import Department

    incident = intake(tree, kind="地质灾害")
    officer = persona("county_operator")
    with pytest.raises(DomainError, match="响应结束后"):
        services.review_record(actor=officer, incident=incident, course="a", cause="b", lessons="c", follow_ups=[])
    services.response_set(actor=officer, incident=incident, level="IV", reason="r")
    services.response_end(actor=officer, incident=incident, summary="险情排除")
    dept = Department.objects.filter(code__endswith="-GZ").first()
    services.review_record(
        actor=officer,
        incident=incident,
        course="处置及时",
        cause="持续强降雨诱发",
        lessons="隐患点监测需加密",
        follow_ups=[("补充早阳村滑坡监测设备", dept, 30), ("", None, None)],
    )
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.review.cause == "持续强降雨诱发"
    (follow_up,) = incident.tasks.filter(stage="follow_up")
    assert follow_up.department == dept and follow_up.due_at
    final = services.report_create(actor=officer, incident=incident, kind="final", fields={"situation": "险情已排除"})
    assert final.kind == "final"


def test_alarms_and_warnings_join_the_timeline(tree):
    from anlan.monitoring.models import Alarm, Rule, Sensor
    from tests.alerts.helpers import issue_warning

    sensor = Sensor.objects.filter(kind="gnss").first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    alarm = Alarm.objects.create(sensor=sensor, rule=rule, level="red", value=35.0, opened_at=timezone.now())
    incident = Incident(
        title="滑坡",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=sensor.region,
        occurred_at=timezone.now(),
        description="d",
        alarm=alarm,
    )
    incident = services.incident_create(actor=persona("county_operator"), incident=incident)
    assert incident.timeline.filter(kind="alarm", data__alarm=alarm.pk).exists()
    warning = issue_warning(tree, regions=[tree.village])
    services.warning_link(actor=persona("county_operator"), incident=incident, warning=warning)
    assert incident.timeline.filter(kind="warning", data__warning=warning.pk).exists()
    with pytest.raises(DomainError, match="已关联"):
        services.warning_link(actor=persona("county_operator"), incident=incident, warning=warning)


def test_the_assignee_gets_the_order_and_its_field_link_by_sms(tree, settings):
    """The SMS goes through notify's outbox: queued with the order (same transaction), sent by the worker."""
    from anlan.notify import outbox
    from anlan.notify.models import Delivery
    from tests.servers import JsonServer

    gateway = JsonServer()
    settings.ANLAN_SMS_URL, settings.ANLAN_PUBLIC_URL = gateway.base + "/sms", "https://yjj.example.gov.cn"
    try:
        incident = intake(tree)
        team = RescueTeam.objects.filter(region__code__startswith="500237").first()
        order = services.order_create(
            actor=persona("county_operator"), incident=incident, kind="team", target=team, instruction="赶赴现场"
        )
        queued = Delivery.objects.get(notice__topic=f"order:{order.pk}")
        assert queued.status == "queued" and not gateway.requests  # nothing leaves inside the transaction
        outbox.process()
    finally:
        gateway.close()
    assert Delivery.objects.get(pk=queued.pk).status == "sent"
    # The incident's intake also texted those on duty (值班值守, tests/duty): pick the order's message.
    (message,) = [m for _, body in gateway.requests for m in body["messages"] if m["id"] == str(queued.pk)]
    assert message["to"] == team.leader_phone
    assert f"https://yjj.example.gov.cn/p/order/{services.order_token(order)}/" in message["text"]
    assert "已短信通知" in incident.timeline.filter(kind="order").last().title
