"""考核 (seed 000 "严格实施应急管理工作责任考核"): a scheme per year and kind of unit (townships or departments)
with its scoring items; one sheet per unit; each score comes from an indicator value, from the unit's tasks, or
by hand with evidence, goes through self-assessment and county review, and links to what it was based on."""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["Assessment", "AssessmentItem", "AssessmentScheme", "Score"]


class AssessmentScheme(AnlanModel):
    class Target(models.TextChoices):
        TOWNSHIP = "township", "乡镇（街道）"
        DEPARTMENT = "department", "县直部门"

    class Status(models.TextChoices):
        DRAFT = "draft", "编制中"
        SELF = "self", "自评中"
        REVIEW = "review", "县级评审"
        PUBLISHED = "published", "已公布"

    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("考核年度")
    title = models.CharField("考核方案", max_length=200)
    target = models.CharField("考核对象", max_length=12, choices=Target.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    self_due = models.DateField("自评截止", null=True, blank=True)
    review_due = models.DateField("评审截止", null=True, blank=True)
    notes = models.TextField("说明", blank=True)

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "target", "id"]

    def __str__(self):
        return self.title


class AssessmentItem(models.Model):
    class Method(models.TextChoices):
        INDICATOR = "indicator", "按指标计分"
        TASKS = "tasks", "按任务完成计分"
        MANUAL = "manual", "人工评分（附佐证）"

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items", verbose_name="方案")
    order = models.PositiveIntegerField("序号", default=0)
    category = models.CharField("类别", max_length=60, blank=True)
    title = models.CharField("考核内容", max_length=300)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    method = models.CharField("计分方法", max_length=10, choices=Method.choices, default=Method.MANUAL)
    indicator = models.ForeignKey(
        "kpi.Indicator", verbose_name="关联指标", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField("评分标准", max_length=500, blank=True)
    evidence_required = models.CharField("佐证要求", max_length=300, blank=True)
    # The indicator rule's data (kpi.scoring.indicator_points): each unit the value falls short of the target
    # costs this many points, down to 0; empty = proportional (value ÷ target of the points).
    deduct_per_unit = models.DecimalField(
        "每差1个单位扣分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="按指标计分时：未达目标，每差1个单位（如1个百分点）扣的分数；留空则按完成比例得分",
    )

    objects = ScopedManager()
    scope_spec = ScopeSpec(region="scheme__region", ancestors_visible=True)
    write_roles = NOBODY  # edited with the scheme while it is a draft (kpi.services_assessment)

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["scheme", "order", "id"]

    def __str__(self):
        return self.title


class Assessment(AnlanModel):
    """One unit's scoring sheet: a township (region = the township) or a department (region = the county)."""

    class Status(models.TextChoices):
        OPEN = "open", "待自评"
        SUBMITTED = "submitted", "已提交自评"
        REVIEWED = "reviewed", "已评审"

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="sheets", verbose_name="方案")
    region = models.ForeignKey("geo.Region", verbose_name="被考核区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="被考核部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_name = models.CharField("被考核单位", max_length=120)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    self_total = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True, blank=True)
    final_total = models.DecimalField("考核得分", max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField("排名", null=True, blank=True)
    submitted_at = models.DateTimeField("自评提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("评审时间", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = NOBODY  # opened by the scheme, written through kpi.services_assessment

    class Meta:
        verbose_name = "考核评分表"
        verbose_name_plural = "考核评分表"
        ordering = ["scheme", "rank", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "region", "department"], name="kpi_one_sheet_per_unit"),
        ]

    def __str__(self):
        return f"{self.unit_name} {self.scheme}"


class Score(models.Model):
    """One item on one sheet. `computed_points` come from the indicator or the tasks; `self_points` and
    `review_points` are the unit's and the county's; `evidence` lists what the score rests on (kind, id, label)
    so the page can link each score to its records."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name="评分表")
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="scores", verbose_name="考核项目")
    computed_points = models.DecimalField("系统计分", max_digits=6, decimal_places=2, null=True, blank=True)
    indicator_value = models.ForeignKey(
        "kpi.IndicatorValue",
        verbose_name="依据指标值",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_points = models.DecimalField("自评分", max_digits=6, decimal_places=2, null=True, blank=True)
    self_note = models.CharField("自评说明", max_length=500, blank=True)
    review_points = models.DecimalField("评审分", max_digits=6, decimal_places=2, null=True, blank=True)
    review_note = models.CharField("评审意见", max_length=500, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.JSONField("佐证", default=list, blank=True)
    evidence_file = models.FileField("佐证材料", upload_to="kpi/assessment/%Y/", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=200, blank=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(region="assessment__region", department="assessment__department")
    write_roles = NOBODY

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        ordering = ["assessment", "item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="kpi_one_score_per_item")]

    def __str__(self):
        return f"{self.item} {self.assessment}"
