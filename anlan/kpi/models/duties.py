"""职责清单 and the yearly 工作清单 (seeds 000/002/004: "“职责清单”和年度“工作清单”"): per department and township.
A 职责清单 has no year; a 工作清单 has one and its items deadlines. Published lists are read by every unit."""

from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import SECTOR_REGISTRY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["DutyList", "DutyListItem"]


class DutyList(AnlanModel):
    class Kind(models.TextChoices):
        DUTIES = "duties", "职责清单"
        WORK = "work", "年度工作清单"

    kind = models.CharField("清单类型", max_length=8, choices=Kind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="工作清单必填")
    title = models.CharField("清单名称", max_length=200)
    published_on = models.DateField("公布日期", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", department="department")
    write_roles = SECTOR_REGISTRY_ROLES  # each unit its own (department / township), the county all

    class Meta:
        verbose_name = "责任清单"
        verbose_name_plural = "责任清单"
        ordering = ["kind", "-year", "title"]

    def __str__(self):
        return self.title


class DutyListItem(models.Model):
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="items", verbose_name="清单")
    order = models.PositiveIntegerField("序号", default=0)
    content = models.CharField("事项", max_length=500)
    basis = models.CharField("依据", max_length=300, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(region="duty_list__region", department="duty_list__department")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["duty_list", "order", "id"]

    def __str__(self):
        return self.content[:40]
