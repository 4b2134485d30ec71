"""Statutory clocks of a penalty case (行政处罚法 2021, standards.md §11.1): plain arithmetic on dates and the
county's working-day calendar.

| Clock | Due | Days | Source |
|---|---|---|---|
| 作出决定 | 立案 + 90 days | calendar | Art. 60 |
| 送达 (not on the spot) | 决定 + 7 days | working (Art. 85) | Art. 61 |
| 听证申请 | 告知 + 5 days | working (Art. 85) | Art. 64(1) |
| 听证通知 | the hearing − 7 days | working (Art. 85) | Art. 64(2) |
| 缴纳罚款 | 送达 + 15 days (each instalment: its own date) | calendar | Art. 67 |

Art. 85: "本法中'二日''三日''五日''七日'的规定是指工作日，不含法定节假日". Working days are those of
core.workdays: Monday to Friday corrected by the county's 节假日与调休 table, so a holiday entered once moves
every working-day clock; while the year's holidays are not entered a deadline may fall a holiday early, never
late, and the pages say so (`holiday_note`). 90 and 15 days are not in Art. 85's list: calendar days.

The working-day counts read the calendar table (one query each, or none inside `workdays.remembered()`).

A clock reads the case's attributes only (opened_on, decided_on …), so it works on a model instance or any
object with the same names; the payment clock reads the unpaid instalments passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anlan.core import workdays
from anlan.core.workdays import HOLIDAY_NOTE, add_working_days, subtract_working_days, working_days_between

DECISION_DAYS = 90  # Art. 60, calendar
SERVICE_WORKING_DAYS = 7  # Art. 61, working
HEARING_REQUEST_WORKING_DAYS = 5  # Art. 64(1), working
HEARING_NOTICE_WORKING_DAYS = 7  # Art. 64(2), working
DUE_SOON_DAYS = 3  # 临期: this many calendar days or fewer left

# The working-day arithmetic stays importable from here (tests, the demo's cases).
__all__ = [
    "DECISION_DAYS",
    "HOLIDAY_NOTE",
    "Clock",
    "add_working_days",
    "clocks",
    "decision_due",
    "hearing_notice_latest",
    "hearing_request_due",
    "holiday_note",
    "pressing",
    "service_due",
    "subtract_working_days",
    "working_days_between",
]


def holiday_note(today: dt.date) -> str:
    """The pages' note on holidays: shown only while `today`'s year has no holidays entered."""
    return workdays.holiday_note(today.year)


def decision_due(opened_on: dt.date) -> dt.date:
    return opened_on + dt.timedelta(days=DECISION_DAYS)


def service_due(decided_on: dt.date) -> dt.date:
    return add_working_days(decided_on, SERVICE_WORKING_DAYS)


def hearing_request_due(notified_on: dt.date) -> dt.date:
    return add_working_days(notified_on, HEARING_REQUEST_WORKING_DAYS)


def hearing_notice_latest(hearing_on: dt.date) -> dt.date:
    """The last day the hearing summons may be given: 7 working days before the hearing."""
    return subtract_working_days(hearing_on, HEARING_NOTICE_WORKING_DAYS)


@dataclass(frozen=True)
class Clock:
    key: str  # decision / service / hearing_request / hearing_notice / payment
    label: str
    due: dt.date
    basis: str  # the article
    working: bool  # counted in working days
    done_on: dt.date | None = None  # met (or stopped) on this day

    @property
    def running(self) -> bool:
        return self.done_on is None

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def state(self, today: dt.date) -> str:
        """done / late (met after its due day) / overdue / soon (≤ DUE_SOON_DAYS left) / running."""
        if self.done_on is not None:
            return "late" if self.done_on > self.due else "done"
        left = self.days_left(today)
        if left < 0:
            return "overdue"
        return "soon" if left <= DUE_SOON_DAYS else "running"

    def text(self, today: dt.date) -> str:
        if self.done_on is not None:
            late = (self.done_on - self.due).days
            return f"已于 {self.done_on:%Y-%m-%d} 完成" + (f"（超期 {late} 天）" if late > 0 else "")
        left = self.days_left(today)
        if left < 0:
            return f"已超期 {-left} 天"
        return "今天到期" if left == 0 else f"剩 {left} 天"


def clocks(case, today: dt.date, unpaid_due: list[dt.date] | None = None, hearing: bool = False) -> list[Clock]:
    """The clocks that apply to `case` now or applied before (done ones carry their day). `hearing`: the
    penalty gives the party a hearing (case_workflow.hearing_qualifies), so the request window runs."""
    found: list[Clock] = []
    summary = getattr(case, "procedure", "ordinary") == "summary"
    if case.opened_on and not summary:
        found.append(Clock("decision", "作出处罚决定", decision_due(case.opened_on), "第六十条（90日）", False,
                           case.decided_on))  # fmt: skip
    if case.notified_on and hearing:
        stopped = getattr(case, "hearing_requested_on", None) or getattr(case, "hearing_waived_on", None)
        due = hearing_request_due(case.notified_on)
        # Not requested and not waived: the window closes by itself on its last day (nothing is late).
        if stopped is None and today > due:
            stopped = due
        found.append(Clock("hearing_request", "当事人申请听证", due, "第六十四条（5个工作日）", True, stopped))
    if getattr(case, "hearing_on", None):
        found.append(Clock("hearing_notice", "听证会通知（听证7个工作日前）", hearing_notice_latest(case.hearing_on),
                           "第六十四条（7个工作日）", True, getattr(case, "hearing_notice_on", None)))  # fmt: skip
    if case.decided_on and not getattr(case, "served_on_spot", False):
        found.append(Clock("service", "送达处罚决定书", service_due(case.decided_on), "第六十一条（7个工作日）", True,
                           case.served_on))  # fmt: skip
    if unpaid_due:
        found.append(Clock("payment", "缴纳罚款", min(unpaid_due), "第六十七条（15日）", False, None))
    return found


def pressing(case, today: dt.date, unpaid_due: list[dt.date] | None = None, hearing: bool = False) -> list[Clock]:
    """The running clocks that are due soon or overdue (the 工作台's 临期/超期)."""
    return [c for c in clocks(case, today, unpaid_due, hearing) if c.running and c.state(today) in ("soon", "overdue")]
