"""The alarm engine (pure, numpy): from a rule and a sensor's readings to the alarm steps.

A rule turns each reading into a metric (the value; the sum over a sliding window; the change per hour
over a window) and the metric into a level (0 none, 1 blue … 4 red). An alarm opens at the first
level > 0, raises when a higher level is reached, and closes only when the metric is back inside the
lowest threshold by the hysteresis margin; readings between the threshold and the margin change
nothing, so a sensor flapping around a threshold opens one alarm, not a hundred. Levels do not fall
while an alarm is open: it keeps the worst level reached until it closes.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Step:
    index: int  # position in the evaluated readings
    action: str  # "open" | "raise" | "close"
    level: int  # 1–4 for open/raise, 0 for close


def levels_of(metric: np.ndarray, thresholds: list[tuple[int, float]], above: bool) -> np.ndarray:
    """Level per reading (0 none, i+1 for LEVELS[i]); NaN metrics are level 0."""
    out = np.zeros(metric.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for level_index, threshold in thresholds:
            hit = metric >= threshold if above else metric <= threshold
            out = np.where(hit, np.maximum(out, level_index + 1), out).astype(np.int8)
    return out


def cleared(metric: np.ndarray, thresholds: list[tuple[int, float]], above: bool, hysteresis: float) -> np.ndarray:
    """Where the metric is back inside the lowest threshold by the margin (NaN never clears)."""
    lowest = thresholds[0][1]
    with np.errstate(invalid="ignore"):
        return metric < lowest - hysteresis if above else metric > lowest + hysteresis


def window_sums(t: np.ndarray, v: np.ndarray, window_s: float) -> np.ndarray:
    """Sum of v over (t_i − window, t_i] at each i; t sorted ascending (seconds)."""
    cs = np.concatenate(([0.0], np.cumsum(v)))
    start = np.searchsorted(t, t - window_s, side="right")
    return cs[np.arange(1, len(v) + 1)] - cs[start]


def window_rates(t: np.ndarray, v: np.ndarray, window_s: float) -> np.ndarray:
    """Change per hour from the earliest reading inside [t_i − window, t_i) to reading i; NaN if none."""
    first = np.searchsorted(t, t - window_s, side="left")
    i = np.arange(len(v))
    dt_h = (t - t[first]) / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (v - v[first]) / dt_h
    return np.where(first < i, rate, np.nan)


def run(levels: np.ndarray, clear: np.ndarray, open_level: int) -> tuple[list[Step], int]:
    """Alarm steps over readings in time order, starting from the open alarm's level (0: none)."""
    steps, i, n, current = [], 0, len(levels), int(open_level)
    while i < n:
        if current == 0:
            hits = np.flatnonzero(levels[i:] > 0)
            if not hits.size:
                break
            i += int(hits[0])
            current = int(levels[i])
            steps.append(Step(i, "open", current))
        else:
            higher = np.flatnonzero(levels[i:] > current)
            clears = np.flatnonzero(clear[i:])
            r = int(higher[0]) if higher.size else None
            c = int(clears[0]) if clears.size else None
            if r is None and c is None:
                break
            if r is not None and (c is None or r < c):
                i += r
                current = int(levels[i])
                steps.append(Step(i, "raise", current))
            else:
                i += c
                current = 0
                steps.append(Step(i, "close", 0))
        i += 1
    return steps, current


# ---------------------------------------------------------------- many rules at once


@dataclass
class RuleSet:
    """Thresholds of R rules as arrays (NaN where a level is not set), for evaluating them together."""

    thresholds: np.ndarray  # (R, 4)
    above: np.ndarray  # (R,) bool
    hysteresis: np.ndarray  # (R,)

    @property
    def lowest(self) -> np.ndarray:
        first = np.argmax(~np.isnan(self.thresholds), axis=1)
        return self.thresholds[np.arange(len(first)), first]


def levels_many(metric: np.ndarray, rule_of: np.ndarray, rules: RuleSet) -> np.ndarray:
    """Level of each reading, where reading k belongs to rule rule_of[k]."""
    th = rules.thresholds[rule_of]
    above = rules.above[rule_of][:, None]
    with np.errstate(invalid="ignore"):
        hit = np.where(above, metric[:, None] >= th, metric[:, None] <= th)
    return (hit * np.arange(1, 5)).max(axis=1).astype(np.int8)


def cleared_many(metric: np.ndarray, rule_of: np.ndarray, rules: RuleSet) -> np.ndarray:
    lowest, h, above = rules.lowest[rule_of], rules.hysteresis[rule_of], rules.above[rule_of]
    with np.errstate(invalid="ignore"):
        return np.where(above, metric < lowest - h, metric > lowest + h)


def window_metrics(keys: np.ndarray, values: np.ndarray, windows: np.ndarray, accumulate: np.ndarray) -> np.ndarray:
    """Window sums or rates for many series at once.

    `keys` are series offset + time (seconds), sorted, with series spaced further apart than any
    window, so a window never reaches into the previous series; `windows` and `accumulate` are given
    per element (the element's rule)."""
    cs = np.concatenate(([0.0], np.cumsum(values)))
    i = np.arange(len(values))
    start = np.searchsorted(keys, keys - windows, side="right")
    sums = cs[i + 1] - cs[start]
    first = np.searchsorted(keys, keys - windows, side="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = (values - values[first]) / ((keys - keys[first]) / 3600.0)
    rates = np.where(first < i, rates, np.nan)
    return np.where(accumulate, sums, rates)
