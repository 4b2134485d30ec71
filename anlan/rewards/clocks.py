"""The handling clocks of a 12350 tip (standards.md §25.3), as settings with their documented defaults.

- ANLAN_TIP_ACCEPT_WORKDAYS (5): a tip is accepted (受理) or declined within this many working days of its
  receipt (core.workdays). No deadline was found in the texts read (the 2018 办法's articles are UNVERIFIED):
  5 is this system's default, to be set by local rule — the pages say so.
- ANLAN_TIP_VERIFY_DAYS (60): verification is finished within this many calendar days of acceptance
  (安全生产举报奖励办法 2012, "60日内", VERIFIED for that predecessor; the 2018 text UNVERIFIED).

`today()` is the clock every page, filter and 工作台 count reads, so a test can move it in one place.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from anlan.core.workdays import add_working_days

ACCEPT_NOTE = (
    "受理时限：未查到国家规定（2018年办法条文待核实），本系统默认 {n} 个工作日，"
    "可按本地规定设置（ANLAN_TIP_ACCEPT_WORKDAYS）。"
)
VERIFY_NOTE = (
    "核查时限：受理后 {n} 日内办结，依据《安全生产举报奖励办法》（2012）“60日内办结”（2018年办法条文待核实），"
    "可设置（ANLAN_TIP_VERIFY_DAYS）。"
)


def today() -> dt.date:
    return timezone.localdate()


def accept_workdays() -> int:
    return int(getattr(settings, "ANLAN_TIP_ACCEPT_WORKDAYS", 5))


def verify_days() -> int:
    return int(getattr(settings, "ANLAN_TIP_VERIFY_DAYS", 60))


def accept_due(received_on: dt.date) -> dt.date:
    return add_working_days(received_on, accept_workdays())


def verify_due(accepted_on: dt.date) -> dt.date:
    return accepted_on + dt.timedelta(days=verify_days())


def notes() -> list[str]:
    return [ACCEPT_NOTE.format(n=accept_workdays()), VERIFY_NOTE.format(n=verify_days())]


def deadline_text(status: str, accept_due_on, verify_due_on, on: dt.date) -> str:
    """What the list shows of a tip's clock: the open step's deadline, flagged when it has passed."""
    if status == "received" and accept_due_on:
        return _text("受理", accept_due_on, on)
    if status == "accepted" and verify_due_on:
        return _text("核查", verify_due_on, on)
    return "—"


def _text(step: str, due: dt.date, on: dt.date) -> str:
    left = (due - on).days
    if left < 0:
        return f"{step}超期 {-left} 天（期限 {due:%Y-%m-%d}）"
    if left == 0:
        return f"{step}今日到期"
    return f"{step}期限 {due:%Y-%m-%d}（剩 {left} 天）"
