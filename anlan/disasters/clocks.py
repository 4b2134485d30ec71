"""The reporting clocks of a disaster process (reference/standards.md §4.3): arithmetic on times and the
county's working-day calendar (core.workdays, for the 核报).

- 初报: due 2 hours after the disaster started (VERIFIED; CONTRACT `initial_due`).
- 续报: every day until the disaster is stable, a zero report when nothing changed; the county's by
  ANLAN_DISASTER_UPDATE_BY (default "09:00", data to 24:00 the day before). VERIFIED in older plans only,
  UNVERIFIED for the 2020 制度: a setting, and the pages say so.
- 核报: after the disaster is stable, within ANLAN_DISASTER_FINAL_WORKING_DAYS working days (default 2, the
  older 民政-era rule; the 2020 制度 deadline is UNVERIFIED): a setting, and the pages say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from anlan.core import workdays

UNVERIFIED_NOTE = (
    "续报时限（每日 {by} 前）和核报时限（灾情稳定后 {days} 个工作日内）采用原民政部门灾情报送规定的旧值，"
    "尚未与《自然灾害情况统计调查制度》（2020）核实，可在系统设置中调整。"
)


def update_by() -> dt.time:
    """The local time by which the day's 续报 is due (setting ANLAN_DISASTER_UPDATE_BY, "HH:MM")."""
    raw = getattr(settings, "ANLAN_DISASTER_UPDATE_BY", "09:00")
    hours, minutes = (int(part) for part in str(raw).split(":", 1))
    return dt.time(hours, minutes)


def final_working_days() -> int:
    return int(getattr(settings, "ANLAN_DISASTER_FINAL_WORKING_DAYS", 2))


def unverified_note() -> str:
    return UNVERIFIED_NOTE.format(by=update_by().strftime("%H:%M"), days=final_working_days())


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`days` working days after `start`, at the same local time. Working days are core.workdays' (Monday to
    Friday corrected by the county's 节假日与调休 table): while a year's holidays are not entered the deadline
    may fall a holiday early, never late."""
    moment = timezone.localtime(start)
    return moment + (workdays.add_working_days(moment.date(), days) - moment.date())


@dataclass(frozen=True)
class Clock:
    """The report owed next: its stage label, when it is due, and a stable key (one reminder per key)."""

    label: str  # 初报 / 续报 / 核报
    due: dt.datetime
    key: str

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due


def next_report(
    *,
    initial_due: dt.datetime,
    final: bool,
    stable_at: dt.datetime | None,
    submitted: list[tuple[str, dt.datetime]],
    now: dt.datetime,
) -> Clock | None:
    """What the county owes next for one process, given its reports as (stage, submitted_at); None when
    nothing is owed now (after the 核报, or today's report is already in)."""
    if final:
        return None
    if not any(stage == "initial" for stage, _ in submitted):
        return Clock("初报", initial_due, "initial")
    if stable_at is not None:
        return Clock("核报", add_working_days(stable_at, final_working_days()), "final")
    today = timezone.localdate(now)
    if any(timezone.localdate(at) == today for _, at in submitted):
        return None
    due = timezone.make_aware(dt.datetime.combine(today, update_by()), timezone.get_current_timezone())
    return Clock("续报", due, f"update:{today.isoformat()}")


def time_left(due: dt.datetime, now: dt.datetime) -> str:
    """ "剩 1 小时 20 分钟" or "已逾期 35 分钟"."""
    minutes = int((due - now).total_seconds() // 60)
    text = _duration(abs(minutes))
    return f"已逾期 {text}" if minutes < 0 else f"剩 {text}"


def _duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")
    return f"{hours // 24} 天"
