"""防汛: flood works (水库 by SL 252 class, 堤防, 河道水位站) and their 责任人; the danger zones are the
sites app's 山洪危险区 and 易涝点 (HazardSite kinds flash_flood, waterlogging), reused with their households and
transfer lists. 汛期 dates and the county's settings; the 山洪 two-level rainfall thresholds of a zone, turned
into monitoring rules on its rain gauges. Facts and defaults: standards §20; see docs/flood.md."""

import itertools

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, SECTOR_REGISTRY_ROLES
from anlan.core.scoping import ScopeSpec

from . import rules

__all__ = ["Dike", "FlashFloodThreshold", "FloodResponsibility", "FloodSeason", "FloodSetting", "Reservoir"]
__all__ += ["RiverStation"]


def _county_only(region_id: str, what: str) -> None:
    if region_id and len(region_id.rstrip("0")) > 6:
        raise ValidationError({"region": f"{what}按县（区）填写，请选择县（区）"})


class FloodSetting(AnlanModel):
    """The county's values for what the national text leaves open (each default documented in §20)."""

    region = models.OneToOneField("geo.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    basin = models.CharField(
        "所属片区",
        max_length=8,
        choices=list(rules.BASIN_LABELS.items()),
        default=rules.SOUTH,
        help_text="默认值 南方片，决定未设定本年汛期时采用的默认日期（来源：水防〔2024〕89号，标准 §20.2）",
    )

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "防汛设置"
        verbose_name_plural = "防汛设置"

    def __str__(self):
        return f"{self.region} 防汛设置"

    def clean(self):
        _county_only(self.region_id, "防汛设置")


class FloodSeason(AnlanModel):
    """A county's 汛期 of one year (防汛条例 Art. 23: set by the provincial command), with its 主汛期."""

    region = models.ForeignKey("geo.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    start = models.DateField("入汛日期")
    end = models.DateField("出汛日期")
    main_start = models.DateField("主汛期开始", null=True, blank=True)
    main_end = models.DateField("主汛期结束", null=True, blank=True)
    basis = models.CharField("依据", max_length=200, blank=True, help_text="如：省防指入汛通知文号")

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "汛期"
        verbose_name_plural = "汛期"
        ordering = ["-year", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="flood_one_season_per_county_year")]

    def __str__(self):
        return f"{self.year}年汛期 {rules.month_day(self.start)}至{rules.month_day(self.end)}"

    def clean(self):
        _county_only(self.region_id, "汛期")
        if self.start and self.end:
            if self.end < self.start:
                raise ValidationError({"end": "出汛日期不能早于入汛日期"})
            if self.year and (self.start.year != self.year):
                raise ValidationError({"start": "入汛日期应在所填年度内"})
        if bool(self.main_start) != bool(self.main_end):
            raise ValidationError({"main_end": "主汛期的开始和结束须同时填写"})
        if self.main_start and self.main_end and self.start and self.end:
            if self.main_end < self.main_start:
                raise ValidationError({"main_end": "主汛期结束不能早于开始"})
            if self.main_start < self.start or self.main_end > self.end:
                raise ValidationError({"main_start": "主汛期应在汛期之内"})


class Reservoir(AnlanModel):
    """A reservoir (水库): its class by total storage (SL 252, computed), characteristic water levels, the
    water-level sensor and what lies downstream."""

    class DamType(models.TextChoices):
        EARTH = "earth", "土坝"
        ROCKFILL = "rockfill", "堆石坝"
        GRAVITY = "gravity", "重力坝"
        ARCH = "arch", "拱坝"
        OTHER = "other", "其他"

    code = models.CharField("水库代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    total_storage = models.DecimalField(
        "总库容（万m³）",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(10)],
        help_text="校核洪水位以下的静库容；10 万m³ 以下不属水库（塘坝）",
    )
    size_class = models.CharField(
        "工程规模", max_length=8, choices=[(c, label) for c, label, _, _ in rules.CLASSES], editable=False
    )
    dam_type = models.CharField("坝型", max_length=10, choices=DamType.choices, blank=True)
    dam_height = models.DecimalField("最大坝高（米）", max_digits=6, decimal_places=1, null=True, blank=True)
    flood_limit_level = models.DecimalField("汛限水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    normal_level = models.DecimalField("正常蓄水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    design_flood_level = models.DecimalField("设计洪水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    check_flood_level = models.DecimalField("校核洪水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    sensor = models.ForeignKey(
        "monitoring.Sensor",
        verbose_name="库水位计",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "water_level"},
    )
    downstream_villages = models.ManyToManyField(
        "geo.Region", verbose_name="下游受威胁村（社区）", blank=True, related_name="+"
    )
    downstream_people = models.PositiveIntegerField("下游受威胁人口（人）", default=0)

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "水库"
        verbose_name_plural = "水库"
        ordering = ["region", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.total_storage is not None and rules.reservoir_class(self.total_storage) == rules.BELOW_SMALL2:
            raise ValidationError({"total_storage": "总库容不足 10 万m³，不属于水库（SL 252 小(2)型下限）"})
        levels = [
            ("flood_limit_level", self.flood_limit_level),
            ("design_flood_level", self.design_flood_level),
            ("check_flood_level", self.check_flood_level),
        ]
        known = [(n, v) for n, v in levels if v is not None]
        for (_, low), (name, high) in itertools.pairwise(known):
            if high < low:
                label = self._meta.get_field(name).verbose_name
                raise ValidationError({name: f"{label}不应低于汛限水位和设计洪水位"})

    def save(self, *args, **kwargs):
        if self.total_storage is not None:
            found = rules.reservoir_class(self.total_storage)
            self.size_class = found if found != rules.BELOW_SMALL2 else ""
        super().save(*args, **kwargs)

    @property
    def grade(self) -> str:
        return rules.project_grade(self.size_class)

    @property
    def duty_status(self) -> str:
        """ "责任人完整" / "缺技术、巡查", from the list's annotations n_<post> (see views.with_post_counts)."""
        return rules.completeness_text(
            "reservoir", [p for p in rules.REQUIRED["reservoir"] if getattr(self, f"n_{p}", 0)]
        )


class RiverStation(AnlanModel):
    """A river water-level station: a monitoring water-level sensor with its 警戒水位 and 保证水位."""

    sensor = models.OneToOneField(
        "monitoring.Sensor",
        verbose_name="水位计",
        on_delete=models.CASCADE,
        related_name="river_station",
        limit_choices_to={"kind": "water_level"},
    )
    river = models.CharField("河流", max_length=100)
    warning_level = models.DecimalField("警戒水位（米）", max_digits=7, decimal_places=2)
    guarantee_level = models.DecimalField("保证水位（米）", max_digits=7, decimal_places=2)

    scope_spec = ScopeSpec(region="sensor__region", department="sensor__department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "河道水位站"
        verbose_name_plural = "河道水位站"
        ordering = ["sensor__region", "sensor__code"]

    def __str__(self):
        return f"{self.river} {self.sensor.name}" if self.sensor_id else self.river

    def clean(self):
        levels = (self.warning_level, self.guarantee_level)
        if None not in levels and self.guarantee_level <= self.warning_level:
            raise ValidationError({"guarantee_level": "保证水位应高于警戒水位"})


class Dike(AnlanModel):
    """A dike (堤防) with its grade, the people it protects and its water levels (or a linked station)."""

    code = models.CharField("堤防代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    river = models.CharField("所在河流", max_length=100)
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    length_km = models.DecimalField("长度（公里）", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    grade = models.PositiveSmallIntegerField(
        "堤防级别",
        null=True,
        blank=True,
        choices=rules.DIKE_GRADES,
        help_text="1 级最高（GB 50286 堤防工程设计规范），按核定的级别选择",
    )
    protected_people = models.PositiveIntegerField("保护人口（人）", default=0)
    warning_level = models.DecimalField("警戒水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    guarantee_level = models.DecimalField("保证水位（米）", max_digits=7, decimal_places=2, null=True, blank=True)
    station = models.ForeignKey(
        RiverStation,
        verbose_name="对应水位站",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dikes",
        help_text="填写后以水位站的警戒、保证水位为准",
    )
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "堤防"
        verbose_name_plural = "堤防"
        ordering = ["region", "code"]

    def __str__(self):
        return self.name

    @property
    def duty_status(self) -> str:
        return rules.completeness_text("dike", [p for p in rules.REQUIRED["dike"] if getattr(self, f"n_{p}", 0)])

    def clean(self):
        levels = (self.warning_level, self.guarantee_level)
        if None not in levels and self.guarantee_level <= self.warning_level:
            raise ValidationError({"guarantee_level": "保证水位应高于警戒水位"})
        if self.station_id is None and self.warning_level is None:
            raise ValidationError({"warning_level": "请填写警戒水位，或选择对应的水位站"})


class FloodResponsibility(AnlanModel):
    """One 防汛责任人 of a work or zone: a reservoir, a dike or a 山洪危险区 / 易涝点 site; the post (行政,
    技术, 巡查; for zones also 监测, 包保) and the registry person (phone kept there, encrypted, masked)."""

    class Post(models.TextChoices):
        ADMIN = rules.ADMIN, rules.POST_LABELS[rules.ADMIN]
        TECHNICAL = rules.TECHNICAL, rules.POST_LABELS[rules.TECHNICAL]
        PATROL = rules.PATROL, rules.POST_LABELS[rules.PATROL]
        MONITOR = rules.MONITOR, rules.POST_LABELS[rules.MONITOR]
        GUARD = rules.GUARD, rules.POST_LABELS[rules.GUARD]

    reservoir = models.ForeignKey(
        Reservoir, verbose_name="水库", null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    dike = models.ForeignKey(
        Dike, verbose_name="堤防", null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    site = models.ForeignKey(
        "sites.HazardSite",
        verbose_name="山洪危险区、易涝点",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flood_responsibilities",
        limit_choices_to={"kind__in": ["flash_flood", "waterlogging"]},
    )
    post = models.CharField("岗位", max_length=10, choices=Post.choices)
    person = models.ForeignKey(
        "registry.Person", verbose_name="责任人", on_delete=models.PROTECT, related_name="flood_responsibilities"
    )
    # The object's region (and department), copied on save: rows are scoped as the object is.
    region = models.ForeignKey(
        "geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+", editable=False
    )
    department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "防汛责任人"
        verbose_name_plural = "防汛责任人"
        ordering = ["region", "reservoir", "dike", "site", "post", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(reservoir__isnull=False, dike__isnull=True, site__isnull=True)
                    | models.Q(reservoir__isnull=True, dike__isnull=False, site__isnull=True)
                    | models.Q(reservoir__isnull=True, dike__isnull=True, site__isnull=False)
                ),
                name="flood_responsibility_one_object",
            ),
            models.UniqueConstraint(
                fields=["reservoir", "dike", "site", "post", "person"], name="flood_responsibility_once"
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.get_post_display()} {self.person}"

    @property
    def target(self):
        return self.reservoir or self.dike or self.site

    @property
    def target_label(self) -> str:
        """ "龙潭水库（水库）": the work or zone by name and kind, the list's first column."""
        target = self.target
        if target is None:
            return ""
        kind = {"reservoir": "水库", "dike": "堤防"}.get(self.target_kind) or target.get_kind_display()
        return f"{target.name}（{kind}）"

    @property
    def target_kind(self) -> str:
        return "reservoir" if self.reservoir_id else "dike" if self.dike_id else "site"

    def clean(self):
        chosen = [x for x in (self.reservoir_id, self.dike_id, self.site_id) if x]
        if len(chosen) != 1:
            raise ValidationError("请在水库、堤防、山洪危险区（易涝点）中选择且只选择一项")
        if self.site_id and self.site.kind not in ("flash_flood", "waterlogging"):
            raise ValidationError({"site": "只能选择山洪危险区或易涝点"})
        if self.post and self.post not in rules.POSTS[self.target_kind]:
            allowed = "、".join(rules.POST_LABELS[p] for p in rules.POSTS[self.target_kind])
            raise ValidationError({"post": f"该对象的岗位只能是：{allowed}"})

    def save(self, *args, **kwargs):
        target = self.target
        if target is not None:
            self.region_id, self.department_id = target.region_id, target.department_id
        super().save(*args, **kwargs)


class FlashFloodThreshold(AnlanModel):
    """A 山洪危险区's two-level rainfall thresholds (准备转移 / 立即转移, mm per 1 h, 3 h, 24 h; §20.6: per
    village and duration, not global) and the rain gauges they watch. Applying them writes one monitoring
    accumulation rule per gauge and duration (orange = 准备转移, red = 立即转移), kept in `rules`."""

    site = models.OneToOneField(
        "sites.HazardSite",
        verbose_name="山洪危险区",
        on_delete=models.CASCADE,
        related_name="flood_threshold",
        limit_choices_to={"kind": "flash_flood"},
    )
    prepare_1h = models.FloatField("1小时 准备转移（毫米）", null=True, blank=True)
    immediate_1h = models.FloatField("1小时 立即转移（毫米）", null=True, blank=True)
    prepare_3h = models.FloatField("3小时 准备转移（毫米）", null=True, blank=True)
    immediate_3h = models.FloatField("3小时 立即转移（毫米）", null=True, blank=True)
    prepare_24h = models.FloatField("24小时 准备转移（毫米）", null=True, blank=True)
    immediate_24h = models.FloatField("24小时 立即转移（毫米）", null=True, blank=True)
    gauges = models.ManyToManyField(
        "monitoring.Sensor",
        verbose_name="雨量站",
        related_name="+",
        limit_choices_to={"kind": "rain_gauge"},
        help_text="本危险区使用的雨量站（一般为危险区内或所在乡镇的雨量站）",
    )
    rules = models.ManyToManyField("monitoring.Rule", verbose_name="报警规则", related_name="+", editable=False)
    basis = models.CharField("阈值来源", max_length=200, blank=True, help_text="如：山洪灾害调查评价成果、县防汛预案")

    scope_spec = ScopeSpec(region="site__region", department="site__department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "山洪预警阈值"
        verbose_name_plural = "山洪预警阈值"
        ordering = ["site__region", "site__code"]

    def __str__(self):
        return f"{self.site} 预警阈值"

    def pairs(self) -> dict[str, tuple[float | None, float | None]]:
        return {key: (getattr(self, f"prepare_{key}"), getattr(self, f"immediate_{key}")) for key in rules.DURATIONS}

    def clean(self):
        if self.site_id and self.site.kind != "flash_flood":
            raise ValidationError({"site": "只能为山洪危险区设置预警阈值"})
        errors = rules.threshold_errors(self.pairs())
        if errors:
            raise ValidationError("；".join(errors))

    @property
    def summary(self) -> str:
        parts = []
        for key, (prepare, immediate) in self.pairs().items():
            if prepare is not None and immediate is not None:
                parts.append(f"{rules.DURATION_LABELS[key]} {prepare:g}/{immediate:g} 毫米")
        return "；".join(parts)


register_actions(
    {
        "flood_thresholds_apply": "生成山洪预警规则",
        "flood_alarm_transfer": "山洪报警启动转移",
        "flood_alarm_notify": "山洪报警通知责任人",
        "flood_responsibility_import": "导入防汛责任人",
    }
)
