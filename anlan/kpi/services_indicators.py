"""核心指标: periods, bulk recomputation of the computed indicators, manual entry with evidence, the daily job,
and the rows of the 指标看板 (latest value and status of each indicator, a fixed number of queries).

Computed indicators (a `source`) are recomputed by `recompute` — one upsert for the county and period, locked
values left as they are; manual ones (no source) are entered through `enter_value` by the county or the
indicator's responsible department, with an optional evidence file checked by core.uploads. Every write is
audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import county_of
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region, RegionLevel

from . import computed, status
from .models import Indicator, IndicatorValue

MAX_VALUE = Decimal("999999999999")


# ---------------------------------------------------------------- periods


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of type `kind` (Indicator.Period) containing `day`: (first day, last day)."""
    if kind == Indicator.Period.YEAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if kind == Indicator.Period.HALF:
        return (
            (dt.date(day.year, 1, 1), dt.date(day.year, 6, 30))
            if day.month <= 6
            else (
                dt.date(day.year, 7, 1),
                dt.date(day.year, 12, 31),
            )
        )
    if kind == Indicator.Period.QUARTER:
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == Indicator.Period.MONTH:
        first = dt.date(day.year, day.month, 1)
    else:
        raise ValueError(f"unknown period {kind!r}")
    months = 3 if kind == Indicator.Period.QUARTER else 1
    following = dt.date(first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, start - dt.timedelta(days=1))


def period_label(kind: str, start: dt.date) -> str:
    if kind == Indicator.Period.YEAR:
        return f"{start.year}年"
    if kind == Indicator.Period.HALF:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    if kind == Indicator.Period.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


# ---------------------------------------------------------------- recompute


def recompute(county_code: str, day: dt.date | None = None, *, actor=None, periods: int = 1) -> int:
    """Recompute every active computed indicator of the county for the period containing `day` (and the
    `periods - 1` before it): one upsert; locked values are kept. Returns the number of values written."""
    day = day or timezone.localdate()
    indicators = list(
        Indicator.objects.filter(region_id=county_of(county_code), active=True).exclude(source="").order_by("pk")
    )
    wanted: list[tuple[Indicator, dt.date, dt.date]] = []
    for indicator in indicators:
        if indicator.source not in computed.CALCULATORS:
            continue
        start, end = period_of(indicator.period, day)
        for _ in range(max(1, periods)):
            wanted.append((indicator, start, end))
            start, end = previous_period(indicator.period, start)
    locked = set(
        IndicatorValue.objects.filter(indicator__in=indicators, locked=True).values_list("indicator_id", "period_start")
    )
    now = timezone.now()
    rows = []
    for indicator, start, end in wanted:
        if (indicator.pk, start) in locked:
            continue
        figure = computed.compute(indicator.source, county_of(county_code), start, end)
        rows.append(
            IndicatorValue(
                indicator=indicator,
                period_start=start,
                period_end=end,
                value=figure.value,
                numerator=figure.numerator,
                denominator=figure.denominator,
                note=figure.note[:300],
                computed=True,
                computed_at=now,
            )
        )
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["indicator", "period_start"],
            update_fields=["period_end", "value", "numerator", "denominator", "note", "computed", "computed_at"],
        )
        audit_record(
            action="kpi.recompute",
            actor=actor,
            model=IndicatorValue,
            extra={"county": county_of(county_code), "day": day.isoformat(), "values": len(rows)},
        )
    return len(rows)


def may_recompute(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", "") in COUNTY_ROLES)


def recompute_for(*, actor, day: dt.date | None = None) -> int:
    """The 重新计算 button: the actor's county, county roles only."""
    if not may_recompute(actor) or not actor.region_id:
        raise NotAllowed("kpi.recompute_county_only", "只有县级应急管理部门可以重新计算指标")
    return recompute(actor.region_id, day, actor=actor)


def daily_job(today: dt.date) -> str:
    """Daily: recompute the current period (and on the first days of a period, the one just ended)."""
    written = 0
    counties = Region.objects.filter(level=RegionLevel.COUNTY, pk__in=Indicator.objects.values("region_id"))
    for code in counties.values_list("code", flat=True):
        written += recompute(code, today)
        written += recompute(code, today - dt.timedelta(days=7))
    return f"重新计算核心指标值 {written} 个"


# ---------------------------------------------------------------- manual entry


def may_enter(user, indicator: Indicator) -> bool:
    """The county, or the responsible department's operator, of the indicator's county; manual indicators."""
    if indicator.source:
        return False
    if user.is_superuser:
        return True
    if not getattr(user, "region_id", None) or county_of(user.region_id) != indicator.region_id:
        return False
    if user.role in COUNTY_ROLES:
        return True
    return (
        user.role == Role.DEPARTMENT_OPERATOR
        and indicator.responsible_department_id is not None
        and user.department_id == indicator.responsible_department_id
    )


def _decimal(raw, label: str, field_name: str, *, required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            raise DomainError("kpi.value_required", f"请填写{label}", field=field_name)
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DomainError("kpi.value_invalid", f"{label}应为数字", field=field_name) from None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise DomainError("kpi.value_invalid", f"{label}超出范围", field=field_name)
    return value.quantize(Decimal("0.0001"))


def enter_value(
    *, actor, indicator: Indicator, day: dt.date, value, numerator=None, denominator=None, note: str = "", evidence=None
) -> IndicatorValue:
    """Enter (or correct) a manual indicator's value for the period containing `day`."""
    if indicator.source:
        raise DomainError("kpi.computed_indicator", "该指标由系统根据业务数据自动计算，不能手工填报")
    if not may_enter(actor, indicator):
        raise NotAllowed("kpi.enter_denied", "只有县级应急管理部门或该指标的责任单位可以填报")
    if day > timezone.localdate():
        raise DomainError("kpi.future_period", "不能填报尚未开始的周期", field="day")
    parsed = _decimal(value, "数值", "value", required=True)
    num = _decimal(numerator, "分子", "numerator", required=False)
    den = _decimal(denominator, "分母", "denominator", required=False)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("kpi.note_long", "说明不能超过300字", field="note")
    checked = None
    if evidence is not None:
        try:
            checked = check_upload(evidence, images_only=False)
        except UploadRejected as exc:
            raise DomainError("kpi.evidence_rejected", f"佐证材料：{exc}", field="evidence") from exc
    start, end = period_of(indicator.period, day)
    with transaction.atomic():
        row = IndicatorValue.objects.select_for_update().filter(indicator=indicator, period_start=start).first()
        if row is not None and row.locked:
            raise DomainError("kpi.value_locked", "该周期的指标值已被考核引用并锁定，不能修改")
        before = snapshot(row) if row else None
        row = row or IndicatorValue(indicator=indicator, period_start=start)
        row.period_end, row.value, row.numerator, row.denominator = end, parsed, num, den
        row.note, row.computed, row.computed_at, row.entered_by = note, False, None, actor
        if checked is not None:
            row.evidence = checked.as_file()
            row.evidence_name = checked.display_name
        row.save()
        audit_record(action="kpi.value_enter", obj=row, actor=actor, before=before, after=snapshot(row))
    return row


# ---------------------------------------------------------------- the board


@dataclass
class BoardRow:
    indicator: Indicator
    latest: IndicatorValue | None
    trend: list[IndicatorValue] = field(default_factory=list)  # oldest first

    @property
    def status(self) -> status.Status:
        value = self.latest.value if self.latest else None
        return status.Status(
            status.status_of(
                value,
                direction=self.indicator.direction,
                target=self.indicator.target,
                amber_band=self.indicator.amber_band,
            )
        )

    @property
    def period(self) -> str:
        return period_label(self.indicator.period, self.latest.period_start) if self.latest else ""


def county_indicators(user):
    """The indicators of the user's county (active ones), visible to every role inside it."""
    code = getattr(user, "region_id", None)
    if not code:
        return Indicator.objects.none()
    return Indicator.objects.restrict(user).filter(region_id=county_of(code), active=True)


def board(user, *, trend_points: int = 8) -> list[BoardRow]:
    """The 指标看板 rows, by category then order: two queries whatever the number of indicators."""
    indicators = list(county_indicators(user).select_related("responsible_department").order_by("order", "pk"))
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for row in IndicatorValue.objects.filter(indicator__in=indicators).order_by("indicator_id", "-period_start"):
        values[row.indicator_id].append(row)
    today = timezone.localdate()
    rows = []
    for indicator in indicators:
        mine = [v for v in values[indicator.pk] if v.period_start <= today]
        rows.append(BoardRow(indicator, mine[0] if mine else None, list(reversed(mine[:trend_points]))))
    order = {key: i for i, key in enumerate(Indicator.Category.values)}
    return sorted(rows, key=lambda r: order.get(r.indicator.category, 99))


def format_value(value, unit: str = "") -> str:
    """A value rounded for reading (2 places, fewer when whole), with its unit; "无数据" for None."""
    if value is None:
        return "无数据"
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    if abs(Decimal(value)) < Decimal("0.01") and value != 0:
        text = f"{Decimal(value).quantize(Decimal('0.0001')):f}".rstrip("0").rstrip(".")
    return f"{text}{unit}" if unit in ("%",) else (f"{text} {unit}" if unit else text)


def flagged_count(user) -> int:
    """Indicators of the user's county whose latest value is red or amber (the 工作台's 指标预警)."""
    return sum(1 for row in board(user, trend_points=1) if row.status.key in status.FLAGGED)
