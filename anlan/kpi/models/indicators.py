"""核心指标: the plan's target table as data. An indicator is computed from Anlan's own records (its `source` names
a calculator registered in `kpi.computed`) or entered by hand; each period's value is kept with the numerator and
denominator it came from, so a figure on the 考核 sheet can be traced to what was counted.

Rates per 10^5 workers, per 亿元 GDP and per 10^6 population divide by the county's `YearBase`, entered per year
(standards.md §17)."""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["Indicator", "IndicatorValue", "YearBase"]

# Indicators, their values and the bases are the county's: every role inside it reads them (a township sees the
# county's table, ancestors visible); only the county writes definitions and bases. Manual values are entered
# through kpi.services by the county or the responsible department (checked there), never through a generic form.
COUNTY_TABLE = ScopeSpec(region="region", ancestors_visible=True)


class Indicator(AnlanModel):
    class Period(models.TextChoices):
        YEAR = "year", "年度"
        HALF = "half", "半年"
        QUARTER = "quarter", "季度"
        MONTH = "month", "月度"

    class Direction(models.TextChoices):
        # Whether the target is a floor (闭环率 ≥ 95%) or a ceiling (亿元GDP死亡率 ≤ 0.01).
        AT_LEAST = "gte", "不低于目标"
        AT_MOST = "lte", "不高于目标"

    class Category(models.TextChoices):
        SAFETY = "safety", "安全生产"
        DISASTER = "disaster", "防灾减灾"
        CAPABILITY = "capability", "应急能力"
        GOVERNANCE = "governance", "基层治理"

    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField("指标编码", max_length=40)
    name = models.CharField("指标名称", max_length=120)
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.SAFETY)
    unit = models.CharField("单位", max_length=20, blank=True, help_text="如 %、人、人/10万人、人/亿元")
    # Empty source = entered by hand; otherwise the key of a calculator in kpi.computed (validated there).
    source = models.CharField("数据来源", max_length=40, blank=True, help_text="留空为手工填报")
    formula = models.CharField("计算方法", max_length=300, blank=True)
    direction = models.CharField("目标方向", max_length=3, choices=Direction.choices, default=Direction.AT_LEAST)
    target = models.DecimalField("目标值", max_digits=14, decimal_places=4, null=True, blank=True)
    # Within this distance of the target (same unit) the status is amber rather than red.
    amber_band = models.DecimalField("预警区间", max_digits=14, decimal_places=4, default=0)
    period = models.CharField("统计周期", max_length=8, choices=Period.choices, default=Period.YEAR)
    responsible_department = models.ForeignKey(
        "registry.Department",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpi_indicators",
    )
    responsible_text = models.CharField("责任单位（其他）", max_length=120, blank=True)
    basis = models.CharField("出处", max_length=200, blank=True, help_text="如《“十四五”应急体系规划》附表")
    active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    scope_spec = COUNTY_TABLE
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "核心指标"
        verbose_name_plural = "核心指标"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="kpi_indicator_code_per_region")]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """One period's figure. Computed values are recomputed (and replaced) until the period is locked; manual
    ones carry who entered them and their evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="指标")
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    value = models.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField("分子", max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField("分母", max_digits=16, decimal_places=4, null=True, blank=True)
    computed = models.BooleanField("系统计算", default=False)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    evidence = models.FileField("佐证材料", upload_to="kpi/evidence/%Y/", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=200, blank=True)
    locked = models.BooleanField("已锁定", default=False, help_text="考核引用后不再重算")

    objects = ScopedManager()
    scope_spec = ScopeSpec(region="indicator__region", ancestors_visible=True)
    write_roles = NOBODY

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        ordering = ["indicator", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="kpi_value_one_per_period"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_start:%Y-%m}"


class YearBase(AnlanModel):
    """The county's yearly denominators (standards.md §17): GDP, workers, resident population."""

    region = models.ForeignKey("geo.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    gdp = models.DecimalField("地区生产总值（亿元）", max_digits=12, decimal_places=2, null=True, blank=True)
    workers = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    population = models.PositiveIntegerField("常住人口（人）", null=True, blank=True)
    source = models.CharField("数据来源", max_length=200, blank=True, help_text="如 统计公报")

    scope_spec = COUNTY_TABLE
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "年度基数"
        verbose_name_plural = "年度基数"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="kpi_yearbase_one_per_year")]

    def __str__(self):
        return f"{self.year}年基数"
