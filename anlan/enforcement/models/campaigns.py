"""专项整治 campaigns: a sector, an area, a period and a checklist; inspections assigned to departments and
townships, coverage and findings tracked, closed with a summary."""

from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import COUNTY_ONLY

__all__ = ["Campaign", "CampaignAssignment"]


class Campaign(AnlanModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "筹备"
        ACTIVE = "active", "进行中"
        CLOSED = "closed", "已总结"

    name = models.CharField("专项整治名称", max_length=200)
    region = models.ForeignKey("geo.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    industry = models.CharField("行业（GB/T 4754 大类）", max_length=2, blank=True)
    risk_flag = models.CharField("风险特征", max_length=32, blank=True, help_text="如 is_dust_explosive：粉尘涉爆企业")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    checklist = models.ForeignKey(
        "enforcement.Checklist", verbose_name="检查表", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    summary = models.TextField("总结", blank=True)

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "专项整治"
        verbose_name_plural = "专项整治"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name


class CampaignAssignment(AnlanModel):
    """A department's or township's share of a campaign: how many enterprises it inspects."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项整治", on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT
    )
    township = models.ForeignKey(
        "geo.Region", verbose_name="乡镇（街道）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveIntegerField("应检查企业数")

    scope_spec = ScopeSpec(region="campaign__region", department="department", ancestors_visible=True)
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "专项整治任务"
        verbose_name_plural = "专项整治任务"
        ordering = ["campaign", "id"]

    def __str__(self):
        return f"{self.campaign} {self.department or self.township}"
