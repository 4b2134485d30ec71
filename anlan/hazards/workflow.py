"""The hidden-hazard closed loop (隐患闭环) as a transition table (pure; CONTRACT.md; core.workflow).

    reported ─assign→ rectifying ─submit→ awaiting_verification ─verify→ closed (销号)
                          ↑                        │
                          └────────reject──────────┘

A hazard is closed only by verify; a major hazard is verified (or rejected) only by a county role.
While rectifying, the holder may ask for a later deadline (延期); a superior approves or refuses.
Requirements read the submitted data (`responsible`, `measures`, `comment`, `new_deadline` as a date)
beside what the hazard already holds.
"""

from anlan.core.roles import Role
from anlan.core.workflow import Requires, Transition, Workflow

REPORTED, RECTIFYING, AWAITING, CLOSED = "reported", "rectifying", "awaiting_verification", "closed"
STATUS_LABELS = {REPORTED: "已上报", RECTIFYING: "整改中", AWAITING: "待验收", CLOSED: "已销号"}
OPEN = (REPORTED, RECTIFYING, AWAITING)  # every status but CLOSED (未销号)

COUNTY = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})
SUPERIORS = COUNTY | {Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR}
HOLDERS = SUPERIORS | {Role.VILLAGE_WORKER, Role.ENTERPRISE_USER}
MAJOR = "major"


def _county_if_major(actor, hazard) -> bool:
    return hazard.level != MAJOR or getattr(actor, "role", "") in COUNTY


def _county_label(hazard) -> str:
    return "县级" if hazard.level == MAJOR else ""


def _given(name: str):
    return lambda hazard, data: bool(data.get(name) or getattr(hazard, name))


def _supervised(hazard, data) -> bool:
    if hazard.level != MAJOR:
        return True
    return bool(
        (data.get("supervising_unit") or hazard.supervising_unit)
        and (data.get("supervising_leader") or hazard.supervising_leader)
    )


def _later_deadline(hazard, data) -> bool:
    wanted = data.get("new_deadline")
    return wanted is not None and wanted > hazard.deadline


COUNTY_FOR_MAJOR = {"when": _county_if_major, "who": _county_label}
PENDING = Requires(
    lambda h, d: bool(h.pending_deadline), "没有待审批的延期申请", "no_pending_extension", on_record=True
)

FLOW = Workflow(
    "hazard",
    STATUS_LABELS,
    [
        Transition(
            "assign",
            "交办整改",
            {REPORTED},
            RECTIFYING,
            roles=SUPERIORS,
            requires=(
                Requires(
                    _supervised,
                    "重大隐患须挂牌督办：请填写挂牌督办单位和督办领导",
                    "supervision_required",
                ),
                Requires(_given("responsible"), "请指定整改责任人", "responsible_required", field="responsible"),
            ),
        ),
        Transition(
            "submit",
            "提交整改",
            {RECTIFYING},
            AWAITING,
            roles=HOLDERS,
            requires=(
                Requires(
                    lambda h, d: bool(d.get("measures") or h.measures or d.get("comment")),
                    "提交整改时请说明整改措施",
                    "measures_required",
                    field="measures",
                ),
            ),
        ),
        Transition("verify", "验收销号", {AWAITING}, CLOSED, roles=SUPERIORS, **COUNTY_FOR_MAJOR),
        Transition(
            "reject",
            "验收不通过",
            {AWAITING},
            RECTIFYING,
            roles=SUPERIORS,
            **COUNTY_FOR_MAJOR,
            requires=(
                Requires(
                    lambda h, d: bool(d.get("comment")), "验收不通过须填写意见", "comment_required", field="comment"
                ),
            ),
        ),
        Transition(
            "request_extension",
            "申请延期",
            {RECTIFYING},
            None,
            roles=HOLDERS,
            requires=(
                Requires(
                    _later_deadline,
                    "申请延期须给出晚于当前期限的新期限",
                    "later_deadline_required",
                    field="new_deadline",
                ),
                Requires(
                    lambda h, d: not h.pending_deadline,
                    lambda h, d: f"已有待审批的延期申请（至 {h.pending_deadline}）",
                    "extension_pending",
                    on_record=True,
                ),
            ),
        ),
        Transition(
            "approve_extension",
            "同意延期",
            {RECTIFYING},
            None,
            roles=SUPERIORS,
            **COUNTY_FOR_MAJOR,
            requires=(PENDING,),
        ),
        Transition(
            "refuse_extension",
            "不同意延期",
            {RECTIFYING},
            None,
            roles=SUPERIORS,
            **COUNTY_FOR_MAJOR,
            requires=(PENDING,),
        ),
    ],
    state_field="action",  # CONTRACT: a wrong-state step is a 400 naming the action
    model="hazards.HiddenHazard",
)
