"""What the duty desk lists from the registers (registered at ready()): processes whose 核报 is due or
sent while its materials are incomplete (completeness.py: the registers disagree with the figures, or a
response was started and there are fewer than three photos) — "核报材料不全：…" until complete."""

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from anlan.core.regioncodes import county_of, township_of
from anlan.duty.sources import OpenItem, register_open_items

from .completeness import final_blockers
from .models import DisasterProcess

__all__ = ["incomplete_materials", "register"]


def incomplete_materials(desk: str, at: dt.datetime) -> list[OpenItem]:
    """Processes of the desk's county (a township desk: those hitting it) at or after the 核报 stage
    — sent, or the disaster declared stable — with materials missing."""
    processes = DisasterProcess.objects.filter(region_id=county_of(desk), created_at__lte=at).filter(
        Q(status=DisasterProcess.Status.FINAL) | Q(stable_at__isnull=False, stable_at__lte=at)
    )
    if desk != county_of(desk):
        processes = processes.filter(regions=township_of(desk))
    items = []
    for process in processes.order_by("started_at"):
        missing = final_blockers(process)
        if missing:
            items.append(
                OpenItem(
                    kind="disaster_materials",
                    title=f"{process.name}：核报材料不全：" + "；".join(missing),
                    link=reverse("disasters:registers", kwargs={"pk": process.pk}),
                    since=process.stable_at or process.updated_at,
                    key=f"disaster_materials:{process.pk}",
                )
            )
    return items


def register() -> None:
    register_open_items("disaster_materials", "核报材料不全", incomplete_materials, order=60)
