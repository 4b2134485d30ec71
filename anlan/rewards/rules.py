"""举报奖励 as a pure calculation (no database): 安全生产领域举报奖励办法 (2018), standards.md §25.2.

- 重大事故隐患 or 违法生产经营建设 reported and verified: the reward is RATE (15 %) of the administrative fine(s)
  the report led to, at least MINIMUM (3,000 元) and at most MAXIMUM (300,000 元) — VERIFIED. A verified report
  whose cases carry no fine gets the minimum: the documented formula `min(max, max(min, 15 % × fine))` with a
  fine of 0 (the text read gives no other rule for it).
- 瞒报、谎报事故: per dead person confirmed as concealed, by the accident's grade — 一般 30,000, 较大 40,000,
  重大 50,000, 特别重大 60,000 元 — at most CONCEALED_CAP (300,000 元) — VERIFIED.
- A report found 不属实, or on a matter outside the 办法 (an ordinary hidden hazard without a fine), gets none.
- Rounding is not specified by the text read: amounts are rounded to the whole 元 (half up), stated on screen.
- Every number is a setting with the documented default (local rules differ: 泰州 20 % and up to 500,000 元):
  ANLAN_REWARD_RATE, ANLAN_REWARD_MIN_YUAN, ANLAN_REWARD_MAX_YUAN, ANLAN_REWARD_PER_DEATH_YUAN,
  ANLAN_REWARD_CONCEALED_CAP_YUAN.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CONCEALED",
    "GRADES",
    "ILLEGAL",
    "MAJOR_HAZARD",
    "OTHER",
    "Computed",
    "RewardRules",
    "compute",
    "rules_from_settings",
    "wan",
    "yuan",
]

MAJOR_HAZARD, ILLEGAL, CONCEALED, OTHER = "major_hazard", "illegal", "concealed", "other"
FINE_MATTERS = (MAJOR_HAZARD, ILLEGAL)
GRADES = {"general": "一般", "larger": "较大", "major": "重大", "especially_major": "特别重大"}
TRUE, PARTLY, FALSE = "true", "partly", "false"

SOURCE_NOTE = (
    "计算依据：《安全生产领域举报奖励办法》（2018）：罚款额 15%，最低 3,000 元、最高 300,000 元；瞒报谎报事故按查实瞒报"
    "死亡人数每人 3万/4万/5万/6万元（一般/较大/重大/特别重大），最高 300,000 元（已核实，均可按本地规定配置）。"
    "办法未规定取整方式，本系统取整到元（四舍五入）。"
)


@dataclass(frozen=True)
class RewardRules:
    rate: Decimal = Decimal("0.15")
    minimum: Decimal = Decimal("3000")
    maximum: Decimal = Decimal("300000")
    per_death: dict = field(
        default_factory=lambda: {
            "general": Decimal("30000"),
            "larger": Decimal("40000"),
            "major": Decimal("50000"),
            "especially_major": Decimal("60000"),
        }
    )
    concealed_cap: Decimal = Decimal("300000")


def rules_from_settings() -> RewardRules:
    from django.conf import settings

    default = RewardRules()
    per_death = getattr(settings, "ANLAN_REWARD_PER_DEATH_YUAN", None) or {}
    return RewardRules(
        rate=Decimal(str(getattr(settings, "ANLAN_REWARD_RATE", default.rate))),
        minimum=Decimal(str(getattr(settings, "ANLAN_REWARD_MIN_YUAN", default.minimum))),
        maximum=Decimal(str(getattr(settings, "ANLAN_REWARD_MAX_YUAN", default.maximum))),
        per_death={k: Decimal(str(per_death.get(k, v))) for k, v in default.per_death.items()},
        concealed_cap=Decimal(str(getattr(settings, "ANLAN_REWARD_CONCEALED_CAP_YUAN", default.concealed_cap))),
    )


@dataclass(frozen=True)
class Computed:
    amount: Decimal  # whole 元; 0 when nothing is due
    lines: tuple[str, ...]  # the explanation shown with the amount
    fine: Decimal  # the fines counted (0 for concealment or none)

    @property
    def due(self) -> bool:
        return self.amount > 0


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def yuan(value) -> str:
    """18750 → "18,750 元"; 1234.5 → "1,234.50 元"."""
    value = Decimal(value)
    return f"{value:,.0f} 元" if value == value.to_integral_value() else f"{value:,.2f} 元"


def wan(value) -> str:
    """125000 → "12.5 万元" (a fine as the 办法's readers say it)."""
    text = f"{Decimal(value) / Decimal(10000):,.4f}".rstrip("0").rstrip(".")
    return f"{text} 万元"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def compute(
    *,
    outcome: str,
    matter: str,
    fines: Sequence[Decimal | int | str | None] = (),
    concealed_deaths: int = 0,
    accident_grade: str = "",
    rules: RewardRules | None = None,
) -> Computed:
    """The reward for a verified report. `fines`: the fine of each penalty case the report led to (None or 0
    for a case without a fine). ValueError for input no caller should pass (a negative fine or count, an
    unknown matter or grade)."""
    rules = rules or RewardRules()
    if outcome not in (TRUE, PARTLY, FALSE):
        raise ValueError(f"unknown outcome {outcome!r}")
    if matter not in (MAJOR_HAZARD, ILLEGAL, CONCEALED, OTHER):
        raise ValueError(f"unknown matter {matter!r}")
    amounts = [Decimal(str(f)) for f in fines if f not in (None, "")]
    if any(a < 0 for a in amounts):
        raise ValueError("a fine cannot be negative")
    if concealed_deaths < 0:
        raise ValueError("concealed deaths cannot be negative")
    total = sum(amounts, Decimal(0))
    if outcome == FALSE:
        return Computed(Decimal(0), ("举报经核查不属实，不予奖励。",), Decimal(0))
    if matter == CONCEALED:
        return _concealed(concealed_deaths, accident_grade, rules)
    if matter == OTHER and total == 0:
        return Computed(
            Decimal(0),
            ("举报事项不属于重大事故隐患、违法生产经营建设或瞒报谎报事故，且未处罚款，不在《办法》奖励范围内。",),
            Decimal(0),
        )
    return _from_fine(total, len([a for a in amounts if a > 0]), rules)


def _from_fine(total: Decimal, cases: int, rules: RewardRules) -> Computed:
    lines = []
    if total == 0:
        lines.append(f"举报属实，关联案件未处罚款：按最低奖励 {yuan(rules.minimum)}。")
        return Computed(_whole(rules.minimum), tuple(lines), Decimal(0))
    raw = total * rules.rate
    share = _whole(raw)
    counted = f"{cases} 起案件" if cases > 1 else "案件"
    lines.append(f"{counted}罚款合计 {wan(total)} × {_percent(rules.rate)} = {yuan(share)}")
    if raw != share:
        lines[-1] += f"（{raw:,.2f} 元取整到元）"
    amount = min(rules.maximum, max(rules.minimum, share))
    if share < rules.minimum:
        lines.append(f"不低于最低奖励 {yuan(rules.minimum)}：奖励 {yuan(amount)}")
    elif share > rules.maximum:
        lines.append(f"不超过最高奖励 {yuan(rules.maximum)}：奖励 {yuan(amount)}")
    else:
        lines.append(f"在最低 {yuan(rules.minimum)}、最高 {yuan(rules.maximum)} 之间：奖励 {yuan(amount)}")
    return Computed(amount, tuple(lines), total)


def _concealed(deaths: int, grade: str, rules: RewardRules) -> Computed:
    if deaths == 0:
        return Computed(
            Decimal(0), ("未查实瞒报死亡人数：《办法》按查实的瞒报死亡人数计奖，无可计发的奖励。",), Decimal(0)
        )
    if grade not in rules.per_death:
        raise ValueError(f"unknown accident grade {grade!r}")
    each = rules.per_death[grade]
    raw = each * deaths
    amount = min(raw, rules.concealed_cap)
    lines = [f"{GRADES[grade]}事故查实瞒报死亡 {deaths} 人 × {yuan(each)}/人 = {yuan(raw)}"]
    if raw > rules.concealed_cap:
        lines.append(f"不超过最高奖励 {yuan(rules.concealed_cap)}：奖励 {yuan(amount)}")
    else:
        lines.append(f"奖励 {yuan(amount)}")
    return Computed(_whole(amount), tuple(lines), Decimal(0))
