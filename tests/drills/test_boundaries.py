"""The boundaries the issue-18 review found open, each held: a unit changes only the drills and plans it owns,
a sandbox stays in its county and out of real records (stock, 会商 decisions, incident links), and drill rows
are followed through their parents out of the real lists."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from anlan.consultations import services as consultations
from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry, Exercise
from anlan.drills import services_drills
from anlan.drills import services_mode as mode
from anlan.drills.models import Drill, DrillInject
from anlan.geo.models import Region
from anlan.incidents.models import DispatchOrder, ResponseTask
from anlan.incidents.services import dispatch, timeline
from anlan.plans import services_lifecycle
from anlan.plans.models import IncidentKind, Plan
from anlan.registry.models import Department, Enterprise
from anlan.supplies.models import Stock
from anlan.testing.personas import persona
from tests.consultations import helpers as consult

pytestmark = pytest.mark.django_db


def _drill(region, **extra) -> Drill:
    fields = {"title": "演练", "form": Drill.Form.TABLETOP, "scope": Drill.Scope.SINGLE, "scenario": "情景"}
    return Drill.objects.create(region=region, planned_on=timezone.localdate(), **fields, **extra)


def test_a_department_changes_its_own_drills_not_the_countys_nor_another_departments(tree):
    officer = persona("department_operator")
    other = Department.objects.filter(region=tree.county).exclude(pk=officer.department_id).order_by("pk").first()
    own = _drill(tree.county, department_id=officer.department_id)
    assert services_drills.may_change(officer, own)
    for drill in (_drill(tree.county), _drill(tree.county, department=other)):
        assert not services_drills.may_change(officer, drill)
        with pytest.raises(PermissionDenied):
            services_drills.drill_cancel(actor=officer, drill=drill, reason="越权取消")
        assert Drill.objects.get(pk=drill.pk).status == Drill.Status.PLANNED
        with pytest.raises(DomainError):
            mode.mode_start(actor=officer, drill=drill)


def test_a_township_neither_changes_an_enterprise_drill_nor_writes_an_enterprise_plan(tree):
    township = persona("township_officer")
    enterprise = Enterprise.objects.filter(region__pk__startswith=tree.township.code[:9]).order_by("pk").first()
    drill = _drill(enterprise.region, enterprise=enterprise)
    assert not services_drills.may_change(township, drill)
    kind = IncidentKind.objects.order_by("pk").first()
    plan = Plan.objects.create(name="企业预案", region=enterprise.region, enterprise=enterprise, kind="enterprise")
    plan.kinds.set([kind])
    with pytest.raises(DomainError) as refused:
        services_lifecycle.plan_save(actor=township, plan=plan, name="改名")
    assert refused.value.code == "plan.not_owner"
    with pytest.raises(DomainError):
        services_lifecycle.plan_save(actor=township, name="代企业编制", enterprise=enterprise, kinds=[kind])
    assert not Plan.objects.filter(name__in=["改名", "代企业编制"]).exists()
    # The enterprise itself may.
    services_lifecycle.plan_save(actor=persona("enterprise_user"), plan=plan, name="企业预案（修订）")


def test_an_inject_outside_the_drills_county_is_refused_when_written(tree):
    drill = _drill(tree.county)
    mode.mode_start(actor=persona("county_operator"), drill=drill)
    with pytest.raises(DomainError) as refused:
        mode.inject_add(
            actor=persona("county_operator"),
            drill=drill,
            offset_minutes=1,
            kind=DrillInject.Kind.INCIDENT,
            title="外县事件",
            payload={
                "kind": IncidentKind.objects.order_by("pk").first().name,
                "title": "外县山体滑坡",
                "region": Region.objects.create(code="500238000000", name="邻县", level="county").code,
            },
        )
    assert refused.value.code == "inject.region_outside"
    assert not drill.injects.exists()


def test_a_drill_incident_allocates_no_real_stock_and_its_rows_stay_out_of_real_lists(tree):
    exercise = Exercise.objects.create(name="沙箱")
    incident = consult.incident(tree.township)
    incident.exercise = exercise
    incident.save(update_fields=["exercise"])
    stock = Stock.objects.filter(quantity__gt=1).select_related("warehouse", "item").order_by("pk").first()
    before = stock.quantity
    with pytest.raises(DomainError) as refused:
        dispatch.order_create(
            actor=persona("county_operator"),
            incident=incident,
            kind=DispatchOrder.Kind.SUPPLIES,
            instruction="调拨",
            target=stock.warehouse,
            item=stock.item,
            quantity=1,
        )
    assert refused.value.code == "incident.exercise_supplies"
    assert Stock.objects.get(pk=stock.pk).quantity == before
    task = ResponseTask.objects.create(incident=incident, title="演练任务", created_at=timezone.now())
    assert not ResponseTask.objects.real().filter(pk=task.pk).exists()
    assert ResponseTask.objects.of_exercise(exercise).filter(pk=task.pk).exists()


def test_real_records_and_drill_records_are_never_linked(tree):
    exercise = Exercise.objects.create(name="沙箱")
    drill_warning = consult.warning(tree.county)
    drill_warning.exercise = exercise
    drill_warning.save(update_fields=["exercise"])
    session = consult.start()
    decision = consultations.decision_add(
        actor=persona("county_operator"), consultation=session, kind="warning", text="发布暴雨预警"
    )
    with pytest.raises(DomainError) as refused:
        consultations.decision_link(
            actor=persona("county_operator"), decision=decision, field="warning", record_id=drill_warning.pk
        )
    assert refused.value.code == "decision.link_exercise"
    real_incident = consult.incident(tree.county)
    with pytest.raises(DomainError) as refused:
        timeline.warning_link(actor=persona("county_operator"), incident=real_incident, warning=drill_warning)
    assert refused.value.code == "incident.warning_exercise"


def test_the_organiser_edits_a_planned_drill_and_nobody_edits_a_held_one(client, tree):
    drill = _drill(tree.township)
    client.force_login(persona("township_officer"))
    page = client.get(f"/drills/{drill.pk}/")
    assert "修改计划" in page.content.decode()
    form = client.get(f"/drills/{drill.pk}/edit/")
    assert form.status_code == 200 and "修改演练计划" in form.content.decode()
    data = {
        "title": "乡镇防汛演练（改期）", "form": "tabletop", "scope": "single", "scenario": "暴雨致山洪",
        "region": tree.township.code, "planned_on": (timezone.localdate()).isoformat(), "place": "镇政府会议室",
    }  # fmt: skip
    saved = client.post(f"/drills/{drill.pk}/edit/", data)
    assert saved.status_code == 302, saved.content.decode()[:1500]
    drill.refresh_from_db()
    assert drill.title == "乡镇防汛演练（改期）" and drill.place == "镇政府会议室"
    assert drill.status == Drill.Status.PLANNED
    assert AuditEntry.objects.filter(object_type="drills.drill", object_id=str(drill.pk), action="update").exists()
    # Another township cannot open the edit; a held drill is not edited by anyone.
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/drills/{drill.pk}/edit/").status_code == 404
    Drill.objects.filter(pk=drill.pk).update(status=Drill.Status.HELD, held_on=timezone.localdate())
    client.force_login(persona("township_officer"))
    assert client.get(f"/drills/{drill.pk}/edit/").status_code == 403
