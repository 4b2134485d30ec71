"""Digital emergency plans (数字化预案) and the kinds of emergency they are written for.

`IncidentKind` lives here, not in incidents: a plan is written for kinds of emergency (the national
master plan's classification), and incidents, drills and warning-driven response all read the kinds
through plans, which sits below them (ARCHITECTURE.md, "Layers"). Its table keeps its original name
`incidents_incidentkind` so databases made before the move keep their rows untouched.

A plan says, for its kinds, the actions each response level starts and the department responsible
for each; starting or raising a response creates those tasks (`services.actions_for_response`).
The same rows are the plan's response table (分段分级分层分类): an action answers either an incident response
level or a warning kind and colour, and names its assignee — a department, every township or village in the
warning's area, or a rescue team. The plan's life cycle (versions, 评审/论证, 公布, 备案, 评估, revision
triggers) is in `lifecycle.py`."""

from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

# Response levels, lowest first: an action of level L starts at L and at every higher level.
LEVELS = ("IV", "III", "II", "I")
RESPONSE_CHOICES = [("IV", "Ⅳ级及以上"), ("III", "Ⅲ级及以上"), ("II", "Ⅱ级及以上"), ("I", "Ⅰ级")]
# Warning colours, lowest first (the alerts app's CAP levels): a warning action of colour C starts at C and at
# every more severe colour, as response actions do.
WARNING_LEVELS = ("blue", "yellow", "orange", "red")
WARNING_LEVEL_CHOICES = [("blue", "蓝色及以上"), ("yellow", "黄色及以上"), ("orange", "橙色及以上"), ("red", "红色")]

# Who writes plans: the county bureau (every plan it manages, departments' included), townships their own
# plans, and enterprises their own plans, which they then file with the county (预案管理办法 Art. 26).
PLAN_WRITERS = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.ENTERPRISE_USER})
# Response tables: the county and townships (an enterprise's 现场处置方案 has no public response table).
RESPONSE_TABLE_WRITERS = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})


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
        FOREST_FIRE = "forest_fire", "森林火灾（森林防火条例第四十条）"
        GEOLOGICAL = "geological", "地质灾害（地质灾害防治条例第四条、国家突发地质灾害应急预案）"
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
    """An emergency plan as a living document: its kind and owner, the review it needs, when it was issued,
    filed and last evaluated. The document itself is its versions (`PlanVersion`)."""

    class Kind(models.TextChoices):
        OVERALL = "overall", "总体应急预案"
        SPECIAL = "special", "专项应急预案"
        DEPARTMENT = "department", "部门应急预案"
        TOWNSHIP = "township", "乡镇（街道）应急预案"
        VILLAGE = "village", "村（社区）应急预案"
        ENTERPRISE = "enterprise", "企业应急预案"
        ONSITE = "onsite", "现场处置方案"

    class Review(models.TextChoices):
        # 预案管理办法 Art. 21 (standards §13.2): listed high-risk units and medium-sized or larger units have
        # the plan 评审 by experts; all others 论证 it themselves.
        REVIEW = "review", "评审"
        VERIFY = "verify", "论证"

    name = models.CharField("预案名称", max_length=200)
    kind = models.CharField("预案类别", max_length=12, choices=Kind.choices, default=Kind.SPECIAL)
    kinds = models.ManyToManyField(IncidentKind, verbose_name="适用事件类型", related_name="plans")
    region = models.ForeignKey("geo.Region", verbose_name="编制单位区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="编制部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="编制企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    review_mode = models.CharField("评审/论证", max_length=8, choices=Review.choices, blank=True)
    reviewed_on = models.DateField("评审（论证）日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    evaluation_years = models.PositiveSmallIntegerField(
        "定期评估周期（年）", null=True, blank=True, help_text="预案管理办法第三十五条：高危行业及中型以上单位每三年"
    )
    last_evaluated_on = models.DateField("最近评估日期", null=True, blank=True)
    active = models.BooleanField("现行有效", default=True)
    notes = models.TextField("说明", blank=True)

    # A township sees the county's plans (ancestors); an enterprise only its own.
    scope_spec = ScopeSpec(region="region", enterprise="enterprise", ancestors_visible=True)
    write_roles = PLAN_WRITERS

    class Meta:
        verbose_name = "应急预案"
        verbose_name_plural = "应急预案"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlanAction(models.Model):
    """One row of the plan's response table: what an assignee does, by when, when a response of `level` (or
    higher) starts for an incident, or when a warning of `warning_event` at `warning_level` (or more severe)
    is issued."""

    class Trigger(models.TextChoices):
        RESPONSE = "response", "事件响应"
        WARNING = "warning", "预警响应"

    class Assignee(models.TextChoices):
        DEPARTMENT = "department", "责任部门"
        TOWNSHIP = "township", "预警区域内各乡镇（街道）"
        VILLAGE = "village", "预警区域内各村（社区）"
        TEAM = "team", "救援队伍"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name="预案")
    trigger = models.CharField("启动条件", max_length=10, choices=Trigger.choices, default=Trigger.RESPONSE)
    level = models.CharField("启动级别", max_length=4, choices=RESPONSE_CHOICES, blank=True)
    warning_event = models.CharField("预警种类", max_length=100, blank=True, help_text="与预警的“事件”一致，如 暴雨")
    warning_level = models.CharField("预警级别", max_length=8, choices=WARNING_LEVEL_CHOICES, blank=True)
    title = models.CharField("措施", max_length=300)
    assignee_kind = models.CharField("责任主体", max_length=12, choices=Assignee.choices, default=Assignee.DEPARTMENT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT
    )
    team = models.ForeignKey(
        "resources.RescueTeam", verbose_name="救援队伍", null=True, blank=True, on_delete=models.PROTECT
    )
    audience = models.CharField(
        "对象", max_length=40, blank=True, help_text="预警模板“分对象防御措施”的对象名，任务附上该对象的措施"
    )
    hours = models.PositiveSmallIntegerField("完成时限（小时）", null=True, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=10)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="plan__region", ancestors_visible=True)
    write_roles = RESPONSE_TABLE_WRITERS

    class Meta:
        verbose_name = "预案措施"
        verbose_name_plural = "预案措施"
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        # 0 hours would make the task overdue the moment the response starts; "no limit" is a blank.
        errors = {}
        if self.hours == 0:
            errors["hours"] = "完成时限应至少 1 小时；不限时请留空"
        if self.trigger == self.Trigger.RESPONSE and not self.level:
            errors["level"] = "事件响应措施须选择启动级别"
        if self.trigger == self.Trigger.WARNING:
            if not self.warning_event.strip():
                errors["warning_event"] = "预警响应措施须填写预警种类"
            if not self.warning_level:
                errors["warning_level"] = "预警响应措施须选择预警级别"
        # A response action may name no department (the command post does it); a warning task must reach someone.
        warning_department = self.trigger == self.Trigger.WARNING and self.assignee_kind == self.Assignee.DEPARTMENT
        if warning_department and not self.department_id:
            errors["department"] = "请选择责任部门"
        if self.assignee_kind == self.Assignee.TEAM and not self.team_id:
            errors["team"] = "请选择救援队伍"
        if errors:
            raise ValidationError(errors)
