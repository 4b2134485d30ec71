"""A minimal digital emergency plan (数字化预案): for an incident kind, the actions each response level
starts and the department responsible for each. Starting or raising a response creates those tasks
(incidents.services.response_set). Full plan management (documents, drills, revisions) comes later."""

from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec

RESPONSE_CHOICES = [("IV", "Ⅳ级及以上"), ("III", "Ⅲ级及以上"), ("II", "Ⅱ级及以上"), ("I", "Ⅰ级")]


class Plan(AnlanModel):
    name = models.CharField("预案名称", max_length=200)
    kinds = models.ManyToManyField("incidents.IncidentKind", verbose_name="适用事件类型", related_name="plans")
    region = models.ForeignKey("geo.Region", verbose_name="编制单位区划", on_delete=models.PROTECT)
    active = models.BooleanField("现行有效", default=True)
    notes = models.TextField("说明", blank=True)

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "应急预案"
        verbose_name_plural = "应急预案"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlanAction(models.Model):
    """One response action: started at `level` and every higher level."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name="预案")
    level = models.CharField("启动级别", max_length=4, choices=RESPONSE_CHOICES)
    title = models.CharField("措施", max_length=300)
    department = models.ForeignKey(
        "registry.Department", verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT
    )
    hours = models.PositiveSmallIntegerField("完成时限（小时）", null=True, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=10)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="plan__region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "预案措施"
        verbose_name_plural = "预案措施"
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title
