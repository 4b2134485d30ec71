"""森林防火: fire periods and the county's rule settings, daily fire-danger levels per township, 野外用火审批
(burn permits) and 护林员 (rangers, linked to registry.Person; their patrols are sites.PatrolTask on the
森林火险区 sites they guard). Facts and defaults: standards §19; see docs/forestfire.md."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopeSpec
from anlan.core.validators import validate_phone
from anlan.geo.polygons import check_polygon

from . import rules

__all__ = ["BurnPermit", "DangerLevel", "FireSeason", "ForestFireSetting", "Ranger"]


class FireSeason(AnlanModel):
    """A 森林防火期 or 森林高火险期 of one county (Art. 23, 28: set and published by the county; no national
    default), as an editable date range; a county may have several (重庆: two a year)."""

    class Kind(models.TextChoices):
        PERIOD = "period", "森林防火期"
        HIGH = "high", "森林高火险期"

    region = models.ForeignKey("geo.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=8, choices=Kind.choices, default=Kind.PERIOD)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    basis = models.CharField("依据", max_length=200, blank=True, help_text="如：县政府通告文号")

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "森林防火期"
        verbose_name_plural = "森林防火期"
        ordering = ["-start", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期"})
        if self.region_id and len(self.region_id.rstrip("0")) > 6:
            raise ValidationError({"region": "防火期由县级人民政府规定，请选择县（区）"})


class ForestFireSetting(AnlanModel):
    """The county's values for rules the national text leaves open (each default documented in §19)."""

    class HighPeriodRule(models.TextChoices):
        REFUSE = "refuse", "一律不予批准（严禁一切野外用火）"
        ESCALATE = "escalate", "报县级审批"

    region = models.OneToOneField("geo.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    warning_level = models.PositiveSmallIntegerField(
        "发布预警的火险等级",
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(5)],
        help_text="默认值 3 级，依据森林火险预警信号自三级（黄色）起发布（标准 §19.6）",
    )
    max_permit_level = models.PositiveSmallIntegerField(
        "允许用火的最高火险等级",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="默认值 3 级，依据广东省森林防火条例第26条、重庆市条例第29条（地方性法规，标准 §19.3）",
    )
    township_approves = models.BooleanField(
        "委托乡镇审批野外用火",
        default=False,
        help_text="默认不委托：条例第25条由县级人民政府批准；广东等地允许委托乡镇（标准 §19.3）",
    )
    high_period_rule = models.CharField(
        "高火险期的用火申请",
        max_length=10,
        choices=HighPeriodRule.choices,
        default=HighPeriodRule.REFUSE,
        help_text="默认一律不予批准，依据条例第28条“可以决定严禁一切野外用火”（标准 §19.2）",
    )

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "森林防火设置"
        verbose_name_plural = "森林防火设置"

    def __str__(self):
        return f"{self.region} 森林防火设置"

    def clean(self):
        if self.region_id and len(self.region_id.rstrip("0")) > 6:
            raise ValidationError({"region": "森林防火设置按县（区）填写，请选择县（区）"})


class DangerLevel(AnlanModel):
    """The forest-fire danger level (森林火险气象等级, 1–5) of one township on one day."""

    class Source(models.TextChoices):
        MANUAL = "manual", "人工录入（页面、Excel）"
        FEED = "feed", "气象数据接口"

    region = models.ForeignKey("geo.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期", db_index=True)
    level = models.PositiveSmallIntegerField(
        "火险等级", validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1–5 级"
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.MANUAL)
    warning = models.ForeignKey(
        "alerts.Warning", verbose_name="预警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "森林火险等级"
        verbose_name_plural = "森林火险等级"
        ordering = ["-day", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="one_danger_level_per_township_day")]

    def __str__(self):
        return f"{self.region} {self.day:%m-%d} {rules.level_name(self.level)}"

    def clean(self):
        code = self.region_id or ""
        if code and (code[9:] != "000" or code[6:9] == "000"):
            raise ValidationError({"region": "火险等级按乡镇（街道）填写，请选择乡镇（街道）"})

    @property
    def colour(self) -> str:
        return rules.level_colour(self.level)

    @property
    def level_label(self) -> str:
        return f"{rules.level_name(self.level)}（{rules.LEVELS[self.level][1]}）"


class BurnPermit(AnlanModel):
    """A 野外用火 application and its decision (§19.3)."""

    class Purpose(models.TextChoices):
        PEST = "pest", "防治病虫害"
        FROST = "frost", "防冻"
        AGRICULTURE = "agriculture", "农事用火（烧田埂、秸秆等）"
        FIREBREAK = "firebreak", "计划烧除、开设防火隔离带"
        OTHER = "other", "其他特殊情况"
        BLASTING = "blasting", "爆破"
        LIVE_FIRE = "live_fire", "实弹演习"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        ESCALATED = "escalated", "已报上级审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"
        WITHDRAWN = "withdrawn", "已撤回"

    number = models.CharField("许可证号", max_length=32, unique=True, editable=False)
    applicant = models.CharField("申请人", max_length=100)
    applicant_phone = EncryptedCharField(
        "联系电话", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone]
    )
    person_in_charge = models.CharField("现场负责人", max_length=64)
    region = models.ForeignKey(
        "geo.Region", verbose_name="用火地点所在区划", on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField("地点", max_length=200)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    radius_m = models.PositiveIntegerField(
        "用火半径（米）", default=50, validators=[MinValueValidator(5), MaxValueValidator(2000)]
    )
    polygon = models.JSONField("用火范围（GeoJSON 面）", null=True, blank=True, validators=[check_polygon])
    purpose = models.CharField("用火目的", max_length=12, choices=Purpose.choices)
    area_mu = models.DecimalField("用火面积（亩）", max_digits=8, decimal_places=1, null=True, blank=True)
    starts_at = models.DateTimeField("用火开始时间")
    ends_at = models.DateTimeField("用火结束时间")
    safety_measures = models.TextField("防火安全措施", help_text="防火隔离带、扑火人员和工具、熄灭后看守")
    approver_level = models.CharField("审批机关", max_length=10, choices=list(rules.APPROVER_LABELS.items()))
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.CharField("审批人", max_length=150, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reason = models.TextField("审批意见", blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = frozenset({*LOCAL_REGISTRY_ROLES, Role.VILLAGE_WORKER})

    class Meta:
        verbose_name = "野外用火审批"
        verbose_name_plural = "野外用火审批"
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return f"{self.number} {self.applicant}"

    def clean(self):
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                raise ValidationError({"ends_at": "结束时间应晚于开始时间"})
            if (self.ends_at - self.starts_at).days >= 7:
                raise ValidationError({"ends_at": "一次用火时间不超过 7 天，请分次申请"})


class Ranger(AnlanModel):
    """A 护林员 (Art. 22): a person of the registry (phone kept there, encrypted and masked), optionally a user
    who reports from the field, and the 森林火险区 sites that are his patrol area."""

    person = models.OneToOneField(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="ranger"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ranger",
        help_text="有账号的护林员可在手机上打卡、报告火情",
    )
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    full_time = models.BooleanField("专职", default=True)
    sites = models.ManyToManyField(
        "sites.HazardSite", verbose_name="巡护区域（森林火险区）", blank=True, related_name="rangers"
    )
    area = models.JSONField("巡护范围（GeoJSON 面）", null=True, blank=True, validators=[check_polygon])
    active = models.BooleanField("在岗", default=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "护林员"
        verbose_name_plural = "护林员"
        ordering = ["region", "id"]

    def __str__(self):
        return self.person.name


register_actions(
    {
        "burn_permit_apply": "野外用火申请",
        "danger_levels_save": "录入森林火险等级",
        "danger_warning_draft": "森林火险预警拟稿",
        "ranger_fire_report": "护林员报告火情",
    }
)
