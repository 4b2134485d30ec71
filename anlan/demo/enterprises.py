"""The demo county's enterprise register (辖区企业台账) at a real county's size.

How many. A county bureau's register is of the enterprises under its safety supervision, not of every
market entity (a county of ~450,000 people such as 巫山 has tens of thousands, mostly 个体工商户). The
mix below adds up to 488 and, with the six pattern enterprises the loader creates first, 494:
- 87 construction enterprises: seed 000 (巫山“十四五”规划) gives “87家县属施工企业” completing
  标准化考评;
- fuel stations at about one per 12,000 people (38), a few LPG stations and hazchem traders; seed 000
  says the major hazard sources are all wired to the city's hazchem monitoring system, so a handful;
- 24 non-coal mines: seed 000 closes 8 small mines in the 三峡库区 barrier zone and “严格控制矿山数量”,
  so a small quarry count remains; two fireworks wholesalers and their licensed retail shops;
- 工贸 (building materials, food and drink, wood, metal, cold stores …) with the usual shares of
  粉尘涉爆, 涉氨制冷 and 有限空间 the 工贸 specialised campaigns target (seed 000, 工贸安全);
- road and river transport (巫山 lies on the 长江), hotels, scenic areas, shops and markets.
Each sector's township weights put most businesses in the county seat's 街道 and the 集镇 of the 镇,
mines and hydropower in the countryside. Everything is generated, deterministic for the seed, synthetic.
"""

from dataclasses import dataclass, field

import numpy as np

from anlan.registry.models import Enterprise
from anlan.risk import gb18218

__all__ = ["SECTORS", "Sector", "build_enterprises"]

# Trade names (字号): common, auspicious or local words; combined with a place and a sector suffix.
_TRADE_WORDS = (
    "鑫源 恒泰 宏达 金桥 长江 巫峡 神女 三峡 龙腾 永安 顺发 兴旺 华峰 天诚 聚源 鼎盛 瑞丰 盛世 万通 广汇 "
    "益民 春晖 江渝 峡江 高唐 红叶 巴渝 渝东 平湖 腾达 振兴 富民 安泰 诚信 华通 金鼎 银河 宏远 嘉禾 佳和 "
    "新源 德润 丰泽 众诚 同心 翔宇 博远 清源 润峡 山海 乐群 旭日 远航 福临 吉祥 昌盛 裕丰 和顺 明珠 东升 "
    "恒通 建业 立信 荣华 兴业 鸿运 志成 永固 坤元 泰和 锦程 凯达 骏马 川渝 绿源 青山 碧水 云台 望霞 朝云 "
    "神峰 巫韵 大昌 龙门 宝源 金叶 信达 光明 利民 惠民 长兴 祥云 康达 天宇 宏盛 华美 景泰 启航 峰源 汇通"
)
TRADE_NAMES = tuple(_TRADE_WORDS.split())

SCALE_EMPLOYEES = {"micro": (3, 20), "small": (20, 300), "medium": (300, 1000), "large": (1000, 2500)}
# Township weights by where a sector's businesses stand: (街道, 镇, 乡).
PLACEMENTS = {
    "urban": (12, 2, 1),  # shops, hotels, builders, transport firms: two in five in the county seat
    "spread": (6, 2, 1),  # manufacturing, food: the seat's industrial park and the 集镇
    "town": (3, 3, 1),  # fuel stations and retail shops: one or two in every 集镇
    "rural": (0, 2, 2),  # quarries, hydropower: where the rock and the rivers are
}


@dataclass(frozen=True)
class Sector:
    """One line of the register's mix: how many, what they are, who supervises them, which risks."""

    key: str
    count: int
    industry: str  # GB/T 4754 大类
    department: str  # Department.kind of the 行业主管部门
    suffixes: tuple[str, ...]
    scales: dict[str, float]  # scale → share
    placement: str = "spread"
    flags: dict[str, float] = field(default_factory=dict)  # Enterprise risk flag → share of the sector
    grades: dict[str, float] = field(default_factory=lambda: {"3": 0.5, "none": 0.4, "2": 0.1})


SECTORS = (
    Sector("fuel", 38, "52", "emergency", ("加油站",), {"micro": 0.7, "small": 0.3}, "town",
           {"is_hazchem": 1.0, "has_confined_space": 0.3}, {"3": 0.8, "2": 0.2}),
    Sector("lpg", 8, "45", "housing", ("液化气站", "燃气有限公司"), {"micro": 0.6, "small": 0.4}, "town",
           {"is_hazchem": 1.0}, {"3": 0.8, "2": 0.2}),
    Sector("hazchem_trade", 10, "51", "emergency", ("化工贸易有限公司", "石油化工有限公司", "化工物资有限公司"),
           {"micro": 0.3, "small": 0.7}, "spread", {"is_hazchem": 1.0, "has_confined_space": 0.2},
           {"3": 0.7, "2": 0.3}),
    Sector("mine", 24, "10", "natural_resources", ("石灰岩矿", "建筑石料矿", "页岩矿"),
           {"small": 0.8, "medium": 0.2}, "rural", {"is_non_coal_mine": 1.0}, {"3": 0.7, "2": 0.3}),
    Sector("fireworks_wholesale", 2, "51", "emergency", ("烟花爆竹批发有限公司",), {"small": 1.0}, "spread",
           {"is_fireworks": 1.0}, {"3": 0.5, "2": 0.5}),
    Sector("fireworks_retail", 26, "52", "emergency", ("烟花爆竹零售店",), {"micro": 1.0}, "town",
           {"is_fireworks": 1.0}, {"none": 1.0}),
    Sector("building_materials", 40, "30", "economy",
           ("建材有限公司", "商品混凝土有限公司", "新型墙材有限公司", "页岩砖厂"),
           {"micro": 0.2, "small": 0.65, "medium": 0.15}, "spread", {"has_confined_space": 0.3}),
    Sector("wood", 14, "20", "economy", ("木业有限公司", "家具厂"), {"micro": 0.4, "small": 0.6}, "spread",
           {"is_dust_explosive": 0.8}),
    Sector("food", 30, "13", "market", ("食品有限公司", "粮油有限公司", "肉类加工有限公司", "农产品加工厂"),
           {"micro": 0.4, "small": 0.5, "medium": 0.1}, "spread",
           {"has_ammonia_refrigeration": 0.2, "has_confined_space": 0.4, "is_dust_explosive": 0.1}),
    Sector("drink", 16, "15", "market", ("酒业有限公司", "茶业有限公司", "饮品有限公司"),
           {"micro": 0.4, "small": 0.6}, "spread", {"has_confined_space": 0.6, "is_dust_explosive": 0.2}),
    Sector("cold_chain", 10, "59", "commerce", ("果品冷链有限公司", "冷链物流有限公司"),
           {"micro": 0.3, "small": 0.7}, "spread", {"has_ammonia_refrigeration": 0.5, "has_confined_space": 0.3}),
    Sector("metal", 12, "33", "economy", ("金属制品有限公司", "机械制造有限公司"),
           {"micro": 0.3, "small": 0.6, "medium": 0.1}, "spread",
           {"is_dust_explosive": 0.25, "has_confined_space": 0.1}),
    Sector("textile", 8, "18", "economy", ("服饰有限公司",), {"micro": 0.3, "small": 0.7}, "spread"),
    Sector("printing", 5, "23", "economy", ("印务有限公司",), {"micro": 0.4, "small": 0.6}, "urban",
           {"has_confined_space": 0.2}),
    Sector("medicine", 4, "27", "market", ("中药饮片有限公司", "药业有限公司"), {"small": 1.0}, "spread",
           {"is_dust_explosive": 0.3}),
    Sector("sewage", 8, "77", "housing", ("污水处理有限公司",), {"micro": 0.5, "small": 0.5}, "town",
           {"has_confined_space": 1.0}, {"3": 0.6, "none": 0.4}),
    Sector("water_supply", 6, "46", "water", ("供水有限公司",), {"small": 1.0}, "town",
           {"has_confined_space": 1.0}, {"3": 0.7, "none": 0.3}),
    Sector("hydropower", 12, "44", "water", ("水电站", "电力开发有限公司"), {"micro": 0.5, "small": 0.5}, "rural",
           {"has_confined_space": 0.3}, {"3": 0.6, "none": 0.4}),
    Sector("construction", 60, "47", "housing", ("建筑工程有限公司", "建设有限公司", "建筑劳务有限公司"),
           {"small": 0.7, "medium": 0.25, "large": 0.05}, "urban", {}, {"3": 0.6, "2": 0.3, "none": 0.1}),
    Sector("civil_works", 27, "48", "housing", ("市政工程有限公司", "路桥工程有限公司", "水利水电工程有限公司"),
           {"small": 0.7, "medium": 0.3}, "urban", {}, {"3": 0.6, "2": 0.3, "none": 0.1}),
    Sector("bus", 8, "54", "transport", ("客运有限公司", "公共交通有限公司"), {"small": 0.6, "medium": 0.4}, "urban",
           {}, {"3": 0.5, "2": 0.5}),
    Sector("freight", 20, "54", "transport", ("运输有限公司", "物流有限公司"), {"micro": 0.4, "small": 0.6}, "urban"),
    Sector("river", 14, "55", "transport", ("航运有限公司", "船务有限公司"), {"micro": 0.3, "small": 0.7}, "urban",
           {}, {"3": 0.7, "2": 0.3}),
    Sector("scenic", 12, "78", "tourism", ("旅游开发有限公司", "景区管理有限公司"),
           {"small": 0.7, "medium": 0.3}, "rural"),
    Sector("hotel", 30, "61", "tourism", ("酒店管理有限公司", "宾馆"), {"micro": 0.5, "small": 0.5}, "urban"),
    Sector("shops", 24, "52", "commerce", ("商贸有限公司", "超市有限公司", "购物广场有限公司"),
           {"micro": 0.4, "small": 0.5, "medium": 0.1}, "urban"),
    Sector("market", 8, "52", "market", ("农贸市场管理有限公司",), {"micro": 0.5, "small": 0.5}, "town"),
    Sector("catering", 12, "62", "market", ("餐饮管理有限公司", "火锅店"), {"micro": 0.6, "small": 0.4}, "urban"),
)  # fmt: skip

# Hazchem units each sector identifies under GB 18218 (unit name, substance, tonnes low–high): whether one
# is a major hazard source follows from the quantity (汽油 Q = 200 t, 液化石油气 50 t, 液氨 10 t).
UNITS = {
    "fuel": ("汽油储罐区", "汽油", 30, 90),
    "lpg": ("液化石油气储罐区", "液化石油气", 8, 60),
    "hazchem_trade": ("成品油储罐区", "汽油", 40, 240),
}
AMMONIA_UNIT = ("液氨制冷系统", "液氨", 0.5, 11)

# Sectors whose names carry a village (a quarry or a power station is known by where it is).
PLACE_NAMED = {"mine", "hydropower", "fuel", "fireworks_retail"}
FUEL_BRANDS = ("中国石化", "中国石化", "中国石油", "")


def _township_kind(name: str) -> int:
    """0 街道, 1 镇, 2 乡 (the index into a placement's weights)."""
    return 0 if name.endswith("街道") else 2 if name.endswith("乡") else 1


def _short(region_name: str) -> str:
    for suffix in ("街道", "社区", "镇", "乡", "村", "县", "区"):
        if region_name.endswith(suffix) and len(region_name) > len(suffix) + 1:
            return region_name.removesuffix(suffix)
    return region_name


def _pick(rng, shares: dict) -> str:
    keys = list(shares)
    p = np.asarray([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _township_weights(townships, placement: str) -> np.ndarray:
    weights = np.asarray([PLACEMENTS[placement][_township_kind(t.name)] for t in townships], dtype=float)
    return weights if weights.sum() else np.ones(len(townships))


class _Namer:
    """Distinct enterprise names: place + 字号 + sector suffix, redrawn until unused."""

    def __init__(self, rng, taken: set[str], wide: bool = False):
        self.rng = rng
        self.taken = taken
        # A register twenty times the size runs out of place + one 字号: after a few draws, two 字号.
        self.wide = wide

    def _trade(self, attempt: int) -> str:
        trade = TRADE_NAMES[int(self.rng.integers(len(TRADE_NAMES)))]
        if self.wide and attempt >= 20:
            trade += TRADE_NAMES[int(self.rng.integers(len(TRADE_NAMES)))]
        return trade

    def name(self, sector: Sector, county_short: str, township, village) -> str:
        place = _short(township.name)
        for attempt in range(200):
            suffix = sector.suffixes[int(self.rng.integers(len(sector.suffixes)))]
            trade = self._trade(attempt)
            if sector.key == "fuel":
                brand = FUEL_BRANDS[int(self.rng.integers(len(FUEL_BRANDS)))]
                where = _short(village.name) if village and attempt < 100 else trade
                name = f"{brand}{county_short}{place}{where}{suffix}" if brand else f"{place}{trade}{suffix}"
            elif sector.key in PLACE_NAMED and village is not None and attempt < 100:
                name = f"{county_short}{place}{_short(village.name)}{suffix}"
            else:
                # County-level firms carry the county's name, the others their township's.
                prefix = county_short if _township_kind(township.name) == 0 else place
                name = f"{prefix}{trade}{suffix}"
            if name not in self.taken:
                self.taken.add(name)
                return name
        raise RuntimeError(f"演示企业名称用尽：{sector.key}")


def _unit(rng, sector: Sector, enterprise) -> dict | None:
    """The enterprise's hazchem unit, graded now so its 重大危险源 flag is right from the start."""
    spec = UNITS.get(sector.key) or (AMMONIA_UNIT if enterprise.has_ammonia_refrigeration else None)
    if spec is None:
        return None
    name, substance, low, high = spec
    unit = {
        "name": name,
        "items": [{"name": substance, "quantity_t": round(float(rng.uniform(low, high)), 1)}],
        "exposed_people": int(rng.integers(20, 600)),
    }
    unit["grade"] = gb18218.evaluate(unit["items"], unit["exposed_people"])
    return unit


def _credit_code(gen, county6: str, taken: set[str]) -> str:
    while (code := gen.credit_code(county6)) in taken:
        pass
    taken.add(code)
    return code


def build_enterprises(
    gen, points, county, townships, villages_by_township, departments, taken_names, taken_codes, multiple: int = 1
):
    """The unsaved enterprises of SECTORS, in a fixed order for the seed (gen and points are their own
    generators: the rest of the demo draws from other streams and is unchanged by this register).
    `multiple` multiplies every sector's count (the large profile's county of ten thousand enterprises)."""
    rng = gen.rng
    depts = {d.kind: d for d in departments}
    county6 = county.code[:6]
    county_short = _short(county.name)
    namer = _Namer(rng, taken_names, wide=multiple > 1)
    out = []
    for sector in SECTORS:
        weights = _township_weights(townships, sector.placement)
        picks = rng.choice(len(townships), size=sector.count * multiple, p=weights / weights.sum())
        for index in picks:
            township = townships[int(index)]
            villages = villages_by_township.get(township.code) or []
            seat = [v for v in villages if v.name.endswith("社区")] or villages[:1]
            countryside = [v for v in villages if v not in seat] or villages
            if not villages:
                village = None
            elif sector.placement == "rural" or rng.random() > 0.6:
                village = countryside[int(rng.integers(len(countryside)))]
            else:  # most businesses stand in the 集镇 (the township's 社区)
                village = seat[int(rng.integers(len(seat)))]
            lon, lat = points.inside(village or township)
            scale = _pick(rng, sector.scales)
            low, high = SCALE_EMPLOYEES[scale]
            enterprise = Enterprise(
                name=namer.name(sector, county_short, township, village),
                credit_code=_credit_code(gen, county6, taken_codes),
                region=township,
                department=depts.get(sector.department),
                industry=sector.industry,
                scale=scale,
                employees=int(rng.integers(low, high)),
                address=f"{county.name}{township.name}{village.name if village else ''}",
                lon=lon,
                lat=lat,
                principal=gen.name(),
                principal_phone=gen.phone(),
                safety_manager=gen.name(),
                safety_manager_phone=gen.phone(),
                standard_grade=_pick(rng, sector.grades),
                synthetic=True,
            )
            for flag, share in sector.flags.items():
                setattr(enterprise, flag, bool(rng.random() < share))
            # Read by the demo's risk data (not stored): the sector and the hazchem unit to identify.
            enterprise.demo_sector = sector.key
            enterprise.demo_unit = _unit(rng, sector, enterprise)
            enterprise.has_major_hazard = bool(enterprise.demo_unit and enterprise.demo_unit["grade"].is_major_hazard)
            out.append(enterprise)
    return out
