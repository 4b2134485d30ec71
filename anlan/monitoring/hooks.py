"""What apps above monitoring do when an alarm opens or rises, registered upward at their `AppConfig.ready()`
(as alerts' `register_on_issue`): monitoring sits below flood and disasters, so it cannot open a 山洪 zone's
transfer list itself; flood tells it what to run instead:

    register_on_alarm("flood", on_alarm)

`func(steps)` gets the batch's opened and raised alarms as `AlarmStep`s and runs inside the ingest
transaction, after the alarms, their history and notices are written. Each hook runs in its own savepoint;
a hook that fails is logged and rolled back alone: readings and alarms must be stored even if a follow-up
breaks. Drill alarms (演练模式) are not passed: they open nothing real."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)

_ON_ALARM: dict[str, Callable] = {}


@dataclass(frozen=True)
class AlarmStep:
    alarm: object  # monitoring.Alarm (saved)
    action: str  # "open" | "raise"
    level: str  # "blue" … "red"
    value: float | None
    at: dt.datetime


def register_on_alarm(name: str, func: Callable) -> None:
    """Run `func(steps)` whenever alarms open or rise (same name replaces the earlier one)."""
    _ON_ALARM[name] = func


def on_alarm_hooks() -> list[tuple[str, Callable]]:
    return sorted(_ON_ALARM.items())


def run_on_alarm(steps: list[AlarmStep]) -> dict[str, object]:
    """Run every hook on the steps (none when there are none); returns what each returned (None if it failed)."""
    results: dict[str, object] = {}
    if not steps:
        return results
    for name, func in on_alarm_hooks():
        try:
            with transaction.atomic():
                results[name] = func(steps)
        except Exception:  # a broken follow-up must not lose the readings and alarms
            logger.exception("on-alarm hook %s failed", name)
            results[name] = None
    return results
