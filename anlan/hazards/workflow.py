"""The hidden-hazard closed loop (隐患闭环) as a transition table (pure; CONTRACT.md).

    reported ─assign→ rectifying ─submit→ awaiting_verification ─verify→ closed (销号)
                          ↑                        │
                          └────────reject──────────┘

A hazard is closed only by verify; a major hazard is verified (or rejected) only by a county role.
While rectifying, the holder may ask for a later deadline (延期); a superior approves or refuses.
"""

from dataclasses import dataclass

from anlan.core.roles import Role

REPORTED, RECTIFYING, AWAITING, CLOSED = "reported", "rectifying", "awaiting_verification", "closed"
STATUS_LABELS = {REPORTED: "已上报", RECTIFYING: "整改中", AWAITING: "待验收", CLOSED: "已销号"}

COUNTY = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})
SUPERIORS = COUNTY | {Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR}
HOLDERS = SUPERIORS | {Role.VILLAGE_WORKER, Role.ENTERPRISE_USER}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    roles: frozenset[str]
    major_roles: frozenset[str] | None = None  # stricter roles for major hazards


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("assign", "交办整改", frozenset({REPORTED}), RECTIFYING, SUPERIORS),
        Transition("submit", "提交整改", frozenset({RECTIFYING}), AWAITING, HOLDERS),
        Transition("verify", "验收销号", frozenset({AWAITING}), CLOSED, SUPERIORS, COUNTY),
        Transition("reject", "验收不通过", frozenset({AWAITING}), RECTIFYING, SUPERIORS, COUNTY),
        Transition("request_extension", "申请延期", frozenset({RECTIFYING}), None, HOLDERS),
        Transition("approve_extension", "同意延期", frozenset({RECTIFYING}), None, SUPERIORS, COUNTY),
        Transition("refuse_extension", "不同意延期", frozenset({RECTIFYING}), None, SUPERIORS, COUNTY),
    )
}


class TransitionError(Exception):
    """`kind` is "state" (a 400) or "role" (a 403)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def check(action: str, *, status: str, level: str, role: str, superuser: bool = False) -> Transition:
    """The transition if `role` may take `action` on a hazard in `status`; else TransitionError."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError("state", f"未知操作：{action}（可用：{'、'.join(TRANSITIONS)}）")
    roles = transition.major_roles if level == "major" and transition.major_roles else transition.roles
    if not superuser and role not in roles:
        who = "县级" if roles == COUNTY else ""
        raise TransitionError("role", f"“{transition.label}”须由{who}有权限的角色办理")
    if status not in transition.sources:
        raise TransitionError("state", f"当前状态为“{STATUS_LABELS.get(status, status)}”，不能“{transition.label}”")
    return transition


def available(*, status: str, level: str, role: str, superuser: bool = False) -> list[Transition]:
    out = []
    for action in TRANSITIONS:
        try:
            out.append(check(action, status=status, level=level, role=role, superuser=superuser))
        except TransitionError:
            continue
    return out
