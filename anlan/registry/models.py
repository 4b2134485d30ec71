"""The county's organisations and people: industry departments (行业部门), responsible persons with their duty
roles, and enterprises (辖企档案). Users (accounts) belong to a department or an enterprise, so this app sits
below accounts."""

from django.db import models

from anlan.core.fields import BlindIndexField, EncryptedCharField, channel_order_field
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import NOBODY, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopeSpec
from anlan.core.validators import validate_credit_code, validate_id_number, validate_people_count, validate_phone

from .gbt4754 import INDUSTRY_CHOICES, section_of

__all__ = ["Department", "DepartmentKind", "DutyRole", "Enterprise", "Person"]


class DepartmentKind(models.TextChoices):
    EMERGENCY = "emergency", "应急管理"
    WATER = "water", "水利"
    NATURAL_RESOURCES = "natural_resources", "规划和自然资源"
    FORESTRY = "forestry", "林业"
    METEOROLOGY = "meteorology", "气象"
    TRANSPORT = "transport", "交通运输"
    HOUSING = "housing", "住房城乡建设"
    ECONOMY = "economy", "经济信息"
    MARKET = "market", "市场监管"
    TOURISM = "tourism", "文化旅游"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    PUBLIC_SECURITY = "public_security", "公安"
    FIRE_RESCUE = "fire_rescue", "消防救援"
    AGRICULTURE = "agriculture", "农业农村"
    ECOLOGY = "ecology", "生态环境"
    COMMERCE = "commerce", "商务"
    OTHER = "other", "其他"


class Department(AnlanModel):
    """An industry department (行业部门) of a county: it owns sectors, hazards and tasks."""

    code = models.CharField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100)
    kind = models.CharField("行业类别", max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    duty_phone = models.CharField("值班电话", max_length=32, blank=True)
    responsibilities = models.TextField("主要职责", blank=True)

    scope_spec = ScopeSpec(region="region", department="id", ancestors_visible=True)
    write_roles = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})

    class Meta:
        # The table keeps its first name: the model moved here from accounts (registry migration 0005).
        db_table = "accounts_department"
        verbose_name = "行业部门"
        verbose_name_plural = "行业部门"
        ordering = ["code"]

    def __str__(self):
        return self.name


class DutyRole(models.Model):
    """A duty a person holds (防汛三个责任人, 群测群防员, 网格员 …): whom warnings and tasks reach."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "责任类型"
        verbose_name_plural = "责任类型"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Enterprise(AnlanModel):
    """A production and business entity in the jurisdiction (辖企档案)."""

    class Scale(models.TextChoices):
        LARGE = "large", "大型"
        MEDIUM = "medium", "中型"
        SMALL = "small", "小型"
        MICRO = "micro", "微型"

    class StandardGrade(models.TextChoices):  # 安全生产标准化等级
        GRADE_1 = "1", "一级"
        GRADE_2 = "2", "二级"
        GRADE_3 = "3", "三级"
        BELOW = "below", "未达标"
        NONE = "none", "未评定"

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code])
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name="行业主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    industry = models.CharField(
        "行业（GB/T 4754 大类）", max_length=2, choices=INDUSTRY_CHOICES, blank=True, help_text="门类由大类自动确定"
    )
    scale = models.CharField("企业规模", max_length=8, choices=Scale.choices, blank=True)
    employees = models.PositiveIntegerField("从业人员数", null=True, blank=True, validators=[validate_people_count])
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    principal = models.CharField("主要负责人", max_length=64, blank=True)
    principal_phone = EncryptedCharField(
        "主要负责人电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    principal_phone_index = BlindIndexField("主要负责人电话检索索引", source="principal_phone")
    safety_manager = models.CharField("安全管理人员", max_length=64, blank=True)
    safety_manager_phone = EncryptedCharField(
        "安全管理人员电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    safety_manager_phone_index = BlindIndexField("安全管理人员电话检索索引", source="safety_manager_phone")
    standard_grade = models.CharField(
        "安全生产标准化等级", max_length=8, choices=StandardGrade.choices, default=StandardGrade.NONE
    )
    has_major_hazard = models.BooleanField("重大危险源", default=False)
    is_hazchem = models.BooleanField("危险化学品", default=False)
    is_dust_explosive = models.BooleanField("粉尘涉爆", default=False)
    has_confined_space = models.BooleanField("有限空间作业", default=False)
    has_ammonia_refrigeration = models.BooleanField("涉氨制冷", default=False)
    is_fireworks = models.BooleanField("烟花爆竹", default=False)
    is_non_coal_mine = models.BooleanField("非煤矿山", default=False)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="id")

    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["region_id", "name"])]  # the list's order, read off the index

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()

    @property
    def section(self) -> str:
        """The GB/T 4754 门类, e.g. "C 制造业"."""
        found = section_of(self.industry)
        return f"{found[0]} {found[1]}" if found else ""

    RISK_FLAGS = (
        "has_major_hazard",
        "is_hazchem",
        "is_dust_explosive",
        "has_confined_space",
        "has_ammonia_refrigeration",
        "is_fireworks",
        "is_non_coal_mine",
    )


class Person(AnlanModel):
    """A responsible person linked to a region, optionally to a department or an enterprise."""

    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT)
    enterprise = models.ForeignKey(Enterprise, verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.CharField("工作单位", max_length=100, blank=True)
    position = models.CharField("职务", max_length=64, blank=True)
    duty_roles = models.ManyToManyField(DutyRole, verbose_name="责任类型", blank=True, related_name="persons")
    phone = EncryptedCharField("手机号码", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone])
    phone_index = BlindIndexField("手机号码检索索引", source="phone")
    id_number = EncryptedCharField(
        "身份证号码", sensitive_kind="id_number", max_length_plain=18, blank=True, validators=[validate_id_number]
    )
    channel_order = channel_order_field()
    confirmed_on = models.DateField("信息核实日期", null=True, blank=True, help_text="责任人信息最近一次核实的日期")
    notes = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")

    # The fields people fill in, in form order (used by the form, Excel and the API alike).
    EDITABLE_FIELDS = (
        "name",
        "region",
        "department",
        "enterprise",
        "organisation",
        "position",
        "duty_roles",
        "phone",
        "id_number",
        "channel_order",
        "confirmed_on",
        "notes",
    )

    # Grid workers keep their village's responsible persons current (they see phones masked).
    write_roles = frozenset({*SECTOR_REGISTRY_ROLES, Role.VILLAGE_WORKER})

    class Meta:
        verbose_name = "责任人"
        verbose_name_plural = "责任人"
        ordering = ["region_id", "name", "id"]

    def __str__(self):
        return self.name


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions({"assign_duty_roles": "指定责任类型"})
