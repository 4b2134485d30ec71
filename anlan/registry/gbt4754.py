"""GB/T 4754-2017 国民经济行业分类 at the levels the registry uses: 门类 (A–T) and 大类 (01–97).

The table is data (data/gbt4754.json); a 大类 code belongs to the 门类 whose range contains it.
"""

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gbt4754.json"


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def divisions() -> list[tuple[str, str]]:
    """(大类 code, name) pairs, e.g. ("26", "化学原料和化学制品制造业")."""
    return [(d["code"], d["name"]) for d in _table()["divisions"]]


def section_of(division: str) -> tuple[str, str] | None:
    """The 门类 (code, name) of a 大类 code: "26" → ("C", "制造业")."""
    if not (division and division.isdigit()):
        return None
    number = int(division)
    for section in _table()["sections"]:
        if section["from"] <= number <= section["to"]:
            return section["code"], section["name"]
    return None


INDUSTRY_CHOICES = [(code, f"{code} {name}") for code, name in divisions()]
