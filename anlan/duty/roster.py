"""Rosters (排班), read side and rules: which regions are desks, who may keep a desk's roster, who may be
rostered on it, the conflicts a plan has (one person on two desks at once, a desk without a leader), the
month calendar, and the month's roster as the Excel sheet bureaus fill (日期 | 带班领导 | 值班员 | 技术保障).

Writes are in services.py; this module writes nothing.
"""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.errors import DomainError
from anlan.core.excel import ImportRejected, RowError, check_upload, tables_workbook
from anlan.core.excel import _read_rows as read_rows
from anlan.core.regioncodes import county_of, region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.geo.models import Region, RegionLevel

from .models import DESK_ROLES, Post, Shift

DESK_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
# The usual 24-hour shift of a Chinese duty desk: 08:30 to 08:30 the next morning (the Excel sheet's
# default when a row gives no times).
DEFAULT_START = dt.time(8, 30)
DEFAULT_HOURS = 24
# Who cannot stand a desk's watch: enterprise accounts and rescue-team leaders are not the bureau's staff.
NOT_ROSTERABLE = frozenset({Role.ENTERPRISE_USER, Role.TEAM_LEADER})
WEEKDAYS = "一二三四五六日"


# ---------------------------------------------------------------- desks and who keeps them


def desk_region(code: str | None, *, field_name: str = "desk") -> Region:
    """The region `code` names, if it is a desk (a county or a township), else a 400 naming the field."""
    region = Region.objects.filter(pk=code or "", level__in=DESK_LEVELS).only("code", "name", "level").first()
    if region is None:
        raise DomainError(
            "duty.not_a_desk", f"“{code}”不是值班席位：须为县（区）或乡镇（街道）的区划代码", field=field_name
        )
    return region


def may_roster(user, desk_code: str) -> bool:
    """County roles roster the county desk and every township desk of their county; a township its own."""
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "role", None) not in DESK_ROLES or not getattr(user, "region_id", None):
        return False
    if user.role in COUNTY_ROLES:
        return desk_code.startswith(user.region_id[:6])
    own = township_of(user.region_id)
    return desk_code == own and own != county_of(own)


def require_roster_right(user, desk_code: str) -> None:
    if not may_roster(user, desk_code):
        from anlan.core.errors import NotAllowed

        raise NotAllowed("duty.desk_not_yours", "只能为本级值班席位排班：县级排县及各乡镇，乡镇只排本乡镇")


def desks_visible_to(user):
    """The desks a user may look at: the county's and every township's for county users and readers,
    a township's own and the county's above it for township users."""
    qs = Region.objects.filter(level__in=DESK_LEVELS).only("code", "name", "level").order_by("code")
    if getattr(user, "is_superuser", False) or not getattr(user, "region_id", None):
        return qs if getattr(user, "is_superuser", False) else qs.none()
    # A village's or an enterprise's user sees their township's desk and the county's.
    prefix = region_prefix(township_of(user.region_id))
    return qs.filter(Q(code__startswith=prefix) | Q(code=county_of(user.region_id)))


def rosterable_users(desk_code: str):
    """Active users who may stand this desk's watch: those whose region lies within the desk's area."""
    return (
        User.objects.filter(is_active=True, region__pk__startswith=region_prefix(desk_code))
        .exclude(role__in=NOT_ROSTERABLE)
        .order_by("display_name", "username")
    )


def check_person(user: User, desk_code: str, *, field_name: str = "user") -> None:
    if not rosterable_users(desk_code).filter(pk=user.pk).exists():
        raise DomainError(
            "duty.user_outside_desk",
            f"{user}不属于该值班席位的辖区（或账户已停用、角色不能值班），不能排入此席位",
            field=field_name,
        )


def check_times(starts: dt.datetime, ends: dt.datetime) -> None:
    if starts is None or ends is None:
        raise DomainError("duty.times_required", "请填写开始时间和结束时间", field="starts")
    if ends <= starts:
        raise DomainError("duty.ends_before_starts", "结束时间须晚于开始时间", field="ends")
    if ends - starts > dt.timedelta(days=7):
        raise DomainError("duty.shift_too_long", "一个班次不能超过 7 天，请分段排班", field="ends")


# ---------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class Conflict:
    kind: str  # "two_desks" | "no_leader"
    desk: str
    starts: dt.datetime
    ends: dt.datetime
    message: str
    shifts: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "desk": self.desk,
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat(),
            "message": self.message,
            "shifts": list(self.shifts),
        }


def _union(intervals) -> list[tuple[dt.datetime, dt.datetime]]:
    out: list[list[dt.datetime]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _minus(covered, removed) -> list[tuple[dt.datetime, dt.datetime]]:
    """Parts of the (merged) intervals `covered` not in the (merged) intervals `removed`."""
    gaps = []
    for a, b in covered:
        cursor = a
        for c, d in removed:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                gaps.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            gaps.append((cursor, b))
    return gaps


def _when(t: dt.datetime) -> str:
    return f"{timezone.localtime(t):%m-%d %H:%M}"


def conflicts(desk_codes, starts: dt.datetime, ends: dt.datetime) -> list[Conflict]:
    """The conflicts of these desks' rosters in [starts, ends): a person on this desk and another desk at
    the same time, and periods in which the desk has someone on duty but no 带班领导. Three queries."""
    desk_codes = list(desk_codes)
    window = Q(starts__lt=ends, ends__gt=starts)
    # Desks by name: their regions' boundaries (GeoJSON) are not read here.
    mine = list(
        Shift.objects.filter(window, desk_id__in=desk_codes).select_related("user", "desk").defer("desk__boundary")
    )
    found: list[Conflict] = []
    # A person on two desks at once: their shifts anywhere overlapping this window, pairwise.
    theirs = defaultdict(list)
    others = Shift.objects.filter(window, user_id__in={s.user_id for s in mine}).select_related("desk", "user")
    for s in others.defer("desk__boundary"):
        theirs[s.user_id].append(s)
    seen = set()
    for shifts in theirs.values():
        shifts.sort(key=lambda s: s.starts)
        for i, a in enumerate(shifts):
            for b in shifts[i + 1 :]:
                if b.starts >= a.ends:
                    break
                if a.desk_id == b.desk_id or (a.pk, b.pk) in seen:
                    continue
                seen.add((a.pk, b.pk))
                desk = a.desk_id if a.desk_id in desk_codes else b.desk_id
                found.append(
                    Conflict(
                        "two_desks",
                        desk,
                        max(a.starts, b.starts),
                        min(a.ends, b.ends),
                        f"{a.user}同时排在{a.desk.name}和{b.desk.name}（{_when(max(a.starts, b.starts))}起）",
                        (a.pk, b.pk),
                    )
                )
    # A desk without a leader: covered by someone, but not by a leader.
    by_desk = defaultdict(list)
    for s in mine:
        by_desk[s.desk_id].append(s)
    for desk, shifts in sorted(by_desk.items()):
        clip = [(max(s.starts, starts), min(s.ends, ends)) for s in shifts]
        leaders = [(max(s.starts, starts), min(s.ends, ends)) for s in shifts if s.post == Post.LEADER]
        for a, b in _minus(_union(clip), _union(leaders)):
            name = shifts[0].desk.name
            found.append(Conflict("no_leader", desk, a, b, f"{name} {_when(a)} 至 {_when(b)} 无带班领导"))
    return sorted(found, key=lambda c: (c.starts, c.desk, c.kind))


# ---------------------------------------------------------------- the month


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of the month's first day and of the next month's first day (aware)."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise DomainError("duty.bad_month", "月份应为 2000-01 至 2100-12 之间的年月", field="month")
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time()), tz),
        timezone.make_aware(dt.datetime.combine(after, dt.time()), tz),
    )


def parse_month(text: str | None) -> tuple[int, int]:
    """ "2026-12" → (2026, 12); empty → this month; otherwise a 400."""
    if not text:
        today = timezone.localdate()
        return today.year, today.month
    try:
        year, month = (int(x) for x in text.split("-"))
    except ValueError:
        raise DomainError("duty.bad_month", "月份格式应为 YYYY-MM，如 2026-12", field="month") from None
    month_bounds(year, month)
    return year, month


def month_shifts(desk_code: str, year: int, month: int):
    """The desk's shifts that start in the month, in order, with their people."""
    first, after = month_bounds(year, month)
    return (
        Shift.objects.filter(desk_id=desk_code, starts__gte=first, starts__lt=after)
        .select_related("user")
        .order_by("starts", "post", "id")
    )


@dataclass
class Day:
    date: dt.date
    in_month: bool
    shifts: list = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    def names(self, post: str) -> str:
        return "、".join(str(s.user) for s in self.shifts if s.post == post)

    @property
    def leaderless(self) -> bool:
        return bool(self.shifts) and not any(s.post == Post.LEADER for s in self.shifts)


def month_days(desk_code: str, year: int, month: int) -> list[Day]:
    """Every day of the month with the shifts starting on it (local date)."""
    days = {
        d: Day(d, True) for d in (dt.date(year, month, n) for n in range(1, calendar.monthrange(year, month)[1] + 1))
    }
    for shift in month_shifts(desk_code, year, month):
        days[timezone.localdate(shift.starts)].shifts.append(shift)
    return list(days.values())


def month_weeks(days: list[Day]) -> list[list[Day]]:
    """The calendar: weeks Monday to Sunday, padded with days outside the month."""
    first = days[0].date
    lead = [Day(first - dt.timedelta(days=n), False) for n in range(first.weekday(), 0, -1)]
    cells = lead + days
    last = days[-1].date
    cells += [Day(last + dt.timedelta(days=n), False) for n in range(1, 7 - last.weekday())]
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# ---------------------------------------------------------------- the Excel sheet

SHEET_HEADERS = ["日期", "星期", "带班领导", "值班员", "技术保障", "开始时间", "结束时间", "备注"]
POST_COLUMNS = {"带班领导": Post.LEADER, "值班员": Post.OFFICER, "技术保障": Post.TECH}
NAME_SEPARATORS = ("、", "，", ",", ";", "；", " ")


def roster_workbook(desk: Region, year: int, month: int) -> bytes:
    """The month's roster as bureaus fill it: one row per day, names per post, the day's shift times."""
    rows = []
    for day in month_days(desk.code, year, month):
        starts = min((s.starts for s in day.shifts), default=None)
        ends = max((s.ends for s in day.shifts), default=None)
        notes = "；".join(s.note for s in day.shifts if s.note)
        rows.append(
            [
                day.date.isoformat(),
                f"星期{day.weekday}",
                *(_usernames(day, post) for post in POST_COLUMNS.values()),
                f"{timezone.localtime(starts):%H:%M}" if starts else "",
                _end_text(day.date, ends) if ends else "",
                notes,
            ]
        )
    return tables_workbook([(f"{desk.name}{year}年{month}月值班表", SHEET_HEADERS, rows)])


def _usernames(day: Day, post: str) -> str:
    return "、".join(s.user.username for s in day.shifts if s.post == post)


def _end_text(date: dt.date, ends: dt.datetime) -> str:
    local = timezone.localtime(ends)
    if local.date() == date:
        return f"{local:%H:%M}"
    if local.date() == date + dt.timedelta(days=1):
        return f"次日{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class PlannedShift:
    user: User
    post: str
    starts: dt.datetime
    ends: dt.datetime
    note: str = ""
    row: int = 0


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value, year: int, month: int) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        date = value
    else:
        text = _cell(value).replace("/", "-").replace(".", "-")
        try:
            # A bare number is the day of the month.
            date = dt.date(year, month, int(text)) if text.isdigit() else dt.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError("日期应为 2026-12-01 或当月的日（如 1）") from None
    if (date.year, date.month) != (year, month):
        raise ValueError(f"日期不在 {year} 年 {month} 月内")
    return date


def _parse_time(value, date: dt.date, *, default: dt.datetime) -> dt.datetime:
    """ "08:30", "次日08:30", "2026-12-02 08:30", an Excel time or datetime; empty → `default`."""
    tz = timezone.get_current_timezone()
    if isinstance(value, dt.datetime):
        return timezone.make_aware(value, tz) if timezone.is_naive(value) else value
    if isinstance(value, dt.time):
        return timezone.make_aware(dt.datetime.combine(date, value), tz)
    text = _cell(value)
    if not text:
        return default
    day = date
    if text.startswith("次日"):
        day, text = date + dt.timedelta(days=1), text[2:].strip()
    try:
        if len(text) > 8:
            moment = dt.datetime.fromisoformat(text)
        else:
            moment = dt.datetime.combine(day, dt.time.fromisoformat(text.replace("：", ":").zfill(5)))
    except ValueError:
        raise ValueError("时间应为 08:30、次日08:30 或 2026-12-02 08:30") from None
    return timezone.make_aware(moment, tz)


def _people(text: str, by_name: dict[str, list[User]]) -> tuple[list[User], list[str]]:
    names = [text]
    for sep in NAME_SEPARATORS:
        names = [part for n in names for part in n.split(sep)]
    users, errors = [], []
    for name in (n.strip() for n in names):
        if not name:
            continue
        found = by_name.get(name, [])
        if len(found) == 1:
            users.append(found[0])
        elif found:
            errors.append(f"“{name}”重名，请填写用户名")
        else:
            errors.append(f"“{name}”不是本值班席位可排班的人员")
    return users, errors


def parse_roster(uploaded, desk: Region, year: int, month: int) -> list[PlannedShift]:
    """Read a month's roster sheet for `desk`. Every row is checked before anything is written: people by
    user name or name among those who may stand this desk's watch, dates within the month, times; on any
    error ImportRejected lists every row, column and reason."""
    check_upload(uploaded)
    rows = read_rows(uploaded)
    if not rows:
        raise ImportRejected([RowError(0, "文件", "文件中没有工作表内容")])
    header = [_cell(c) for c in rows[0]]
    missing = [h for h in ("日期", *POST_COLUMNS) if h not in header]
    if missing:
        raise ImportRejected([RowError(1, h, "缺少此列（请使用导出的值班表作为模板）") for h in missing])
    col = {h: header.index(h) for h in SHEET_HEADERS if h in header}
    by_name: dict[str, list[User]] = defaultdict(list)
    for user in rosterable_users(desk.code):
        by_name[user.username].append(user)
        if user.display_name and user.display_name != user.username:
            by_name[user.display_name].append(user)
    tz = timezone.get_current_timezone()
    planned, errors = [], []
    for number, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * (len(SHEET_HEADERS) - len(values))

        def get(h, values=values):
            return values[col[h]] if h in col else None

        if not any(_cell(v) for v in values):
            continue
        try:
            date = _parse_date(get("日期"), year, month)
        except ValueError as exc:
            errors.append(RowError(number, "日期", str(exc)))
            continue
        default_start = timezone.make_aware(dt.datetime.combine(date, DEFAULT_START), tz)
        try:
            starts = _parse_time(get("开始时间"), date, default=default_start)
            ends = _parse_time(get("结束时间"), date, default=starts + dt.timedelta(hours=DEFAULT_HOURS))
            if ends <= starts and _cell(get("结束时间")) and "次日" not in _cell(get("结束时间")):
                ends += dt.timedelta(days=1)  # "08:30" to "08:30": the end is the next morning
        except ValueError as exc:
            errors.append(RowError(number, "开始时间/结束时间", str(exc)))
            continue
        if ends <= starts:
            errors.append(RowError(number, "结束时间", "结束时间须晚于开始时间"))
            continue
        if ends - starts > dt.timedelta(days=7):
            errors.append(RowError(number, "结束时间", "一个班次不能超过 7 天"))
            continue
        for header_name, post in POST_COLUMNS.items():
            users, problems = _people(_cell(get(header_name)), by_name)
            errors += [RowError(number, header_name, p) for p in problems]
            planned += [
                PlannedShift(u, post, starts, ends, _cell(get("备注"))[:200], number) for u in users if not problems
            ]
    if errors:
        raise ImportRejected(errors)
    if not planned:
        raise ImportRejected([RowError(0, "文件", "文件中没有任何班次")])
    return planned
