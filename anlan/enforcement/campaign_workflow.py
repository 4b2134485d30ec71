"""A 专项整治 campaign's way (pure; core.workflow):

    draft ─assign→ draft ─start→ active ─close→ closed
    (筹备: generate the targets and their assignments, again as often as wanted while in draft)

Only the county (COUNTY_ONLY) runs a campaign: it decides the targets and the shares; departments and
townships carry out their assignments by inspecting (the inspections part). Starting needs the assignments
(a campaign without targets would track nothing); closing needs the summary (the issue: "closes with a
summary").
"""

from anlan.core.workflow import Requires, Transition, Workflow

from .models.common import COUNTY_ONLY

DRAFT, ACTIVE, CLOSED = "draft", "active", "closed"
STATUS_LABELS = {DRAFT: "筹备", ACTIVE: "进行中", CLOSED: "已总结"}

HAS_TARGETS = Requires(
    lambda c, d: c.assignments.exists(),
    "尚未生成任务分配（或区域内没有符合条件的企业），不能启动",
    "no_assignments",
    on_record=True,
)
SUMMARY = Requires(
    lambda c, d: bool((d.get("summary") or "").strip()), "结束专项整治须填写总结", "summary_required", field="summary"
)

FLOW = Workflow(
    "campaign",
    STATUS_LABELS,
    [
        Transition("assign", "生成任务分配", {DRAFT}, None, roles=COUNTY_ONLY, who="县级"),
        Transition("start", "启动", {DRAFT}, ACTIVE, roles=COUNTY_ONLY, who="县级", requires=(HAS_TARGETS,)),
        Transition("close", "总结结束", {ACTIVE}, CLOSED, roles=COUNTY_ONLY, who="县级", requires=(SUMMARY,)),
    ],
    model="enforcement.Campaign",
)
