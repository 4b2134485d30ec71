"""The one workflow mechanism (core.workflow): who may take which step from which state, what a step
requires, and the refusals a user reads — first on a small table, then on the tables the apps declare."""

from types import SimpleNamespace

import pytest

from anlan.alerts import workflow as warnings_flow
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.workflow import Requires, Transition, Workflow
from anlan.hazards import workflow as hazards_flow
from anlan.incidents import workflow as incidents_flow
from anlan.monitoring import workflow as alarms_flow

COUNTY, TOWNSHIP, VILLAGE = "county_operator", "township_operator", "village_worker"


def actor(role, **extra):
    return SimpleNamespace(role=role, is_superuser=False, **extra)


def permit(status="draft", **extra):
    return SimpleNamespace(status=status, **extra)


# A small table: a permit drafted by anyone, approved by the county, revoked only by its own department.
PERMIT = Workflow(
    "permit",
    {"draft": "草稿", "approved": "已批准", "revoked": "已撤销"},
    [
        Transition(
            "approve",
            "批准",
            {"draft"},
            "approved",
            roles={COUNTY},
            who="县级",
            requires=(Requires(lambda p, d: bool(d.get("opinion")), "请填写审批意见", "opinion_required", "opinion"),),
        ),
        Transition(
            "revoke",
            "撤销",
            {"approved"},
            "revoked",
            when=lambda a, p: getattr(a, "department", None) == p.department,
            forbidden="只有发证部门可以撤销",
            forbidden_code="permit.not_issuing_department",
        ),
        Transition("expire", "到期", {"approved"}, "revoked", system=True),
    ],
)


def test_allowed_lists_only_the_steps_this_actor_may_take_now():
    draft = permit(department=7)
    assert [t.action for t in PERMIT.allowed(actor(COUNTY), draft)] == ["approve"]
    assert PERMIT.allowed(actor(TOWNSHIP), draft) == []
    approved = permit("approved", department=7)
    assert [t.action for t in PERMIT.allowed(actor(TOWNSHIP, department=7), approved)] == ["revoke"]
    assert PERMIT.allowed(actor(TOWNSHIP, department=8), approved) == []  # system steps are never offered
    assert PERMIT.can(actor(TOWNSHIP, department=7), approved, "revoke")
    assert not PERMIT.can(actor(TOWNSHIP, department=7), approved, "expire")


def test_refusals_carry_a_stable_code_a_chinese_message_and_the_status():
    with pytest.raises(NotAllowed) as wrong_role:
        PERMIT.check(actor(TOWNSHIP), permit(), "approve", opinion="同意")
    assert (wrong_role.value.code, wrong_role.value.status) == ("permit.role_not_allowed", 403)
    assert wrong_role.value.message == "“批准”须由县级有权限的角色办理"

    with pytest.raises(NotAllowed) as not_theirs:
        PERMIT.check(actor(TOWNSHIP, department=8), permit("approved", department=7), "revoke")
    assert not_theirs.value.code == "permit.not_issuing_department" and "发证部门" in not_theirs.value.message

    with pytest.raises(DomainError) as wrong_state:
        PERMIT.check(actor(COUNTY), permit("revoked"), "approve", opinion="同意")
    assert (wrong_state.value.code, wrong_state.value.status) == ("permit.transition_not_allowed", 400)
    assert wrong_state.value.message == "当前状态为“已撤销”，不能“批准”"

    with pytest.raises(DomainError) as missing:
        PERMIT.check(actor(COUNTY), permit(), "approve")
    assert (missing.value.code, missing.value.field, missing.value.message) == (
        "permit.opinion_required",
        "opinion",
        "请填写审批意见",
    )

    with pytest.raises(DomainError) as unknown:
        PERMIT.check(actor(COUNTY), permit(), "burn")
    assert unknown.value.code == "permit.unknown_action" and "approve、revoke" in unknown.value.message


def test_apply_moves_the_state_only_when_every_check_passes():
    draft = permit()
    with pytest.raises(DomainError):
        PERMIT.apply(actor(COUNTY), draft, "approve")  # no opinion
    assert draft.status == "draft"
    step = PERMIT.apply(actor(COUNTY), draft, "approve", opinion="同意")
    assert step.target == "approved" and draft.status == "approved"
    superuser = SimpleNamespace(role="", is_superuser=True)
    assert PERMIT.apply(superuser, draft, "revoke").action == "revoke" and draft.status == "revoked"


def test_a_table_naming_an_unknown_state_or_an_action_twice_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("x", {"a": "甲"}, [Transition("go", "走", {"a"}, "b")])
    with pytest.raises(ValueError, match="declared twice"):
        Workflow("x", {"a": "甲"}, [Transition("go", "走", {"a"}, None), Transition("go", "走", {"a"}, None)])


def hazard(status="reported", level="general", **extra):
    fields = {"responsible": "", "measures": "", "supervising_unit": "", "supervising_leader": ""}
    return SimpleNamespace(status=status, level=level, pending_deadline=None, **(fields | extra))


def test_hidden_hazard_table_county_verifies_major_hazards_and_assign_needs_a_responsible_person():
    flow = hazards_flow.FLOW
    assert [t.action for t in flow.allowed(actor(TOWNSHIP), hazard())] == ["assign"]
    assert flow.allowed(actor(VILLAGE), hazard()) == []
    waiting = hazard("awaiting_verification")
    assert {t.action for t in flow.allowed(actor(TOWNSHIP), waiting)} == {"verify", "reject"}
    major = hazard("awaiting_verification", level="major")
    assert flow.allowed(actor(TOWNSHIP), major) == []
    with pytest.raises(NotAllowed, match="须由县级有权限的角色办理"):
        flow.check(actor(TOWNSHIP), major, "verify")
    with pytest.raises(DomainError, match="请指定整改责任人") as missing:
        flow.check(actor(TOWNSHIP), hazard(), "assign")
    assert missing.value.code == "hazard.responsible_required"
    with pytest.raises(DomainError, match="挂牌督办"):
        flow.check(actor(COUNTY), hazard(level="major"), "assign", responsible="李站长")
    with pytest.raises(DomainError) as wrong_state:
        flow.check(actor(TOWNSHIP), hazard(), "verify")
    assert wrong_state.value.field == "action"  # CONTRACT: {"action": ["…"]}


def test_warning_incident_order_and_alarm_tables():
    issued = SimpleNamespace(status="issued")
    with pytest.raises(NotAllowed) as not_issuer:
        warnings_flow.FLOW.check(actor(TOWNSHIP), issued, "cancel")
    assert not_issuer.value.code == "warning.not_issuer"
    assert {t.action for t in warnings_flow.FLOW.allowed(actor(COUNTY), issued)} == {"update", "cancel"}
    assert {t.action for t in warnings_flow.FLOW.allowed(actor(TOWNSHIP), SimpleNamespace(status="draft"))} == {
        "edit",
        "submit",
    }

    received = SimpleNamespace(status="received", response_level="", kind=SimpleNamespace(grading="manual"))
    with pytest.raises(NotAllowed) as county_only:
        incidents_flow.INCIDENT.check(actor(TOWNSHIP), received, "respond", level="IV", reason="x")
    assert county_only.value.code == "incident.response_county_only"
    assert county_only.value.message == "启动或调整应急响应须由县级人员决定"
    with pytest.raises(DomainError, match="请填写启动或调整响应的理由"):
        incidents_flow.INCIDENT.check(actor(COUNTY), received, "respond", level="IV", reason=" ")
    with pytest.raises(DomainError, match="只有响应中的事件可以结束响应"):
        incidents_flow.INCIDENT.check(actor(COUNTY), received, "end")

    order = SimpleNamespace(status="sent", incident=SimpleNamespace(status="responding"))
    field = "王队长（现场）"  # the field link's holder has no account
    assert [t.action for t in incidents_flow.ORDER.allowed(field, order) if t.target] == [
        "read",
        "accepted",
    ]
    with pytest.raises(DomainError, match="当前为“已下达”，不能改为“已完成”"):
        incidents_flow.ORDER.check(field, order, "done")
    done = SimpleNamespace(status="done", incident=SimpleNamespace(status="responding"))
    with pytest.raises(NotAllowed):
        incidents_flow.ORDER.check(field, done, "return", reason="照片不清")
    assert incidents_flow.ORDER.check(actor(COUNTY), done, "return", reason="照片不清").target == "returned"
    closed = SimpleNamespace(status="accepted", incident=SimpleNamespace(status="closed"))
    with pytest.raises(DomainError, match="事件已结案"):
        incidents_flow.ORDER.check(field, closed, "done")

    alarm = SimpleNamespace(status="acknowledged")
    with pytest.raises(DomainError, match="报警当前为“已确认”，不能确认"):
        alarms_flow.FLOW.check(SimpleNamespace(role="", is_superuser=True), alarm, "acknowledge")
