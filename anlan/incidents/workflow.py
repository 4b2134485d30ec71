"""An incident's course and its dispatch orders as transition tables (core.workflow).

Incident:  received ─respond→ responding ─end→ ended ─close (调查评估)→ closed
           定级 (grade) at any time; orders while received or responding; the final report once ended.
           Grading, response and closing are county decisions (GRADERS).

Order:     sent ─read→ read ─accept→ accepted ─en_route→ en_route ─on_scene→ on_scene ─done→ done
           (steps may be skipped forward); the commander returns a done order (退回重办) and the
           assignee takes it up again from returned. A report (position, note, photo) without a change
           of status is the step "report". Nothing is taken once the incident is closed.
"""

from anlan.core.roles import COUNTY_ROLES
from anlan.core.workflow import Requires, Transition, Workflow

from . import calculators, grading

RECEIVED, RESPONDING, ENDED, CLOSED = "received", "responding", "ended", "closed"
STATUS_LABELS = {RECEIVED: "已接报", RESPONDING: "响应中", ENDED: "响应结束", CLOSED: "已结案"}
GRADERS = COUNTY_ROLES  # 定级, 响应 and 结案 are county decisions


def _county(what: str, code: str) -> dict:
    return {"roles": GRADERS, "forbidden": f"{what}须由县级人员决定", "forbidden_code": f"incident.{code}"}


def _filled(*names):
    return lambda obj, data: all(str(data.get(n) or "").strip() for n in names)


INCIDENT = Workflow(
    "incident",
    STATUS_LABELS,
    [
        Transition(
            "grade",
            "定级",
            set(STATUS_LABELS),
            None,
            **_county("事件定级", "grade_county_only"),
            requires=(
                Requires(
                    lambda i, d: i.kind.grading not in calculators.AUTOMATIC,
                    "本类事件按法规自动定级（生产安全事故、森林火灾、地质灾害），请更新伤亡与损失等情况",
                    "graded_by_regulation",
                    on_record=True,
                ),
                Requires(
                    lambda i, d: d.get("level") in grading.LEVELS, "等级应为 I、II、III、IV", "bad_level", "level"
                ),
                Requires(_filled("basis"), "请填写定级依据", "basis_required", "basis"),
            ),
        ),
        Transition(
            "respond",
            "启动或调整应急响应",
            {RECEIVED, RESPONDING},
            RESPONDING,
            **_county("启动或调整应急响应", "response_county_only"),
            refused="响应已结束，不能再调整",
            requires=(
                Requires(
                    lambda i, d: d.get("level") in grading.LEVELS, "响应级别应为 I、II、III、IV", "bad_level", "level"
                ),
                Requires(
                    lambda i, d: d.get("level") != i.response_level,
                    lambda i, d: f"当前已是{i.get_response_level_display()}",
                    "same_response_level",
                    "level",
                ),
                Requires(_filled("reason"), "请填写启动或调整响应的理由", "reason_required", "reason"),
            ),
        ),
        Transition(
            "end",
            "结束应急响应",
            {RESPONDING},
            ENDED,
            **_county("结束应急响应", "end_county_only"),
            refused="只有响应中的事件可以结束响应",
        ),
        Transition(
            "close",
            "调查评估与结案",
            {ENDED},
            CLOSED,
            **_county("调查评估与结案", "close_county_only"),
            refused="响应结束后才能填写调查评估并结案",
            requires=(
                Requires(
                    _filled("course", "cause", "lessons"), "请填写事件经过、原因分析和经验教训", "review_required"
                ),
            ),
        ),
        Transition(
            "order",
            "下达调度指令",
            {RECEIVED, RESPONDING},
            None,
            refused="响应已结束，不能再下达指令",
            requires=(Requires(_filled("instruction"), "请填写指令内容", "instruction_required", "instruction"),),
        ),
        Transition("final_report", "报送终报", {ENDED, CLOSED}, None, refused="响应结束后才能报送终报"),
    ],
    model="incidents.Incident",
)

SENT, READ, ACCEPTED, EN_ROUTE, ON_SCENE, DONE, RETURNED = (
    "sent",
    "read",
    "accepted",
    "en_route",
    "on_scene",
    "done",
    "returned",
)
ORDER_LABELS = {
    SENT: "已下达",
    READ: "已读",
    ACCEPTED: "已接受",
    EN_ROUTE: "在途",
    ON_SCENE: "到场",
    DONE: "已完成",
    RETURNED: "退回重办",
}
OPEN_INCIDENT = Requires(lambda o, d: o.incident.status != CLOSED, "事件已结案，指令不再接收反馈", "incident_closed")


def _by_commander(actor, order) -> bool:
    """Returning needs a platform account (the commander); the field link's holder is named by a string."""
    return not isinstance(actor, str) and actor is not None


def _progress(target: str, sources: set[str]) -> Transition:
    return Transition(
        target,
        ORDER_LABELS[target],
        sources,
        target,
        refused="当前为“{status}”，不能改为“{label}”",
        requires=(OPEN_INCIDENT,),
    )


ORDER = Workflow(
    "order",
    ORDER_LABELS,
    [
        _progress(READ, {SENT}),
        _progress(ACCEPTED, {SENT, READ, RETURNED}),
        _progress(EN_ROUTE, {ACCEPTED, RETURNED}),
        _progress(ON_SCENE, {ACCEPTED, EN_ROUTE, RETURNED}),
        _progress(DONE, {ACCEPTED, EN_ROUTE, ON_SCENE, RETURNED}),
        Transition("report", "现场反馈", set(ORDER_LABELS), None, requires=(OPEN_INCIDENT,)),
        Transition(
            "return",
            "退回重办",
            {DONE},
            RETURNED,
            when=_by_commander,
            forbidden="退回重办由指挥人员办理",
            refused="只有已完成的指令可以退回重办",
            requires=(Requires(_filled("reason"), "请填写退回理由", "reason_required", "reason"),),
        ),
    ],
    unknown="未知状态",
    model="incidents.DispatchOrder",
)
