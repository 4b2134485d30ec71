"""Demo 核心指标 (issue 19 item 1): the seed's target table (seed 003 附件 一、核心绩效指标) and the rates Anlan
computes from its own records (standards.md §17), loaded for the demo county with their targets; the county's
yearly bases for the last five years (plausible county figures, marked synthetic); the seed's indicators that
no record holds (因灾群死群伤责任事件, 已落实监测措施的灾害点亡人数, 森林火灾受害率) entered for past years by their
responsible departments; then every computed indicator recomputed from the demo data for this period and the
four before it (the trend). Bulk writes only; the recomputation is one upsert per county."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.kpi import services_indicators
from anlan.kpi.models import Indicator, IndicatorValue, YearBase

SEED = "《2025年应急管理工作要点》附件 核心绩效指标"
PLAN = "“十四五”应急体系规划（standards.md §17）"
# (code, name, category, unit, source, direction, target, band, period, department kind, responsible text, basis)
INDICATORS = [
    ("major_accidents", "重特大生产安全事故起数", "safety", "起", "incidents.safety_major_count", "lte", "0", "0",
     "year", "emergency", "县安委会各成员单位，各乡镇（街道）", SEED),
    ("disaster_liability", "因灾群死群伤责任事件", "disaster", "起", "", "lte", "0", "0", "year", "emergency",
     "县防减救灾委各成员单位，各乡镇（街道）", SEED),
    ("larger_accidents", "生产安全较大事故起数", "safety", "起", "incidents.safety_larger_count", "lte", "0", "0",
     "year", "emergency", "县安委会各成员单位，各乡镇（街道）", SEED),
    ("safety_deaths", "生产安全事故死亡人数", "safety", "人", "incidents.safety_deaths", "lte", "3", "1", "year",
     "emergency", "县安委会各成员单位，各乡镇（街道）（目标：保持历史低位运行）", SEED),
    ("monitored_site_deaths", "已落实监测措施的灾害点亡人数", "disaster", "人", "", "lte", "0", "0", "year",
     "natural_resources", "县防减救灾委各成员单位，各乡镇（街道）", SEED),
    ("forest_fire_rate", "森林火灾受害率", "disaster", "‰", "", "lte", "0.3", "0.1", "year", "forestry",
     "县防减救灾委各成员单位，各乡镇（街道）", SEED),
    ("deaths_per_100k_workers", "工矿商贸就业人员十万人生产安全事故死亡率", "safety", "人/10万人",
     "incidents.safety_deaths_per_100k_workers", "lte", "1.0", "0.3", "year", "emergency", "", PLAN),
    ("deaths_per_100m_gdp", "亿元地区生产总值生产安全事故死亡率", "safety", "人/亿元",
     "incidents.safety_deaths_per_100m_gdp", "lte", "0.02", "0.01", "year", "emergency", "", PLAN),
    ("disaster_deaths_per_million", "因灾死亡失踪人口百万人口比例", "disaster", "人/百万人",
     "disasters.deaths_missing_per_million", "lte", "1", "0.5", "year", "emergency", "", PLAN),
    ("disaster_loss_gdp", "因灾直接经济损失占地区生产总值比例", "disaster", "%", "disasters.loss_share_of_gdp",
     "lte", "1", "0.3", "year", "emergency", "", PLAN),
    ("hazard_closure", "隐患按期整改销号率", "safety", "%", "hazards.closed_on_time", "gte", "95", "5", "quarter",
     "emergency", "", "安全生产专项整治三年行动"),
    ("hazard_overdue", "隐患逾期率", "safety", "%", "hazards.overdue", "lte", "5", "5", "quarter", "emergency", "",
     "安全生产专项整治三年行动"),
    ("patrol_completion", "隐患点巡查完成率", "disaster", "%", "sites.patrol_completion", "gte", "98", "3",
     "quarter", "natural_resources", "", "地质灾害群测群防"),
    ("warning_reach", "预警信息送达率", "disaster", "%", "alerts.warning_reach", "gte", "95", "3", "quarter",
     "meteorology", "", "气象灾害预警信息发布"),
    ("ack_in_time", "预警叫应及时率", "disaster", "%", "alerts.ack_in_time", "gte", "90", "10", "quarter",
     "emergency", "", "“叫应”机制"),
    ("first_report_on_time", "突发事件首报按时率", "capability", "%", "incidents.first_report_on_time", "gte", "100",
     "5", "year", "emergency", "", "突发事件信息报告办法"),
    ("initial_report_on_time", "灾情初报按时率", "capability", "%", "disasters.initial_report_on_time", "gte", "100",
     "5", "year", "emergency", "", "自然灾害情况统计调查制度"),
    ("drill_coverage", "乡镇和部门应急演练覆盖率", "capability", "%", "drills.coverage", "gte", "100", "10", "year",
     "emergency", "", "生产安全事故应急条例第八条"),
    ("plan_filing", "应急预案备案率", "capability", "%", "plans.filing_rate", "gte", "100", "5", "year", "emergency",
     "", "生产安全事故应急预案管理办法第二十六条"),
    ("inspection_plan", "监督检查计划完成率", "governance", "%", "enforcement.plan_completion", "gte", "100", "10",
     "year", "emergency", "", "年度监督检查计划"),
]  # fmt: skip

# Five years of bases: GDP (亿元) growing ~5 %, workers and population of a mountain county of ~40 万人.
GDP_NOW, WORKERS_NOW, POPULATION_NOW = Decimal("186.40"), 61_500, 398_000
# Manual values of past years: (code, value, note).
MANUAL = {
    "disaster_liability": ("0", "全年未发生因灾群死群伤责任事件"),
    "monitored_site_deaths": ("0", "已落实监测措施的灾害点无人员伤亡"),
    "forest_fire_rate": ("0.12", "受害森林面积 38.6 公顷 / 森林面积 32.1 万公顷"),
}


def load(*, actor, county, townships, departments) -> dict[str, int]:
    by_kind = {d.kind: d for d in departments}
    made = objects_bulk_create(
        actor=actor,
        model=Indicator,
        instances=[
            Indicator(
                region=county, code=code, name=name, category=category, unit=unit, source=source, direction=direction,
                target=Decimal(target), amber_band=Decimal(band), period=period,
                responsible_department=by_kind.get(kind), responsible_text=text, basis=basis, order=i * 10,
                formula=_formula(source), synthetic=True,
            )
            for i, (code, name, category, unit, source, direction, target, band, period, kind, text, basis)
            in enumerate(INDICATORS, start=1)
        ],
    )  # fmt: skip
    year = timezone.localdate().year
    objects_bulk_create(
        actor=actor,
        model=YearBase,
        instances=[
            YearBase(
                region=county,
                year=year - back,
                gdp=(GDP_NOW / Decimal("1.05") ** back).quantize(Decimal("0.01")),
                workers=int(WORKERS_NOW * (1 - 0.01 * back)),
                population=int(POPULATION_NOW * (1 + 0.004 * back)),
                source="演示数据（按县域经济规模估算）",
                synthetic=True,
            )
            for back in range(5)
        ],
    )
    manual = []
    for indicator in made:
        if indicator.code not in MANUAL:
            continue
        value, note = MANUAL[indicator.code]
        for back in range(1, 5):
            manual.append(
                IndicatorValue(
                    indicator=indicator, period_start=dt.date(year - back, 1, 1),
                    period_end=dt.date(year - back, 12, 31),
                    value=Decimal(value), note=f"{note}（演示数据）",
                    entered_by=actor if not isinstance(actor, str) else None,  # the loader may name a label
                )
            )  # fmt: skip
    IndicatorValue.objects.bulk_create(manual)
    computed = services_indicators.recompute(county.code, timezone.localdate(), actor=actor, periods=5)
    return {"核心指标": len(made), "年度基数": 5, "指标值": computed + len(manual)}


def _formula(source: str) -> str:
    from anlan.kpi.computed import CALCULATORS

    return CALCULATORS[source].formula if source in CALCULATORS else "由责任单位填报，附佐证材料"
