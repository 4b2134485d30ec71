"""Reads shared by the warning pages and the API: a warning shows the regions it targets and the warning it
updates or cancels, loaded in a fixed number of queries however many warnings a list shows."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anlan.core import charts
from anlan.notify.models import Delivery
from anlan.notify.outcomes import DELIVERED

from .acks import RESPONSIBLE_TIERS
from .models import Warning
from .services import topic


def warnings(queryset: QuerySet[Warning]) -> QuerySet[Warning]:
    return queryset.select_related("references").prefetch_related("regions")


def warning_for(user, pk) -> QuerySet[Warning]:
    """The warnings a user may see, shaped for one warning's pages (filter by pk, then get)."""
    return warnings(Warning.objects.restrict(user)).filter(pk=pk)


# ---------------------------------------------------------------- figures for charts and the big screen

WARNING_CHART_MONTHS = 12


def issued(queryset: QuerySet[Warning], since: dt.datetime) -> QuerySet[Warning]:
    """Warnings and their updates sent since `since` (a cancellation is not a warning issued)."""
    return queryset.filter(sent__gte=since).exclude(msg_type=Warning.MsgType.CANCEL)


def reach_by_warning(warning_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per warning, counted in people as notify.outcomes counts them: "targeted" (recipients with a row),
    "reached" (a row delivered), "responsible" (responsible persons asked for 叫应, not their superiors'
    escalation calls) and "acknowledged" (of those, who answered). One GROUP BY over the deliveries."""
    if not warning_ids:
        return {}
    responsible = Q(tier__in=RESPONSIBLE_TIERS) & ~Q(recipient_key__contains="#")
    rows = (
        Delivery.objects.filter(notice__topic__in=[topic(pk) for pk in warning_ids])
        .order_by()
        .values("notice__topic")
        .annotate(
            targeted=Count("recipient_key", distinct=True),
            reached=Count("recipient_key", distinct=True, filter=Q(status__in=DELIVERED)),
            responsible=Count("recipient_key", distinct=True, filter=responsible),
            acknowledged=Count("recipient_key", distinct=True, filter=responsible & Q(acknowledged_at__isnull=False)),
        )
    )
    return {int(row.pop("notice__topic").split(":", 1)[1]): row for row in rows}


def ack_rate(acknowledged: int, responsible: int) -> float | None:
    """叫应率 in per cent, one decimal; None when nobody was asked."""
    return round(100 * acknowledged / responsible, 1) if responsible else None


def warnings_by_month(queryset: QuerySet[Warning], *, months: int = WARNING_CHART_MONTHS, now=None) -> dict:
    """Warnings issued per month (bureau's clock) by level over the last `months` months, with each month's
    叫应率 (responsible persons who answered ÷ asked), from the rows given (the list's filtered rows)."""
    now = timezone.localtime(now)
    first = _month_start(now, months - 1)
    rows = list(issued(queryset.order_by(), first).values_list("pk", "level", "sent"))
    reach = reach_by_warning([pk for pk, _, _ in rows])
    labels = [_month_label(_month_start(now, back)) for back in range(months - 1, -1, -1)]
    counts: dict[tuple[str, str], int] = {}
    asked = dict.fromkeys(labels, 0)
    answered = dict.fromkeys(labels, 0)
    for pk, level, sent in rows:
        month = _month_label(timezone.localtime(sent))
        counts[(month, level)] = counts.get((month, level), 0) + 1
        figures = reach.get(pk, {})
        asked[month] += figures.get("responsible", 0)
        answered[month] += figures.get("acknowledged", 0)
    rate = [ack_rate(answered[m], asked[m]) for m in labels]
    return charts.chart(
        "bar",
        labels,
        [*charts.level_series(counts, labels), charts.series("叫应率", rate, colour="#16a085", type="line", axis=1)],
        unit="条",
        unit2="%",
        empty=f"近 {months} 个月没有发布预警",
    )


def warning_list_charts(queryset: QuerySet[Warning], user) -> list[tuple[str, dict]]:
    return [(f"近 {WARNING_CHART_MONTHS} 个月发布预警（按级别）与叫应率", warnings_by_month(queryset))]


def _month_start(now: dt.datetime, back: int) -> dt.datetime:
    """The first instant (bureau's clock) of the month `back` months before `now`'s."""
    year, month = divmod(now.year * 12 + now.month - 1 - back, 12)
    return now.replace(year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _month_label(when: dt.datetime) -> str:
    return f"{when.year}-{when.month:02d}"
