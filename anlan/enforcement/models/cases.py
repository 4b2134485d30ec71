"""Penalty cases (行政处罚案件), 行政处罚法 (2021): 立案 → 调查取证 → 告知 (陈述申辩, 听证) → 法制审核 →
集体讨论 → 决定 → 送达 → 执行 → 结案 on the workflow mechanism (enforcement/case_workflow.py)."""

from django.conf import settings
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import CASE_READERS, ENFORCERS
from .inspections import Inspection
from .inspectors import Inspector

__all__ = ["CasePayment", "PenaltyCase"]


class PenaltyCase(AnlanModel):
    class Party(models.TextChoices):
        ORGANISATION = "organisation", "单位"
        PERSON = "person", "个人"

    class Procedure(models.TextChoices):
        ORDINARY = "ordinary", "普通程序"
        SUMMARY = "summary", "简易程序（当场处罚）"

    class Status(models.TextChoices):
        OPENED = "opened", "已立案"
        INVESTIGATING = "investigating", "调查取证"
        NOTIFIED = "notified", "已告知"
        HEARING = "hearing", "听证"
        LEGAL_REVIEW = "legal_review", "法制审核"
        DISCUSSION = "discussion", "集体讨论"
        DECIDED = "decided", "已决定"
        SERVED = "served", "已送达"
        EXECUTING = "executing", "执行中"
        CLOSED = "closed", "已结案"

    title = models.CharField("案由", max_length=200)
    party_kind = models.CharField("当事人类别", max_length=12, choices=Party.choices, default=Party.ORGANISATION)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="当事单位", null=True, blank=True, on_delete=models.PROTECT
    )
    party_name = models.CharField("当事人", max_length=200)
    party_id_number = EncryptedCharField("当事人身份证号", sensitive_kind="id_number", max_length_plain=18, blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department", verbose_name="办案部门", null=True, blank=True, on_delete=models.PROTECT
    )
    inspection = models.ForeignKey(
        Inspection, verbose_name="来源检查", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    handlers = models.ManyToManyField(Inspector, verbose_name="承办人", related_name="cases")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPENED, db_index=True)
    opened_on = models.DateField("立案日期")
    facts = models.TextField("违法事实", blank=True)
    legal_basis = models.TextField("处罚依据", blank=True)
    fine_yuan = models.DecimalField("罚款（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    other_penalties = models.CharField("其他处罚", max_length=200, blank=True, help_text="警告、没收、责令停产停业等")
    hearing_requested = models.BooleanField("当事人要求听证", default=False)
    legal_review_required = models.BooleanField("需法制审核", default=False)
    collective_discussion = models.BooleanField("需集体讨论", default=False)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    hearing_on = models.DateField("听证日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # The steps' own records (case_workflow.py): who may skip what is decided there, not here.
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices, default=Procedure.ORDINARY)
    statement = models.TextField("陈述申辩", blank=True)
    hearing_requested_on = models.DateField("听证申请日期", null=True, blank=True)
    hearing_waived_on = models.DateField("放弃听证日期", null=True, blank=True)
    hearing_notice_on = models.DateField("听证会通知日期", null=True, blank=True)
    hearing_held = models.BooleanField("已举行听证", default=False)
    hearing_record = models.TextField("听证情况", blank=True)
    legal_reviewed_on = models.DateField("法制审核日期", null=True, blank=True)
    legal_review_opinion = models.TextField("法制审核意见", blank=True)
    discussed_on = models.DateField("集体讨论日期", null=True, blank=True)
    discussion_record = models.TextField("集体讨论结论", blank=True)
    served_on_spot = models.BooleanField("当场送达", default=False)
    instalments_approved_on = models.DateField("分期缴纳批准日期", null=True, blank=True)
    instalment_note = models.CharField("分期缴纳理由", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="立案人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    write_roles = ENFORCERS
    view_roles = CASE_READERS

    class Meta:
        verbose_name = "处罚案件"
        verbose_name_plural = "处罚案件"
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return self.title


class CasePayment(AnlanModel):
    """A payment of the fine (or an instalment, 分期缴纳), with the late surcharge it carried."""

    case = models.ForeignKey(PenaltyCase, verbose_name="案件", on_delete=models.PROTECT, related_name="payments")
    instalment = models.PositiveSmallIntegerField("期次", default=1)
    due_on = models.DateField("应缴日期")
    amount_yuan = models.DecimalField("应缴金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("缴纳日期", null=True, blank=True)
    paid_yuan = models.DecimalField("实缴罚款（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    surcharge_yuan = models.DecimalField("加处罚款（元）", max_digits=12, decimal_places=2, default=0)

    scope_spec = ScopeSpec(region="case__region", department="case__department", enterprise="case__enterprise")
    write_roles = ENFORCERS
    view_roles = CASE_READERS

    class Meta:
        verbose_name = "罚款缴纳"
        verbose_name_plural = "罚款缴纳"
        ordering = ["case", "instalment"]
        constraints = [
            models.UniqueConstraint(fields=["case", "instalment"], name="enforcement_payment_instalment_once")
        ]

    def __str__(self):
        return f"{self.case} 第{self.instalment}期"
