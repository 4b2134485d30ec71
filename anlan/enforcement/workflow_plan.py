"""The 年度监督检查计划's way to publication (pure; core.workflow):

    draft ─submit→ submitted ─approve→ approved ─publish→ published
      ↑                │
      └── send_back ───┘            (退回修改, with a comment)

No step can be skipped: each row starts from one state only. Lines are adjusted in draft only
(services_plan.line_adjust), so what is approved is what is published.

Who: the county's officers (县级管理员/业务人员) draft, submit and publish; approval and sending back are the
county_admin's. Our decision: the plan is the bureau's (安全生产法 Art. 62 "应急管理部门…制定"), approved by
its leadership, and of the two county roles county_admin is the one standing for the bureau's leadership
(accounts and reference tables are his too); keeping approval from county_operator means the officer who
drafts the plan does not also approve it.
"""

from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.workflow import Requires, Transition, Workflow

DRAFT, SUBMITTED, APPROVED, PUBLISHED = "draft", "submitted", "approved", "published"
STATUS_LABELS = {DRAFT: "编制中", SUBMITTED: "待审批", APPROVED: "已审批", PUBLISHED: "已公布"}
APPROVERS = frozenset({Role.COUNTY_ADMIN})

HAS_LINES = Requires(
    lambda plan, data: plan.lines.filter(planned__gt=0).exists(),
    "计划没有任何检查家次，不能报批（请先对企业定级并生成计划）",
    "empty",
    on_record=True,
)
COMMENT = Requires(
    lambda plan, data: bool((data.get("comment") or "").strip()), "退回时请填写退回意见", "comment_required",
    field="comment",
)  # fmt: skip

FLOW = Workflow(
    "plan",
    STATUS_LABELS,
    [
        Transition("submit", "报批", {DRAFT}, SUBMITTED, roles=COUNTY_ROLES, who="县级", requires=(HAS_LINES,)),
        Transition("approve", "审批通过", {SUBMITTED}, APPROVED, roles=APPROVERS, who="县级管理员"),
        Transition("send_back", "退回修改", {SUBMITTED}, DRAFT, roles=APPROVERS, who="县级管理员", requires=(COMMENT,)),
        Transition("publish", "公布", {APPROVED}, PUBLISHED, roles=COUNTY_ROLES, who="县级"),
    ],
    model="enforcement.InspectionPlan",
)
