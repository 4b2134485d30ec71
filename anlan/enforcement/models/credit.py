"""安全生产违法行为信息库 (安全生产法 Art. 78) and the 严重失信主体名单 (应急管理部令第11号, standards.md §11.5).

A listing is decided by a person, with the criterion and the decision document; it lasts 3 years (SECONDARY,
a setting) and may be lifted early (信用修复) on application after 12 months. A listed enterprise is flagged
wherever it appears.
"""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .cases import PenaltyCase
from .common import COUNTY_ONLY, ENFORCERS

__all__ = ["CreditListing", "CreditRepair", "ViolationRecord"]


class ViolationRecord(AnlanModel):
    """One entry of the 违法行为信息库: an enterprise's violation and what was decided."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="violations"
    )
    case = models.OneToOneField(
        PenaltyCase, verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT, related_name="violation"
    )
    happened_on = models.DateField("违法行为日期")
    description = models.TextField("违法行为")
    penalty = models.CharField("处理结果", max_length=200, blank=True)
    public = models.BooleanField("公开", default=True)

    scope_spec = ScopeSpec(region="enterprise__region", department="enterprise__department", enterprise="enterprise")
    write_roles = ENFORCERS

    class Meta:
        verbose_name = "违法行为记录"
        verbose_name_plural = "安全生产违法行为信息库"
        ordering = ["-happened_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.happened_on}"


class CreditListing(AnlanModel):
    class Criterion(models.TextChoices):
        # 应急管理部令第11号: accidents (5) — VERIFIED (standards.md §11.5).
        MAJOR_ACCIDENT = "major_accident", "发生特别重大、重大生产安全事故"
        TWO_LARGER = "two_larger", "12个月内发生2起以上较大生产安全事故"
        ART114_MULTIPLE = "art114_multiple", "安全生产法第114条情节特别严重被处2至5倍罚款"
        CONCEAL = "conceal", "瞒报、谎报生产安全事故"
        PRINCIPAL_FLED = "principal_fled", "主要负责人不立即组织抢救或在调查处理期间擅离职守、逃匿"
        # Without an accident (4): item 1 VERIFIED, the rest's exact wording UNVERIFIED.
        NO_PERMIT = "no_permit", "未依法取得安全生产许可或许可被暂扣、吊销期间从事生产经营"
        RENT_CREDENTIALS = "rent_credentials", "出租、出借资质或挂靠（措辞待核实）"
        FALSE_REPORT = "false_report", "出具虚假报告或证明（措辞待核实）"
        OTHER = "other", "其他情形（措辞待核实）"

    class Status(models.TextChoices):
        LISTED = "listed", "在列"
        EXPIRED = "expired", "期满移出"
        REPAIRED = "repaired", "信用修复提前移出"

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="credit_listings"
    )
    criterion = models.CharField("列入情形", max_length=20, choices=Criterion.choices)
    facts = models.TextField("失信行为")
    decision_number = models.CharField("列入决定书文号", max_length=64)
    decision_file = models.FileField("列入决定书", upload_to="enforcement/credit/%Y/", blank=True)
    case = models.ForeignKey(PenaltyCase, verbose_name="相关案件", null=True, blank=True, on_delete=models.PROTECT)
    listed_on = models.DateField("列入日期")
    ends_on = models.DateField("管理期限至")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.LISTED, db_index=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="enterprise__region", enterprise="enterprise")
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "严重失信主体"
        verbose_name_plural = "严重失信主体名单"
        ordering = ["-listed_on", "-id"]

    def __str__(self):
        return f"{self.enterprise}（{self.get_criterion_display()}）"


class CreditRepair(AnlanModel):
    """An application for early removal (信用修复), decided by the county."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "不同意"

    listing = models.ForeignKey(
        CreditListing, verbose_name="名单记录", on_delete=models.PROTECT, related_name="repairs"
    )
    applied_on = models.DateField("申请日期")
    reason = models.TextField("申请理由及整改情况")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField("审核日期", null=True, blank=True)
    opinion = models.CharField("审核意见", max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_spec = ScopeSpec(region="listing__enterprise__region", enterprise="listing__enterprise")
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return f"{self.listing} 信用修复"
