"""Geological-hazard grades and their 速报 deadlines, as pure functions (reference §21.1, §21.2).

灾情 (a hazard that happened): 地质灾害防治条例 (国务院令第394号) Art. 4, by deaths or direct economic loss — 特大型
from 30 deaths or 1,000万元, 大型 from 10 or 500万元, 中型 from 3 or 100万元, else 小型 (VERIFIED).
险情 (a threat): 国家突发地质灾害应急预案, by people to relocate or potential economic loss — 特大型 from 1,000
people or 1亿元 (10,000万元), 大型 from 500 or 5,000万元, 中型 from 100 or 500万元, else 小型 (VERIFIED).
The national texts have no inclusion clause; 重庆市地质灾害防治条例 (2020) Art. 5 writes the same bands as
"X以上不满Y", so the lower bound is included (30 deaths is 特大型, 29 大型), as here. Money is in 万元.

Whether missing persons count with the dead is a per-province choice (Art. 4 says 因灾死亡; the MLR 速报制度 and
several local plans say 死亡和失踪): setting ANLAN_GEO_COUNT_MISSING, default off (the national text).

速报 (§21.2, SECONDARY: one page quoting the national plan): 特大型 and 大型 within 4 h, 中型 and 小型 within 12 h;
provinces set stricter ones (重庆 1 h for 特大型/大型), so the hours are the setting ANLAN_GEO_REPORT_HOURS.
"""

from decimal import Decimal

from django.conf import settings

from .grading import Band, Criterion, Grade, _non_negative, highest

DISASTER_ARTICLE = "《地质灾害防治条例》第四条"
DANGER_ARTICLE = "《国家突发地质灾害应急预案》地质灾害险情分级"
REPORT_BASIS = "《国家突发地质灾害应急预案》速报时限"
LABELS = {"I": "特大型", "II": "大型", "III": "中型", "IV": "小型"}

DEATHS = Criterion("死亡人数", "死亡", "人")
DEATHS_AND_MISSING = Criterion("死亡和失踪人数", "死亡和失踪", "人")
LOSS = Criterion("直接经济损失", "直接经济损失", "万元")
RELOCATE = Criterion("需转移人数", "需转移", "人")
POTENTIAL = Criterion("潜在经济损失", "潜在经济损失", "万元")

# From the highest grade down: (deaths, direct loss in 万元) and (people to relocate, potential loss in 万元).
DISASTER_BANDS = (
    Band("I", (30, Decimal(1000))),
    Band("II", (10, Decimal(500))),
    Band("III", (3, Decimal(100))),
)
DANGER_BANDS = (
    Band("I", (1000, Decimal(10000))),
    Band("II", (500, Decimal(5000))),
    Band("III", (100, Decimal(500))),
)

# §21.2 (SECONDARY): hours from 接报 to the county department's 速报, by grade.
DEFAULT_REPORT_HOURS = {"I": 4, "II": 4, "III": 12, "IV": 12}


def count_missing() -> bool:
    """Setting ANLAN_GEO_COUNT_MISSING: count missing persons with the dead (default False, Art. 4's 因灾死亡)."""
    return bool(getattr(settings, "ANLAN_GEO_COUNT_MISSING", False))


def disaster(deaths, direct_loss_10k_yuan, *, missing=0, with_missing: bool | None = None) -> Grade:
    """地质灾害灾情等级 (Art. 4): the highest of the grades by deaths and by direct loss. `missing` is added to
    the dead when the province counts them (`with_missing`, by default the setting)."""
    d = int(_non_negative("死亡人数", deaths, whole=True))
    m = int(_non_negative("失踪人数", missing, whole=True))
    loss = _non_negative("直接经济损失（万元）", direct_loss_10k_yuan, whole=False)
    counted = count_missing() if with_missing is None else with_missing
    people = DEATHS_AND_MISSING if counted else DEATHS
    below = f"{people.name} 3 人以下、直接经济损失 100 万元以下"
    return highest(
        DISASTER_BANDS,
        (people, LOSS),
        (d + m if counted else d, loss),
        LABELS,
        article=DISASTER_ARTICLE,
        below=below,
    )


def danger(people_to_relocate, potential_loss_10k_yuan) -> Grade:
    """地质灾害险情等级 (national plan): the highest of the grades by people to relocate and by potential loss."""
    p = int(_non_negative("需转移人数", people_to_relocate, whole=True))
    loss = _non_negative("潜在经济损失（万元）", potential_loss_10k_yuan, whole=False)
    return highest(
        DANGER_BANDS,
        (RELOCATE, POTENTIAL),
        (p, loss),
        LABELS,
        article=DANGER_ARTICLE,
        below="需转移 100 人以下、潜在经济损失 500 万元以下",
    )


def report_hours(level: str) -> int | None:
    """The 速报 deadline in hours for a grade (setting ANLAN_GEO_REPORT_HOURS, a dict by level; SECONDARY)."""
    hours = {**DEFAULT_REPORT_HOURS, **(getattr(settings, "ANLAN_GEO_REPORT_HOURS", None) or {})}
    return int(hours[level]) if level in hours else None
