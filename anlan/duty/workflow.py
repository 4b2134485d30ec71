"""换班 (swap) as a transition table: the person on the shift (or whoever keeps the desk's roster) asks,
whoever keeps the desk's roster decides; the asker may withdraw while it waits."""

from anlan.core.workflow import Requires, Transition, Workflow

from .models import DESK_ROLES, Swap

S = Swap.Status


def _keeps_roster(actor, swap) -> bool:
    from .roster import may_roster

    return may_roster(actor, swap.shift.desk_id)


def _is_asker(actor, swap) -> bool:
    return swap.requested_by_id == getattr(actor, "pk", None)


def _not_started(swap, data) -> bool:
    from django.utils import timezone

    return swap.shift.ends > timezone.now()


SWAP = Workflow(
    "swap",
    dict(S.choices),
    [
        Transition(
            "approve",
            "同意换班",
            {S.PENDING},
            S.APPROVED,
            roles=DESK_ROLES,
            when=_keeps_roster,
            who="本值班席位排班",
            requires=(Requires(_not_started, "该班次已结束，不能再换班", "shift_over"),),
        ),
        Transition(
            "reject", "不同意换班", {S.PENDING}, S.REJECTED, roles=DESK_ROLES, when=_keeps_roster, who="本值班席位排班"
        ),
        Transition("withdraw", "撤回申请", {S.PENDING}, S.WITHDRAWN, when=_is_asker, who="申请人本人"),
    ],
)
