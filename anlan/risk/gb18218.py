"""GB 18218-2018 危险化学品重大危险源辨识: identification (S = Σq/Q ≥ 1) and grading
(R = α·Σβq/Q → 一级 R ≥ 100, 二级 ≥ 50, 三级 ≥ 10, 四级 < 10). Tables are data
(data/gb18218.json, from reference/standards.md §1); this module only applies them.

A substance is named (Table 1: by CAS, name, "name（qualifier）" or alias) or given only by its hazard
class (Table 2). β comes from Table 3 for the listed toxic gases, otherwise from Table 4 by the hazard
class: the item's `category` if given, else the platform's default class for that named substance.
Where a name or CAS matches several Table 1 rows (e.g. 硝化纤维素, 硝酸铵), the lowest critical quantity
applies unless the full "name（qualifier）" is given — the stricter reading, as the standard does for
substances with several classes.
"""

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from anlan.core.errors import DomainError

DATA = Path(__file__).resolve().parent / "data" / "gb18218.json"


@dataclass(frozen=True)
class Substance:
    no: int
    name: str
    qualifier: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    critical_t: float
    default_class: str

    @property
    def full_name(self) -> str:
        return f"{self.name}（{self.qualifier}）" if self.qualifier else self.name


@dataclass(frozen=True)
class Tables:
    substances: tuple[Substance, ...]
    classes: dict  # class → {"description", "critical_t", "beta"}
    toxic_beta: dict  # Table 3 name → β
    alpha: tuple[tuple[int, float], ...]
    by_key: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def tables() -> Tables:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    substances = tuple(
        Substance(
            r["no"],
            r["name"],
            r["qualifier"],
            tuple(r["aliases"]),
            tuple(r["cas"]),
            float(r["critical_t"]),
            r["default_class"],
        )
        for r in data["table1"]
    )
    by_key: dict[str, list[Substance]] = {}
    for s in substances:
        for key in {s.full_name, s.name, *s.aliases, *s.cas}:
            by_key.setdefault(_norm(key), []).append(s)
    return Tables(
        substances=substances,
        classes={c["class"]: c for c in data["table2"]},
        toxic_beta={t["name"]: float(t["beta"]) for t in data["table3"]},
        alpha=tuple((a["min_people"], float(a["alpha"])) for a in data["table5"]),
        by_key=by_key,
    )


def _norm(text: str) -> str:
    return str(text).strip().replace("(", "（").replace(")", "）").replace(" ", "").upper()


def lookup(key: str) -> Substance | None:
    """A Table 1 substance by CAS, name, full name or alias; the strictest row when several match."""
    matches = tables().by_key.get(_norm(key))
    if not matches:
        return None
    exact = [s for s in matches if _norm(s.full_name) == _norm(key)]
    return min(exact or matches, key=lambda s: (s.critical_t, s.no))


def alpha(exposed_people: int) -> float:
    """Table 5: α by the resident population within 500 m outside the plant."""
    if exposed_people < 0:
        raise DomainError("risk.negative_people", "厂区边界外500米范围内常住人口数不能为负数", field="substances")
    for minimum, value in tables().alpha:
        if exposed_people >= minimum:
            return value
    return tables().alpha[-1][1]


def level_for(r: float) -> int:
    if r >= 100:
        return 1
    if r >= 50:
        return 2
    if r >= 10:
        return 3
    return 4


def toxic_beta(substance: Substance) -> float | None:
    beta = tables().toxic_beta
    for name in (substance.name, *substance.aliases):
        if name in beta:
            return beta[name]
    return None


@dataclass
class ItemResult:
    name: str
    cas: str
    category: str
    quantity_t: float
    critical_t: float
    ratio: float
    beta: float


@dataclass
class Evaluation:
    items: list[ItemResult]
    sum_ratio: float
    is_major_hazard: bool
    alpha: float
    R: float | None
    level: int | None


def _resolve(index: int, item: dict) -> tuple[str, str, str, float, float]:
    """(name, cas, category, Q, β) of one input item."""
    label = item.get("name") or item.get("cas") or item.get("category") or f"第{index + 1}项"
    category = item.get("category")
    if category is not None and category not in tables().classes:
        raise DomainError(
            "risk.unknown_category", f"未知的危险性类别：{category}（表2类别如 J1、W2、W5.1）", field="substances"
        )
    key = item.get("cas") or item.get("name")
    if key:
        substance = lookup(key)
        if substance is None:
            raise DomainError(
                "risk.unknown_substance",
                f"GB 18218 表1中没有该物质：{key}（未列名物质请用 category 给出表2类别）",
                field="substances",
            )
        beta = toxic_beta(substance)
        if beta is None:
            beta = tables().classes[category or substance.default_class]["beta"]
        return (
            substance.full_name,
            (substance.cas[0] if substance.cas else ""),
            (category or substance.default_class),
            substance.critical_t,
            beta,
        )
    if category:
        c = tables().classes[category]
        return c["description"], "", category, float(c["critical_t"]), float(c["beta"])
    raise DomainError("risk.substance_unnamed", f"{label}：须给出 cas、name 或 category", field="substances")


def evaluate(substances: list[dict], exposed_people: int) -> Evaluation:
    """Identify and grade one unit. Raises DomainError (a 400 at the API) on bad input."""
    if not substances:
        raise DomainError("risk.no_substance", "单元内至少应有一种危险化学品", field="substances")
    if not isinstance(exposed_people, int) or isinstance(exposed_people, bool):
        raise DomainError("risk.bad_people", "exposed_people 应为整数", field="substances")
    a = alpha(exposed_people)
    items = []
    for index, item in enumerate(substances):
        quantity = item.get("quantity_t")
        if not isinstance(quantity, int | float) or isinstance(quantity, bool) or not math.isfinite(quantity):
            raise DomainError("risk.bad_quantity", f"第{index + 1}项：quantity_t 应为数值（吨）", field="substances")
        if quantity < 0:
            raise DomainError("risk.negative_quantity", f"第{index + 1}项：quantity_t 不能为负数", field="substances")
        name, cas, category, critical, beta = _resolve(index, item)
        items.append(ItemResult(name, cas, category, float(quantity), critical, quantity / critical, beta))
    s = sum(i.ratio for i in items)
    # "等于或超过" counts: compare with a tolerance so that 2.5/5 + 5/10 = 1.0 is a major hazard.
    major = s >= 1 - 1e-9
    r = a * sum(i.beta * i.ratio for i in items) if major else None
    return Evaluation(items, s, major, a, r, level_for(r) if r is not None else None)
