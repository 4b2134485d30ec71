"""Penalty cases: each step, and each skip refused with its Chinese reason (行政处罚法 2021)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Max

from anlan.core.errors import DomainError
from anlan.enforcement.case_workflow import hearing_qualifies
from anlan.enforcement.models import DocumentKind, IssuedDocument, PenaltyCase, ViolationRecord
from anlan.testing.personas import persona

from .cases_helpers import MON, TODAY, open_case, step, to_notified

NOTIFIED_ON = dt.date(2026, 3, 9)  # Monday; the hearing window (5 working days) ends Monday 16 March
WINDOW_END = dt.date(2026, 3, 16)

pytestmark = pytest.mark.django_db


def refused(case, action, on, code, text="", **data):
    with pytest.raises(DomainError) as caught:
        step(case, action, on, **data)
    assert caught.value.code == f"penalty_case.{code}", caught.value
    assert text in caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)
    return caught.value


def kinds(case):
    return list(IssuedDocument.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def test_opening_issues_the_case_opening_number_and_needs_two_handlers(inspectors):
    opened_this_year = IssuedDocument.objects.filter(kind=DocumentKind.CASE_OPENING, year=2026)
    # The next number of the year without a gap: one after those issued before (the demo's cases included).
    following = (opened_this_year.aggregate(last=Max("seq"))["last"] or 0) + 1
    case = open_case(inspectors)
    assert case.status == "opened" and kinds(case) == [DocumentKind.CASE_OPENING]
    opening = IssuedDocument.objects.get(case=case)
    assert f"应急立审〔2026〕{following}号" in opening.number
    # The 立案审批表 names the officers as on their certificates, never by their logins.
    handlers = " ".join(opening.content["handlers"])
    assert "执法员1" in handlers and "t_inspector" not in handlers
    with pytest.raises(DomainError, match="不得少于两人"):
        open_case(inspectors[:1])


def test_summary_case_over_the_limit_cannot_be_opened(inspectors):
    with pytest.raises(DomainError, match="简易程序限额"):
        open_case(inspectors, fine="3000.01", procedure="summary")


def test_notice_cannot_skip_the_investigation(inspectors):
    case = open_case(inspectors)
    refused(case, "notify", MON, "transition_not_allowed", "调查取证之后")


def test_decision_cannot_skip_the_notice(inspectors):
    case = open_case(inspectors)
    refused(case, "decide", MON, "transition_not_allowed", "未经告知")
    case = step(case, "investigate", MON)
    refused(case, "decide", MON, "transition_not_allowed", "未经告知")


def test_notice_needs_facts_and_penalty(inspectors):
    case = step(open_case(inspectors, facts=""), "investigate", MON)
    refused(case, "notify", MON, "facts_required", "违法事实")
    bare = step(open_case(inspectors, fine=None), "investigate", MON)
    refused(bare, "notify", MON, "penalty_required", "拟处罚")


def test_interrogation_record_has_its_number_and_content(inspectors):
    case = step(open_case(inspectors), "investigate", MON)
    refused(case, "interrogate", MON, "qa_required", person="张三", qa=[])
    step(case, "interrogate", MON, person="张三", qa=[("是否组织培训？", "没有。")])
    doc = IssuedDocument.objects.get(case=case, kind=DocumentKind.INTERROGATION)
    assert doc.content["qa"] == [{"q": "是否组织培训？", "a": "没有。"}] and doc.content["person"] == "张三"


def test_small_fine_decides_after_notice_without_hearing(inspectors):
    case = to_notified(inspectors, fine="10000")
    assert not hearing_qualifies(case)
    assert kinds(case) == [DocumentKind.CASE_OPENING, DocumentKind.PENALTY_NOTICE]
    case = step(case, "decide", NOTIFIED_ON)
    assert case.status == "decided" and case.decided_on == NOTIFIED_ON


def test_large_fine_gets_the_hearing_notice_and_waits_for_the_window(inspectors):
    case = to_notified(inspectors, fine="50000")
    assert hearing_qualifies(case)
    assert kinds(case)[-2:] == [DocumentKind.PENALTY_NOTICE, DocumentKind.HEARING_NOTICE]
    refused(case, "decide", WINDOW_END, "hearing_window_open", "2026-03-16")
    refused(case, "review", WINDOW_END, "hearing_window_open", opinion="同意")
    assert step(case, "decide", WINDOW_END + dt.timedelta(days=1)).status == "decided"


def test_waiver_lets_the_case_proceed_within_the_window(inspectors):
    case = to_notified(inspectors, fine="50000")
    case = step(case, "waive_hearing", NOTIFIED_ON)
    assert case.hearing_waived_on == NOTIFIED_ON
    refused(case, "request_hearing", NOTIFIED_ON, "hearing_waived")
    assert step(case, "decide", NOTIFIED_ON).status == "decided"


def test_hearing_request_must_come_within_five_working_days(inspectors):
    case = to_notified(inspectors, other="责令停产停业整顿一个月", fine="1000")
    assert hearing_qualifies(case)
    refused(case, "request_hearing", WINDOW_END + dt.timedelta(days=1), "hearing_request_late", "2026-03-16")
    assert step(case, "request_hearing", WINDOW_END).status == "hearing"


def test_no_hearing_right_for_a_small_fine(inspectors):
    case = to_notified(inspectors, fine="19999")
    refused(case, "request_hearing", NOTIFIED_ON, "hearing_not_applicable", "第六十三条")


def test_requested_hearing_must_be_noticed_in_time_and_held_then_reviewed(inspectors):
    case = step(to_notified(inspectors, fine="60000"), "request_hearing", NOTIFIED_ON)
    refused(case, "decide", TODAY, "hearing_not_held", "听证")
    refused(case, "hold_hearing", TODAY, "hearing_not_scheduled", record="x")
    hearing = dt.date(2026, 3, 27)  # Friday; 7 working days before: Wednesday 18 March
    refused(case, "schedule_hearing", NOTIFIED_ON, "hearing_notice_late", "2026-03-18",
            hearing_on=hearing, notice_on=dt.date(2026, 3, 19))  # fmt: skip
    case = step(case, "schedule_hearing", NOTIFIED_ON, hearing_on=hearing, notice_on=dt.date(2026, 3, 18))
    refused(case, "hold_hearing", dt.date(2026, 3, 26), "hearing_not_due", record="听证意见")
    case = step(case, "hold_hearing", hearing, record="当事人到场陈述")
    refused(case, "decide", hearing, "legal_review_required", "法制审核")  # Art. 58: a hearing was held
    case = step(case, "review", hearing, opinion="事实清楚，依据正确")
    assert step(case, "decide", hearing).status == "decided"


def test_flagged_legal_review_and_collective_discussion_cannot_be_skipped(inspectors):
    case = to_notified(inspectors, legal_review_required=True, collective_discussion=True)
    refused(case, "decide", NOTIFIED_ON, "legal_review_required")
    refused(case, "discuss", NOTIFIED_ON, "legal_review_required", record="同意")
    case = step(case, "review", NOTIFIED_ON, opinion="同意")
    refused(case, "decide", NOTIFIED_ON, "discussion_required", "集体讨论")
    case = step(case, "discuss", NOTIFIED_ON, record="集体讨论同意处罚")
    assert step(case, "decide", NOTIFIED_ON).status == "decided"


def test_decision_may_lower_the_fine_never_raise_it(inspectors):
    case = to_notified(inspectors, fine="10000")
    with pytest.raises(DomainError, match="第四十五条"):
        step(case, "decide", NOTIFIED_ON, fine_yuan="12000")
    assert step(case, "decide", NOTIFIED_ON, fine_yuan="8000").fine_yuan == Decimal("8000.00")


def test_service_cannot_skip_the_decision_and_payment_cannot_skip_service(inspectors):
    case = to_notified(inspectors)
    refused(case, "serve", NOTIFIED_ON, "transition_not_allowed", "须先作出处罚决定")
    refused(case, "pay", NOTIFIED_ON, "transition_not_allowed", "送达后")
    case = step(case, "decide", NOTIFIED_ON)
    refused(case, "pay", NOTIFIED_ON, "transition_not_allowed")
    refused(case, "close", NOTIFIED_ON, "transition_not_allowed")
    refused(case, "serve", MON, "before_decided_on", "决定日期")


def test_full_case_with_late_payment_closes_into_the_violation_database(inspectors):
    case = step(to_notified(inspectors, fine="10000"), "decide", NOTIFIED_ON)
    case = step(case, "serve", dt.date(2026, 3, 10))
    assert [(p.due_on, p.amount_yuan) for p in case.payments.all()] == [(dt.date(2026, 3, 25), Decimal("10000.00"))]
    refused(case, "close", dt.date(2026, 3, 20), "unpaid", "尚未缴清")
    case = step(case, "pay", dt.date(2026, 3, 27))  # two days late: 2 × 3 % = 600 元
    payment = case.payments.get()
    assert (payment.paid_yuan, payment.surcharge_yuan) == (Decimal("10000.00"), Decimal("600.00"))
    refused(case, "pay", dt.date(2026, 3, 28), "paid_up")
    case = step(case, "close", dt.date(2026, 3, 30))
    assert case.status == "closed" and kinds(case)[-1] == DocumentKind.CASE_CLOSING
    record = ViolationRecord.objects.get(case=case)
    assert record.enterprise == case.enterprise and "10,000.00" in record.penalty


def test_instalments_replace_what_is_unpaid_and_carry_their_own_surcharge(inspectors):
    case = step(step(to_notified(inspectors, fine="10000"), "decide", NOTIFIED_ON), "serve", NOTIFIED_ON)
    refused(
        case, "approve_instalments", NOTIFIED_ON, "plan_invalid", plan=[(dt.date(2026, 4, 1), 10000)], reason="困难"
    )
    with pytest.raises(DomainError, match="合计须等于"):
        step(case, "approve_instalments", NOTIFIED_ON, reason="经营困难",
             plan=[(dt.date(2026, 4, 1), 5000), (dt.date(2026, 5, 1), 4000)])  # fmt: skip
    case = step(case, "approve_instalments", NOTIFIED_ON, reason="经营困难",
                plan=[(dt.date(2026, 4, 1), 6000), (dt.date(2026, 5, 1), 4000)])  # fmt: skip
    rows = list(case.payments.order_by("instalment").values_list("instalment", "due_on", "amount_yuan"))
    assert rows == [(1, dt.date(2026, 4, 1), Decimal("6000.00")), (2, dt.date(2026, 5, 1), Decimal("4000.00"))]
    case = step(case, "pay", dt.date(2026, 4, 1))
    case = step(case, "pay", dt.date(2026, 5, 3))
    assert [p.surcharge_yuan for p in case.payments.order_by("instalment")] == [Decimal("0.00"), Decimal("240.00")]
    assert step(case, "close", dt.date(2026, 5, 4)).status == "closed"


def test_summary_case_goes_from_opening_to_decision_on_the_spot(inspectors):
    case = open_case(inspectors, fine="200", party="person", procedure="summary")
    refused(case, "investigate", MON, "summary_case")
    refused(case, "decide_on_spot", MON, "not_told", "当场告知", told=False)
    case = step(case, "decide_on_spot", MON, told=True)
    assert case.status == "served" and case.served_on_spot and case.notified_on == MON
    assert kinds(case) == [DocumentKind.CASE_OPENING, DocumentKind.PENALTY_DECISION]
    case = step(case, "pay", MON)
    assert step(case, "close", MON).status == "closed"


def test_ordinary_case_cannot_decide_on_the_spot(inspectors):
    refused(open_case(inspectors), "decide_on_spot", MON, "ordinary_case", told=True)


def test_steps_are_refused_to_roles_outside_enforcement(inspectors):
    from anlan.enforcement import services_cases

    case = open_case(inspectors)
    for name in ("township_officer", "enterprise_user", "viewer"):
        with pytest.raises(DomainError) as caught:
            services_cases.take_step(actor=persona(name), case=case, action="investigate", on=MON, today=TODAY)
        assert caught.value.status == 403


def test_future_dates_are_refused(inspectors):
    case = open_case(inspectors)
    with pytest.raises(DomainError, match="不能晚于今天"):
        step(case, "investigate", TODAY + dt.timedelta(days=1))
    assert PenaltyCase.objects.get(pk=case.pk).status == "opened"
