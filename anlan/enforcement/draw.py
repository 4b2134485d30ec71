"""The 双随机 draw as a pure function of (seed, pools): no database, no clock, no process state.

Algorithm "sha256-v1" (docs/enforcement.md shows how to re-run it by hand):

1. Every key is the SHA-256 hex digest of a UTF-8 text joined with "|":
   - an enterprise's key:   SHA256("{seed}|enterprise|{enterprise id}")
   - an inspector's key for the object at position p (1, 2, …) of enterprise e:
                            SHA256("{seed}|inspector|{p}|{e}|{username}")
2. Objects: the enterprise pool is ordered by key (ties, impossible in practice, by id); the first `count`
   are drawn, position 1, 2, … in that order.
3. Inspectors, object by object in position order: the candidates are the inspector pool minus those who
   declared a conflict (回避) for that enterprise; they are ordered by (objects already assigned to them in
   this draw, key) and the first `per_object` are taken. So the load stays balanced — after any object no
   two inspectors' loads differ by more than one unless conflicts forced it — and among equally loaded
   inspectors the seed decides.

The pools are sorted before anything is computed, so the order in which a database returned them does not
matter. A seed is any text of 1–64 characters; the service generates one with `secrets` when none is given.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

ALGORITHM = "sha256-v1"
MIN_INSPECTORS = 2  # 行政处罚法 (2021) Art. 42: 执法人员不得少于两人
SEED_MAX_LENGTH = 64


class DrawRefused(ValueError):
    """The draw cannot be made as asked; `field` names the input, `enterprise` the object without a pair."""

    def __init__(self, message: str, *, field: str | None = None, enterprise: int | None = None):
        super().__init__(message)
        self.message, self.field, self.enterprise = message, field, enterprise


@dataclass(frozen=True)
class Pools:
    """The 检查对象名录库 (enterprise ids), the 执法检查人员名录库 (usernames) and the declared conflicts
    (username, enterprise id), each sorted and without duplicates."""

    enterprises: tuple[int, ...]
    inspectors: tuple[str, ...]
    conflicts: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, enterprises: Iterable[int], inspectors: Iterable[str], conflicts: Iterable) -> "Pools":
        enterprise_set = {int(e) for e in enterprises}
        inspector_set = {str(i) for i in inspectors}
        # Only conflicts inside both pools can change a result; keeping just those makes the record exact.
        pairs = {(str(u), int(e)) for u, e in conflicts}
        pairs = {(u, e) for u, e in pairs if u in inspector_set and e in enterprise_set}
        return cls(tuple(sorted(enterprise_set)), tuple(sorted(inspector_set)), tuple(sorted(pairs)))

    def as_json(self) -> dict:
        return {
            "enterprises": list(self.enterprises),
            "inspectors": list(self.inspectors),
            "conflicts": [[u, e] for u, e in self.conflicts],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Pools":
        return cls.of(data.get("enterprises", ()), data.get("inspectors", ()), data.get("conflicts", ()))


@dataclass(frozen=True)
class DrawnObject:
    position: int
    enterprise: int
    inspectors: tuple[str, ...]  # in the order they were drawn


def key(seed: str, *parts) -> str:
    return hashlib.sha256("|".join([seed, *(str(p) for p in parts)]).encode("utf-8")).hexdigest()


def check_seed(seed: str) -> None:
    if not isinstance(seed, str) or not seed or len(seed) > SEED_MAX_LENGTH:
        raise DrawRefused(f"随机种子应为 1 到 {SEED_MAX_LENGTH} 个字符", field="seed")


def run(seed: str, pools: Pools, count: int, per_object: int) -> list[DrawnObject]:
    """The draw: `count` distinct enterprises, each with `per_object` distinct inspectors free of conflict."""
    check_seed(seed)
    if per_object < MIN_INSPECTORS:
        raise DrawRefused(
            f"每家企业至少抽取 {MIN_INSPECTORS} 名执法人员（行政处罚法第四十二条：执法人员不得少于两人）",
            field="inspectors_per_object",
        )
    if count < 1:
        raise DrawRefused("抽取企业数应至少为 1", field="count")
    if count > len(pools.enterprises):
        raise DrawRefused(f"检查对象名录库中只有 {len(pools.enterprises)} 家企业，不能抽取 {count} 家", field="count")
    if per_object > len(pools.inspectors):
        raise DrawRefused(
            f"执法检查人员名录库中只有 {len(pools.inspectors)} 名可抽取的执法人员，不能每家抽取 {per_object} 名",
            field="inspectors_per_object",
        )
    chosen = sorted(pools.enterprises, key=lambda e: (key(seed, "enterprise", e), e))[:count]
    conflicted: dict[int, set[str]] = {}
    for username, enterprise in pools.conflicts:
        conflicted.setdefault(enterprise, set()).add(username)
    load = dict.fromkeys(pools.inspectors, 0)
    drawn = []
    for position, enterprise in enumerate(chosen, start=1):
        free = [u for u in pools.inspectors if u not in conflicted.get(enterprise, ())]
        if len(free) < per_object:
            raise DrawRefused(
                f"企业（编号 {enterprise}）的无回避执法人员只有 {len(free)} 名，不足每家 {per_object} 名",
                field="inspectors_per_object",
                enterprise=enterprise,
            )
        free.sort(key=lambda u: (load[u], key(seed, "inspector", position, enterprise, u), u))
        picked = tuple(free[:per_object])
        for username in picked:
            load[username] += 1
        drawn.append(DrawnObject(position, enterprise, picked))
    return drawn


def same_result(expected: list[DrawnObject], stored: Iterable[tuple[int, int, Iterable[str]]]) -> bool:
    """Whether stored (position, enterprise, inspectors) rows are exactly the computed draw (inspectors as a
    set: the record keeps who was drawn, not in which order)."""
    got = sorted((int(p), int(e), tuple(sorted(i))) for p, e, i in stored)
    want = [(o.position, o.enterprise, tuple(sorted(o.inspectors))) for o in expected]
    return got == want
