"""The jurisdiction tree: every record's owner is a node of it."""

from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec

__all__ = ["Region", "RegionLevel"]


class RegionLevel(models.TextChoices):
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


class Region(AnlanModel):
    """A county, township or village, keyed by its 12-digit 统计用区划代码.

    The code is the primary key, so every `region` foreign key holds the code itself and a subtree
    is a prefix filter (see core.regioncodes).
    """

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    boundary = models.JSONField("边界（GeoJSON, WGS84）", null=True, blank=True)
    center_lon = models.FloatField("中心经度", null=True, blank=True)
    center_lat = models.FloatField("中心纬度", null=True, blank=True)
    area_km2 = models.FloatField("面积（平方公里）", null=True, blank=True)
    population = models.PositiveIntegerField("常住人口", null=True, blank=True)

    scope_spec = ScopeSpec(region="code", shared=True, ancestors_visible=True)
    write_roles = frozenset({"county_admin"})

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"
