"""A burn permit's way (pure; core.workflow):

    pending ─approve→ approved            (the approver's level: county roles, or the township when delegated)
    pending ─refuse→ refused              (with the reason)
    pending ─escalate→ escalated          (a township passes it to the county: 高火险期, or its own choice)
    escalated ─approve / refuse→          (county roles)
    pending / escalated ─withdraw→ withdrawn  (whoever may change it)

The period and danger-level rules are checked by the service (they need the county's settings and levels).
"""

from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.workflow import Requires, Transition, Workflow

from . import rules
from .models import BurnPermit

S = BurnPermit.Status
STATUS_LABELS = dict(S.choices)


def _may_decide(actor, permit) -> bool:
    if actor.is_superuser or actor.role in COUNTY_ROLES:
        return permit.approver_level != rules.PROVINCE
    return (
        actor.role == Role.TOWNSHIP_OPERATOR and permit.approver_level == rules.TOWNSHIP and permit.status == S.PENDING
    )


REASON = Requires(lambda p, data: bool((data.get("reason") or "").strip()), "请写明理由", "reason_required", "reason")

FLOW = Workflow(
    "burn_permit",
    STATUS_LABELS,
    [
        Transition("approve", "批准", {S.PENDING, S.ESCALATED}, S.APPROVED, when=_may_decide, who="审批机关"),
        Transition(
            "refuse",
            "不予批准",
            {S.PENDING, S.ESCALATED},
            S.REFUSED,
            when=_may_decide,
            who="审批机关",
            requires=(REASON,),
        ),
        Transition(
            "escalate",
            "报县级审批",
            {S.PENDING},
            S.ESCALATED,
            roles=frozenset({Role.TOWNSHIP_OPERATOR}),
            requires=(REASON,),
        ),
        Transition("withdraw", "撤回申请", {S.PENDING, S.ESCALATED}, S.WITHDRAWN),
    ],
    model="forestfire.BurnPermit",
)
