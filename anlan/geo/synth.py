"""Synthetic townships and villages inside a real county boundary.

Real township and village boundaries are not published as open data, so the demo county gets
generated ones: seed points sampled inside the county, relaxed with a few Lloyd iterations (so cells
have even sizes), Voronoi cells clipped to the real boundary. Everything depends only on the seed,
so the same seed gives the same tree. Names are generated from common place-name characters and
every generated region is flagged synthetic.

Codes follow the 统计用区划代码 rules: townships 001–099 街道, 100–199 镇, 200–399 乡; villages
001–199 居民委员会（社区）, 200–399 村民委员会（村）.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPoint
from shapely.geometry.base import BaseGeometry

FIRST_CHARS = "青白龙凤金银石黄红双三平安永长清新高大小东西南北上下中桥河溪山岭坪坝湾岩峰林竹松桃梨柏官福兴庙铜马鹿"
SECOND_CHARS = "泉水坪溪河湾岭山口坝桥林塘田园峰岩家庄营堡沟坡池湖江岗台阳阴门寨城店场坊"


@dataclass
class SynthRegion:
    code: str
    name: str
    level: str
    parent: str
    geometry: BaseGeometry
    children: list["SynthRegion"] = field(default_factory=list)


def _local_scale(geom: BaseGeometry) -> float:
    """Metres-per-degree ratio lon/lat at the geometry's latitude (equirectangular)."""
    return float(np.cos(np.radians(geom.centroid.y)))


def sample_inside(geom: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    points: list[np.ndarray] = []
    got = 0
    while got < n:
        xs = rng.uniform(minx, maxx, n * 4)
        ys = rng.uniform(miny, maxy, n * 4)
        inside = shapely.contains_xy(geom, xs, ys)
        chosen = np.column_stack([xs[inside], ys[inside]])
        points.append(chosen)
        got += len(chosen)
    return np.vstack(points)[:n]


def _cells(geom: BaseGeometry, seeds: np.ndarray) -> list[BaseGeometry]:
    """Voronoi cells of `seeds` clipped to `geom`, in seed order (computed in a locally isotropic frame)."""
    k = _local_scale(geom)
    scaled = seeds.copy()
    scaled[:, 0] *= k
    scaled_geom = shapely.affinity.scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
    regions = shapely.voronoi_polygons(MultiPoint(scaled), extend_to=scaled_geom.envelope.buffer(1.0))
    polys = list(regions.geoms)
    # voronoi_polygons does not keep input order: match cells back to their seeds.
    tree = shapely.STRtree(polys)
    ordered = []
    for x, y in scaled:
        idx = tree.query(shapely.Point(x, y), predicate="intersects")
        ordered.append(polys[int(idx[0])])
    clipped = shapely.intersection(ordered, scaled_geom)
    return [shapely.affinity.scale(c, xfact=1.0 / k, yfact=1.0, origin=(0, 0)) for c in clipped]


def _relaxed_seeds(geom: BaseGeometry, n: int, rng: np.random.Generator, iterations: int = 4) -> np.ndarray:
    seeds = sample_inside(geom, n, rng)
    if n == 1:
        return seeds
    for _ in range(iterations):
        cells = _cells(geom, seeds)
        moved = []
        for cell, seed in zip(cells, seeds, strict=True):
            if cell.is_empty:
                moved.append(seed)
                continue
            point = cell.centroid if cell.contains(cell.centroid) else cell.representative_point()
            moved.append([point.x, point.y])
        seeds = np.asarray(moved)
    return seeds


def _largest_polygon_cleanup(geom: BaseGeometry) -> BaseGeometry:
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polys)
    return geom


class NamePool:
    """Unique two-character place names drawn deterministically from the seed."""

    def __init__(self, rng: np.random.Generator):
        names = [a + b for a in FIRST_CHARS for b in SECOND_CHARS if a != b]
        order = rng.permutation(len(names))
        self._names = [names[i] for i in order]
        self._next = 0

    def take(self) -> str:
        name = self._names[self._next % len(self._names)]
        self._next += 1
        return name


@dataclass
class CountyPlan:
    streets: int  # 街道
    towns: int  # 镇
    townships: int  # 乡
    villages: int  # total villages and communities


def plan_for_area(area_km2: float) -> CountyPlan:
    """Counts for a county without published figures, calibrated on 巫山县 (2,958 km², 26 townships)."""
    total = max(6, round(area_km2 / 114))
    streets = max(1, round(total * 0.08))
    towns = round(total * 0.42)
    return CountyPlan(streets=streets, towns=towns, townships=total - streets - towns, villages=total * 13)


def _apportion(total: int, weights: list[float], minimum: int = 3) -> list[int]:
    """Largest-remainder apportionment of `total` by `weights`, each at least `minimum`."""
    weights_arr = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum)
    rest = max(0, total - base.sum())
    shares = weights_arr / weights_arr.sum() * rest
    floors = np.floor(shares).astype(int)
    remainder = rest - floors.sum()
    order = np.argsort(-(shares - floors), kind="stable")
    floors[order[:remainder]] += 1
    return (base + floors).tolist()


def generate_tree(county_code: str, county_geom: BaseGeometry, plan: CountyPlan, seed: int) -> list[SynthRegion]:
    """Townships (with their villages) for the county, deterministic for `seed`."""
    rng = np.random.default_rng(seed)
    names = NamePool(rng)
    n_townships = plan.streets + plan.towns + plan.townships
    seeds = _relaxed_seeds(county_geom, n_townships, rng)
    cells = [_largest_polygon_cleanup(c) for c in _cells(county_geom, seeds)]

    # Streets (urban sub-districts) are the cells nearest the county's representative point.
    anchor = county_geom.representative_point()
    order = sorted(range(n_townships), key=lambda i: (cells[i].centroid.distance(anchor), i))
    kinds = ["street"] * plan.streets + ["town"] * plan.towns + ["township"] * plan.townships
    counters = {"street": 1, "town": 100, "township": 200}
    suffix = {"street": "街道", "town": "镇", "township": "乡"}

    areas = [cells[i].area for i in order]
    village_counts = _apportion(plan.villages, areas)
    prefix6 = county_code[:6]
    townships = []
    for rank, (i, kind) in enumerate(zip(order, kinds, strict=True)):
        tcode = f"{prefix6}{counters[kind]:03d}000"
        counters[kind] += 1
        township = SynthRegion(tcode, names.take() + suffix[kind], "township", county_code, cells[i])
        township.children = _villages(township, kind, village_counts[rank], rng, names)
        townships.append(township)
    return townships


def _villages(township: SynthRegion, kind: str, count: int, rng, names: NamePool) -> list[SynthRegion]:
    seeds = _relaxed_seeds(township.geometry, count, rng, iterations=3)
    cells = [_largest_polygon_cleanup(c) for c in _cells(township.geometry, seeds)]
    order = sorted(range(count), key=lambda i: (-cells[i].centroid.y, cells[i].centroid.x))
    communities = count if kind == "street" else (1 if kind == "town" else 0)
    villages = []
    next_community, next_village = 1, 200
    for rank, i in enumerate(order):
        if rank < communities:
            code, name = f"{township.code[:9]}{next_community:03d}", names.take() + "社区"
            next_community += 1
        else:
            code, name = f"{township.code[:9]}{next_village:03d}", names.take() + "村"
            next_village += 1
        villages.append(SynthRegion(code, name, "village", township.code, cells[i]))
    return villages
