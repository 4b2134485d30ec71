"""Incident grading from the regulations, as pure functions with their tables as data.

Production-safety accidents: 生产安全事故报告和调查处理条例 (国务院令第493号) Art. 3 (reference §2.1). The grade is
the highest any of the three criteria reaches ("或者"); "以上包括本数，以下不包括本数", so 3 deaths is 较大, 10 重大,
30 特别重大, and a loss of exactly 1,000万元 is 较大. Losses are in 万元 (10,000 yuan).

Forest fires (森林防火条例 Art. 40) and geological hazards (地质灾害防治条例 Art. 4 for 灾情, the national
突发地质灾害应急预案 for 险情) have their own calculators in `grading_forest` and `grading_geo`, on the shared
`highest` below; `calculators` says which one grades an API kind or an incident's kind. Other kinds have no
numeric rule in the reference (natural disasters grade their *response* by the relief plan, social-safety events
are not graded by the law's Art. 3): their level is decided and recorded by people.
"""

from dataclasses import dataclass
from decimal import Decimal

from anlan.core.errors import DomainError

LEVELS = ["IV", "III", "II", "I"]  # low → high
LABELS = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}

# (level, minimum deaths, minimum serious injuries, minimum direct loss in 万元): a criterion is met at or
# above its minimum. Checked from the highest level down.
PRODUCTION_SAFETY = [
    ("I", 30, 100, Decimal(10000)),
    ("II", 10, 50, Decimal(5000)),
    ("III", 3, 10, Decimal(1000)),
]


ART_493 = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"


@dataclass(frozen=True)
class Grade:
    level: str
    label: str
    basis: str  # which criterion decided it, in words, with the values
    criterion: str = ""  # the names of the deciding criteria (死亡人数、受害森林面积 …); empty when none reached a band
    article: str = ""  # the article the grade comes from


@dataclass(frozen=True)
class Band:
    """One grade's lower bounds: a criterion is met at or above its minimum ("以上包括本数")."""

    level: str
    minimums: tuple  # one minimum per criterion, in the order of the criteria


@dataclass(frozen=True)
class Criterion:
    name: str  # 死亡人数
    short: str  # 死亡
    unit: str  # 人


def highest(bands, criteria, values, labels, *, article: str, below: str) -> Grade:
    """The grade of the highest band any criterion reaches ("或者"), bands listed from the highest down; the
    lowest level (`IV`) with `below` as its basis when no band is reached."""
    for band in bands:
        met = [(c, v, m) for c, v, m in zip(criteria, values, band.minimums, strict=True) if m is not None and v >= m]
        if met:
            basis = "；".join(f"{c.short} {_plain(v)} {c.unit}（{_plain(m)} {c.unit}以上）" for c, v, m in met)
            return Grade(band.level, labels[band.level], basis, "、".join(c.name for c, _, _ in met), article)
    return Grade("IV", labels["IV"], below, "", article)


def _plain(number) -> str:
    """1000, 0.5, 12.25: no exponent, no trailing zeros."""
    return format(Decimal(number).normalize(), "f") if isinstance(number, Decimal) else str(number)


def _non_negative(name: str, value, *, whole: bool) -> Decimal:
    """The value as a Decimal ≥ 0 (a whole number when `whole`); DomainError naming the field otherwise."""
    message = f"{name}应为非负整数" if whole else f"{name}应为非负数"
    if isinstance(value, bool) or value is None:
        raise DomainError("grading.bad_number", message)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise DomainError("grading.bad_number", message) from None
    if not number.is_finite() or number < 0 or (whole and number != number.to_integral_value()):
        raise DomainError("grading.bad_number", message)
    return number


def production_safety(deaths, serious_injuries, direct_loss_10k_yuan) -> Grade:
    """生产安全事故等级 (Art. 3)."""
    d = int(_non_negative("死亡人数", deaths, whole=True))
    s = int(_non_negative("重伤人数（含急性工业中毒）", serious_injuries, whole=True))
    loss = _non_negative("直接经济损失（万元）", direct_loss_10k_yuan, whole=False)
    for level, min_d, min_s, min_loss in PRODUCTION_SAFETY:
        reasons = []
        if d >= min_d:
            reasons.append(f"死亡 {d} 人（{min_d} 人以上）")
        if s >= min_s:
            reasons.append(f"重伤 {s} 人（{min_s} 人以上）")
        if loss >= min_loss:
            reasons.append(f"直接经济损失 {loss} 万元（{min_loss} 万元以上）")
        if reasons:
            return Grade(level, LABELS[level], "；".join(reasons), article=ART_493)
    return Grade("IV", LABELS["IV"], "死亡 3 人以下、重伤 10 人以下、直接经济损失 1000 万元以下", article=ART_493)


def rank(level: str) -> int:
    """IV → 1 … I → 4; blank → 0."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0
