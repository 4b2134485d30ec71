"""Whether each unit drilled often enough (pure: dates in, statuses out; the database part is in
services_drills.compliance_table).

The rules (standards §13.1–13.2):
- 生产安全事故应急条例 Art. 8: county governments, their departments with safety duties, townships and
  sub-districts drill **at least once every 2 years**. Read as a rolling window: on day d the unit complies if
  it held a drill in the two years up to d, so a drill held on 2024-06-15 keeps it compliant through
  2026-06-15 and the next one is due that day (`TWO_YEARS`).
- The seeds' target "每年至少组织1次应急演练" for townships and departments (setting ANLAN_DRILL_LOCAL_YEARLY,
  default on): at least one drill in each calendar year, Jan 1 – Dec 31 (`YEARLY`). Both rules apply then;
  the row shows the worse status.
- Art. 8 for the Art. 7 unit types (high-risk enterprises) and 预案管理办法 Art. 33 for on-site procedures:
  **at least every half year**, read as each calendar half, Jan 1 – Jun 30 and Jul 1 – Dec 31 (`HALF_YEARLY`).
- 预案管理办法 Art. 33: a comprehensive or special-plan drill **at least once a year** (`YEARLY`, calendar year).

A row is assessed as of a day: today for the current year, Dec 31 for a past one. Its status:
- 达标: every period that has ended had its drill, and so has the current one;
- 未达标: a period ended without a drill (for the 2-year rule: no drill in the two years up to the day);
- 临期: not yet met, and the deadline falls in the current quarter (the 工作台 reminds of these);
- 待组织: not yet met, the deadline is later than this quarter.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

MET, DUE, LATE, OPEN = "met", "due", "late", "open"
STATUS_LABELS = {MET: "达标", DUE: "临期", LATE: "未达标", OPEN: "待组织"}
# The worse of two statuses (a row under two rules shows the worse).
SEVERITY = {MET: 0, OPEN: 1, DUE: 2, LATE: 3}

YEARLY, HALF_YEARLY, TWO_YEARS = "yearly", "half_yearly", "two_years"
CADENCE_LABELS = {YEARLY: "每年至少1次", HALF_YEARLY: "每半年至少1次", TWO_YEARS: "每2年至少1次"}


@dataclass(frozen=True)
class Rule:
    cadence: str
    source: str  # 应急条例第八条 …

    @property
    def label(self) -> str:
        return CADENCE_LABELS[self.cadence]


@dataclass
class Row:
    category: str
    name: str
    rules: tuple[Rule, ...]
    held: int  # drills held in the year
    last_held: dt.date | None  # the last drill up to the day assessed
    due_on: dt.date | None  # the deadline of the first period not met (or of the next drill)
    status: str
    key: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def required(self) -> str:
        return "；".join(f"{rule.label}（{rule.source}）" for rule in self.rules)

    @property
    def flagged(self) -> bool:
        """Late or due this quarter: what the 工作台 counts."""
        return self.status in (DUE, LATE)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; Feb 29 becomes Feb 28 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def quarter_end(day: dt.date) -> dt.date:
    month = ((day.month - 1) // 3 + 1) * 3
    return dt.date(day.year, 12, 31) if month == 12 else dt.date(day.year, month + 1, 1) - dt.timedelta(days=1)


def as_of(year: int, today: dt.date) -> dt.date:
    """The day a year's table is read on: today in the current year, Dec 31 for a past year (a future year
    is read on its Jan 1: nothing has ended yet)."""
    if year < today.year:
        return dt.date(year, 12, 31)
    if year > today.year:
        return dt.date(year, 1, 1)
    return today


def periods(cadence: str, year: int) -> list[tuple[dt.date, dt.date]]:
    """The calendar periods of a year under a calendar rule."""
    if cadence == YEARLY:
        return [(dt.date(year, 1, 1), dt.date(year, 12, 31))]
    if cadence == HALF_YEARLY:
        return [(dt.date(year, 1, 1), dt.date(year, 6, 30)), (dt.date(year, 7, 1), dt.date(year, 12, 31))]
    raise ValueError(f"not a calendar rule: {cadence}")


def _open_or_due(deadline: dt.date, day: dt.date) -> str:
    return DUE if deadline <= quarter_end(day) else OPEN


def calendar_status(
    cadence: str, held: Iterable[dt.date], year: int, day: dt.date, *, final: bool = False
) -> tuple[str, dt.date]:
    """Status under a calendar rule on `day` (within `year`) and the deadline of the first period not met
    (or the end of the last period when all are met). `final`: the year is over (read after its Dec 31), so
    every period has ended, the last one included."""
    held = [d for d in held if d <= day]
    for start, end in periods(cadence, year):
        if start > day:  # a period not yet begun asks nothing
            break
        if any(start <= d <= end for d in held):
            continue
        return (LATE if end < day or final else _open_or_due(end, day)), end
    return MET, periods(cadence, year)[-1][1]


def rolling_status(
    held: Iterable[dt.date], day: dt.date, years: int = 2, *, final: bool = False
) -> tuple[str, dt.date | None]:
    """Status under "at least once every `years` years" on `day`: met while the last drill up to the day is
    at most `years` years old; the deadline is its anniversary. With no drill at all it is late (the law
    has applied since 2019: a unit that never drilled owes one now)."""
    held = [d for d in held if d <= day]
    if not held:
        return LATE, None
    due = add_years(max(held), years)
    if due < day or (final and due == day):  # a past year read on its Dec 31: that day is over too
        return LATE, due
    return (DUE if due <= quarter_end(day) else MET), due


def assess(
    *, category: str, name: str, rules: tuple[Rule, ...], held: Iterable[dt.date], year: int, today: dt.date, key=""
) -> Row:
    """One unit's row for `year` read on `as_of(year, today)`: the worse status of its rules and the
    earliest deadline among the rules not met."""
    day = as_of(year, today)
    final = year < today.year
    held = sorted(held)
    up_to = [d for d in held if d <= day]
    results = []
    for rule in rules:
        if rule.cadence == TWO_YEARS:
            status, due = rolling_status(held, day, final=final)
        else:
            status, due = calendar_status(rule.cadence, held, year, day, final=final)
        results.append((status, due, rule))
    status = max((r[0] for r in results), key=SEVERITY.__getitem__)
    unmet = [r[1] for r in results if r[0] != MET and r[1] is not None]
    due = min(unmet) if unmet else min((r[1] for r in results if r[1] is not None), default=None)
    notes = [f"{rule.label}：{STATUS_LABELS[s]}" for s, _, rule in results if len(results) > 1]
    return Row(
        category=category,
        name=name,
        rules=rules,
        held=sum(1 for d in up_to if d.year == year),
        last_held=up_to[-1] if up_to else None,
        due_on=due,
        status=status,
        key=key,
        notes=notes,
    )


def counts(rows: Iterable[Row]) -> dict[str, int]:
    """How many rows in each status (for the summary line)."""
    found = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        found[row.status] += 1
    return found
