"""Stock moves only through these functions: each writes ledger lines and updates the derived
balances in one transaction, with the balance rows locked, and audits what it did."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from anlan.core.audit import AuditItem, append
from anlan.core.errors import DomainError
from anlan.core.regioncodes import region_prefix

from .models import Movement, Stock, SupplyItem, SupplyNorm, Warehouse

K = Movement.Kind


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("stock.bad_quantity", f"数量应为数字：{value}", field="quantity") from None
    if quantity <= 0:
        raise DomainError("stock.quantity_not_positive", "数量须大于 0", field="quantity")
    return quantity.quantize(Decimal("0.01"))


def _audit(actor, movements: list[Movement]) -> None:
    append(
        [
            AuditItem(
                action=f"stock_{m.kind}",
                object_type="supplies.movement",
                object_id=str(m.pk),
                object_repr=str(m),
                region_code=m.warehouse.region_id,
                after={
                    "warehouse": m.warehouse_id,
                    "item": m.item_id,
                    "batch": m.batch,
                    "quantity": str(m.quantity),
                    "counterpart": m.counterpart_id,
                    "reference": m.reference,
                },
            )
            for m in movements
        ],
        actor=actor,
    )


def _actor_name(actor) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor or "系统")


def _add(warehouse, item, batch, expires_on, quantity) -> None:
    row = Stock.objects.select_for_update().filter(warehouse=warehouse, item=item, batch=batch).first()
    if row is None:
        Stock.objects.create(warehouse=warehouse, item=item, batch=batch, expires_on=expires_on, quantity=quantity)
    else:
        Stock.objects.filter(pk=row.pk).update(quantity=F("quantity") + quantity)


def _take(warehouse, item, batch, quantity) -> list[tuple[Stock, Decimal]]:
    """Lock and reduce balances: the named batch, or earliest-expiring batches first (FIFO by expiry)."""
    rows = Stock.objects.select_for_update().filter(warehouse=warehouse, item=item, quantity__gt=0)
    if batch:
        rows = rows.filter(batch=batch)
    rows = list(rows.order_by(F("expires_on").asc(nulls_last=True), "pk"))
    available = sum((r.quantity for r in rows), Decimal("0"))
    if available < quantity:
        where = f"批次 {batch} " if batch else ""
        raise DomainError(
            "stock.insufficient",
            f"库存不足：{warehouse} 的 {item.name} {where}现有 {available}{item.unit}，需要 {quantity}{item.unit}",
            field="quantity",
        )
    taken, remaining = [], quantity
    for row in rows:
        if remaining <= 0:
            break
        part = min(row.quantity, remaining)
        Stock.objects.filter(pk=row.pk).update(quantity=F("quantity") - part)
        taken.append((row, part))
        remaining -= part
    return taken


@transaction.atomic
def stock_receive(
    *,
    actor,
    warehouse: Warehouse,
    item: SupplyItem,
    quantity,
    batch: str = "",
    expires_on=None,
    kind: str = K.RECEIVE,
    reference: str = "",
    note: str = "",
    at=None,
) -> Movement:
    """Goods in: receive (入库) or return (归还入库)."""
    if kind not in (K.RECEIVE, K.RETURN):
        raise DomainError("stock.bad_receive_kind", f"入库类型应为入库或归还：{kind}", field="quantity")
    quantity = _quantity(quantity)
    if expires_on is None and item.shelf_life_days:
        expires_on = timezone.localdate() + dt.timedelta(days=item.shelf_life_days)
    _add(warehouse, item, batch, expires_on, quantity)
    movement = Movement.objects.create(
        warehouse=warehouse,
        item=item,
        batch=batch,
        expires_on=expires_on,
        kind=kind,
        quantity=quantity,
        at=at or timezone.now(),
        reference=reference,
        note=note,
        actor_name=_actor_name(actor),
    )
    _audit(actor, [movement])
    return movement


@transaction.atomic
def stock_issue(
    *,
    actor,
    warehouse: Warehouse,
    item: SupplyItem,
    quantity,
    kind: str = K.ISSUE,
    batch: str = "",
    reference: str = "",
    note: str = "",
    at=None,
) -> list[Movement]:
    """Goods out: issue (出库), allocate to an incident (调拨至事件) or write off (报损核销)."""
    if kind not in (K.ISSUE, K.ALLOCATE, K.WRITE_OFF):
        raise DomainError("stock.bad_issue_kind", f"出库类型应为出库、调拨至事件或报损核销：{kind}", field="quantity")
    if kind == K.ALLOCATE and not reference:
        raise DomainError("stock.reference_required", "调拨至事件须填写关联事件", field="quantity")
    quantity = _quantity(quantity)
    at = at or timezone.now()
    movements = [
        Movement.objects.create(
            warehouse=warehouse,
            item=item,
            batch=row.batch,
            expires_on=row.expires_on,
            kind=kind,
            quantity=part,
            at=at,
            reference=reference,
            note=note,
            actor_name=_actor_name(actor),
        )
        for row, part in _take(warehouse, item, batch, quantity)
    ]
    _audit(actor, movements)
    return movements


@transaction.atomic
def stock_transfer(
    *,
    actor,
    source: Warehouse,
    target: Warehouse,
    item: SupplyItem,
    quantity,
    batch: str = "",
    reference: str = "",
    note: str = "",
    at=None,
) -> list[Movement]:
    """Move goods between warehouses: a transfer-out and a transfer-in per batch, in one transaction."""
    if source.pk == target.pk:
        raise DomainError("stock.same_warehouse", "调出与调入仓库不能相同", field="quantity")
    quantity = _quantity(quantity)
    at = at or timezone.now()
    name = _actor_name(actor)
    movements = []
    for row, part in _take(source, item, batch, quantity):
        _add(target, item, row.batch, row.expires_on, part)
        common = {
            "item": item,
            "batch": row.batch,
            "expires_on": row.expires_on,
            "quantity": part,
            "at": at,
            "reference": reference,
            "note": note,
            "actor_name": name,
        }
        movements.append(Movement.objects.create(warehouse=source, kind=K.TRANSFER_OUT, counterpart=target, **common))
        movements.append(Movement.objects.create(warehouse=target, kind=K.TRANSFER_IN, counterpart=source, **common))
    _audit(actor, movements)
    return movements


def ledger_balances() -> dict[tuple[int, int, str], Decimal]:
    """(warehouse, item, batch) → the ledger's sum: what Stock must equal."""
    inbound = Q(kind__in=Movement.INBOUND)
    rows = Movement.objects.values("warehouse_id", "item_id", "batch").annotate(
        inn=Sum("quantity", filter=inbound), out=Sum("quantity", filter=~inbound)
    )
    return {
        (r["warehouse_id"], r["item_id"], r["batch"]): (r["inn"] or Decimal("0")) - (r["out"] or Decimal("0"))
        for r in rows
    }


def stock_mismatches() -> list[tuple]:
    """Balances that differ from the ledger (should always be empty)."""
    ledger = ledger_balances()
    stock = {(s.warehouse_id, s.item_id, s.batch): s.quantity for s in Stock.objects.all()}
    keys = set(ledger) | set(stock)
    return [
        (k, ledger.get(k, Decimal("0")), stock.get(k, Decimal("0")))
        for k in keys
        if ledger.get(k, Decimal("0")) != stock.get(k, Decimal("0"))
    ]


# ---------------------------------------------------------------- alerts


@dataclass
class LowStock:
    warehouse: Warehouse
    item: SupplyItem
    quantity: Decimal


def _low_stock_rows(user):
    return (
        Stock.objects.restrict(user)
        .filter(item__alert_below__gt=0)
        .values("warehouse_id", "item_id", "item__alert_below")
        .annotate(total=Sum("quantity"))
        .filter(total__lt=F("item__alert_below"))
    )


def low_stock(user) -> list[LowStock]:
    """Warehouse × item totals below the item's alert line (items never stocked there are not listed)."""
    rows = list(_low_stock_rows(user))
    warehouses = Warehouse.objects.in_bulk({r["warehouse_id"] for r in rows})
    items = SupplyItem.objects.in_bulk({r["item_id"] for r in rows})
    return [LowStock(warehouses[r["warehouse_id"]], items[r["item_id"]], r["total"]) for r in rows]


def low_stock_count(user) -> int:
    """How many rows `low_stock` lists, in one query (the 工作台 counts without loading them)."""
    return _low_stock_rows(user).count()


def near_expiry(user, days: int = 30):
    """Batches with stock that expire within `days` (or have expired)."""
    limit = timezone.localdate() + dt.timedelta(days=days)
    return (
        Stock.objects.restrict(user)
        .filter(quantity__gt=0, expires_on__isnull=False, expires_on__lte=limit)
        .select_related("warehouse", "item")
        .order_by("expires_on")
    )


# ---------------------------------------------------------------- adequacy


@dataclass
class AdequacyRow:
    item: SupplyItem
    norm: SupplyNorm
    need: int
    available: Decimal
    gap: Decimal


def need_for(norm: SupplyNorm, population: int, days: int) -> int:
    """Units of the item `population` people need over `days` days. Rounded up: no fractions of people."""
    periods = Decimal(days) / norm.period_days if norm.period_days else Decimal(1)
    exact = Decimal(population) / norm.per_persons * norm.quantity * periods
    return math.ceil(exact)


def warehouses_within(user, region_code: str, hours: float) -> list[int]:
    """Warehouses the user can see whose estimated travel time to the region's centre is ≤ hours
    (the seeds' "4 小时之内得到基本生活救助"): any warehouse in the county may serve, if it is near enough."""
    from anlan.geo.models import Region
    from anlan.geo.routing import router, travel_params

    region = Region.objects.filter(code=region_code).values("center_lon", "center_lat").first()
    if region is None or region["center_lon"] is None:
        return []
    rows = list(Warehouse.objects.restrict(user).values_list("pk", "lon", "lat"))
    estimates = router().estimate(
        (region["center_lon"], region["center_lat"]), [(lon, lat) for _, lon, lat in rows], travel_params(region_code)
    )
    return [pk for (pk, _, _), est in zip(rows, estimates, strict=True) if est.minutes <= hours * 60]


def adequacy(
    user, *, region_code: str, population: int, days: int = 7, hours: float | None = None
) -> list[AdequacyRow]:
    """Per item with a norm: need for the population, available stock, and the gap.

    Available stock is what lies in warehouses inside the region's subtree, or — when `hours` is given —
    in any visible warehouse that can reach the region's centre within that many hours.
    """
    if population < 1 or days < 1:
        raise DomainError("supplies.bad_population_days", "保障人数和天数须为正整数")
    norms = list(SupplyNorm.objects.restrict(user).select_related("item").order_by("item__code"))
    stock = Stock.objects.restrict(user).filter(item__in=[n.item for n in norms])
    if hours is None:
        stock = stock.filter(warehouse__region__pk__startswith=region_prefix(region_code))
    else:
        stock = stock.filter(warehouse__in=warehouses_within(user, region_code, hours))
    totals = dict(stock.values("item_id").annotate(total=Sum("quantity")).values_list("item_id", "total"))
    rows = []
    for norm in norms:
        need = need_for(norm, population, days)
        available = totals.get(norm.item_id) or Decimal("0")
        rows.append(AdequacyRow(norm.item, norm, need, available, max(Decimal(need) - available, Decimal("0"))))
    return rows


def catalogue_sync(item_model=None, norm_model=None) -> int:
    """Load the catalogue and default norms from data/catalogue.json (idempotent; used by the migration)."""
    import json
    from pathlib import Path

    item_model = item_model or SupplyItem
    norm_model = norm_model or SupplyNorm
    data = json.loads((Path(__file__).resolve().parent / "data" / "catalogue.json").read_text(encoding="utf-8"))
    items = {}
    for code, name, unit, spec, shelf_life, alert_below in data["items"]:
        items[code], _ = item_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "spec": spec,
                "shelf_life_days": shelf_life,
                "alert_below": Decimal(alert_below),
            },
        )
    for code, quantity, per_persons, period_days, source in data["norms"]:
        norm_model.objects.get_or_create(
            item=items[code],
            defaults={
                "quantity": Decimal(quantity),
                "per_persons": per_persons,
                "period_days": period_days,
                "source": source,
            },
        )
    return len(items)
