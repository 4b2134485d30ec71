"""Replay a recorded series (CSV `minute,sensor,value`, minutes from its start) through the real
ingest path, with timestamps shifted so that the recording ends now. `speed` is recorded minutes per
real second (0: as fast as possible); each recorded time step is one ingest batch, as a gateway sends."""

import csv
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from django.utils import timezone

from . import services

DEMO_STORM = Path(__file__).resolve().parent.parent / "demo" / "data" / "storm.csv"


class ReplayError(ValueError):
    pass


@dataclass
class ReplayResult:
    readings: int = 0
    accepted: int = 0
    rejected: int = 0
    alarm_steps: int = 0
    reasons: list[str] = field(default_factory=list)


def read(path: Path) -> list[tuple[float, str, float]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header != ["minute", "sensor", "value"]:
                raise ReplayError(f"{path} 的表头应为 minute,sensor,value")
            rows = []
            for line, (minute, sensor, value) in enumerate(reader, start=2):
                try:
                    rows.append((float(minute), sensor, float(value)))
                except ValueError:
                    raise ReplayError(f"{path} 第 {line} 行不是数值：{minute},{value}") from None
    except OSError as exc:
        raise ReplayError(f"无法读取 {path}：{exc.strerror}") from None
    if not rows:
        raise ReplayError(f"{path} 没有数据")
    return sorted(rows, key=lambda r: r[0])


def replay(path: Path, *, speed: float = 0.0, progress: Callable[[str], None] | None = None) -> ReplayResult:
    rows = read(path)
    end = timezone.now() - dt.timedelta(seconds=1)
    start = end - dt.timedelta(minutes=rows[-1][0])
    result, previous = ReplayResult(readings=len(rows)), None
    for minute, group in groupby(rows, key=lambda r: r[0]):
        if speed and previous is not None:
            time.sleep((minute - previous) / speed)
        previous = minute
        ts = (start + dt.timedelta(minutes=minute)).isoformat()
        outcome = services.ingest([{"sensor": sensor, "ts": ts, "value": value} for _, sensor, value in group])
        result.accepted += outcome.accepted
        result.rejected += len(outcome.rejected)
        result.alarm_steps += outcome.alarm_steps
        result.reasons += [r["error"] for r in outcome.rejected[:3] if len(result.reasons) < 10]
        if progress and outcome.alarm_steps:
            progress(f"第 {minute:g} 分钟：报警变化 {outcome.alarm_steps} 次")
    return result
