"""A warning's life (预警审核签发, CAP 1.2 msgType) as a transition table (core.workflow).

    draft ─submit→ review ─issue→ issued ─update→ superseded   (a new Update message, issued at once)
      └──────────issue───────────↗      └─cancel→ cancelled    (a new Cancel message, issued at once)

Drafts and warnings waiting for 签发 may be edited; only county roles issue (签发), update or cancel.
"""

from django.utils import timezone

from anlan.core.roles import COUNTY_ROLES
from anlan.core.workflow import Requires, Transition, Workflow

DRAFT, REVIEW, ISSUED, CANCELLED, SUPERSEDED = "draft", "review", "issued", "cancelled", "superseded"
STATUS_LABELS = {DRAFT: "草稿", REVIEW: "待签发", ISSUED: "已发布", CANCELLED: "已撤销", SUPERSEDED: "已更新"}
ISSUERS = COUNTY_ROLES  # 签发: county roles only
NOT_ISSUER = {"forbidden": "预警须由县级有签发权限的人员签发", "forbidden_code": "warning.not_issuer"}
FOLLOW_UP_REFUSED = "当前为“{status}”，只有已发布的预警可以更新或撤销"

FLOW = Workflow(
    "warning",
    STATUS_LABELS,
    [
        Transition("edit", "修改", {DRAFT, REVIEW}, None, refused="当前为“{status}”，只有草稿和待签发的预警可以修改"),
        Transition("submit", "提交签发", {DRAFT}, REVIEW, refused="当前为“{status}”，只有草稿可以提交签发"),
        Transition(
            "issue",
            "签发",
            {DRAFT, REVIEW},
            ISSUED,
            roles=ISSUERS,
            **NOT_ISSUER,
            refused="当前为“{status}”，不能签发",
            requires=(
                # On the record: an expired draft is not offered 签发; the page says why instead (steps.html).
                Requires(lambda w, d: w.expires > timezone.now(), "失效时间已过，不能签发", "expired", on_record=True),
            ),
        ),
        Transition("update", "更新", {ISSUED}, SUPERSEDED, roles=ISSUERS, **NOT_ISSUER, refused=FOLLOW_UP_REFUSED),
        Transition("cancel", "撤销", {ISSUED}, CANCELLED, roles=ISSUERS, **NOT_ISSUER, refused=FOLLOW_UP_REFUSED),
    ],
)
