"""An alarm's human steps as a transition table (core.workflow).

    open ─acknowledge (确认: 已知悉、正在处置)→ acknowledged

The level steps — open, raise (back to open), close — are decided by the numpy engine (`engine.py`) for
many rules at once and written in bulk by `services._apply`; they stay there. They are listed here as
system rows so that the table shows the whole life of an alarm.
"""

from anlan.core.workflow import Transition, Workflow

OPEN, ACKNOWLEDGED, CLOSED = "open", "acknowledged", "closed"
STATUS_LABELS = {OPEN: "报警中", ACKNOWLEDGED: "已确认", CLOSED: "已解除"}


def _may_handle(actor, alarm) -> bool:
    """Those on duty for the area acknowledge (已知悉、正在处置) its alarms: `Alarm.acknowledge_roles`, not the
    people who may change the sensor (a township officer answers an alarm it may not reconfigure)."""
    return actor.is_superuser or actor.role in type(alarm).acknowledge_roles


FLOW = Workflow(
    "alarm",
    STATUS_LABELS,
    [
        Transition(
            "acknowledge",
            "确认报警",
            {OPEN},
            ACKNOWLEDGED,
            when=_may_handle,
            forbidden="您的角色不能确认报警",
            refused="报警当前为“{status}”，不能确认",
        ),
        Transition("raise", "升级", {OPEN, ACKNOWLEDGED}, OPEN, system=True),
        Transition("close", "解除", {OPEN, ACKNOWLEDGED}, CLOSED, system=True),
    ],
    model="monitoring.Alarm",
)
