"""The penalty calculator (CONTRACT.md `POST /api/v1/enforcement/penalty/evaluate`), pure: no database.

行政处罚法 (2021), standards.md §11.1 (VERIFIED):
- Arts. 51–52 简易程序: a fine of at most 200 元 for a citizen (person) or 3,000 元 for an organisation may be
  decided on the spot. The boundary is included: "二百元以下""三千元以下", and 以下 includes the number itself
  in Chinese statutes (民法典 Art. 1259, 刑法 Art. 99 say so), so 200 元 is summary, 200.01 元 is not.
- Art. 67: pay within 15 days of receiving the decision. Art. 85 makes only "二日""三日""五日""七日" working
  days, so the 15 days are calendar days: due = served_on + 15 days, whatever the weekday.
- Art. 72(1): late payment adds 3 % of the fine a day (加处罚款), never more than the fine itself. The first
  late day is the day after `due`; paying on `due` is on time.

A 较大数额罚款 (Art. 63, the hearing threshold) is UNVERIFIED for work safety: the setting
ANLAN_ENFORCEMENT_LARGE_FINE_YUAN (per province; default the old 办法's ≥ 2 万元 person / ≥ 5 万元 unit),
shown on the pages as unverified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

PERSON, ORGANISATION = "person", "organisation"
PARTIES = {PERSON: "个人", ORGANISATION: "单位"}
SUMMARY, ORDINARY = "summary", "ordinary"
PROCEDURES = {SUMMARY: "简易程序（当场处罚）", ORDINARY: "普通程序"}

SUMMARY_LIMIT_YUAN = {PERSON: Decimal(200), ORGANISATION: Decimal(3000)}  # Art. 51, boundary included
PAYMENT_DAYS = 15  # Art. 67, calendar days (Art. 85 names only 二/三/五/七日 as working days)
SURCHARGE_RATE = Decimal("0.03")  # Art. 72: 3 % a day, capped at the fine
DEFAULT_LARGE_FINE_YUAN = {PERSON: 20000, ORGANISATION: 50000}  # UNVERIFIED default (standards.md §11.1)
CENT = Decimal("0.01")

LARGE_FINE_NOTE = (
    "较大数额罚款标准（个人 {person} 元以上、单位 {organisation} 元以上）沿用原《安全生产违法行为行政处罚办法》"
    "的默认值，尚未核实，各省可在系统设置中调整。"
)


class PenaltyInputError(ValueError):
    """Bad input for the calculator: `field` names the input, `message` says what is wrong in Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Evaluation:
    procedure: str
    due: dt.date | None
    days_late: int | None
    surcharge_yuan: Decimal | None


def yuan(value) -> Decimal:
    """A fine as Decimal yuan to the fen; a bad or negative amount is a PenaltyInputError on fine_yuan."""
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise PenaltyInputError("fine_yuan", "罚款金额应为数字（元）") from None
    if isinstance(value, bool) or not amount.is_finite():
        raise PenaltyInputError("fine_yuan", "罚款金额应为数字（元）")
    if amount < 0:
        raise PenaltyInputError("fine_yuan", "罚款金额不能为负数")
    if amount > Decimal("9999999999.99"):
        raise PenaltyInputError("fine_yuan", "罚款金额过大")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def procedure_for(party: str, fine_yuan) -> str:
    """summary when the fine is within the Art. 51 limit of the party (limit included), else ordinary."""
    if party not in SUMMARY_LIMIT_YUAN:
        raise PenaltyInputError("party", "当事人类别应为 person（个人）或 organisation（单位）")
    return SUMMARY if yuan(fine_yuan) <= SUMMARY_LIMIT_YUAN[party] else ORDINARY


def payment_due(served_on: dt.date) -> dt.date:
    return served_on + dt.timedelta(days=PAYMENT_DAYS)


def days_late(due: dt.date, paid_on: dt.date) -> int:
    return max(0, (paid_on - due).days)


def surcharge(fine_yuan, late_days: int) -> Decimal:
    """3 % of the fine for each day late, to the fen, never more than the fine (Art. 72)."""
    fine = yuan(fine_yuan)
    if late_days <= 0:
        return Decimal("0.00")
    return min(fine, (fine * SURCHARGE_RATE * late_days).quantize(CENT, rounding=ROUND_HALF_UP))


def evaluate(party: str, fine_yuan, served_on: dt.date | None = None, paid_on: dt.date | None = None) -> Evaluation:
    procedure = procedure_for(party, fine_yuan)
    if paid_on is not None and served_on is None:
        raise PenaltyInputError("served_on", "填写缴纳日期时须同时填写送达日期")
    if served_on is None:
        return Evaluation(procedure, None, None, None)
    if paid_on is not None and paid_on < served_on:
        raise PenaltyInputError("paid_on", "缴纳日期不能早于送达日期")
    due = payment_due(served_on)
    if paid_on is None:
        return Evaluation(procedure, due, None, None)
    late = days_late(due, paid_on)
    return Evaluation(procedure, due, late, surcharge(fine_yuan, late))


def large_fine_yuan() -> dict[str, Decimal]:
    """The 较大数额罚款 amounts (Art. 63) of this deployment's province: setting, UNVERIFIED default."""
    configured = getattr(settings, "ANLAN_ENFORCEMENT_LARGE_FINE_YUAN", None) or {}
    return {party: Decimal(str(configured.get(party, default))) for party, default in DEFAULT_LARGE_FINE_YUAN.items()}


def large_fine_note() -> str:
    amounts = large_fine_yuan()
    return LARGE_FINE_NOTE.format(person=f"{amounts[PERSON]:,.0f}", organisation=f"{amounts[ORGANISATION]:,.0f}")


def is_large_fine(party: str, fine_yuan) -> bool:
    if fine_yuan is None or party not in DEFAULT_LARGE_FINE_YUAN:
        return False
    return yuan(fine_yuan) >= large_fine_yuan()[party]
