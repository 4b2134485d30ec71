"""分类分级监督管理 (安全生产法 Art. 62) and the 年度监督检查计划.

Classes and their yearly caps are data, not code: no national rule fixes them (standards.md §11.4), so
the demo loads Shanxi's 2025 scheme as the documented default and a province edits the table.
"""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import COUNTY_ONLY, ENFORCERS

__all__ = ["EnterpriseSupervision", "InspectionPlan", "PlanLine", "SupervisionClass"]


class SupervisionClass(AnlanModel):
    """One class of a province's scheme for one sector group, with its cap of inspections per year."""

    class SectorGroup(models.TextChoices):
        COAL = "coal", "煤矿"
        NON_COAL_MINE = "non_coal_mine", "非煤矿山"
        HAZCHEM = "hazchem", "危险化学品、冶金（按标准化等级）"
        OTHER = "other", "其他行业"

    scheme = models.CharField("分类方案", max_length=64, help_text="如：山西省2025年（默认，见参考资料 §11.4）")
    sector_group = models.CharField("行业组", max_length=16, choices=SectorGroup.choices)
    code = models.CharField("类别", max_length=8, help_text="A/B/C/D，或标准化等级 1/2/3/未达标")
    name = models.CharField("类别名称", max_length=32)
    yearly_cap = models.PositiveSmallIntegerField("年度检查次数上限")
    note = models.CharField("说明", max_length=200, blank=True)

    scope_spec = ScopeSpec(region=None)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "监管分类"
        verbose_name_plural = "监管分类"
        ordering = ["scheme", "sector_group", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "sector_group", "code"], name="enforcement_class_unique")
        ]

    def __str__(self):
        return f"{self.get_sector_group_display()} {self.name}"


class EnterpriseSupervision(AnlanModel):
    """An enterprise's class (分类分级) and the department that supervises it."""

    enterprise = models.OneToOneField(
        "registry.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="supervision"
    )
    supervision_class = models.ForeignKey(SupervisionClass, verbose_name="监管类别", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="监管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    assessed_on = models.DateField("定级日期", null=True, blank=True)
    # False: the class the rule proposed (enforcement/classes.py); True: set by hand, with the reason in
    # `note` — bulk classification never touches an enterprise that has a class, set either way.
    manual = models.BooleanField("人工调整", default=False)
    note = models.CharField("备注", max_length=200, blank=True)

    scope_spec = ScopeSpec(region="enterprise__region", department="department", enterprise="enterprise")
    write_roles = ENFORCERS

    class Meta:
        verbose_name = "企业监管分类"
        verbose_name_plural = "企业监管分类"
        ordering = ["enterprise__name"]

    def __str__(self):
        return f"{self.enterprise} {self.supervision_class}"

    # Columns of the classification list (its selector joins enterprise__region and supervision_class).
    @property
    def region_name(self) -> str:
        return self.enterprise.region.name

    @property
    def sector_group_name(self) -> str:
        return self.supervision_class.get_sector_group_display()

    @property
    def yearly_cap(self) -> int:
        return self.supervision_class.yearly_cap


class InspectionPlan(AnlanModel):
    """The county's 年度监督检查计划: generated from classes and sectors, adjusted, approved, published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编制中"
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已审批"
        PUBLISHED = "published", "已公布"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("geo.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("计划名称", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    random_share = models.PositiveSmallIntegerField(
        "双随机抽查占比（%）", default=70, help_text="随机抽查不低于计划的 70%（参考资料 §11.4，某区做法，可调整）"
    )
    note = models.TextField("说明", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报批时间", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "年度监督检查计划"
        verbose_name_plural = "年度监督检查计划"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="enforcement_plan_one_per_year")]

    def __str__(self):
        return self.name


class PlanLine(AnlanModel):
    """Planned inspections of one department in one sector group and month."""

    plan = models.ForeignKey(InspectionPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="lines")
    department = models.ForeignKey("registry.Department", verbose_name="执法部门", on_delete=models.PROTECT)
    sector_group = models.CharField("行业组", max_length=16, choices=SupervisionClass.SectorGroup.choices)
    month = models.PositiveSmallIntegerField("月份")
    planned = models.PositiveIntegerField("计划检查家次")
    # What generation computed, kept when a line is adjusted by hand so the page shows both.
    generated = models.PositiveIntegerField("生成值", default=0)
    reason = models.CharField("调整原因", max_length=200, blank=True)

    scope_spec = ScopeSpec(region="plan__region", department="department", ancestors_visible=True)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "计划明细"
        verbose_name_plural = "计划明细"
        ordering = ["plan", "month", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department", "sector_group", "month"], name="enforcement_plan_line_unique"
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="enforcement_plan_line_month"),
        ]

    def __str__(self):
        return f"{self.plan} {self.month}月 {self.department}"
