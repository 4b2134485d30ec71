"""The indicators of the 自然灾害损失情况统计快报表 (reference/standards.md §4.2) and their checks.

Pure module: no database. Each indicator has the API name (CONTRACT.md "Disaster statistics" names the
first thirteen; the others follow the same style), the Chinese label of the national table, its unit,
its group on the form and whether it is a count (non-negative integer) or a measure (non-negative number
with two decimals). `row_errors` is the one rule for a township's figures, used by the API, the forms,
the village entries and the imports alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str
    group: str
    integer: bool = True  # counts of people, rooms, households, head, sites; else hectares, km, 万元
    in_contract: bool = False  # named in CONTRACT.md (the API's core indicators)


PEOPLE, HOUSING, AGRICULTURE, INFRASTRUCTURE, LOSS = "人口受灾", "房屋受损", "农业损失", "基础设施", "经济损失"
GROUPS = (PEOPLE, HOUSING, AGRICULTURE, INFRASTRUCTURE, LOSS)


def _i(name, label, unit, group, core=False):
    return Indicator(name, label, unit, group, integer=True, in_contract=core)


def _m(name, label, unit, group, core=False):
    return Indicator(name, label, unit, group, integer=False, in_contract=core)


INDICATORS: tuple[Indicator, ...] = (
    # 人口 (people)
    _i("affected_people", "受灾人口", "人", PEOPLE, True),
    _i("deaths", "因灾死亡人口", "人", PEOPLE, True),
    _i("missing", "因灾失踪人口", "人", PEOPLE, True),
    _i("injured", "因灾受伤人口", "人", PEOPLE, True),
    _i("seriously_injured", "其中：因灾重伤人口", "人", PEOPLE),
    _i("evacuated", "紧急避险转移人口", "人", PEOPLE, True),
    _i("relocated", "紧急转移安置人口", "人", PEOPLE, True),
    _i("relocated_centralised", "其中：集中安置人口", "人", PEOPLE),
    _i("relocated_dispersed", "其中：分散安置人口", "人", PEOPLE),
    _i("shelter_sites", "集中安置点数量", "个", PEOPLE),
    _i("need_emergency_relief", "需紧急生活救助人口", "人", PEOPLE),
    _i("need_transitional_relief", "需过渡期生活救助人口", "人", PEOPLE),
    _i("drought_relief_people", "因旱需生活救助人口", "人", PEOPLE),
    _i("drought_water_people", "其中：因旱饮水困难需救助人口", "人", PEOPLE),
    # 房屋 (housing)
    _i("collapsed_rooms", "倒塌房屋间数", "间", HOUSING, True),
    _i("collapsed_residential_rooms", "其中：倒塌住房间数", "间", HOUSING),
    _i("collapsed_households", "倒塌住房户数", "户", HOUSING),
    _i("severely_damaged_rooms", "严重损坏房屋间数", "间", HOUSING, True),
    _i("severely_damaged_residential_rooms", "其中：严重损坏住房间数", "间", HOUSING),
    _i("severely_damaged_households", "严重损坏住房户数", "户", HOUSING),
    _i("generally_damaged_rooms", "一般损坏房屋间数", "间", HOUSING, True),
    _i("generally_damaged_residential_rooms", "其中：一般损坏住房间数", "间", HOUSING),
    _i("generally_damaged_households", "一般损坏住房户数", "户", HOUSING),
    # 农业 (agriculture)
    _m("crop_affected_ha", "农作物受灾面积", "公顷", AGRICULTURE, True),
    _m("crop_affected_grain_ha", "其中：粮食作物受灾面积", "公顷", AGRICULTURE),
    _m("crop_failed_ha", "农作物成灾面积", "公顷", AGRICULTURE, True),
    _m("crop_failed_grain_ha", "其中：粮食作物成灾面积", "公顷", AGRICULTURE),
    _m("crop_lost_ha", "农作物绝收面积", "公顷", AGRICULTURE, True),
    _m("crop_lost_grain_ha", "其中：粮食作物绝收面积", "公顷", AGRICULTURE),
    _m("grassland_affected_ha", "草场受灾面积", "公顷", AGRICULTURE),
    _m("forest_affected_ha", "林地受灾面积", "公顷", AGRICULTURE),
    _m("aquaculture_affected_ha", "水产养殖受灾面积", "公顷", AGRICULTURE),
    _i("large_livestock_dead", "因灾死亡大牲畜", "头", AGRICULTURE),
    _i("small_livestock_dead", "因灾死亡小牲畜", "只", AGRICULTURE),
    _i("drought_water_livestock", "因旱饮水困难牲畜", "头只", AGRICULTURE),
    # 基础设施 (infrastructure)
    _i("damaged_enterprises", "受损工业企业", "个", INFRASTRUCTURE),
    _i("damaged_shops", "受损商贸网点", "个", INFRASTRUCTURE),
    _i("damaged_schools", "受损学校", "个", INFRASTRUCTURE),
    _i("damaged_hospitals", "受损医院和卫生机构", "个", INFRASTRUCTURE),
    _i("damaged_reservoirs", "受损水库", "座", INFRASTRUCTURE),
    _m("damaged_roads_km", "受损公路", "千米", INFRASTRUCTURE),
    _m("damaged_power_lines_km", "受损电力线路", "千米", INFRASTRUCTURE),
    _m("damaged_dikes_km", "受损堤防", "千米", INFRASTRUCTURE),
    _m("damaged_municipal_roads_km", "受损市政道路", "千米", INFRASTRUCTURE),
    _m("damaged_water_mains_km", "受损市政供水管网", "千米", INFRASTRUCTURE),
    _m("damaged_telecom_lines_km", "受损通信线路", "皮长公里", INFRASTRUCTURE),
    _i("damaged_base_stations", "受损通信基站", "个", INFRASTRUCTURE),
    _i("damaged_power_equipment", "受损输变电设备", "台套", INFRASTRUCTURE),
    _i("flooded_townships", "受淹乡镇（街道）", "个", INFRASTRUCTURE),
    # 经济损失 (loss)
    _m("direct_loss_10k_yuan", "直接经济损失", "万元", LOSS, True),
    _m("loss_housing_10k_yuan", "其中：住房及居民家庭财产损失", "万元", LOSS),
    _m("loss_agriculture_10k_yuan", "其中：农林牧渔业损失", "万元", LOSS),
    _m("loss_industry_10k_yuan", "其中：工矿商贸业损失", "万元", LOSS),
    _m("loss_infrastructure_10k_yuan", "其中：基础设施损失", "万元", LOSS),
    _m("loss_public_services_10k_yuan", "其中：公共服务损失", "万元", LOSS),
    _m("loss_other_10k_yuan", "其中：其他损失", "万元", LOSS),
)

BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
CONTRACT_NAMES: tuple[str, ...] = tuple(i.name for i in INDICATORS if i.in_contract)

# "of which" (其中) items: the part never exceeds its whole (§4.2; crops nest 受灾 ⊇ 成灾 ⊇ 绝收).
PART_OF: tuple[tuple[str, str], ...] = (
    ("crop_failed_ha", "crop_affected_ha"),
    ("crop_lost_ha", "crop_failed_ha"),
    ("crop_affected_grain_ha", "crop_affected_ha"),
    ("crop_failed_grain_ha", "crop_failed_ha"),
    ("crop_lost_grain_ha", "crop_lost_ha"),
    ("crop_failed_grain_ha", "crop_affected_grain_ha"),
    ("crop_lost_grain_ha", "crop_failed_grain_ha"),
    ("seriously_injured", "injured"),
    ("collapsed_residential_rooms", "collapsed_rooms"),
    ("severely_damaged_residential_rooms", "severely_damaged_rooms"),
    ("generally_damaged_residential_rooms", "generally_damaged_rooms"),
    ("drought_water_people", "drought_relief_people"),
)
# A household has at least one room: households ≤ residential rooms when rooms are given.
HOUSEHOLDS_OF: tuple[tuple[str, str], ...] = (
    ("collapsed_households", "collapsed_residential_rooms"),
    ("severely_damaged_households", "severely_damaged_residential_rooms"),
    ("generally_damaged_households", "generally_damaged_residential_rooms"),
)
LOSS_PARTS: tuple[str, ...] = (
    "loss_housing_10k_yuan",
    "loss_agriculture_10k_yuan",
    "loss_industry_10k_yuan",
    "loss_infrastructure_10k_yuan",
    "loss_public_services_10k_yuan",
    "loss_other_10k_yuan",
)
MAX_VALUE = Decimal("9999999999.99")


def parse_value(indicator: Indicator, raw) -> int | Decimal:
    """One value, or ValueError with the Chinese message. Absent (None, "") is 0 (CONTRACT: default 0)."""
    if raw is None or raw == "":
        return 0 if indicator.integer else Decimal("0")
    if isinstance(raw, bool):
        raise ValueError(f"{indicator.label}应为数字")
    if indicator.integer:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            raw = int(raw.strip())
        if not isinstance(raw, int):
            raise ValueError(f"{indicator.label}应为非负整数（{indicator.unit}）")
        if raw < 0:
            raise ValueError(f"{indicator.label}不能为负数")
        if raw > 2_000_000_000:
            raise ValueError(f"{indicator.label}数值过大")
        return raw
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{indicator.label}应为数字（{indicator.unit}）") from None
    if not value.is_finite():
        raise ValueError(f"{indicator.label}应为数字（{indicator.unit}）")
    if value < 0:
        raise ValueError(f"{indicator.label}不能为负数")
    if value > MAX_VALUE:
        raise ValueError(f"{indicator.label}数值过大")
    return value.quantize(Decimal("0.01"))


def parse_row(raw: dict) -> tuple[dict, dict[str, str]]:
    """Parse every indicator of one row: (values, errors by field). Unknown keys are left to the caller."""
    values, errors = {}, {}
    for indicator in INDICATORS:
        try:
            values[indicator.name] = parse_value(indicator, raw.get(indicator.name))
        except ValueError as exc:
            errors[indicator.name] = str(exc)
    if not errors:
        errors.update(consistency_errors(values))
    return values, errors


def consistency_errors(values: dict) -> dict[str, str]:
    """The cross-field checks of §4.2/§15 on one parsed row; keyed by the field to correct."""
    errors: dict[str, str] = {}

    def get(name):
        return values.get(name) or 0

    for part, whole in PART_OF:
        if get(part) > get(whole) and part not in errors:
            errors[part] = f"{BY_NAME[part].label.removeprefix('其中：')}不能大于{BY_NAME[whole].label}"
    for households, rooms in HOUSEHOLDS_OF:
        if get(rooms) and get(households) > get(rooms):
            errors.setdefault(households, f"{BY_NAME[households].label}不能大于{BY_NAME[rooms].label}")
    placed = get("relocated_centralised") + get("relocated_dispersed")
    if placed and placed != get("relocated"):
        errors.setdefault(
            "relocated", f"集中安置人口与分散安置人口之和（{placed}）应等于紧急转移安置人口（{get('relocated')}）"
        )
    if get("shelter_sites") and not get("relocated_centralised"):
        errors.setdefault("relocated_centralised", "有集中安置点时应填写集中安置人口")
    parts = sum(Decimal(str(get(name))) for name in LOSS_PARTS)
    if parts > Decimal(str(get("direct_loss_10k_yuan"))):
        errors.setdefault("direct_loss_10k_yuan", f"各行业损失之和（{parts} 万元）大于直接经济损失")
    return errors


def zero_row() -> dict:
    return {i.name: (0 if i.integer else Decimal("0")) for i in INDICATORS}


def add_rows(rows) -> dict:
    """The sum of rows (dicts or objects with the indicator attributes), every indicator present."""
    total = zero_row()
    for row in rows:
        for name in NAMES:
            value = row.get(name) if isinstance(row, dict) else getattr(row, name)
            total[name] += value or 0
    return total


def as_json(values: dict) -> dict:
    """Integers stay integers; measures become numbers with two decimals (JSON has no Decimal)."""
    return {
        name: (int(values.get(name) or 0) if BY_NAME[name].integer else float(values.get(name) or 0)) for name in NAMES
    }
