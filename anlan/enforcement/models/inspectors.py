"""执法人员 (with certificates and declared conflicts) and the 随机抽查事项清单.

The 执法检查人员名录库 is the set of active inspectors with a valid certificate; the 检查对象名录库 is the
enterprises in scope. A declared conflict (回避) keeps an inspector out of every draw for that enterprise.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.errors import DomainError
from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import CAMPAIGN_INSPECTORS, COUNTY_ONLY, ENFORCERS
from .supervision import SupervisionClass

__all__ = ["CheckMatter", "Inspector", "InspectorConflict"]


class Inspector(AnlanModel):
    """A user who holds a law-enforcement certificate (执法证)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT, related_name="inspector"
    )
    certificate = models.CharField("执法证号", max_length=32, unique=True)
    certificate_valid_until = models.DateField("执法证有效期至", null=True, blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField("在库", default=True, help_text="退出名录库的人员不再参与抽取")

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = COUNTY_ONLY

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员名录库"
        ordering = ["user__username"]

    def __str__(self):
        return self.user.display_name or self.user.get_full_name() or self.user.username

    def clean(self):
        # One rule for the registry page and the API (whose service says it first, with its own code).
        if self.user_id and self.user.role not in CAMPAIGN_INSPECTORS:
            raise ValidationError({"user": f"{self.user}的角色（{self.user.get_role_display()}）不能登记为执法人员"})

    def delete(self, *args, **kwargs):
        # The draws an officer was drawn in name them (DrawObject.inspectors): deleting the officer would
        # delete those links and the draw could no longer be verified. Leaving the pool is `active = False`.
        if self.pk and self.draw_objects.exists():
            raise DomainError(
                "enforcement.inspector_drawn", "该执法人员已参与双随机抽取，记录须保留；如需退出名录库，请改为“不在库”"
            )
        return super().delete(*args, **kwargs)


class InspectorConflict(AnlanModel):
    """A declared conflict of interest (回避): the inspector is never drawn for this enterprise."""

    inspector = models.ForeignKey(
        Inspector, verbose_name="执法人员", on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="企业", on_delete=models.CASCADE)
    reason = models.CharField("回避事由", max_length=200, blank=True)
    declared_on = models.DateField("申报日期", null=True, blank=True)

    scope_spec = ScopeSpec(region="inspector__region", department="inspector__department")
    write_roles = ENFORCERS

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        ordering = ["inspector", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="enforcement_conflict_unique")]

    def __str__(self):
        return f"{self.inspector} 回避 {self.enterprise}"


class CheckMatter(AnlanModel):
    """One line of the 随机抽查事项清单: what is checked, on what basis, by whom."""

    name = models.CharField("抽查事项", max_length=200)
    basis = models.TextField("检查依据", blank=True)
    department = models.ForeignKey(
        "registry.Department", verbose_name="实施部门", null=True, blank=True, on_delete=models.PROTECT
    )
    sector_group = models.CharField(
        "行业组",
        max_length=16,
        blank=True,
        choices=SupervisionClass.SectorGroup.choices,  # the plan's groups
    )
    method = models.CharField("检查方式", max_length=64, blank=True, default="现场检查")
    region = models.ForeignKey("geo.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")

    scope_spec = ScopeSpec(region="region", department="department", ancestors_visible=True)
    write_roles = ENFORCERS

    class Meta:
        verbose_name = "随机抽查事项"
        verbose_name_plural = "随机抽查事项清单"
        ordering = ["name"]

    def __str__(self):
        return self.name
