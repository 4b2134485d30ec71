"""The registry of computed indicators. A calculator counts one figure of the county over a period from the
records of the apps below (hidden hazards, patrols, warnings, reports, drills, plans, inspections, training …).
Each module of `kpi.calculators` registers its calculators with `@calculator(...)`; an `Indicator.source` names
one by its key. A calculator runs a fixed number of queries whatever the county's size (aggregates, no rows)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    """A computed value and what it was computed from (shown beside it and kept on the IndicatorValue)."""

    value: Decimal | None  # None: nothing to count in the period (no denominator), shown as "无数据"
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""  # how it was counted, in Chinese, e.g. "按期销号 182 项 / 到期 190 项"


@dataclass(frozen=True)
class Calculator:
    key: str
    label: str  # Chinese name shown when choosing a source
    unit: str
    formula: str  # Chinese description of what is counted
    func: Callable[[str, date, date], Figure]  # (county code, first day, last day inclusive) -> Figure


CALCULATORS: dict[str, Calculator] = {}


def calculator(key: str, *, label: str, unit: str, formula: str):
    """Register a calculator under `key` (the value an Indicator's `source` holds)."""

    def register(func):
        if key in CALCULATORS:
            raise ValueError(f"calculator {key!r} registered twice")
        CALCULATORS[key] = Calculator(key=key, label=label, unit=unit, formula=formula, func=func)
        return func

    return register


def source_choices() -> list[tuple[str, str]]:
    """("", 手工填报) first, then every registered calculator by label."""
    return [("", "手工填报"), *sorted(((c.key, c.label) for c in CALCULATORS.values()), key=lambda kv: kv[1])]


def compute(key: str, county_code: str, start: date, end: date) -> Figure:
    return CALCULATORS[key].func(county_code, start, end)


def ratio(numerator, denominator, *, scale: int = 100, places: int = 2) -> Figure:
    """numerator / denominator × scale, rounded half up to `places`; no value when the denominator is 0."""
    num, den = Decimal(numerator or 0), Decimal(denominator or 0)
    if den == 0:
        return Figure(value=None, numerator=num, denominator=den)
    value = (num * scale / den).quantize(Decimal(1).scaleb(-places))
    return Figure(value=value, numerator=num, denominator=den)
