"""An indicator value's status against its target (pure: numbers in, a status out).

- 达标 (green): the value meets the target — at least the target for a floor (gte), at most for a ceiling (lte);
- 预警 (amber): it misses the target by no more than the amber band (same unit as the value);
- 未达标 (red): it misses by more than the band;
- 无数据: no value (nothing counted in the period); 未设目标: a value but no target."""

from dataclasses import dataclass
from decimal import Decimal

GREEN, AMBER, RED, NONE, NO_TARGET = "green", "amber", "red", "none", "no_target"
LABELS = {GREEN: "达标", AMBER: "预警", RED: "未达标", NONE: "无数据", NO_TARGET: "未设目标"}
# Bootstrap colour classes of the badge.
COLOURS = {GREEN: "success", AMBER: "warning", RED: "danger", NONE: "secondary", NO_TARGET: "secondary"}
FLAGGED = (RED, AMBER)


@dataclass(frozen=True)
class Status:
    key: str

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def colour(self) -> str:
        return COLOURS[self.key]


def status_of(value, *, direction: str, target, amber_band=0) -> str:
    """GREEN / AMBER / RED / NONE / NO_TARGET for `value` against `target` in `direction` ("gte" or "lte")."""
    if value is None:
        return NONE
    if target is None:
        return NO_TARGET
    value, target, band = Decimal(value), Decimal(target), abs(Decimal(amber_band or 0))
    if direction == "gte":
        miss = target - value
    elif direction == "lte":
        miss = value - target
    else:
        raise ValueError(f"unknown direction {direction!r}")
    if miss <= 0:
        return GREEN
    return AMBER if miss <= band else RED
