"""Penalty cases: opening a case and each step of case_workflow.FLOW, atomic and audited. Each step that
produces a document issues its number here (numbering.issue_document, in the step's transaction); the
documents part renders the Word file from the IssuedDocument's content.

Payments: serving the decision creates the payment owed (due 15 calendar days after service, Art. 67);
an approved instalment plan (分期缴纳, Art. 66) replaces what is unpaid; each payment pays the earliest
instalment in full and carries its 加处罚款 (3 % of that instalment a day late, capped at it, Art. 72).
Part payments of one instalment are not recorded: an instalment plan is the way to pay in parts.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError

from . import case_clocks, penalty
from .case_workflow import FLOW, hearing_qualifies
from .models import CasePayment, DocumentKind, PenaltyCase, ViolationRecord
from .numbering import issue_document

MIN_HANDLERS = 2  # 行政处罚法 Art. 42: 执法人员不得少于两人


def penalty_text(case) -> str:
    parts = []
    if case.fine_yuan:
        parts.append(f"罚款人民币 {case.fine_yuan:,.2f} 元")
    if (case.other_penalties or "").strip():
        parts.append(case.other_penalties.strip())
    return "；".join(parts) or "（未填写）"


def _base_content(case) -> dict:
    return {
        "title": case.title,
        "party": case.party_name,
        "party_kind": case.get_party_kind_display(),
        "facts": case.facts,
        "legal_basis": case.legal_basis,
        "penalty": penalty_text(case),
        # Officers are named as on their certificates (姓名), never by their login.
        "handlers": [f"{h}（{h.certificate}）" for h in case.handlers.select_related("user")],
    }


def _issue(actor, case, kind, on, content: dict):
    return issue_document(
        actor=actor,
        kind=kind,
        region=case.region,
        issued_on=on,
        inspection=case.inspection,
        case=case,
        enterprise=case.enterprise,
        department=case.department,
        content=content,
    )


def _day(value, today: dt.date, field: str = "on") -> dt.date:
    day = value or today
    if day > today:
        raise DomainError("penalty_case.future_date", "日期不能晚于今天", field=field)
    return day


@transaction.atomic
def open_case(*, actor, fields: dict, handlers, today: dt.date | None = None) -> PenaltyCase:
    """立案: the case and its 立案审批表. `fields` are PenaltyCase fields (enterprise or party_name, region …)."""
    today = today or timezone.localdate()
    handlers = list(handlers)
    if len({h.pk for h in handlers}) < MIN_HANDLERS:
        raise DomainError("penalty_case.handlers", "承办人不得少于两人（行政处罚法第四十二条）", field="handlers")
    case = PenaltyCase(**fields, created_by=actor)
    case.opened_on = _day(case.opened_on, today, "opened_on")
    if case.enterprise_id and not case.party_name:
        case.party_name = case.enterprise.name
    summary = case.procedure == PenaltyCase.Procedure.SUMMARY
    if summary and penalty.procedure_for(case.party_kind, case.fine_yuan or 0) != penalty.SUMMARY:
        raise DomainError("penalty_case.over_summary_limit",
                              "罚款超过简易程序限额（个人200元、单位3000元，行政处罚法第五十一条），请选择普通程序",
                              field="fine_yuan")  # fmt: skip
    case.full_clean(exclude=["handlers"])
    case.save()
    case.handlers.set(handlers)
    if not PenaltyCase.objects.restrict(actor, "change").filter(pk=case.pk).exists():
        raise DomainError("scope.outside_after_save", "案件不在您的管辖范围内", field="region")
    content = {**_base_content(case), "opened_on": str(case.opened_on)}
    _issue(actor, case, DocumentKind.CASE_OPENING, case.opened_on, content)
    audit_record(action="penalty_case_open", obj=case, actor=actor, after=snapshot(case, with_m2m=True))
    return case


def _plan_payment(case, served_on: dt.date) -> None:
    if case.fine_yuan and not case.payments.exists():
        CasePayment.objects.create(case=case, instalment=1, due_on=penalty.payment_due(served_on),
                                   amount_yuan=case.fine_yuan)  # fmt: skip


def _unpaid(case):
    return case.payments.filter(paid_on__isnull=True).order_by("instalment")


# ---------------------------------------------------------------- what each step writes besides the state


def _interrogate(actor, case, data, on):
    qa = [{"q": str(q).strip(), "a": str(a).strip()} for q, a in data["qa"]]
    content = {**_base_content(case), "person": data["person"].strip(), "place": data.get("place", ""),
               "qa": qa, "date": str(on)}  # fmt: skip
    _issue(actor, case, DocumentKind.INTERROGATION, on, content)


def _notify(actor, case, data, on):
    case.notified_on = on
    content = {**_base_content(case), "notified_on": str(on), "hearing": hearing_qualifies(case)}
    _issue(actor, case, DocumentKind.PENALTY_NOTICE, on, content)
    if hearing_qualifies(case):  # Art. 63: the party is told of its right to a hearing (听证告知书)
        due = case_clocks.hearing_request_due(on)
        _issue(actor, case, DocumentKind.HEARING_NOTICE, on, {**content, "request_by": str(due)})


def _statement(actor, case, data, on):
    entry = f"{on:%Y-%m-%d}：{data['statement'].strip()}"
    case.statement = f"{case.statement}\n{entry}".strip()


def _request_hearing(actor, case, data, on):
    case.hearing_requested, case.hearing_requested_on = True, on


def _waive_hearing(actor, case, data, on):
    case.hearing_waived_on = on


def _schedule_hearing(actor, case, data, on):
    case.hearing_on, case.hearing_notice_on = data["hearing_on"], data["notice_on"]


def _hold_hearing(actor, case, data, on):
    case.hearing_held, case.hearing_record = True, data["record"].strip()


def _review(actor, case, data, on):
    case.legal_reviewed_on, case.legal_review_opinion = on, data["opinion"].strip()


def _discuss(actor, case, data, on):
    case.discussed_on, case.discussion_record = on, data["record"].strip()


def _decide(actor, case, data, on):
    fine = data.get("fine_yuan")
    if fine is not None:
        fine = penalty.yuan(fine)
        if case.fine_yuan is not None and fine > case.fine_yuan:
            raise DomainError("penalty_case.heavier", "不得因当事人陈述、申辩而给予更重的处罚（行政处罚法第四十五条）",
                              field="fine_yuan")  # fmt: skip
        case.fine_yuan = fine
    case.decided_on = on
    _issue(actor, case, DocumentKind.PENALTY_DECISION, on, {**_base_content(case), "decided_on": str(on)})


def _decide_on_spot(actor, case, data, on):
    case.notified_on = case.decided_on = case.served_on = on
    case.served_on_spot = True
    content = {**_base_content(case), "decided_on": str(on), "on_spot": True}
    _issue(actor, case, DocumentKind.PENALTY_DECISION, on, content)
    _plan_payment(case, on)


def _serve(actor, case, data, on):
    case.served_on, case.served_on_spot = on, bool(data.get("spot"))
    _plan_payment(case, on)


def _approve_instalments(actor, case, data, on):
    unpaid = list(_unpaid(case))
    owed = sum((p.amount_yuan for p in unpaid), Decimal(0))
    plan = [(due, penalty.yuan(amount)) for due, amount in data["plan"]]
    if sum((amount for _, amount in plan), Decimal(0)) != owed:
        raise DomainError("penalty_case.plan_sum", f"分期金额合计须等于未缴罚款 {owed:,.2f} 元", field="plan")
    if any(due < on for due, _ in plan):
        raise DomainError("penalty_case.plan_date", "分期缴纳日期不能早于批准日期", field="plan")
    first = max((p.instalment for p in case.payments.all()), default=0) - len(unpaid) + 1
    for row in unpaid:
        row.delete()
    for i, (due, amount) in enumerate(sorted(plan), start=first):
        CasePayment.objects.create(case=case, instalment=i, due_on=due, amount_yuan=amount)
    case.instalments_approved_on, case.instalment_note = on, data["reason"].strip()


def _pay(actor, case, data, on):
    row = _unpaid(case).select_for_update().first()
    late = penalty.days_late(row.due_on, on)
    row.paid_on, row.paid_yuan = on, row.amount_yuan
    row.surcharge_yuan = penalty.surcharge(row.amount_yuan, late)
    row.save()
    audit_record(action="penalty_case_payment", obj=row, actor=actor, after=snapshot(row))


def _close(actor, case, data, on):
    case.closed_on = on
    paid = case.payments.filter(paid_on__isnull=False)
    content = {**_base_content(case), "closed_on": str(on),
               "paid_yuan": str(sum((p.paid_yuan or 0 for p in paid), Decimal(0))),
               "surcharge_yuan": str(sum((p.surcharge_yuan for p in paid), Decimal(0)))}  # fmt: skip
    _issue(actor, case, DocumentKind.CASE_CLOSING, on, content)
    if case.enterprise_id:  # 违法行为信息库 (安全生产法 Art. 78): the enterprise's record of the closed case
        happened = case.inspection.inspected_on if case.inspection_id else case.opened_on
        record = ViolationRecord.objects.create(
            enterprise=case.enterprise,
            case=case,
            happened_on=happened,
            description=case.facts or case.title,
            penalty=penalty_text(case)[:200],
        )
        audit_record(action="create", obj=record, actor=actor, after=snapshot(record))


WRITERS = {
    "investigate": lambda *a: None,
    "interrogate": _interrogate,
    "notify": _notify,
    "statement": _statement,
    "request_hearing": _request_hearing,
    "waive_hearing": _waive_hearing,
    "schedule_hearing": _schedule_hearing,
    "hold_hearing": _hold_hearing,
    "review": _review,
    "discuss": _discuss,
    "decide": _decide,
    "decide_on_spot": _decide_on_spot,
    "serve": _serve,
    "approve_instalments": _approve_instalments,
    "pay": _pay,
    "close": _close,
}
assert set(WRITERS) == set(FLOW), "every step of the case workflow writes its record"


@transaction.atomic
def take_step(*, actor, case: PenaltyCase, action: str, today: dt.date | None = None, **data) -> PenaltyCase:
    """One step of FLOW on `case` (locked), with its records and documents. `on` (the step's day, default
    today) may not be in the future."""
    today = today or timezone.localdate()
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    on = _day(data.pop("on", None), today)
    before = snapshot(case)
    FLOW.apply(actor, case, action, on=on, **data)
    WRITERS[action](actor, case, data, on)
    case.save()
    audit_record(action=f"penalty_case_{action}", obj=case, actor=actor, before=before, after=snapshot(case))
    return case


def unpaid_due_dates(case) -> list[dt.date]:
    return [p.due_on for p in case.payments.all() if p.paid_on is None]


def case_clocks_now(case, today: dt.date | None = None):
    """The clocks of `case` (its payments prefetched or read)."""
    today = today or timezone.localdate()
    return case_clocks.clocks(case, today, unpaid_due_dates(case), hearing=hearing_qualifies(case))


def pressing_clocks(case, today: dt.date):
    if case.status == PenaltyCase.Status.CLOSED:
        return []
    return case_clocks.pressing(case, today, unpaid_due_dates(case), hearing=hearing_qualifies(case))
