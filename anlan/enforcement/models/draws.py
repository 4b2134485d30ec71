"""双随机 draws: distinct enterprises and, for each, ≥ 2 distinct inspectors without a conflict.

A draw records its seed and its pools (the enterprise ids, the inspectors and their conflicts as they were)
so that anyone can compute it again and compare (`…/verify`). Draws are kept: nobody deletes one.
"""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

from .common import ENFORCERS
from .inspectors import CheckMatter, Inspector

__all__ = ["Draw", "DrawObject"]


class Draw(AnlanModel):
    name = models.CharField("抽取名称", max_length=200)
    region = models.ForeignKey("geo.Region", verbose_name="抽取区划", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField("抽取企业数")
    inspectors_per_object = models.PositiveSmallIntegerField("每家执法人员数", default=2)
    seed = models.CharField("随机种子", max_length=64)
    algorithm = models.CharField("算法版本", max_length=32, default="sha256-v1")
    # The pools as they were: {"enterprises": [id…], "inspectors": [username…], "conflicts": [[username, id]…]}.
    pools = models.JSONField("抽取时的名录库", default=dict)
    matter = models.ForeignKey(
        CheckMatter, verbose_name="抽查事项", null=True, blank=True, on_delete=models.PROTECT, related_name="draws"
    )
    campaign = models.ForeignKey(
        "enforcement.Campaign",
        verbose_name="专项整治",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draws",
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name="实施部门", null=True, blank=True, on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = ENFORCERS
    undeletable = True  # a draw is evidence of fairness: kept for good (issue 17)

    class Meta:
        verbose_name = "双随机抽取"
        verbose_name_plural = "双随机抽取"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        raise PermissionError("双随机抽取记录不可删除")


class DrawObject(AnlanModel):
    """One drawn enterprise and the inspectors drawn for it."""

    draw = models.ForeignKey(Draw, verbose_name="抽取", on_delete=models.PROTECT, related_name="objects_drawn")
    position = models.PositiveIntegerField("序号")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT)
    inspectors = models.ManyToManyField(Inspector, verbose_name="执法人员", related_name="draw_objects")

    scope_spec = ScopeSpec(region="draw__region", department="draw__department", enterprise="enterprise")
    write_roles = frozenset()  # written by the draw service only
    undeletable = True

    class Meta:
        verbose_name = "抽取结果"
        verbose_name_plural = "抽取结果"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="enforcement_draw_enterprise_once"),
            models.UniqueConstraint(fields=["draw", "position"], name="enforcement_draw_position_once"),
        ]

    def __str__(self):
        return f"{self.draw} #{self.position} {self.enterprise}"
