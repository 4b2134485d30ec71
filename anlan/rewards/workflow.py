"""The two small state machines of 12350 tips and their rewards (pure; core.workflow).

A tip:     received ─accept→ accepted ─verify→ verified        (county or the tip's township)
                    └decline (reason)→ declined
A reward:  computed ─approve→ approved ─pay (date, method, voucher)→ paid
                    └refuse (reason)→ refused                   (approve/refuse: 县级管理员 as the county's
                                                                 leader; pay: county roles)
A reward is created by its computation (services.reward_compute): one per tip.
"""

from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.workflow import Requires, Transition, Workflow

from .models import HANDLERS

RECEIVED, ACCEPTED, VERIFIED, DECLINED = "received", "accepted", "verified", "declined"
COMPUTED, APPROVED, PAID, REFUSED = "computed", "approved", "paid", "refused"
LEADERS = frozenset({Role.COUNTY_ADMIN})


def _text(name: str, message: str, code: str) -> Requires:
    return Requires(lambda obj, d: bool((d.get(name) or "").strip()), message, code, field=name)


TIP = Workflow(
    "tip",
    {RECEIVED: "待受理", ACCEPTED: "核查中", VERIFIED: "已核查", DECLINED: "不予受理"},
    [
        Transition("accept", "受理", {RECEIVED}, ACCEPTED, roles=HANDLERS, who="县级或属地乡镇（街道）"),
        Transition(
            "decline",
            "不予受理",
            {RECEIVED},
            DECLINED,
            roles=HANDLERS,
            who="县级或属地乡镇（街道）",
            requires=(_text("reason", "请填写不予受理的理由", "reason_required"),),
        ),
        Transition(
            "verify",
            "登记核查结论",
            {ACCEPTED},
            VERIFIED,
            roles=HANDLERS,
            who="县级或属地乡镇（街道）",
            requires=(
                Requires(lambda t, d: bool(d.get("outcome")), "请选择核查结论", "outcome_required", field="outcome"),
                Requires(lambda t, d: bool(d.get("matter")), "请选择举报事项类型", "matter_required", field="matter"),
            ),
        ),
    ],
    model="rewards.Tip",
)

REWARD = Workflow(
    "reward",
    {COMPUTED: "待审批", APPROVED: "已批准，待发放", PAID: "已发放", REFUSED: "不予奖励"},
    [
        Transition("approve", "批准奖励", {COMPUTED}, APPROVED, roles=LEADERS, who="县级管理员（县局领导）"),
        Transition(
            "refuse",
            "不予奖励",
            {COMPUTED},
            REFUSED,
            roles=LEADERS,
            who="县级管理员（县局领导）",
            requires=(_text("reason", "请填写不予奖励的理由", "reason_required"),),
        ),
        Transition(
            "pay",
            "登记发放",
            {APPROVED},
            PAID,
            roles=COUNTY_ROLES,
            who="县级",
            requires=(
                Requires(lambda r, d: bool(d.get("paid_on")), "请填写发放日期", "paid_on_required", field="paid_on"),
                Requires(lambda r, d: bool(d.get("method")), "请选择发放方式", "method_required", field="method"),
                Requires(lambda r, d: bool(d.get("voucher")), "请上传发放凭证", "voucher_required", field="voucher"),
            ),
        ),
    ],
    model="rewards.Reward",
)
