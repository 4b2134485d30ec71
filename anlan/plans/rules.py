"""The statutory rules of a plan's life cycle as pure functions (no database): which review a plan needs, how
often it is evaluated, whether it is filed with the county, and the dates these give. Sources are in
shared/reference/standards.md §13; numbers marked UNVERIFIED there are settings with the documented default
(`setting`), and the pages say so.

- 评审/论证: 生产安全事故应急预案管理办法 Art. 21 (VERIFIED, 2016 text).
- 备案 within 20 working days of 公布: same 办法 Art. 26 (VERIFIED); the county's check within 5 working days
  (SECONDARY).
- 评估 every 3 years for the listed unit types: same 办法 Art. 35 (VERIFIED). For government plans the 2024
  突发事件应急预案管理办法's cycle could not be read (UNVERIFIED): a setting, default 3 years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

# GB/T 4754 divisions of the units Art. 21 and Art. 35 list by trade: mining (06–12), metal smelting (31, 32),
# construction (47–50), and chemical manufacturing (26, the plants using hazardous chemicals above the
# threshold; the threshold itself is the registry's 危险化学品/重大危险源 flags).
MINING = frozenset({"06", "07", "08", "09", "10", "11", "12"})
SMELTING = frozenset({"31", "32"})
CONSTRUCTION = frozenset({"47", "48", "49", "50"})
CHEMICALS = frozenset({"26"})
LISTED_DIVISIONS = MINING | SMELTING | CONSTRUCTION | CHEMICALS
# The registry's risk flags that put a unit on the Art. 21 / Art. 35 list (dangerous goods, fireworks, mines).
LISTED_FLAGS = ("is_hazchem", "is_fireworks", "is_non_coal_mine", "has_major_hazard")
MEDIUM_OR_LARGER = frozenset({"large", "medium"})

GOVERNMENT_KINDS = frozenset({"overall", "special", "department", "township", "village"})
UNIT_KINDS = frozenset({"enterprise", "onsite"})
# Plans filed with the county (应急条例 Art. 7; 预案管理办法 Art. 26; the township's plan with the county
# government): departments', townships' and enterprises' plans. The county's own overall and special plans
# are filed with the city, outside this system; a village's plan with its township.
FILED_WITH_COUNTY = frozenset({"department", "township", "enterprise", "onsite"})

ART_21 = "《生产安全事故应急预案管理办法》第二十一条"
ART_26 = "《生产安全事故应急预案管理办法》第二十六条"
ART_35 = "《生产安全事故应急预案管理办法》第三十五条"


def setting(name: str, default):
    return getattr(settings, name, default)


def filing_days() -> int:
    return setting("ANLAN_PLAN_FILING_WORKING_DAYS", 20)


def check_days() -> int:
    return setting("ANLAN_PLAN_CHECK_WORKING_DAYS", 5)


def government_evaluation_years() -> int:
    """UNVERIFIED (standards §13.3): the 2024 measures' evaluation cycle could not be read; default 3 years."""
    return setting("ANLAN_PLAN_GOVERNMENT_EVALUATION_YEARS", 3)


def evaluation_notice_days() -> int:
    """How far ahead an evaluation shows as 待评估 (a quarter)."""
    return setting("ANLAN_PLAN_EVALUATION_NOTICE_DAYS", 90)


@dataclass(frozen=True)
class UnitFacts:
    """What Art. 21 and Art. 35 ask of the unit that owns an enterprise plan (from the registry)."""

    industry: str = ""
    scale: str = ""
    flags: frozenset[str] = frozenset()

    @classmethod
    def of(cls, enterprise) -> UnitFacts:
        if enterprise is None:
            return cls()
        flags = frozenset(name for name in LISTED_FLAGS if getattr(enterprise, name, False))
        return cls(industry=enterprise.industry or "", scale=enterprise.scale or "", flags=flags)

    @property
    def listed_trade(self) -> bool:
        return self.industry in LISTED_DIVISIONS or bool(self.flags)

    @property
    def listed(self) -> bool:
        return self.listed_trade or self.scale in MEDIUM_OR_LARGER


@dataclass(frozen=True)
class Decision:
    value: str | int | None
    reason: str


def default_review_mode(kind: str, unit: UnitFacts) -> Decision:
    """评审 or 论证 (Art. 21): government plans are reviewed; an enterprise plan is 评审 when the unit is in a
    listed trade (mines, smelting, construction, dangerous goods, chemicals, fireworks) or medium-sized or
    larger, else the unit 论证 it itself."""
    if kind in GOVERNMENT_KINDS:
        return Decision("review", "政府及部门预案：组织专家评审")
    if unit.listed_trade:
        return Decision("review", f"{ART_21}：矿山、金属冶炼、建筑施工、危险物品等单位应当评审")
    if unit.scale in MEDIUM_OR_LARGER:
        return Decision("review", f"{ART_21}：中型规模以上单位应当评审")
    return Decision("verify", f"{ART_21}：其他生产经营单位可以论证")


def default_evaluation_years(kind: str, unit: UnitFacts) -> Decision:
    """The evaluation cycle (Art. 35): 3 years for the listed units; government plans a setting (UNVERIFIED,
    default 3); other units keep their own evaluation system with no statutory cycle (None)."""
    if kind in GOVERNMENT_KINDS:
        years = government_evaluation_years()
        return Decision(years, f"政府预案每{years}年评估一次（2024年办法的周期未核实，按设置）")
    if unit.listed:
        return Decision(3, f"{ART_35}：高危行业及中型以上单位每三年评估一次")
    return Decision(None, f"{ART_35}：其他单位按本单位评估制度，无法定周期")


def files_with_county(kind: str) -> bool:
    return kind in FILED_WITH_COUNTY


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def evaluation_due(*, published_on, last_evaluated_on, years) -> dt.date | None:
    """Next evaluation: the last one (or 公布) plus the cycle; None without a cycle or a start."""
    start = last_evaluated_on or published_on
    if not years or start is None:
        return None
    return add_years(start, years)
