"""What the duty desk lists from alerts (registered at ready()): warnings awaiting signing and unanswered
叫应, as open items of a handover, and the day's warnings in the county 值班日报."""

import datetime as dt

from django.urls import reverse

from anlan.core.regioncodes import region_prefix
from anlan.duty.sources import DayLine, OpenItem, on_day, register_day_section, register_open_items

from . import acks
from .models import Warning


def awaiting_signing(desk: str, at: dt.datetime) -> list[OpenItem]:
    rows = Warning.objects.real().filter(region__pk__startswith=region_prefix(desk), status=Warning.Status.REVIEW)
    return [
        OpenItem(
            kind="warning",
            title=f"“{w.headline}”待签发（拟稿人 {w.author or '—'}）",
            link=reverse("alerts:warning_steps", kwargs={"pk": w.pk}),
            since=w.updated_at,
            key=f"warning:{w.pk}",
        )
        for w in rows.filter(created_at__lte=at)
    ]


def unanswered_acks(desk: str, at: dt.datetime) -> list[OpenItem]:
    """Issued warnings in force whose responsible persons in the desk's area have not acknowledged (叫应)."""
    prefix = region_prefix(desk)
    items = []
    for w in Warning.objects.real().filter(status=Warning.Status.ISSUED, expires__gt=at, sent__lte=at).order_by("sent"):
        silent = [name for region, _, _, names in acks.board(w) if region.startswith(prefix) for name in names]
        if not silent:
            continue
        shown = "、".join(silent[:5]) + (f"等 {len(silent)} 人" if len(silent) > 5 else "")
        items.append(
            OpenItem(
                kind="ack",
                title=f"“{w.headline}”未叫应：{shown}",
                link=reverse("alerts:warning_board", kwargs={"pk": w.pk}),
                since=w.sent,
                key=f"ack:{w.pk}",
            )
        )
    return items


def day_warnings(desk: str, day: dt.date) -> list[DayLine]:
    rows = (
        Warning.objects.real()
        .filter(region__pk__startswith=region_prefix(desk)[:6], **on_day("sent", day))
        .order_by("sent")
    )
    return [DayLine(w.sent, f"{w.get_msg_type_display()}：{w.headline}（{w.get_status_display()}）") for w in rows]


def register() -> None:
    register_open_items("warning", "待签发的预警", awaiting_signing, order=30)
    register_open_items("ack", "未叫应的责任人", unanswered_acks, order=40)
    register_day_section("warning", "预警发布", day_warnings, order=40)
