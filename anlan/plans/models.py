"""Digital emergency plans (数字化预案) and the kinds of emergency they are written for.

`IncidentKind` lives here, not in incidents: a plan is written for kinds of emergency (the national
master plan's classification), and incidents, drills and warning-driven response all read the kinds
through plans, which sits below them (ARCHITECTURE.md, "Layers"). Its table keeps its original name
`incidents_incidentkind` so databases made before the move keep their rows untouched.

A plan says, for its kinds, the actions each response level starts and the department responsible
for each; starting or raising a response creates those tasks (`services.actions_for_response`).
Full plan management (documents, drills, revisions) comes later."""

from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec

# Response levels, lowest first: an action of level L starts at L and at every higher level.
LEVELS = ("IV", "III", "II", "I")
RESPONSE_CHOICES = [("IV", "Ⅳ级及以上"), ("III", "Ⅲ级及以上"), ("II", "Ⅱ级及以上"), ("I", "Ⅰ级")]


class IncidentKind(models.Model):
    """A kind of emergency event: the four categories of the 突发事件应对法 (Art. 2) and their sub-types as
    the national master plan lists them (`kinds.py`). GB/T 35561-2017 numeric codes are left to be filled
    in from the standard's text (not available to us: reference §3.2 says not to invent them)."""

    class Category(models.TextChoices):
        NATURAL = "natural", "自然灾害"
        ACCIDENT = "accident", "事故灾难"
        HEALTH = "health", "公共卫生事件"
        SOCIAL = "social", "社会安全事件"

    class Grading(models.TextChoices):
        PRODUCTION_SAFETY = "production_safety", "生产安全事故（国务院令第493号）"
        MANUAL = "manual", "人工研判"

    category = models.CharField("类别", max_length=12, choices=Category.choices)
    name = models.CharField("类型", max_length=50, unique=True)
    code = models.CharField("GB/T 35561 代码", max_length=20, blank=True, help_text="取得标准文本后填写")
    grading = models.CharField("分级依据", max_length=20, choices=Grading.choices, default=Grading.MANUAL)
    first_report_minutes = models.PositiveIntegerField(
        "首报时限（分钟）", default=120, help_text="接报后向上级报告的时限：事故 60，自然灾害初报 120"
    )
    follow_up_hours = models.PositiveIntegerField(
        "续报间隔（小时）", default=24, help_text="Ⅱ级以上减半（每日至少两次续报）"
    )
    order = models.PositiveSmallIntegerField("排序", default=100)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region=None)  # reference data every role reads
    write_roles = COUNTY_ROLES

    class Meta:
        db_table = "incidents_incidentkind"  # the table it had in incidents (migrations plans 0002, incidents 0005)
        verbose_name = "事件类型"
        verbose_name_plural = "事件类型"
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.get_category_display()}·{self.name}"


class Plan(AnlanModel):
    name = models.CharField("预案名称", max_length=200)
    kinds = models.ManyToManyField(IncidentKind, verbose_name="适用事件类型", related_name="plans")
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

    def clean(self):
        # 0 hours would make the task overdue the moment the response starts; "no limit" is a blank.
        if self.hours == 0:
            raise ValidationError({"hours": "完成时限应至少 1 小时；不限时请留空"})
