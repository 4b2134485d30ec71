"""The jurisdiction tree: every record's owner is a node of it."""

from django.core.validators import MinValueValidator
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopedManager, ScopeSpec

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
        # Names, not codes: the bureau's staff know their townships and villages by name, and a 12-digit
        # code beside every name was noise in each table, page and choice list. The code stays where a
        # machine or an upstream report reads it (Excel round-trips, statistics for the 国家自然灾害灾情
        # 管理系统, the API) and in the audit history only when no region has it any more.
        return self.name

    @property
    def full_name(self) -> str:
        """A village with its township in front, "龙河镇 新华村"; a township or the county by its name.

        Village names repeat across a county (新华村, 团结村 and 红星村 are found in several townships of
        many real counties), so where villages of more than one township can meet — choice lists, exports'
        region columns, history — this is the name shown; a table with its own 乡镇 column shows `name`.
        Read with the parent loaded (`core.regions.for_choices`), else it costs a query per village.
        """
        if self.level == RegionLevel.VILLAGE and self.parent_id:
            return f"{self.parent.name} {self.name}"
        return self.name


class TravelProfile(models.Model):
    """Road factor and average speed for travel estimates in a region (nearest ancestor applies)."""

    region = models.OneToOneField("geo.Region", verbose_name="区划", on_delete=models.CASCADE)
    road_factor = models.FloatField(
        "道路曲折系数", validators=[MinValueValidator(1.0)], help_text="道路距离 ÷ 直线距离，山区约 1.4–2.0"
    )
    speed_kmh = models.FloatField("平均车速（km/h）", validators=[MinValueValidator(1.0)])

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = frozenset({"county_admin", "county_operator"})

    class Meta:
        # The table keeps its first name: the model moved here from resources (geo migration 0002).
        db_table = "resources_travelprofile"
        verbose_name = "通行参数"
        verbose_name_plural = "通行参数"
        ordering = ["region_id"]

    def __str__(self):
        return f"{self.region.name}：系数{self.road_factor}，{self.speed_kmh}km/h"
