"""A hazard site with a roster of households for the transfer tests, away from the demo county's sites."""

from anlan.resources.models import Shelter
from anlan.sites.models import HazardSite, Household
from anlan.testing.personas import persona


def make_site(region, *, code="TEST-TR-1", households=((3, 1), (4, 0), (2, 2)), guardian="village_grid_worker"):
    """A landslide site in `region` with households of (people, vulnerable) guarded by `guardian`."""
    site = HazardSite.objects.create(
        code=code,
        name=f"测试滑坡{code[-1]}",
        kind="landslide",
        region=region,
        lon=region.center_lon,
        lat=region.center_lat,
        threatened_households=len(households),
        threatened_people=sum(p for p, _ in households),
    )
    guard = persona(guardian) if guardian else None
    for i, (people, vulnerable) in enumerate(households):
        Household.objects.create(
            site=site,
            region=region,
            head_name=f"户主{i + 1}",
            phone=f"1990000{1000 + i}",
            people=people,
            vulnerable=vulnerable,
            guardian=guard,
        )
    return site


def make_shelter(region, *, area_m2=15, name="测试避难点"):
    """A shelter of area_m2 / 1.5 places (15 ㎡ → 10 people)."""
    return Shelter.objects.create(
        name=name,
        region=region,
        level="village",
        period="emergency",
        site_class="III",
        effective_area_m2=area_m2,
        area_per_person_m2=1.5,
        address="村委会",
        lon=region.center_lon,
        lat=region.center_lat,
        manager="管理员",
        manager_phone="13800000000",
        status="open",
    )
