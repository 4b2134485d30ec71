"""A drill's way (pure; core.workflow):

    planned ─record→ held ─evaluate→ evaluated
    planned ─cancel→ cancelled (with the reason)

`running` belongs to drill mode (a tabletop drill played in the sandbox, p18mode): recording ends it too.
Whoever may change the drill (its organiser's scope, DRILL_WRITERS) takes the steps; the views fetch the
drill with `restrict(user, "change")`, so a township never records another township's drill.
"""

from anlan.core.workflow import Requires, Transition, Workflow

from .models import DRILL_WRITERS, Drill

PLANNED, RUNNING, HELD, EVALUATED, CANCELLED = (
    Drill.Status.PLANNED,
    Drill.Status.RUNNING,
    Drill.Status.HELD,
    Drill.Status.EVALUATED,
    Drill.Status.CANCELLED,
)
STATUS_LABELS = dict(Drill.Status.choices)

HELD_ON = Requires(lambda d, data: data.get("held_on") is not None, "请填写实施日期", "held_on_required", "held_on")
REASON = Requires(
    lambda d, data: bool((data.get("reason") or "").strip()), "取消演练须写明原因", "reason_required", "reason"
)

FLOW = Workflow(
    "drill",
    STATUS_LABELS,
    [
        Transition("record", "登记实施情况", {PLANNED, RUNNING}, HELD, roles=DRILL_WRITERS, requires=(HELD_ON,)),
        Transition("evaluate", "评估", {HELD}, EVALUATED, roles=DRILL_WRITERS),
        Transition("cancel", "取消演练", {PLANNED}, CANCELLED, roles=DRILL_WRITERS, requires=(REASON,)),
    ],
    model="drills.Drill",
)
