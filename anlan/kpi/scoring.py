"""考核 scoring rules (pure: no database). The services feed them plain values and keep what they return.

Indicator items ("按指标计分"):
    达到目标得满分。未达目标时：若规定了“每差1个单位扣分”，每差1个单位（如1个百分点）扣该分数，扣完为止；
    否则按完成比例得分 —— 不低于型：分值 × 实际值 ÷ 目标值；不高于型：分值 × 目标值 ÷ 实际值。
    没有该年度的指标值（或指标没有目标值）时不计分，由县级评审人工评定。
Task items ("按任务完成计分"):
    分值 × 按期完成的任务数 ÷ 分工给本单位的任务数（已取消的不计）；按期 = 已完成且完成日期不晚于完成时限。
    本年度没有分工任务时不计分，由县级评审人工评定。
A score's final points: the county's review points, else the unit's self points, else the computed points.
Ranking: by final total, highest first; equal totals share a rank and the next rank is skipped (1, 2, 2, 4).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
AT_LEAST, AT_MOST = "gte", "lte"


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, points: Decimal) -> Decimal:
    return quantize(min(max(Decimal(value), Decimal(0)), Decimal(points)))


@dataclass(frozen=True)
class Result:
    points: Decimal | None  # None: not computable, scored by hand
    explanation: str


def _num(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_points(
    *,
    points: Decimal,
    value: Decimal | None,
    target: Decimal | None,
    direction: str,
    deduct_per_unit: Decimal | None = None,
    unit: str = "",
) -> Result:
    points = Decimal(points)
    if value is None:
        return Result(None, "本年度暂无指标值，须人工评分")
    if target is None:
        return Result(None, "指标未设目标值，须人工评分")
    value, target = Decimal(value), Decimal(target)
    shown = f"实际值 {_num(value)}{unit}，目标 {'≥' if direction == AT_LEAST else '≤'}{_num(target)}{unit}"
    met = value >= target if direction == AT_LEAST else value <= target
    if met:
        return Result(quantize(points), f"{shown}，达到目标得满分")
    gap = abs(target - value)
    if deduct_per_unit is not None:
        lost = gap * Decimal(deduct_per_unit)
        return Result(
            _clamp(points - lost, points), f"{shown}，差 {_num(gap)}{unit}，每差1扣 {_num(deduct_per_unit)} 分"
        )
    if direction == AT_LEAST:
        share = value / target if target > 0 else Decimal(0)
    else:
        share = target / value if value > 0 else Decimal(0)
    return Result(_clamp(points * share, points), f"{shown}，按完成比例 {_num(quantize(share * 100))}% 得分")


@dataclass(frozen=True)
class TaskFact:
    deadline: dt.date
    status: str  # KeyTask.Status value
    completed_on: dt.date | None


def done_on_time(task: TaskFact) -> bool:
    return task.status == "done" and task.completed_on is not None and task.completed_on <= task.deadline


def tasks_points(*, points: Decimal, tasks: list[TaskFact]) -> Result:
    counted = [t for t in tasks if t.status != "cancelled"]
    if not counted:
        return Result(None, "本年度没有分工给本单位的任务，须人工评分")
    on_time = sum(1 for t in counted if done_on_time(t))
    share = Decimal(on_time) / Decimal(len(counted))
    return Result(_clamp(Decimal(points) * share, points), f"按期完成 {on_time} 项，共 {len(counted)} 项")


def final_points(*, computed: Decimal | None, self_points: Decimal | None, review: Decimal | None) -> Decimal | None:
    for value in (review, self_points, computed):
        if value is not None:
            return Decimal(value)
    return None


def total(values) -> Decimal:
    return quantize(sum((Decimal(v) for v in values if v is not None), Decimal(0)))


def ranks(totals: dict) -> dict:
    """{key: total} → {key: rank}: highest first, equal totals share a rank (competition ranking)."""
    ordered = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    result, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        result[key] = rank
    return result
