"""Rescue forces (救援队伍), the expert pool (专家库), large equipment (大型装备) and shelters (应急避难场所)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, NOBODY, SECTOR_REGISTRY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import AtMost, validate_phone

__all__ = [
    "Equipment",
    "Expert",
    "RescueTeam",
    "Shelter",
    "ShelterCheck",
    "Specialty",
]


class Specialty(models.Model):
    """A rescue specialty or expert field (code table shared by teams and experts)."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)

    write_roles = COUNTY_ROLES  # a code table the county keeps

    class Meta:
        verbose_name = "专业类别"
        verbose_name_plural = "专业类别"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Readiness(models.TextChoices):
    READY = "ready", "随时待命"
    ASSEMBLING = "assembling", "集结中"
    DEPLOYED = "deployed", "执行任务"
    RESTING = "resting", "休整"
    UNAVAILABLE = "unavailable", "不可用"


class RescueTeam(AnlanModel):
    """A rescue team of any kind the seeds name, with where it is based and whether it is ready."""

    class Kind(models.TextChoices):
        FIRE_RESCUE = "fire_rescue", "综合性消防救援队伍"
        COUNTY = "county", "县综合应急救援队"
        REGIONAL = "regional", "区域应急救援队"
        TOWNSHIP = "township", "乡镇（街道）应急救援队"
        VILLAGE = "village", "村（社区）应急救援队"
        PROFESSIONAL = "professional", "专业应急救援队"
        MILITIA = "militia", "民兵应急队"
        ENTERPRISE = "enterprise", "企业专兼职救援队"
        SOCIAL = "social", "社会应急力量"
        MICRO_STATION = "micro_station", "微型消防站（社区应急救援站）"

    class SocialGrade(models.TextChoices):
        # 社会应急力量分类分级测评 grades: a team is rated within its category.
        GRADE_1 = "1", "一级"
        GRADE_2 = "2", "二级"
        GRADE_3 = "3", "三级"
        UNRATED = "unrated", "未测评"

    name = models.CharField("队伍名称", max_length=100)
    kind = models.CharField("队伍类别", max_length=20, choices=Kind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT
    )
    specialties = models.ManyToManyField(Specialty, verbose_name="专业", blank=True, related_name="teams")
    headcount = models.PositiveIntegerField("人数", validators=[MinValueValidator(1)])
    social_grade = models.CharField("社会力量测评等级", max_length=8, choices=SocialGrade.choices, blank=True)
    readiness = models.CharField("战备状态", max_length=16, choices=Readiness.choices, default=Readiness.READY)
    address = models.CharField("驻地地址", max_length=200, blank=True)
    lon = models.FloatField("驻地经度")
    lat = models.FloatField("驻地纬度")
    leader = models.CharField("负责人", max_length=64)
    leader_phone = EncryptedCharField(
        "负责人电话", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone]
    )
    leader_phone_index = BlindIndexField("负责人电话检索索引", source="leader_phone")
    duty_phone = models.CharField("值班电话", max_length=32, blank=True)
    notes = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")

    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "救援队伍"
        verbose_name_plural = "救援队伍"
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name


class Expert(AnlanModel):
    """A member of the expert pool (专家库)."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", "可调用"
        BUSY = "busy", "任务中"
        UNAVAILABLE = "unavailable", "暂不可用"

    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    specialties = models.ManyToManyField(Specialty, verbose_name="专业领域", related_name="experts")
    title = models.CharField("职称", max_length=64, blank=True)
    organisation = models.CharField("工作单位", max_length=100)
    phone = EncryptedCharField("联系电话", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone])
    phone_index = BlindIndexField("联系电话检索索引", source="phone")
    availability = models.CharField(
        "可用状态", max_length=16, choices=Availability.choices, default=Availability.AVAILABLE
    )
    lon = models.FloatField("所在经度", null=True, blank=True)
    lat = models.FloatField("所在纬度", null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region")

    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name


class Equipment(AnlanModel):
    """A large piece (or set) of equipment (大型装备) that dispatch can call on."""

    class Kind(models.TextChoices):
        EXCAVATOR = "excavator", "挖掘机"
        LOADER = "loader", "装载机"
        CRANE = "crane", "起重机"
        GENERATOR = "generator", "发电机组"
        PUMP_TRUCK = "pump_truck", "排涝泵车"
        BOAT = "boat", "冲锋舟"
        DRONE = "drone", "无人机"
        SATELLITE = "satellite", "卫星通信车"
        LIGHTING = "lighting", "应急照明车"
        FIRE_ENGINE = "fire_engine", "消防车"
        AMBULANCE = "ambulance", "救护车"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        AVAILABLE = "available", "完好可用"
        IN_USE = "in_use", "使用中"
        MAINTENANCE = "maintenance", "维修保养"
        UNAVAILABLE = "unavailable", "不可用"

    name = models.CharField("装备名称", max_length=100)
    kind = models.CharField("装备类别", max_length=16, choices=Kind.choices)
    quantity = models.PositiveIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    team = models.ForeignKey(
        RescueTeam, verbose_name="所属队伍", null=True, blank=True, on_delete=models.SET_NULL, related_name="equipment"
    )
    owner = models.CharField("产权单位", max_length=100)
    specs = models.CharField("规格型号", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    lon = models.FloatField("存放经度")
    lat = models.FloatField("存放纬度")

    scope_spec = ScopeSpec(region="region")

    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "大型装备"
        verbose_name_plural = "大型装备"
        ordering = ["region_id", "kind", "name"]

    def __str__(self):
        return self.name


def default_area_per_person() -> float:
    return settings.ANLAN_SHELTER_AREA_PER_PERSON_M2


SHELTER_AREA_MAX_M2 = 20_000_000


def capacity_for(effective_area_m2: float, area_per_person_m2: float) -> int:
    """Persons a shelter can take: effective area ÷ area per person, rounded down."""
    return int(effective_area_m2 // area_per_person_m2)


class Shelter(AnlanModel):
    """An emergency shelter (应急避难场所). Capacity = effective area ÷ area per person."""

    class Level(models.TextChoices):  # GB/T 44013-2024 grades by administrative level
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡镇（街道）级"
        VILLAGE = "village", "村（社区）级"

    class Period(models.TextChoices):  # GB 51143-2015 types
        EMERGENCY = "emergency", "紧急避难场所"
        SHORT = "short", "短期固定避难场所"
        MEDIUM = "medium", "中期固定避难场所"
        LONG = "long", "长期固定避难场所"
        CENTRAL = "central", "中心避难场所"

    class SiteClass(models.TextChoices):  # GB 21734-2008
        I = "I", "Ⅰ类（30天以上）"  # noqa: E741
        II = "II", "Ⅱ类（10～30天）"
        III = "III", "Ⅲ类（10天以内）"

    class Status(models.TextChoices):
        READY = "ready", "可启用"
        OPEN = "open", "已启用"
        CLOSED = "closed", "已关闭"
        MAINTENANCE = "maintenance", "维护中"

    name = models.CharField("场所名称", max_length=100)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    period = models.CharField("类型", max_length=16, choices=Period.choices)
    site_class = models.CharField("场址类别", max_length=4, choices=SiteClass.choices)
    effective_area_m2 = models.FloatField(
        "有效避难面积（㎡）",
        validators=[
            MinValueValidator(1, "有效避难面积至少 1 ㎡"),
            # The largest shelters are city parks of a few km²; more is a unit error (km² or mu typed as ㎡).
            AtMost(SHELTER_AREA_MAX_M2, "有效避难面积不合理（超过 2000 万㎡，即 20 平方公里），请核对单位"),
        ],
    )
    area_per_person_m2 = models.FloatField(
        "人均有效面积（㎡/人）",
        default=default_area_per_person,
        validators=[
            MinValueValidator(0.1, "人均有效面积至少 0.1 ㎡"),
            AtMost(100, "人均有效面积不合理（超过 100 ㎡/人），请核对"),
        ],
        help_text="默认 1.5㎡/人（GB 21734-2008 第5.4条：人均居住面积大于1.5㎡），可按场所类型调整",
    )
    address = models.CharField("地址", max_length=200)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    has_water = models.BooleanField("应急供水", default=False)
    has_power = models.BooleanField("应急供电", default=False)
    has_toilets = models.BooleanField("应急厕所", default=False)
    has_medical = models.BooleanField("医疗救护", default=False)
    has_broadcast = models.BooleanField("应急广播", default=False)
    manager = models.CharField("管理人", max_length=64)
    manager_phone = EncryptedCharField(
        "管理人电话", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone]
    )
    manager_phone_index = BlindIndexField("管理人电话检索索引", source="manager_phone")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.READY)

    scope_spec = ScopeSpec(region="region")

    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "避难场所"
        verbose_name_plural = "避难场所"
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name

    @property
    def capacity(self) -> int:
        return capacity_for(self.effective_area_m2, self.area_per_person_m2)

    def clean(self):
        # Occupancy never exceeds capacity: an edit of the area may not leave people present without room.
        if self.pk is None or self.effective_area_m2 is None or self.area_per_person_m2 is None:
            return
        from .services import shelter_occupancy

        present = shelter_occupancy(self)
        if present > self.capacity:
            raise ValidationError(
                {
                    "effective_area_m2": f"按此面积只能容纳 {self.capacity} 人，但当前在场 {present} 人；"
                    "请先登记离开或核对面积"
                }
            )


class ShelterCheck(models.Model):
    """A check-in or check-out of people at a shelter; occupancy is their running sum."""

    class Kind(models.TextChoices):
        IN = "in", "入住"
        OUT = "out", "离开"

    shelter = models.ForeignKey(Shelter, verbose_name="避难场所", on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)
    people = models.PositiveIntegerField("人数", validators=[MinValueValidator(1)])
    at = models.DateTimeField("时间", db_index=True)
    household = models.CharField("户主/联系人", max_length=64, blank=True)
    from_region = models.ForeignKey(
        "geo.Region", verbose_name="来自", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="shelter__region")

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "入住登记"
        verbose_name_plural = "入住登记"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.shelter} {self.get_kind_display()} {self.people}人"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions({"shelter_check_in": "入住登记", "shelter_check_out": "离开登记"})
