"""Where each plan stands in its life cycle today: filing (待备案 / 备案逾期 / 待审查 / 已备案), the next evaluation,
open revision triggers. Read for many plans at once in a fixed number of queries (plans, their filings since
公布, the calendar): the plan list's status filter and the 工作台 count with the same function, so the number on
the 工作台 is the rows of the list it opens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import rules
from .calendar import WorkCalendar
from .models import Plan, PlanFiling, RevisionTrigger

FILING_LABELS = {
    "exempt": "不向县级备案",
    "unpublished": "未公布",
    "due": "待备案",
    "late": "备案逾期",
    "returned": "退回补正",
    "submitted": "待审查",
    "filed": "已备案",
}
# List filter ?status=…: the flags of the plan list and the 工作台.
STATUS_FILTERS = {
    "filing_due": "待备案（含逾期）",
    "filing_late": "备案逾期",
    "checking": "备案待审查",
    "evaluation_due": "待评估",
    "triggers": "有修订情形",
}


@dataclass
class PlanState:
    filing: str  # a key of FILING_LABELS
    filing_due: dt.date | None
    filing_number: str
    evaluation_due: dt.date | None
    evaluation_flag: str  # "" | "soon" | "overdue"
    open_triggers: int

    @property
    def filing_label(self) -> str:
        return FILING_LABELS[self.filing]

    @property
    def needs_filing(self) -> bool:
        return self.filing in ("due", "late", "returned")

    filing_overdue: bool = False

    @property
    def late(self) -> bool:
        return self.needs_filing and self.filing_overdue


def states(plans: QuerySet[Plan], today: dt.date | None = None) -> dict[int, PlanState]:
    """The state of every plan of `plans` (3 queries whatever their number)."""
    today = today or timezone.localdate()
    rows = list(
        plans.order_by()
        .annotate(open_triggers=Count("triggers", filter=Q(triggers__status=RevisionTrigger.Status.OPEN)))
        .values("pk", "kind", "active", "published_on", "last_evaluated_on", "evaluation_years", "open_triggers")
    )
    published = {r["pk"]: r["published_on"] for r in rows}
    latest: dict[int, tuple] = {}
    filings = (
        PlanFiling.objects.filter(plan_id__in=[pk for pk, day in published.items() if day])
        .order_by("plan_id", "submitted_at", "id")
        .values_list("plan_id", "status", "submitted_at", "number")
    )
    for plan_id, status, submitted_at, number in filings:
        if timezone.localdate(submitted_at) >= published[plan_id]:  # a round of this publication
            latest[plan_id] = (status, number)
    calendar = WorkCalendar.around(published.values(), today)
    notice = today + dt.timedelta(days=rules.evaluation_notice_days())
    found = {}
    for r in rows:
        due = None
        number = ""
        overdue = False
        if not rules.files_with_county(r["kind"]):
            filing = "exempt"
        elif r["published_on"] is None:
            filing = "unpublished"
        else:
            due = calendar.add(r["published_on"], rules.filing_days())
            overdue = today > due
            status, number = latest.get(r["pk"], ("", ""))
            if status == PlanFiling.Status.FILED:
                filing = "filed"
            elif status == PlanFiling.Status.SUBMITTED:
                filing = "submitted"
            elif status == PlanFiling.Status.RETURNED:
                filing = "returned"
            else:
                filing = "late" if overdue else "due"
        evaluation = rules.evaluation_due(
            published_on=r["published_on"], last_evaluated_on=r["last_evaluated_on"], years=r["evaluation_years"]
        )
        flag = ""
        if evaluation and r["active"]:
            flag = "overdue" if evaluation < today else ("soon" if evaluation <= notice else "")
        found[r["pk"]] = PlanState(filing, due, number or "", evaluation, flag, r["open_triggers"], overdue)
    return found


def matching(plans: QuerySet[Plan], status: str, today: dt.date | None = None) -> list[int]:
    """The pks of `plans` with the list flag `status` (STATUS_FILTERS); active plans only."""
    if status == "triggers":
        return list(plans.filter(triggers__status=RevisionTrigger.Status.OPEN).values_list("pk", flat=True).distinct())
    found = states(plans.filter(active=True), today)
    tests = {
        "filing_due": lambda s: s.needs_filing,
        "filing_late": lambda s: s.late,
        "checking": lambda s: s.filing == "submitted",
        "evaluation_due": lambda s: bool(s.evaluation_flag),
    }
    test = tests.get(status)
    return [pk for pk, state in found.items() if test and test(state)]


# ---------------------------------------------------------------- the 工作台's counts (anlan/overview/items.py)


def _count(user, flag: str, late_note: bool = False) -> tuple[int, str]:
    today = timezone.localdate()
    found = states(Plan.objects.restrict(user, "view").filter(active=True), today)
    tests = {"filing_due": lambda s: s.needs_filing, "evaluation_due": lambda s: bool(s.evaluation_flag)}
    hits = [s for s in found.values() if tests[flag](s)]
    if flag == "filing_due":
        late = sum(1 for s in hits if s.late)
        return len(hits), f"其中逾期 {late} 件" if late else ""
    overdue = sum(1 for s in hits if s.evaluation_flag == "overdue")
    return len(hits), f"其中已到期 {overdue} 件" if overdue else ""


def filing_due_count(user) -> tuple[int, str]:
    """Published plans of the scope owing their filing (none yet, or returned), late ones named."""
    return _count(user, "filing_due")


def evaluation_due_count(user) -> tuple[int, str]:
    """Plans whose periodic evaluation falls within the notice period or is past."""
    return _count(user, "evaluation_due")


def filing_check_count(user) -> tuple[int, str]:
    """Filings waiting for the county's check, the overdue checks named."""
    waiting = PlanFiling.objects.restrict(user, "view").filter(status=PlanFiling.Status.SUBMITTED)
    overdue = waiting.filter(check_due_on__lt=timezone.localdate()).count()
    return waiting.count(), f"其中超期 {overdue} 件" if overdue else ""
