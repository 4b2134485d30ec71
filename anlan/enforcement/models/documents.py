"""Numbered enforcement documents (执法文书, standards.md §11.3).

A number reads `（简称）应急XX〔年〕N号`: 简称 is the county's short name (ANLAN_ENFORCEMENT_SHORT_NAME or
the county's name without 县, see numbering.county_short_name), XX the document's abbreviation (检记, 责改 …;
a configurable table), N sequential per document kind and year without gaps. `DocumentCounter` holds the
last N; issuing locks its row, so two officers at once never get one number and a failed issue (rolled
back) leaves no gap.
"""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import COUNTY_ONLY

__all__ = ["DEFAULT_ABBREVIATIONS", "DocumentCounter", "DocumentKind", "DocumentPrefix", "IssuedDocument"]


class DocumentKind(models.TextChoices):
    INSPECTION_RECORD = "inspection_record", "现场检查记录"
    ON_SPOT_DECISION = "on_spot_decision", "现场处理措施决定书"
    RECTIFICATION_ORDER = "rectification_order", "责令限期整改指令书"
    REINSPECTION_OPINION = "reinspection_opinion", "整改复查意见书"
    CASE_OPENING = "case_opening", "立案审批表"
    INTERROGATION = "interrogation", "询问笔录"
    PENALTY_NOTICE = "penalty_notice", "行政处罚告知书"
    HEARING_NOTICE = "hearing_notice", "听证告知书"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书"
    CASE_CLOSING = "case_closing", "结案审批表"


# The abbreviations two unrelated systems use (standards.md §11.3, SECONDARY); the others are ours, in the
# same style. All editable in the prefix table.
DEFAULT_ABBREVIATIONS = {
    DocumentKind.INSPECTION_RECORD: "检记",
    DocumentKind.ON_SPOT_DECISION: "现决",
    DocumentKind.RECTIFICATION_ORDER: "责改",
    DocumentKind.REINSPECTION_OPINION: "复查",
    DocumentKind.CASE_OPENING: "立审",
    DocumentKind.INTERROGATION: "询笔",
    DocumentKind.PENALTY_NOTICE: "罚告",
    DocumentKind.HEARING_NOTICE: "听告",
    DocumentKind.PENALTY_DECISION: "罚决",
    DocumentKind.CASE_CLOSING: "结审",
}


class DocumentPrefix(AnlanModel):
    """The abbreviation of one document kind (XX in `（简称）应急XX〔年〕N号`)."""

    kind = models.CharField("文书种类", max_length=24, choices=DocumentKind.choices, unique=True)
    abbreviation = models.CharField("文书简称", max_length=8)

    scope_spec = ScopeSpec(region=None)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "文书编号规则"
        verbose_name_plural = "文书编号规则"
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.abbreviation}"


class DocumentCounter(models.Model):
    """The last number issued for one kind and year (locked while a number is taken)."""

    kind = models.CharField("文书种类", max_length=24, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用最大号", default=0)

    write_roles = frozenset()  # taken by the numbering service only

    class Meta:
        verbose_name = "文书编号计数"
        verbose_name_plural = "文书编号计数"
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="enforcement_counter_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}年 已用至 {self.last} 号"


class IssuedDocument(AnlanModel):
    """A document issued with its number; the Word file is rendered from the record it belongs to."""

    kind = models.CharField("文书种类", max_length=24, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=64)
    region = models.ForeignKey("geo.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department", verbose_name="执法部门", null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="当事企业", null=True, blank=True, on_delete=models.PROTECT
    )
    inspection = models.ForeignKey(
        "enforcement.Inspection",
        verbose_name="检查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    case = models.ForeignKey(
        "enforcement.PenaltyCase",
        verbose_name="案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # What the document says beyond its record (询问笔录's questions and answers, 复查 opinion …).
    content = models.JSONField("文书内容", default=dict, blank=True)
    issued_on = models.DateField("日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="制作人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    write_roles = frozenset()  # issued by services only: a number is never typed or edited
    undeletable = True  # a number once issued stays (no gaps)

    class Meta:
        verbose_name = "执法文书"
        verbose_name_plural = "执法文书"
        ordering = ["-year", "kind", "-seq"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "seq"], name="enforcement_document_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
