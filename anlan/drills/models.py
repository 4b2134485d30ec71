"""Drills (应急演练): planned against a plan, recorded (timeline, photos, attendance), evaluated after GB/T
46792-2025 (observations, indicators, score, problems), problems followed up and turned into plan-revision
triggers. A tabletop drill may run in drill mode: its `exercise` is the sandbox every record it creates
carries (core.Exercise), and its injects are the facilitator's script.

Types follow AQ/T 9007-2019 (standards §13.4): by form 桌面/实战, by content 单项/综合, combinable; 双盲 is a
flag (the seeds: "重点推行“双盲”演练")."""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

# Drills are organised by the county, townships, departments (their own) and enterprises (theirs, reported to
# the county: 应急条例 Art. 8).
DRILL_WRITERS = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR, Role.ENTERPRISE_USER})
DRILL_SCOPE = ScopeSpec(region="region", enterprise="enterprise")
CHILD_SCOPE = ScopeSpec(region="drill__region", enterprise="drill__enterprise")


class Drill(AnlanModel):
    class Form(models.TextChoices):
        TABLETOP = "tabletop", "桌面演练"
        LIVE = "live", "实战演练"

    class Scope(models.TextChoices):
        SINGLE = "single", "单项演练"
        COMPREHENSIVE = "comprehensive", "综合演练"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        RUNNING = "running", "进行中"
        HELD = "held", "已实施"
        EVALUATED = "evaluated", "已评估"
        CANCELLED = "cancelled", "已取消"

    title = models.CharField("演练名称", max_length=200)
    plan = models.ForeignKey(
        "plans.Plan", verbose_name="演练预案", null=True, blank=True, on_delete=models.PROTECT, related_name="drills"
    )
    form = models.CharField("演练形式", max_length=10, choices=Form.choices)
    scope = models.CharField("演练内容", max_length=14, choices=Scope.choices)
    double_blind = models.BooleanField("双盲演练", default=False, help_text="不预先通知时间和情景")
    scenario = models.TextField("演练情景")
    region = models.ForeignKey("geo.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="组织部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="组织企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
    )
    departments = models.ManyToManyField(
        "registry.Department", verbose_name="参演单位", blank=True, related_name="drills_joined"
    )
    participant_units = models.TextField("其他参演单位", blank=True)
    planned_on = models.DateField("计划日期")
    held_on = models.DateField("实施日期", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    planned_headcount = models.PositiveIntegerField("计划参演人数", null=True, blank=True)
    attendance = models.PositiveIntegerField("实际参演人数", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    summary = models.TextField("演练总结", blank=True)
    # Drill mode: the users who take part (the only recipients of anything the sandbox sends) and the sandbox.
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="推演参与人员", blank=True, related_name="drills"
    )
    exercise = models.OneToOneField(
        "core.Exercise", verbose_name="演练沙箱", null=True, blank=True, on_delete=models.PROTECT, related_name="drill"
    )

    scope_spec = DRILL_SCOPE
    write_roles = DRILL_WRITERS

    class Meta:
        verbose_name = "应急演练"
        verbose_name_plural = "应急演练"
        ordering = ["-planned_on", "-id"]

    def __str__(self):
        return self.title


class DrillLogEntry(models.Model):
    """The drill's record: what happened when (a timeline), with a photo where one was taken."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="log", verbose_name="演练")
    at = models.DateTimeField("时间")
    text = models.CharField("内容", max_length=500)
    photo = models.FileField("照片", upload_to="drills/%Y/%m/", blank=True)
    photo_name = models.CharField("照片文件名", max_length=200, blank=True)
    actor_name = models.CharField("记录人", max_length=150)

    objects = ScopedManager()

    scope_spec = CHILD_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "演练记录"
        verbose_name_plural = "演练记录"
        ordering = ["drill", "at", "id"]

    def __str__(self):
        return self.text[:40]


class DrillEvaluation(models.Model):
    """The evaluation form (GB/T 46792-2025: observe, record, analyse, conclude, report): observation records,
    indicator scores and the overall score and conclusion."""

    class Conclusion(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    drill = models.OneToOneField(Drill, on_delete=models.CASCADE, related_name="evaluation", verbose_name="演练")
    evaluated_on = models.DateField("评估日期")
    evaluators = models.CharField("评估人员", max_length=300)
    # [{"at": "HH:MM", "observer": "…", "text": "…"}, …]
    observations = models.JSONField("观察记录", default=list, blank=True)
    # [{"key": "…", "name": "…", "weight": n, "score": n}, …] — indicator set by drill form (annexes A/B).
    indicators = models.JSONField("评估指标", default=list, blank=True)
    score = models.DecimalField("总分", max_digits=5, decimal_places=1, null=True, blank=True)
    conclusion = models.CharField("评估结论", max_length=10, choices=Conclusion.choices, blank=True)
    report = models.TextField("评估报告", blank=True)
    recorded_by = models.CharField("填表人", max_length=150)

    objects = ScopedManager()

    scope_spec = CHILD_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "演练评估"
        verbose_name_plural = "演练评估"

    def __str__(self):
        return f"{self.drill} 评估"


class DrillProblem(models.Model):
    """A problem the drill revealed (AQ/T 9009-2015 4.1: plans, organisation, personnel, mechanism, support),
    followed up by a responsible unit by a date; a problem with the plan becomes a revision trigger."""

    class Category(models.TextChoices):
        PLAN = "plan", "预案"
        ORGANISATION = "organisation", "组织指挥"
        PERSONNEL = "personnel", "人员能力"
        MECHANISM = "mechanism", "运行机制"
        SUPPORT = "support", "保障条件"

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        DONE = "done", "已整改"

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="problems", verbose_name="演练")
    category = models.CharField("问题类别", max_length=14, choices=Category.choices)
    description = models.TextField("问题描述")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("整改期限", null=True, blank=True)
    status = models.CharField("状态", max_length=6, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("整改情况", max_length=300, blank=True)
    revision_trigger = models.ForeignKey(
        "plans.RevisionTrigger",
        verbose_name="预案修订情形",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    scope_spec = CHILD_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "演练发现问题"
        verbose_name_plural = "演练发现问题"
        ordering = ["drill", "status", "due_on", "id"]

    def __str__(self):
        return self.description[:40]


class DrillInject(models.Model):
    """One step of the facilitator's script in drill mode: at `offset_minutes` after the clock starts, create
    an alarm, a warning, an incident or a message inside the sandbox (payload as the kind's service takes)."""

    class Kind(models.TextChoices):
        ALARM = "alarm", "监测报警"
        WARNING = "warning", "发布预警"
        INCIDENT = "incident", "事件接报"
        MESSAGE = "message", "情况通报"

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="injects", verbose_name="演练")
    offset_minutes = models.PositiveIntegerField("推演时刻（分钟）")
    kind = models.CharField("注入类别", max_length=10, choices=Kind.choices)
    title = models.CharField("说明", max_length=200)
    payload = models.JSONField("内容", default=dict, blank=True)
    fired_at = models.DateTimeField("注入时间", null=True, blank=True)
    result = models.CharField("结果", max_length=300, blank=True)

    objects = ScopedManager()

    scope_spec = CHILD_SCOPE
    write_roles = NOBODY

    class Meta:
        verbose_name = "推演注入"
        verbose_name_plural = "推演注入"
        ordering = ["drill", "offset_minutes", "id"]

    def __str__(self):
        return self.title
