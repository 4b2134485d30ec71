"""Inspections on the phone: the sector's checklist, findings (each a hidden hazard of the enterprise),
photos and position, signatures of the two inspectors and the principal (or the refusal, 安全生产法 Art. 68).

Checklist items carry `standard_id, article, item, valid_from, valid_to` (standards.md §12: the 2017 and
2023 工贸 lists differ, so an item says which text it is).
"""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import CAMPAIGN_INSPECTORS, COUNTY_ONLY
from .draws import DrawObject
from .inspectors import Inspector

__all__ = ["Checklist", "ChecklistItem", "Finding", "FindingPhoto", "Inspection", "InspectionAnswer", "Signature"]


class Checklist(AnlanModel):
    class Kind(models.TextChoices):
        HAZCHEM = "hazchem", "化工和危险化学品重大隐患判定"
        GONGMAO = "gongmao", "工贸企业重大隐患判定"
        GENERAL = "general", "通用检查项"
        CAMPAIGN = "campaign", "专项整治"

    name = models.CharField("检查表名称", max_length=200)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    standard_id = models.CharField("依据", max_length=100, blank=True, help_text="如：安监总管三〔2017〕121号")
    active = models.BooleanField("启用", default=True)

    scope_spec = ScopeSpec(region=None)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class ChecklistItem(AnlanModel):
    checklist = models.ForeignKey(Checklist, verbose_name="检查表", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("序号")
    text = models.TextField("检查内容")
    standard_id = models.CharField("依据文件", max_length=100, blank=True)
    article = models.CharField("条", max_length=16, blank=True)
    item = models.CharField("项", max_length=16, blank=True)
    major = models.BooleanField("重大事故隐患判定项", default=False)
    valid_from = models.DateField("施行日期", null=True, blank=True)
    valid_to = models.DateField("废止日期", null=True, blank=True)
    # Which enterprises of the checklist's sector are asked the item (工贸 Arts. 11–13 concern only those
    # with dust, ammonia refrigeration, confined spaces; Art. 3 (三) only metal smelting).
    applies_to = models.CharField(
        "适用企业",
        max_length=16,
        blank=True,
        choices=[
            ("", "本类全部企业"),
            ("metal_smelting", "金属冶炼企业"),
            ("dust", "存在粉尘爆炸危险的企业"),
            ("ammonia", "使用液氨制冷的企业"),
            ("confined_space", "有限空间作业企业"),
        ],
    )

    scope_spec = ScopeSpec(region=None)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["checklist", "position"]

    def __str__(self):
        return self.text[:40]


class Inspection(AnlanModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "检查中"
        SIGNED = "signed", "已签字"
        REVIEWING = "reviewing", "整改复查中"
        CLOSED = "closed", "已办结"

    class Kind(models.TextChoices):
        RANDOM = "random", "双随机抽查"
        PLANNED = "planned", "计划检查"
        CAMPAIGN = "campaign", "专项整治"
        COMPLAINT = "complaint", "举报核查"
        OTHER = "other", "其他"

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="被检查企业", on_delete=models.PROTECT, related_name="inspections"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department", verbose_name="执法部门", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField("检查类型", max_length=12, choices=Kind.choices, default=Kind.PLANNED)
    inspected_on = models.DateField("检查日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True)
    inspectors = models.ManyToManyField(Inspector, verbose_name="执法人员", related_name="inspections")
    # 带队 officer: the first named; the default 督办领导 of a major finding (see services_inspections).
    leader = models.ForeignKey(
        Inspector, verbose_name="带队人员", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    draw_object = models.OneToOneField(
        DrawObject,
        verbose_name="抽取结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    campaign = models.ForeignKey(
        "enforcement.Campaign",
        verbose_name="专项整治",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    checklist = models.ForeignKey(Checklist, verbose_name="检查表", null=True, blank=True, on_delete=models.PROTECT)
    place = models.CharField("检查场所", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    summary = models.TextField("检查情况", blank=True)
    principal_name = models.CharField("被检查单位负责人", max_length=64, blank=True)
    principal_refused = models.BooleanField("负责人拒绝签字", default=False)
    refusal_note = models.CharField("拒绝签字情况", max_length=200, blank=True)
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    published_at = models.DateTimeField("结果公示时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    write_roles = CAMPAIGN_INSPECTORS

    class Meta:
        verbose_name = "执法检查"
        verbose_name_plural = "执法检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["inspected_on"])]

    def __str__(self):
        return f"{self.enterprise} {self.inspected_on:%Y-%m-%d} 检查"


class InspectionAnswer(AnlanModel):
    class Result(models.TextChoices):
        OK = "ok", "符合"
        PROBLEM = "problem", "不符合"
        NA = "na", "不适用"

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT)
    result = models.CharField("结果", max_length=8, choices=Result.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    scope_spec = ScopeSpec(
        region="inspection__region", department="inspection__department", enterprise="inspection__enterprise"
    )
    write_roles = CAMPAIGN_INSPECTORS

    class Meta:
        verbose_name = "检查项结果"
        verbose_name_plural = "检查项结果"
        ordering = ["inspection", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="enforcement_answer_once")]

    def __str__(self):
        return f"{self.item}: {self.get_result_display()}"


class Finding(AnlanModel):
    """A problem found; it becomes a hidden hazard of the enterprise (source 执法检查)."""

    class Level(models.TextChoices):
        GENERAL = "general", "一般隐患"
        MAJOR = "major", "重大隐患"

    class Measure(models.TextChoices):
        ON_SPOT = "on_spot", "当场整改"
        DEADLINE = "deadline", "责令限期整改"
        EVACUATE = "evacuate", "责令撤出作业人员"
        SUSPEND = "suspend", "责令暂时停产停业"
        SEAL = "seal", "查封扣押"

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="findings")
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    level = models.CharField("隐患等级", max_length=8, choices=Level.choices, default=Level.GENERAL)
    measure = models.CharField("处理措施", max_length=12, choices=Measure.choices, default=Measure.DEADLINE)
    deadline = models.DateField("整改期限")
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name="对应检查项", null=True, blank=True, on_delete=models.PROTECT
    )
    hazard = models.OneToOneField(
        "hazards.HiddenHazard",
        verbose_name="隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finding",
    )
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    scope_spec = ScopeSpec(
        region="inspection__region", department="inspection__department", enterprise="inspection__enterprise"
    )
    write_roles = CAMPAIGN_INSPECTORS

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["inspection", "id"]

    def __str__(self):
        return self.title


class FindingPhoto(AnlanModel):
    finding = models.ForeignKey(Finding, verbose_name="问题", on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="enforcement/findings/%Y/%m/")
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    scope_spec = ScopeSpec(
        region="finding__inspection__region",
        department="finding__inspection__department",
        enterprise="finding__inspection__enterprise",
    )
    write_roles = CAMPAIGN_INSPECTORS

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["finding", "id"]

    def __str__(self):
        return f"{self.finding} 照片"


class Signature(AnlanModel):
    """A signature drawn on the phone (PNG), by an inspector or the enterprise's principal."""

    class Signer(models.TextChoices):
        INSPECTOR = "inspector", "执法人员"
        PRINCIPAL = "principal", "被检查单位负责人"

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="signatures")
    signer = models.CharField("签字人类别", max_length=12, choices=Signer.choices)
    inspector = models.ForeignKey(Inspector, verbose_name="执法人员", null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField("签字人", max_length=64)
    image = models.FileField("签名", upload_to="enforcement/signatures/%Y/%m/")
    signed_at = models.DateTimeField("签字时间")

    scope_spec = ScopeSpec(
        region="inspection__region", department="inspection__department", enterprise="inspection__enterprise"
    )
    write_roles = CAMPAIGN_INSPECTORS

    class Meta:
        verbose_name = "签字"
        verbose_name_plural = "签字"
        ordering = ["inspection", "signed_at"]

    def __str__(self):
        return f"{self.name}（{self.get_signer_display()}）"
