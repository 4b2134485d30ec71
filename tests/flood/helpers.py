from decimal import Decimal

from anlan.flood.models import FloodResponsibility, Reservoir
from anlan.registry.models import Person


def reservoir(region, code="T-SK-1", storage="150", **extra) -> Reservoir:
    r = Reservoir(
        code=code,
        name=f"测试水库{code}",
        region=region,
        lon=region.center_lon or 109.9,
        lat=region.center_lat or 31.1,
        total_storage=Decimal(storage),
        flood_limit_level=Decimal("300.00"),
        **extra,
    )
    r.full_clean()
    r.save()
    return r


def person(region, name="王守坝", phone="13900001111") -> Person:
    return Person.objects.create(name=name, region=region, phone=phone, position="巡查员")


def assign(target, post, who) -> FloodResponsibility:
    kind = "reservoir" if isinstance(target, Reservoir) else "site"
    return FloodResponsibility.objects.create(**{kind: target}, post=post, person=who)
