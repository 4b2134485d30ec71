"""Risk points (风险点) with their assessment history, the bureau's matrix thresholds, and major hazard
sources (重大危险源) whose grade follows their substances (GB 18218-2018)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

from . import gb18218, matrix

__all__ = [
    "GRADE_COLOURS",
    "Grade",
    "MajorHazardSource",
    "MajorHazardSubstance",
    "RiskAssessment",
    "RiskMatrixSetting",
    "RiskPoint",
]


class Grade(models.TextChoices):
    RED = "red", "重大风险（红）"
    ORANGE = "orange", "较大风险（橙）"
    YELLOW = "yellow", "一般风险（黄）"
    BLUE = "blue", "低风险（蓝）"


GRADE_COLOURS = {"red": "#e02020", "orange": "#f28c28", "yellow": "#f5d000", "blue": "#2f7fd8", "": "#9aa5b1"}

# GB 6441-1986《企业职工伤亡事故分类》: the 20 accident types a risk point may lead to.
ACCIDENT_TYPES = [
    *("物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌"),
    *("冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其它爆炸", "中毒和窒息", "其它伤害"),
]


def _public_token() -> str:
    return secrets.token_urlsafe(12)


class RiskMatrixSetting(AnlanModel):
    """The LS matrix thresholds a county uses (no national standard fixes them: reference §7.2)."""

    region = models.OneToOneField("geo.Region", verbose_name="区县", on_delete=models.PROTECT)
    red = models.PositiveSmallIntegerField("重大风险下限（R≥）", default=matrix.DEFAULT_THRESHOLDS["red"])
    orange = models.PositiveSmallIntegerField("较大风险下限（R≥）", default=matrix.DEFAULT_THRESHOLDS["orange"])
    yellow = models.PositiveSmallIntegerField("一般风险下限（R≥）", default=matrix.DEFAULT_THRESHOLDS["yellow"])
    basis = models.CharField("依据", max_length=200, blank=True, help_text="如：DB37/T 2882")

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "风险矩阵阈值"
        verbose_name_plural = "风险矩阵阈值"
        ordering = ["region"]

    def __str__(self):
        return f"{self.region}：红≥{self.red} 橙≥{self.orange} 黄≥{self.yellow}"

    def clean(self):
        if self.region_id and self.region_id[6:] != "000000":
            raise ValidationError({"region": "风险矩阵阈值按区县设置，请选择区县"})
        if not (self.red or 0) > (self.orange or 0) > (self.yellow or 0) > 1 or (self.red or 0) > 25:
            raise ValidationError("阈值应满足 25 ≥ 重大 > 较大 > 一般 > 1")

    def thresholds(self) -> dict:
        return {"red": self.red, "orange": self.orange, "yellow": self.yellow}


class RiskPoint(AnlanModel):
    """A place, installation or activity where an accident could start, and how it is controlled."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业风险点"
        PUBLIC_PLACE = "public_place", "人员密集场所"
        INFRASTRUCTURE = "infrastructure", "城市运行设施"
        CONSTRUCTION = "construction", "在建工程"
        OTHER = "other", "其他"

    class ControlLevel(models.TextChoices):  # 分级管控：grade decides who controls it
        COUNTY = "county", "县级管控"
        TOWNSHIP = "township", "乡镇（街道）管控"
        UNIT = "unit", "单位（企业）管控"
        WORKSHOP = "workshop", "车间（班组）管控"
        POST = "post", "岗位管控"

    name = models.CharField("风险点名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="行业主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField("位置描述", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    hazard_factors = models.TextField("主要危险有害因素")
    accident_types = models.CharField(
        "可能导致的事故类型", max_length=200, blank=True, help_text="GB 6441 类别，多个用顿号分隔，如 火灾、其它爆炸"
    )
    controls = models.TextField("管控措施")
    emergency_measures = models.TextField("应急处置措施", blank=True)
    control_level = models.CharField("管控层级", max_length=16, choices=ControlLevel.choices, blank=True)
    responsible = models.CharField("管控责任人", max_length=64)
    responsible_phone = EncryptedCharField(
        "责任人电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    responsible_phone_index = BlindIndexField("责任人电话检索索引", source="responsible_phone")
    emergency_phone = models.CharField("应急电话", max_length=32, blank=True, help_text="告知卡上公开显示")
    # The current grade is the latest assessment's; it is written only by risk.services.assess.
    grade = models.CharField("风险等级", max_length=8, choices=Grade.choices, blank=True, editable=False)
    assessed_at = models.DateTimeField("评估时间", null=True, blank=True, editable=False)
    public_token = models.CharField(max_length=24, unique=True, default=_public_token, editable=False)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")

    write_roles = frozenset({*SECTOR_REGISTRY_ROLES, Role.ENTERPRISE_USER})

    class Meta:
        verbose_name = "风险点"
        verbose_name_plural = "风险点"
        ordering = ["region", "name"]
        indexes = [models.Index(fields=["grade"])]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = [t for t in self.accident_type_list() if t not in ACCIDENT_TYPES]
        if unknown:
            examples = "、".join(ACCIDENT_TYPES[:6])
            raise ValidationError(
                {"accident_types": f"不是 GB 6441 的事故类别：{'、'.join(unknown)}（如：{examples} …）"}
            )
        if self.enterprise_id and self.region_id and not self.region_id.startswith(self.enterprise.region_id[:9]):
            raise ValidationError({"region": "风险点所在区划应与所属企业一致"})

    def accident_type_list(self) -> list[str]:
        text = (self.accident_types or "").replace(",", "、").replace("，", "、").replace(" ", "、")
        return [t for t in (part.strip() for part in text.split("、")) if t]

    @property
    def colour(self) -> str:
        return GRADE_COLOURS[self.grade or ""]


class RiskAssessment(models.Model):
    """One assessment of a risk point (LEC or LS matrix); the history is never rewritten."""

    class Method(models.TextChoices):
        LEC = "lec", "LEC 作业条件危险性评价法"
        MATRIX = "matrix", "LS 风险矩阵法"

    point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="assessments", verbose_name="风险点")
    method = models.CharField("方法", max_length=8, choices=Method.choices)
    L = models.FloatField("L（可能性）")
    E = models.FloatField("E（暴露频繁程度）", null=True, blank=True)
    C = models.FloatField("C（后果）", null=True, blank=True)
    S = models.PositiveSmallIntegerField("S（严重性）", null=True, blank=True)
    score = models.FloatField("D / R 值")
    grade = models.CharField("风险等级", max_length=8, choices=Grade.choices)
    thresholds = models.JSONField("所用阈值", null=True, blank=True)
    assessor = models.CharField("评估人", max_length=150)
    note = models.TextField("说明", blank=True)
    assessed_at = models.DateTimeField("评估时间", default=timezone.now)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="point__region", department="point__department", enterprise="point__enterprise")
    write_roles = frozenset()  # written only by risk.services.assess

    class Meta:
        verbose_name = "风险评估记录"
        verbose_name_plural = "风险评估记录"
        ordering = ["-assessed_at", "-id"]

    def __str__(self):
        return f"{self.point} {self.get_method_display()} {self.get_grade_display()}"


class MajorHazardSource(AnlanModel):
    """A unit (生产单元 or 储存单元) of an enterprise, identified and graded by GB 18218-2018.

    `is_major`, `sum_ratio`, `R` and `level` are derived from the substances on every save, so a change
    of a quantity re-grades the record (risk.services.substances_replace saves after each change).
    """

    class UnitKind(models.TextChoices):
        PRODUCTION = "production", "生产单元"
        STORAGE = "storage", "储存单元"

    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="所属企业", on_delete=models.PROTECT)
    name = models.CharField("单元名称", max_length=200)
    unit_kind = models.CharField("单元类型", max_length=12, choices=UnitKind.choices, default=UnitKind.STORAGE)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, editable=False)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="行业主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
    )
    exposed_people = models.PositiveIntegerField("厂区边界外500米范围内常住人口", default=0)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    record_no = models.CharField("备案编号", max_length=64, blank=True)
    principal = models.CharField("主要负责人（包保）", max_length=64, blank=True)
    technical_lead = models.CharField("技术负责人（包保）", max_length=64, blank=True)
    operations_lead = models.CharField("操作负责人（包保）", max_length=64, blank=True)
    is_major = models.BooleanField("构成重大危险源", default=False, editable=False)
    sum_ratio = models.FloatField("S=Σq/Q", default=0, editable=False)
    R = models.FloatField("R 值", null=True, blank=True, editable=False)
    level = models.PositiveSmallIntegerField("重大危险源级别", null=True, blank=True, editable=False)
    graded_at = models.DateTimeField("分级时间", null=True, blank=True, editable=False)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")

    write_roles = frozenset({*SECTOR_REGISTRY_ROLES, Role.ENTERPRISE_USER})

    class Meta:
        verbose_name = "重大危险源"
        verbose_name_plural = "危险源辨识单元"
        ordering = ["region", "enterprise", "name"]

    LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

    def __str__(self):
        return f"{self.enterprise}·{self.name}" if self.enterprise_id else self.name

    @property
    def level_label(self) -> str:
        return self.LEVEL_LABELS.get(self.level, "不构成" if self.graded_at else "未辨识")

    def save(self, *args, **kwargs):
        if self.enterprise_id:  # the unit belongs where its enterprise is, and to its supervising department
            self.region_id = self.enterprise.region_id
            self.department_id = self.enterprise.department_id
        if self.lon is None and self.enterprise_id:
            self.lon, self.lat = self.enterprise.lon, self.enterprise.lat
        self.regrade()
        super().save(*args, **kwargs)

    def regrade(self) -> None:
        items = [s.as_input() for s in self.substances.all()] if self.pk else []
        if not items:
            self.is_major, self.sum_ratio, self.R, self.level, self.graded_at = False, 0, None, None, None
            return
        result = gb18218.evaluate(items, int(self.exposed_people))
        self.is_major, self.sum_ratio = result.is_major_hazard, round(result.sum_ratio, 4)
        self.R = round(result.R, 3) if result.R is not None else None
        self.level = result.level
        self.graded_at = timezone.now()


class MajorHazardSubstance(models.Model):
    """One hazardous chemical in a unit: a named substance (Table 1, by name, alias or CAS) or a
    category of Table 2, with its design maximum quantity."""

    source = models.ForeignKey(
        MajorHazardSource, on_delete=models.CASCADE, related_name="substances", verbose_name="辨识单元"
    )
    name = models.CharField("物质名称或 CAS 号", max_length=100, blank=True)
    category = models.CharField("危险性类别（表2）", max_length=8, blank=True, help_text="未列名物质填写，如 W5.1")
    quantity_t = models.FloatField("设计最大量（吨）")
    # Filled from the standard when saved, so the ledger shows what was matched.
    matched_name = models.CharField("标准名称", max_length=100, blank=True)
    critical_t = models.FloatField("临界量（吨）", null=True, blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="source__region", department="source__department", enterprise="source__enterprise")

    write_roles = frozenset({*SECTOR_REGISTRY_ROLES, Role.ENTERPRISE_USER})

    class Meta:
        verbose_name = "危险化学品"
        verbose_name_plural = "危险化学品"
        ordering = ["id"]

    def __str__(self):
        return f"{self.matched_name or self.name or self.category} {self.quantity_t:g} 吨"

    def as_input(self) -> dict:
        item = {"quantity_t": float(self.quantity_t)}
        if self.name:
            item["cas" if _looks_like_cas(self.name) else "name"] = self.name
        if self.category:
            item["category"] = self.category
        return item


def _looks_like_cas(text: str) -> bool:
    parts = text.strip().split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts)


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions({"risk_assess": "风险评估", "major_hazard_regrade": "重大危险源重新分级"})
