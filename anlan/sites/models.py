"""Natural hazard sites (地质灾害隐患点, 山洪危险区, 易涝点, 森林火险区 …) and their patrols (日周月巡查)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["HazardSite", "Household", "PatrolRule", "PatrolTask"]

GEOLOGICAL = ("landslide", "rockfall", "debris_flow", "subsidence", "unstable_slope")


class HazardSite(AnlanModel):
    """A place a natural hazard threatens, with the people it threatens and who watches it (群测群防)."""

    class Kind(models.TextChoices):
        LANDSLIDE = "landslide", "滑坡"
        ROCKFALL = "rockfall", "崩塌（危岩）"
        DEBRIS_FLOW = "debris_flow", "泥石流"
        SUBSIDENCE = "subsidence", "地面塌陷"
        UNSTABLE_SLOPE = "unstable_slope", "不稳定斜坡"
        FLASH_FLOOD = "flash_flood", "山洪危险区"
        WATERLOGGING = "waterlogging", "易涝点"
        FOREST_FIRE = "forest_fire", "森林火险区"
        DANGEROUS_SLOPE = "dangerous_slope", "危险边坡"
        OTHER = "other", "其他"

    class Scale(models.TextChoices):  # 地质灾害规模等级
        HUGE = "huge", "特大型"
        LARGE = "large", "大型"
        MEDIUM = "medium", "中型"
        SMALL = "small", "小型"

    class Monitoring(models.TextChoices):
        MASS = "mass", "群测群防"
        SMART = "smart", "普适型智能化监测"
        PROFESSIONAL = "professional", "专业监测"
        NONE = "none", "未监测"

    class Status(models.TextChoices):
        ACTIVE = "active", "在册"
        TREATED = "treated", "已工程治理"
        RELOCATED = "relocated", "已搬迁避让"
        REMOVED = "removed", "已核销"
        # Found by a 三查 check (geohazard) and not yet confirmed by the county: on no map, count or list of 在册.
        PROPOSED = "proposed", "新发现待确认"

    code = models.CharField("统一编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    scale = models.CharField("规模", max_length=8, choices=Scale.choices, blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    threatened_households = models.PositiveIntegerField("威胁户数", default=0)
    threatened_people = models.PositiveIntegerField("威胁人数", default=0)
    threatened_property = models.DecimalField("威胁财产（万元）", max_digits=12, decimal_places=2, default=0)
    monitors = models.ManyToManyField(
        "registry.Person", verbose_name="群测群防员及责任人", blank=True, related_name="hazard_sites"
    )
    monitoring = models.CharField("监测方式", max_length=16, choices=Monitoring.choices, default=Monitoring.MASS)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    warning_signal = models.CharField("预警信号", max_length=100, blank=True, help_text="如：鸣锣、口哨、广播")
    evacuation_route = models.TextField("撤离路线", blank=True)
    shelter = models.ForeignKey(
        "resources.Shelter", verbose_name="避险场所", null=True, blank=True, on_delete=models.SET_NULL
    )
    notes = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region", department="department")

    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "灾害隐患点"
        verbose_name_plural = "灾害隐患点"
        ordering = ["region", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.threatened_households and self.threatened_people < self.threatened_households:
            raise ValidationError({"threatened_people": "威胁人数不应少于威胁户数"})

    @property
    def geological(self) -> bool:
        return self.kind in GEOLOGICAL


class Household(AnlanModel):
    """A household a hazard site threatens (避险转移到户到人): who lives there, who is vulnerable, and the
    包保责任人 who gets them out when a warning or an incident opens the site's transfer list."""

    site = models.ForeignKey(HazardSite, verbose_name="隐患点", on_delete=models.CASCADE, related_name="households")
    region = models.ForeignKey("geo.Region", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+")
    head_name = models.CharField("户主姓名", max_length=50)
    phone = EncryptedCharField("联系电话", sensitive_kind="phone", max_length_plain=20, blank=True)
    people = models.PositiveSmallIntegerField("家庭人数（人）", default=1)
    vulnerable = models.PositiveSmallIntegerField("其中老弱病残孕（人）", default=0)
    vulnerable_note = models.CharField("需帮扶情况", max_length=200, blank=True, help_text="如：卧床老人 1 人，需担架")
    address = models.CharField("住址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包保责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guarded_households",
    )
    active = models.BooleanField("在册", default=True)

    scope_spec = ScopeSpec(region="region", department="site__department")
    write_roles = SECTOR_REGISTRY_ROLES
    # Names and phones of families: not for enterprises or rescue teams.
    view_roles = frozenset({*SECTOR_REGISTRY_ROLES, Role.VILLAGE_WORKER, Role.VIEWER})

    class Meta:
        verbose_name = "受威胁户"
        verbose_name_plural = "受威胁户"
        ordering = ["site", "region", "head_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vulnerable__lte=models.F("people")), name="sites_household_vulnerable_le_people"
            )
        ]

    def __str__(self):
        return f"{self.head_name}户（{self.people} 人）"

    def clean(self):
        if self.people is not None and self.vulnerable is not None and self.vulnerable > self.people:
            raise ValidationError({"vulnerable": "老弱病残孕人数不能多于家庭人数"})
        if self.site_id and self.region_id and self.region_id[:6] != self.site.region_id[:6]:
            raise ValidationError({"region": "受威胁户应与隐患点在同一县（区）"})


class PatrolRule(AnlanModel):
    """Who patrols which sites how often, and in which part of the year (001: 重点防范期 村日巡查、
    镇周抽查、区级部门月检查). A season may wrap the new year (e.g. 10-01 to 04-30)."""

    class Tier(models.TextChoices):
        VILLAGE = "village", "村（社区）巡查"
        TOWNSHIP = "township", "乡镇（街道）抽查"
        DEPARTMENT = "department", "部门检查"

    class Frequency(models.TextChoices):
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"

    name = models.CharField("名称", max_length=64)
    tier = models.CharField("层级", max_length=16, choices=Tier.choices)
    frequency = models.CharField("频次", max_length=8, choices=Frequency.choices)
    kinds = models.CharField("适用类型", max_length=200, blank=True, help_text="类型编码，逗号分隔；留空为全部类型")
    season_start = models.CharField("起始（月-日）", max_length=5, default="01-01")
    season_end = models.CharField("截止（月-日）", max_length=5, default="12-31")
    active = models.BooleanField("启用", default=True)

    scope_spec = ScopeSpec(region=None)  # county-wide settings every role may read
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "巡查规则"
        verbose_name_plural = "巡查规则"
        ordering = ["tier", "frequency", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        from .patrol import parse_month_day

        for name in ("season_start", "season_end"):
            try:
                parse_month_day(getattr(self, name))
            except ValueError:
                raise ValidationError({name: "格式应为 月-日，如 05-01"}) from None
        unknown = [k for k in self.kind_list() if k not in HazardSite.Kind.values]
        if unknown:
            raise ValidationError(
                {"kinds": f"未知类型：{'、'.join(unknown)}（可用：{'、'.join(HazardSite.Kind.values)}）"}
            )

    def kind_list(self) -> list[str]:
        return [k.strip() for k in self.kinds.split(",") if k.strip()]

    @property
    def kinds_label(self) -> str:
        """The kinds by name (森林火险区、山洪危险区), or 全部类型."""
        names = dict(HazardSite.Kind.choices)
        return "、".join(names.get(k, k) for k in self.kind_list()) or "全部类型"


class PatrolTask(models.Model):
    """One patrol due in one period; done by a check-in from the field, or flagged missed after the period."""

    class Status(models.TextChoices):
        PENDING = "pending", "待巡查"
        DONE = "done", "已巡查"
        MISSED = "missed", "漏巡"

    site = models.ForeignKey(HazardSite, verbose_name="隐患点", on_delete=models.CASCADE, related_name="patrols")
    rule = models.ForeignKey(PatrolRule, verbose_name="巡查规则", on_delete=models.PROTECT)
    tier = models.CharField("层级", max_length=16, choices=PatrolRule.Tier.choices)
    period_start = models.DateField("周期开始")
    due = models.DateField("截止日期", db_index=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    done_at = models.DateTimeField("打卡时间", null=True, blank=True)
    done_by = models.CharField("巡查人", max_length=150, blank=True)
    lon = models.FloatField("打卡经度", null=True, blank=True)
    lat = models.FloatField("打卡纬度", null=True, blank=True)
    distance_m = models.PositiveIntegerField("距隐患点（米）", null=True, blank=True)
    far_away = models.BooleanField("打卡位置偏远", default=False)
    found_problem = models.BooleanField("发现异常", default=False)
    note = models.TextField("巡查情况", blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="site__region", department="site__department")
    write_roles = frozenset()  # changed only by check-ins and the daily job

    class Meta:
        verbose_name = "巡查任务"
        verbose_name_plural = "巡查任务"
        ordering = ["-due", "site"]
        constraints = [
            models.UniqueConstraint(fields=["site", "rule", "period_start"], name="one_patrol_per_site_rule_period")
        ]

    def __str__(self):
        return f"{self.site} {self.get_tier_display()} {self.period_start}"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions({"patrol_check_in": "巡查打卡", "patrol_missed": "漏巡"})
