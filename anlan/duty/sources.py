"""What the duty desk lists from the apps above it, registered upward at their `AppConfig.ready()`.

Duty sits below monitoring, alerts and incidents (pyproject `[tool.importlinter]`), so it cannot ask them;
they tell it instead, as they do notify's recipient sources:

- open items at a handover (交接班未结事项): `register_open_items(name, label, func)`, where
  `func(desk_code, at)` returns the `OpenItem`s still open at the desk at that moment — incidents whose
  report clock runs, alarms not closed, warnings awaiting signing, unanswered 叫应 …;
- sections of the county 值班日报: `register_day_section(name, label, func, order=…)`, where
  `func(desk_code, day)` returns the `DayLine`s of that local day — incidents recorded, alarms, warnings.

A desk is a region code (county or township); a source lists what lies in that region's subtree. Sources
read rows for the platform, not for a reader: the pages that show them are limited to the desk's roles
and scope (views_log.py), as `selectors.on_duty` is.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class OpenItem:
    kind: str  # the source's name: "incident", "alarm", "warning", "ack", "log"
    title: str  # what the next officer reads: "SJ… 某村山体滑坡：续报 14:30 到期"
    link: str = ""  # the page where it is handled
    since: dt.datetime | None = None  # when it became open (sorting, and "已持续 …")
    key: str = ""  # stable identity across handovers ("incident:12"): what is carried over

    def as_json(self, label: str) -> dict:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["label"] = label
        return data


@dataclass(frozen=True)
class DayLine:
    at: dt.datetime | None
    text: str


@dataclass(frozen=True)
class _OpenSource:
    name: str
    label: str
    func: Callable[[str, dt.datetime], list[OpenItem]]
    order: int


@dataclass(frozen=True)
class _DaySection:
    name: str
    label: str
    func: Callable[[str, dt.date], list[DayLine]]
    order: int


_OPEN: dict[str, _OpenSource] = {}
_DAY: dict[str, _DaySection] = {}


def register_open_items(
    name: str, label: str, func: Callable[[str, dt.datetime], list[OpenItem]], *, order: int = 100
) -> None:
    """`func(desk_code, at)` lists what is still open at the desk; groups are listed by `order` (a
    registration under the same name replaces the earlier one, so a reloaded app does not list twice)."""
    _OPEN[name] = _OpenSource(name, label, func, order)


def register_day_section(
    name: str, label: str, func: Callable[[str, dt.date], list[DayLine]], *, order: int = 100
) -> None:
    """`func(desk_code, day)` lists the day's lines of one section of the 值班日报 (sections by `order`)."""
    _DAY[name] = _DaySection(name, label, func, order)


def open_item_sources() -> list[_OpenSource]:
    return sorted(_OPEN.values(), key=lambda s: (s.order, s.name))


def day_sections() -> list[_DaySection]:
    return sorted(_DAY.values(), key=lambda s: (s.order, s.name))


def open_items(desk: str, at: dt.datetime) -> list[dict]:
    """Every open item at `desk` at `at`, as the JSON a handover keeps: grouped by source (in their order),
    oldest first within a source."""
    out = []
    for source in open_item_sources():
        items = sorted(source.func(desk, at), key=lambda i: (i.since is None, i.since or at, i.title))
        out.extend(item.as_json(source.label) for item in items)
    return out


@dataclass(frozen=True)
class LogAction:
    label: str  # the button on a log entry: "转为事件"
    url: Callable[[object], str]  # entry → the page that takes it further (e.g. the intake, pre-filled)
    offered: Callable[[object, object], bool]  # (user, entry) → whether to show the button


_LOG_ACTIONS: dict[str, LogAction] = {}


def register_log_action(name: str, label: str, url, offered) -> None:
    """A step an app above offers on a duty log entry (incidents: 转为事件, opening its intake pre-filled)."""
    _LOG_ACTIONS[name] = LogAction(label, url, offered)


def log_actions(user, entry) -> list[tuple[str, str]]:
    """(label, url) of the steps offered to `user` on `entry`."""
    return [(a.label, a.url(entry)) for a in _LOG_ACTIONS.values() if a.offered(user, entry)]


def on_day(field: str, day: dt.date) -> dict:
    """Filter arguments for `field` falling on the local calendar `day` (the bureau's, Asia/Shanghai): the
    值班日报 and the day sections of every app read the same window."""
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return {f"{field}__gte": start, f"{field}__lt": start + dt.timedelta(days=1)}
