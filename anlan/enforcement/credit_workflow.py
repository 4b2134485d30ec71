"""The 严重失信主体名单's two small state machines (pure; core.workflow).

A listing:  listed ─expire (系统, 期满)→ expired
                   └repair (系统, 信用修复同意)→ repaired
A 信用修复 application:  pending ─approve→ approved | ─reject→ rejected   (县级, 意见必填 when refusing)

"谁处罚、谁决定" (应急管理部令第11号 Art. 4): listing and repair are decided by the county bureau's people.
"""

from anlan.core.roles import COUNTY_ROLES
from anlan.core.workflow import Requires, Transition, Workflow

LISTED, EXPIRED, REPAIRED = "listed", "expired", "repaired"
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"

LISTING = Workflow(
    "credit_listing",
    {LISTED: "在列", EXPIRED: "期满移出", REPAIRED: "信用修复提前移出"},
    [
        Transition("expire", "期满移出", {LISTED}, EXPIRED, system=True),
        Transition("repair", "信用修复移出", {LISTED}, REPAIRED, system=True),
    ],
    model="enforcement.CreditListing",
)

OPINION = Requires(
    lambda r, d: bool((d.get("opinion") or "").strip()), "不同意时请填写审核意见", "opinion_required", field="opinion"
)

REPAIR = Workflow(
    "credit_repair",
    {PENDING: "待审核", APPROVED: "已同意", REJECTED: "不同意"},
    [
        Transition("approve", "同意信用修复", {PENDING}, APPROVED, roles=COUNTY_ROLES, who="县级"),
        Transition(
            "reject", "不同意信用修复", {PENDING}, REJECTED, roles=COUNTY_ROLES, who="县级", requires=(OPINION,)
        ),
    ],
    model="enforcement.CreditRepair",
)
