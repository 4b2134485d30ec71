"""A plan's life cycle: its document versions, the filing (备案) with the county and the county's check, the
periodic evaluations, and the revision triggers (应急条例 Art. 6) recorded against it. Rows are written only
by the plans services (audited); the scope follows the plan's."""

from django.db import models

from anlan.core.roles import NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec

from .base import Plan

PLAN_SCOPE = ScopeSpec(region="plan__region", enterprise="plan__enterprise", ancestors_visible=True)


class PlanVersion(models.Model):
    """One issued text of the plan (Word or PDF). The newest is the plan's current document; older ones are
    kept, never overwritten."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name="预案")
    number = models.PositiveSmallIntegerField("版本号")
    file = models.FileField("预案文本", upload_to="plans/%Y/")
    file_name = models.CharField("原文件名", max_length=200)
    note = models.CharField("修订说明", max_length=300, blank=True)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.CharField("上传人", max_length=150)

    objects = ScopedManager()

    scope_spec = PLAN_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "预案版本"
        verbose_name_plural = "预案版本"
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_number_once")]

    def __str__(self):
        return f"{self.plan} 第{self.number}版"


class PlanFiling(models.Model):
    """备案: the owner files the issued plan with the county (within 20 working days of 公布, 预案管理办法 Art.
    26); the county checks the materials within 5 working days and files it with a 备案登记表, or returns it
    naming everything missing."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审查"
        RETURNED = "returned", "退回补正"
        FILED = "filed", "已备案"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="filings", verbose_name="预案")
    version = models.ForeignKey(
        PlanVersion, verbose_name="报备版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    due_on = models.DateField("备案期限", help_text="公布之日起 20 个工作日内")
    submitted_at = models.DateTimeField("报备时间")
    submitted_by = models.CharField("报备人", max_length=150)
    check_due_on = models.DateField("审查期限", help_text="收到材料后 5 个工作日内")
    checked_at = models.DateTimeField("审查时间", null=True, blank=True)
    checked_by = models.CharField("审查人", max_length=150, blank=True)
    missing_items = models.TextField("需补正材料", blank=True)
    number = models.CharField("备案编号", max_length=40, blank=True)

    objects = ScopedManager()

    scope_spec = PLAN_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "预案备案"
        verbose_name_plural = "预案备案"
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.plan} 备案（{self.get_status_display()}）"


class PlanEvaluation(models.Model):
    """A periodic evaluation of the plan (预案管理办法 Art. 35): its conclusion and whether it must be revised."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations", verbose_name="预案")
    evaluated_on = models.DateField("评估日期")
    evaluator = models.CharField("评估组织", max_length=150)
    conclusion = models.TextField("评估结论")
    needs_revision = models.BooleanField("需要修订", default=False)
    report = models.FileField("评估报告", upload_to="plans/evaluations/%Y/", blank=True)
    report_name = models.CharField("报告文件名", max_length=200, blank=True)
    recorded_by = models.CharField("登记人", max_length=150)

    objects = ScopedManager()

    scope_spec = PLAN_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "预案评估"
        verbose_name_plural = "预案评估"
        ordering = ["plan", "-evaluated_on"]

    def __str__(self):
        return f"{self.plan} 评估 {self.evaluated_on:%Y-%m-%d}"


class RevisionTrigger(models.Model):
    """A reason the plan must be revised, recorded when it arises (生产安全事故应急条例 Art. 6, standards §13.1);
    resolved by a new version."""

    class Reason(models.TextChoices):
        LAW = "law", "依据的法律法规、标准等发生重大变化"
        COMMAND = "command", "应急指挥机构及其职责发生调整"
        RISK = "risks", "面临的风险发生重大变化"  # not "risk": the word is in public URLs (/p/risk/)
        RESOURCES = "resources", "重要应急资源发生重大变化"
        PRACTICE = "practice", "演练或应急救援中发现重大问题"
        OTHER = "other", "其他应当修订的情形"

    class Status(models.TextChoices):
        OPEN = "open", "待修订"
        RESOLVED = "resolved", "已修订"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="triggers", verbose_name="预案")
    reason = models.CharField("修订情形", max_length=10, choices=Reason.choices)
    description = models.TextField("具体情况")
    source = models.CharField("来源", max_length=200, blank=True, help_text="如 演练：2026年防汛桌面推演")
    noted_on = models.DateField("提出日期")
    noted_by = models.CharField("提出人", max_length=150)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        PlanVersion, verbose_name="修订版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    scope_spec = PLAN_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "预案修订情形"
        verbose_name_plural = "预案修订情形"
        ordering = ["plan", "-noted_on", "-id"]

    def __str__(self):
        return f"{self.plan}：{self.get_reason_display()}"
