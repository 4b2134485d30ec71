"""An inspection's steps as a transition table (core.workflow; pure).

    in_progress ─complete (签字确认)→ signed ─close (复查办结)→ closed

签字确认 needs the signatures of at least two of the inspection's officers (行政处罚法 Art. 42) and the
principal's signature or the refusal noted (安全生产法 Art. 68). An inspection without findings is closed at
once by its service; one with findings waits until every hazard it created is closed (销号 in the hazard
loop), then the 整改复查意见书 closes it.
"""

from anlan.core.workflow import Requires, Transition, Workflow

from .models.common import CAMPAIGN_INSPECTORS

IN_PROGRESS, SIGNED, REVIEWING, CLOSED = "in_progress", "signed", "reviewing", "closed"
STATES = {IN_PROGRESS: "检查中", SIGNED: "已签字", REVIEWING: "整改复查中", CLOSED: "已办结"}
MIN_INSPECTORS = 2


def inspector_signatures(inspection) -> int:
    return len({s.inspector_id for s in inspection.signatures.all() if s.signer == "inspector" and s.inspector_id})


def principal_done(inspection) -> bool:
    signed = any(s.signer == "principal" for s in inspection.signatures.all())
    return signed or (inspection.principal_refused and bool(inspection.refusal_note))


def hazards_open(inspection) -> int:
    return sum(1 for f in inspection.findings.all() if f.hazard_id and f.hazard.status != "closed")


FLOW = Workflow(
    "inspection",
    STATES,
    [
        Transition(
            "complete",
            "签字确认",
            {IN_PROGRESS},
            SIGNED,
            roles=CAMPAIGN_INSPECTORS,
            requires=(
                Requires(
                    lambda i, d: inspector_signatures(i) >= MIN_INSPECTORS,
                    "须至少两名执法人员签字（行政处罚法第四十二条）",
                    "inspectors_unsigned",
                    field="signatures",
                    on_record=True,
                ),
                Requires(
                    lambda i, d: principal_done(i),
                    "须被检查单位负责人签字，或记录其拒绝签字的情况（安全生产法第六十八条）",
                    "principal_unsigned",
                    field="signatures",
                    on_record=True,
                ),
            ),
        ),
        Transition(
            "close",
            "复查办结",
            {SIGNED, REVIEWING},
            CLOSED,
            roles=CAMPAIGN_INSPECTORS,
            requires=(
                Requires(
                    lambda i, d: hazards_open(i) == 0,
                    lambda i, d: f"还有 {hazards_open(i)} 项隐患未销号，全部销号后才能复查办结",
                    "hazards_open",
                    on_record=True,
                ),
                Requires(lambda i, d: bool(d.get("opinion")), "请填写复查意见", "opinion_required", field="opinion"),
            ),
        ),
    ],
    model="enforcement.Inspection",
)
