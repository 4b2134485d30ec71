"""A township return's way to the county report (pure; core.workflow):

    draft ─review→ reviewed ─approve→ approved      (乡镇审核, 县级审定)
      ↑               │                   │
      └──── edit ─── returned ←─send_back─┘          (退回 with a comment; the township corrects and reviews again)

Editing a reviewed or approved return (new figures) puts it back to draft: changed figures are reviewed again.
"""

from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.workflow import Requires, Transition, Workflow

DRAFT, REVIEWED, APPROVED, RETURNED = "draft", "reviewed", "approved", "returned"
STATUS_LABELS = {DRAFT: "填报中", REVIEWED: "乡镇已审核", APPROVED: "县级已审定", RETURNED: "已退回"}
TOWNSHIP_OR_COUNTY = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})

COMMENT = Requires(lambda r, d: bool((d.get("comment") or "").strip()), "退回时请填写退回意见", "comment_required",
                   field="comment")  # fmt: skip

FLOW = Workflow(
    "disaster_return",
    STATUS_LABELS,
    [
        Transition("review", "乡镇审核", {DRAFT, RETURNED}, REVIEWED, roles=TOWNSHIP_OR_COUNTY, who="乡镇或县级"),
        Transition("approve", "县级审定", {REVIEWED}, APPROVED, roles=COUNTY_ROLES, who="县级"),
        Transition(
            "send_back", "退回", {REVIEWED, APPROVED}, RETURNED, roles=COUNTY_ROLES, who="县级", requires=(COMMENT,)
        ),
    ],
    model="disasters.TownshipReturn",
)
