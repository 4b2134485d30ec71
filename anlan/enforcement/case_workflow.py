"""The way of a penalty case (行政处罚法 2021, standards.md §11.1), on core.workflow (pure):

    普通程序  opened ─investigate→ investigating ─notify→ notified ──────────────┐
                       (询问笔录)                  │ request_hearing (≤ 5 个工作日) │
                                                   ↓                              │
                                                hearing (通知 ≥ 7 个工作日前, 举行) │
                                                   │ review (法制审核, Art. 58)     │
                                                   ↓                              ↓
                                              legal_review ─discuss→ discussion ─decide→ decided ─serve→ served
                                                                                         ─pay→ executing ─close→ closed
    简易程序  opened ─decide_on_spot→ served (Arts. 51–52: 当场告知, 当场决定, 当场交付) ─pay→ … ─close→ closed

The state is the last step done. Which later steps a case needs is read from the record, and the step
after is refused with the reason when one it needs is missing:
- 告知 only after 调查取证; a decision only after 告知 (Arts. 44, 45, 62) — the summary procedure tells the
  party on the spot, and the officer confirms it (`told`).
- 听证 qualifies (Art. 63) when the fine reaches the 较大数额 setting (penalty.is_large_fine, UNVERIFIED default)
  or the other penalties name 责令停产停业、责令关闭、限制从业、吊销、降低资质等级 or 没收较大数额. Then no review,
  discussion or decision before the 5-working-day request window (Art. 64) has passed, unless the party
  waived (recorded); a requested hearing must be held first, its summons 7 working days before it.
- 法制审核 (Art. 58) is needed when the case was flagged (major public interest, complex …) or a hearing
  was held; 集体讨论 when the case is set for it (Art. 57(2)).
"""

import datetime as dt

from django.utils import timezone

from anlan.core.labels import register_actions
from anlan.core.workflow import Requires, Transition, Workflow

from . import case_clocks, penalty
from .models.common import ENFORCERS

OPENED, INVESTIGATING, NOTIFIED, HEARING = "opened", "investigating", "notified", "hearing"
LEGAL_REVIEW, DISCUSSION, DECIDED, SERVED, EXECUTING, CLOSED = (
    "legal_review", "discussion", "decided", "served", "executing", "closed"
)  # fmt: skip
STATUS_LABELS = {
    OPENED: "已立案",
    INVESTIGATING: "调查取证",
    NOTIFIED: "已告知",
    HEARING: "听证",
    LEGAL_REVIEW: "法制审核",
    DISCUSSION: "集体讨论",
    DECIDED: "已决定",
    SERVED: "已送达",
    EXECUTING: "执行中",
    CLOSED: "已结案",
}
OPEN_STATES = frozenset(STATUS_LABELS) - {CLOSED}

# Art. 63 penalties other than a large fine that give the party a hearing (matched in 其他处罚).
HEARING_PENALTIES = ("停产停业", "责令关闭", "关闭", "限制从业", "吊销", "降低资质", "没收较大")
WHO = "县级执法人员或行业部门执法人员"


def hearing_qualifies(case) -> bool:
    """Art. 63: a large fine (the province's setting) or one of the heavy penalties."""
    if penalty.is_large_fine(case.party_kind, case.fine_yuan):
        return True
    others = case.other_penalties or ""
    return any(word in others for word in HEARING_PENALTIES)


def legal_review_needed(case) -> bool:
    """Art. 58: flagged by the handler (major interest, complex, another law) or a hearing was held."""
    return bool(case.legal_review_required or case.hearing_held)


def _on(case, data) -> dt.date:
    return data.get("on") or timezone.localdate()


def window_closed(case, data) -> bool:
    """The hearing request window is over (passed, waived, or a hearing requested) or never opened."""
    if not hearing_qualifies(case) or case.hearing_waived_on or case.hearing_requested_on:
        return True
    return case.notified_on is not None and _on(case, data) > case_clocks.hearing_request_due(case.notified_on)


def _window_message(case, data) -> str:
    due = case_clocks.hearing_request_due(case.notified_on) if case.notified_on else None
    until = f"（至 {due:%Y-%m-%d}）" if due else ""
    return f"听证申请期限{until}未届满且当事人未放弃听证，暂不能办理（行政处罚法第六十四条：告知后5个工作日内提出）"


def _text(name):
    return lambda case, data: bool(str(data.get(name) or "").strip())


def _after(attr, label):
    def test(case, data):
        earlier = getattr(case, attr)
        return earlier is None or _on(case, data) >= earlier

    return Requires(test, lambda case, data: f"日期不能早于{label}（{getattr(case, attr):%Y-%m-%d}）",
                    f"before_{attr}", field="on")  # fmt: skip


def _paid_up(case) -> bool:
    return all(p.paid_on is not None for p in case.payments.all())


def _has_penalty(case, data) -> bool:
    return bool(case.fine_yuan) or bool((case.other_penalties or "").strip())


ORDINARY_ONLY = Requires(lambda c, d: c.procedure != "summary", "简易程序案件当场作出处罚决定，无需此步骤",
                         "summary_case", on_record=True)  # fmt: skip
FACTS = Requires(lambda c, d: bool(c.facts.strip() and c.legal_basis.strip()),
                 "告知前须填写违法事实和处罚依据（行政处罚法第四十四条）", "facts_required",
                 on_record=True)  # fmt: skip
PENALTY = Requires(_has_penalty, "告知前须填写拟处罚的罚款金额或其他处罚", "penalty_required", on_record=True)
# Reads the step's day (today on a page): on_record, so pages do not offer the steps while the window runs.
WINDOW = Requires(window_closed, _window_message, "hearing_window_open", field="on", on_record=True)
HEARING_HELD = Requires(lambda c, d: not c.hearing_requested_on or c.hearing_held,
                        "当事人已申请听证，须先举行听证（行政处罚法第六十三、六十四条）", "hearing_not_held",
                        on_record=True)  # fmt: skip
REVIEWED = Requires(lambda c, d: not legal_review_needed(c) or c.legal_reviewed_on is not None,
                    "本案须经法制审核后方可决定（行政处罚法第五十八条：重大、复杂案件或经听证的案件）",
                    "legal_review_required", on_record=True)  # fmt: skip
DISCUSSED = Requires(lambda c, d: not c.collective_discussion or c.discussed_on is not None,
                     "本案已设为须经负责人集体讨论，请先集体讨论（行政处罚法第五十七条）", "discussion_required",
                     on_record=True)  # fmt: skip
QUALIFIES = Requires(lambda c, d: hearing_qualifies(c), "本案拟作出的处罚不属于行政处罚法第六十三条规定的听证范围",
                     "hearing_not_applicable", on_record=True)  # fmt: skip


def _within_request_window(case, data) -> bool:
    return case.notified_on is not None and _on(case, data) <= case_clocks.hearing_request_due(case.notified_on)


def _notice_in_time(case, data) -> bool:
    hearing_on, notice_on = data.get("hearing_on"), data.get("notice_on")
    return bool(hearing_on and notice_on) and notice_on <= case_clocks.hearing_notice_latest(hearing_on)


def _notice_message(case, data) -> str:
    hearing_on = data.get("hearing_on")
    if not (hearing_on and data.get("notice_on")):
        return "请填写听证日期和听证会通知日期"
    latest = case_clocks.hearing_notice_latest(hearing_on)
    return f"听证会通知须在举行听证的7个工作日前送达当事人，即不晚于 {latest:%Y-%m-%d}（行政处罚法第六十四条）"


def _instalment_plan_ok(case, data) -> bool:
    plan = data.get("plan") or []
    return len(plan) >= 2 and all(amount > 0 for _, amount in plan)


def _summary_limit(case, data) -> bool:
    fine = case.fine_yuan or 0
    return penalty.procedure_for(case.party_kind, fine) == penalty.SUMMARY


STEPS = [
    Transition("investigate", "开始调查取证", {OPENED}, INVESTIGATING, roles=ENFORCERS, who=WHO,
               requires=(ORDINARY_ONLY,)),
    Transition("interrogate", "制作询问笔录", {INVESTIGATING}, None, roles=ENFORCERS, who=WHO,
               requires=(Requires(_text("person"), "请填写被询问人", "person_required", field="person"),
                         Requires(lambda c, d: bool(d.get("qa")), "请至少录入一问一答", "qa_required", field="qa"))),
    Transition("notify", "告知拟处罚（陈述申辩、听证权利）", {INVESTIGATING}, NOTIFIED, roles=ENFORCERS, who=WHO,
               requires=(FACTS, PENALTY, _after("opened_on", "立案日期")),
               refused="当前状态为“{status}”，不能“{label}”：告知须在调查取证之后"),
    Transition("statement", "记录陈述申辩", {NOTIFIED, HEARING}, None, roles=ENFORCERS, who=WHO,
               requires=(Requires(_text("statement"), "请填写当事人陈述申辩的内容", "statement_required",
                                  field="statement"),)),
    Transition("request_hearing", "当事人申请听证", {NOTIFIED}, HEARING, roles=ENFORCERS, who=WHO,
               requires=(QUALIFIES,
                         Requires(lambda c, d: not c.hearing_waived_on, "当事人已放弃听证", "hearing_waived",
                                  on_record=True),
                         Requires(_within_request_window,
                                  lambda c, d: "已超过听证申请期限：须在告知后5个工作日内提出，即不晚于 "
                                  f"{case_clocks.hearing_request_due(c.notified_on):%Y-%m-%d}（行政处罚法第六十四条）",
                                  "hearing_request_late", field="on"))),
    Transition("waive_hearing", "当事人放弃听证", {NOTIFIED}, None, roles=ENFORCERS, who=WHO,
               requires=(QUALIFIES,
                         Requires(lambda c, d: not c.hearing_waived_on, "已记录当事人放弃听证", "already_waived",
                                  on_record=True),
                         _after("notified_on", "告知日期"))),
    Transition("schedule_hearing", "通知听证会", {HEARING}, None, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: not c.hearing_held, "听证已举行", "hearing_held", on_record=True),
                         Requires(_notice_in_time, _notice_message, "hearing_notice_late", field="notice_on"))),
    Transition("hold_hearing", "举行听证", {HEARING}, None, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: c.hearing_on is not None and not c.hearing_held,
                                  "请先通知听证会（听证日期）", "hearing_not_scheduled", on_record=True),
                         Requires(lambda c, d: c.hearing_on is None or _on(c, d) >= c.hearing_on,
                                  "听证日期未到，不能记录举行听证", "hearing_not_due", field="on"),
                         Requires(_text("record"), "请填写听证情况", "record_required", field="record"))),
    Transition("review", "法制审核", {NOTIFIED, HEARING}, LEGAL_REVIEW, roles=ENFORCERS, who=WHO,
               requires=(HEARING_HELD, WINDOW,
                         Requires(_text("opinion"), "请填写法制审核意见", "opinion_required", field="opinion"))),
    Transition("discuss", "负责人集体讨论", {NOTIFIED, HEARING, LEGAL_REVIEW}, DISCUSSION, roles=ENFORCERS, who=WHO,
               requires=(HEARING_HELD, WINDOW, REVIEWED,
                         Requires(_text("record"), "请填写集体讨论结论", "record_required", field="record"))),
    Transition("decide", "作出处罚决定", {NOTIFIED, HEARING, LEGAL_REVIEW, DISCUSSION}, DECIDED, roles=ENFORCERS,
               who=WHO,
               requires=(HEARING_HELD, WINDOW, REVIEWED, DISCUSSED, PENALTY, _after("notified_on", "告知日期")),
               refused="当前状态为“{status}”，不能“{label}”：未经告知不得作出行政处罚决定（行政处罚法第四十四、六十二条）"),
    Transition("decide_on_spot", "当场处罚决定（简易程序）", {OPENED}, SERVED, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: c.procedure == "summary", "普通程序案件须经调查取证、告知后方可决定",
                                  "ordinary_case", on_record=True),
                         Requires(_summary_limit,
                                  "罚款超过简易程序限额（个人200元、单位3000元，行政处罚法第五十一条），须适用普通程序",
                                  "over_summary_limit", on_record=True),
                         PENALTY,
                         Requires(lambda c, d: bool(d.get("told")), "须当场告知当事人拟处罚内容及陈述申辩权利"
                                  "（行政处罚法第四十四条）", "not_told", field="told"))),
    Transition("serve", "送达处罚决定书", {DECIDED}, SERVED, roles=ENFORCERS, who=WHO,
               requires=(_after("decided_on", "决定日期"),),
               refused="当前状态为“{status}”，不能“{label}”：须先作出处罚决定"),
    Transition("approve_instalments", "批准分期缴纳", {SERVED, EXECUTING}, None, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: bool(c.fine_yuan), "本案无罚款", "no_fine", on_record=True),
                         Requires(_text("reason"), "请填写当事人申请分期的理由（确有经济困难，行政处罚法第六十六条）",
                                  "reason_required", field="reason"),
                         Requires(_instalment_plan_ok, "分期计划至少两期，每期金额大于0", "plan_invalid",
                                  field="plan"))),
    Transition("pay", "登记缴款", {SERVED, EXECUTING}, EXECUTING, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: bool(c.fine_yuan), "本案无罚款，无需缴款", "no_fine", on_record=True),
                         Requires(lambda c, d: not _paid_up(c), "罚款已全部缴清", "paid_up", on_record=True),
                         _after("served_on", "送达日期")),
               refused="当前状态为“{status}”，不能“{label}”：处罚决定书送达后方可登记缴款"),
    Transition("close", "结案", {SERVED, EXECUTING}, CLOSED, roles=ENFORCERS, who=WHO,
               requires=(Requires(lambda c, d: _paid_up(c), "罚款（含分期）尚未缴清，不能结案", "unpaid",
                                  on_record=True),
                         _after("served_on", "送达日期")),
               refused="当前状态为“{status}”，不能“{label}”：处罚决定须送达并执行完毕"),
]  # fmt: skip

FLOW = Workflow("penalty_case", STATUS_LABELS, STEPS, model="enforcement.PenaltyCase")
# Audit entries the case services write besides the steps' own `penalty_case_<action>`.
register_actions({"penalty_case_open": "处罚案件立案", "penalty_case_payment": "登记罚款缴纳"})
