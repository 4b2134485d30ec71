"""Loading the jurisdiction tree."""

import json
from dataclasses import dataclass

import shapely
from django.db import transaction
from pyproj import Geod

from anlan.core.services import objects_bulk_create
from anlan.core.validators import forget_county_extent

from .boundaries import load_county_boundary
from .models import Region, RegionLevel
from .synth import CountyPlan, generate_tree, plan_for_area

_GEOD = Geod(ellps="WGS84")

# Published figures for counties the seeds describe (巫山县: 2 街道, 11 镇, 13 乡, about 340 村/社区).
KNOWN_PLANS = {"500237": CountyPlan(streets=2, towns=11, townships=13, villages=340)}


class RegionLoadError(Exception):
    pass


def geodesic_area_km2(geom) -> float:
    area, _ = _GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def _geojson(geom) -> dict:
    return json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-6)))


def _region(code, name, level, parent, geom, synthetic) -> Region:
    point = geom.representative_point()
    return Region(
        code=code,
        name=name,
        level=level,
        parent_id=parent,
        boundary=_geojson(geom),
        center_lon=round(point.x, 6),
        center_lat=round(point.y, 6),
        area_km2=round(geodesic_area_km2(geom), 2),
        synthetic=synthetic,
    )


@dataclass
class LoadedCounty:
    county: Region
    townships: int
    villages: int


@transaction.atomic
def county_load(*, actor, code6: str, seed: int = 42, plan: CountyPlan | None = None) -> LoadedCounty:
    """Load a county's real boundary and generate its townships and villages (all audited). `plan` replaces
    the published or area-based counts (the demo's large profile: a large county inside the same boundary)."""
    boundary = load_county_boundary(code6)
    county_code = code6.ljust(12, "0")
    if Region.objects.filter(code=county_code).exists():
        raise RegionLoadError(f"{boundary.name}（{county_code}）已加载，如需重建请先清空数据库")
    geom = shapely.make_valid(shapely.geometry.shape(boundary.geometry))
    county = _region(county_code, boundary.name, RegionLevel.COUNTY, None, geom, synthetic=False)
    plan = plan or KNOWN_PLANS.get(code6) or plan_for_area(county.area_km2)
    tree = generate_tree(county_code, geom, plan, seed)

    townships = [_region(t.code, t.name, RegionLevel.TOWNSHIP, county_code, t.geometry, True) for t in tree]
    villages = [
        _region(v.code, v.name, RegionLevel.VILLAGE, t.code, v.geometry, True) for t in tree for v in t.children
    ]
    objects_bulk_create(actor=actor, model=Region, instances=[county])
    objects_bulk_create(actor=actor, model=Region, instances=townships)
    objects_bulk_create(actor=actor, model=Region, instances=villages)
    # Locations are checked against the loaded counties' extent: read it afresh now (this transaction sees
    # the new county) and again once committed (other transactions, or none if this one rolls back).
    forget_county_extent()
    transaction.on_commit(forget_county_extent)
    return LoadedCounty(county=county, townships=len(townships), villages=len(villages))
