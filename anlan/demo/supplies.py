"""Demo warehouses and stock: a county depot, a reserve point per township (seed 000: "建设县级和乡镇
（街道）应急物资储备库"), an agreement reserve, stocked through the ledger like real receipts."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.supplies.models import SupplyItem, Warehouse
from anlan.supplies.services import catalogue_sync, stock_receive

# County depot stock, sized near the seed's 3,000-person / 7-day target so that the adequacy page shows
# both covered items and gaps.
COUNTY_STOCK = {
    "1010101": 800,
    "1010201": 2500,
    "1010202": 1500,
    "1010301": 600,
    "1020101": 6000,
    "1020201": 400,
    "1020301": 40000,
    "1030101": 500,
    "1030201": 80,
    "2010101": 300,
    "2010201": 120,
    "2020101": 10,
    "2030101": 400,
    "3010101": 20000,
    "3010201": 3000,
}
TOWNSHIP_STOCK = {"1010101": 20, "1010201": 80, "1020101": 200, "1020301": 600, "2010101": 20, "3010101": 1000}


def load_supplies(*, actor, gen, county, townships, points) -> dict[str, int]:
    catalogue_sync()
    items = {i.code: i for i in SupplyItem.objects.all()}
    seat = townships[0]

    def warehouse(name, level, region, **extra):
        lon, lat = points.inside(region)
        return Warehouse(
            name=name,
            level=level,
            region=region,
            address=f"{county.name}{region.name}",
            lon=lon,
            lat=lat,
            manager=gen.name(),
            manager_phone=gen.phone(),
            synthetic=True,
            **extra,
        )

    depots = [warehouse(f"{county.name}应急物资储备库", Warehouse.Level.COUNTY, seat, area_m2=1200)]
    depots += [warehouse(f"{t.name}应急物资储备点", Warehouse.Level.TOWNSHIP, t, area_m2=120) for t in townships]
    depots.append(
        warehouse(
            f"{county.name}粮油公司（协议储备）",
            Warehouse.Level.AGREEMENT,
            seat,
            agreement_partner=f"{county.name}粮油有限责任公司",
            agreement_expires=timezone.localdate() + dt.timedelta(days=365),
        )
    )
    created = objects_bulk_create(actor=actor, model=Warehouse, instances=depots)
    county_depot, township_points, agreement = created[0], created[1:-1], created[-1]

    moves = 0
    received = timezone.now() - dt.timedelta(days=200)
    for code, quantity in COUNTY_STOCK.items():
        stock_receive(
            actor=actor,
            warehouse=county_depot,
            item=items[code],
            quantity=Decimal(quantity),
            batch="2026-01",
            at=received,
        )
        moves += 1
    for depot in township_points:
        for code, quantity in TOWNSHIP_STOCK.items():
            stock_receive(
                actor=actor, warehouse=depot, item=items[code], quantity=Decimal(quantity), batch="2026-01", at=received
            )
            moves += 1
    # A batch of food near its expiry date, so that the alert page has something to show.
    stock_receive(
        actor=actor,
        warehouse=county_depot,
        item=items["1020201"],
        quantity=Decimal(60),
        batch="2025-03",
        expires_on=timezone.localdate() + dt.timedelta(days=20),
        at=received,
    )
    stock_receive(
        actor=actor, warehouse=agreement, item=items["1020101"], quantity=Decimal(20000), batch="协议", at=received
    )
    return {"warehouses": len(created), "movements": moves + 2}
